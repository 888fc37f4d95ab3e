package daemon

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// An intake that cannot log in raises the alarm after LoginAlarmAfter: one staff mail, an
// error log line and the systemd status line, and no second mail after a restart.
func TestIMAPLoginAlarm(t *testing.T) {
	cfg := testConfig(t, "", "", "", 0) // IMAP on 127.0.0.1:1: nobody listens
	st, err := store.Open(context.Background(), cfg.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rnd, err := render.New(klachtd.Templates, "")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var states []string
	status := func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		for _, s := range states {
			if strings.HasPrefix(s, prefix) {
				return s
			}
		}
		return ""
	}
	start := func() (*Daemon, context.CancelFunc, chan error) {
		d, err := New(Options{Config: cfg, Store: st, Renderer: rnd, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			ConfigPath: "/etc/klachtd/config.toml", LoginAlarmAfter: time.Millisecond,
			Notify: func(s string) { mu.Lock(); states = append(states, s); mu.Unlock() }})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		return d, cancel, done
	}
	d, cancel, done := start()
	deadline := time.Now().Add(30 * time.Second)
	for status("STATUS=ALARM") == "" {
		if time.Now().After(deadline) {
			t.Fatal("no alarm on the status line within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("daemon: %v", err)
	}
	if s := status("STATUS=ALARM"); !strings.Contains(s, "klachtd has not logged in to 127.0.0.1") || !strings.Contains(s, "klachtd check --config /etc/klachtd/config.toml") {
		t.Errorf("status line %q does not say what happened and what to run", s)
	}
	alarm := onlyOne(t, withTemplate(sendAll(t, d, time.Now().Add(24*time.Hour)), alarmTemplate), alarmTemplate)
	if !strings.Contains(alarm.Subject, "al een uur niet inloggen") || !strings.Contains(alarm.Text, "klachtd check --config /etc/klachtd/config.toml") {
		t.Errorf("alarm mail %q:\n%s", alarm.Subject, alarm.Text)
	}
	if holds, _ := st.AlarmHolds(context.Background(), AlarmIMAPLogin); !holds {
		t.Error("the alarm is not recorded")
	}

	// A restart while it still holds: no second mail.
	d, cancel, done = start()
	mu.Lock()
	states = nil
	mu.Unlock()
	for status("STATUS=ALARM") == "" {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatal("no alarm on the status line after the restart")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	if again := withTemplate(sendAll(t, d, time.Now().Add(24*time.Hour)), alarmTemplate); len(again) != 0 {
		t.Errorf("%d alarm mails after the restart, want none", len(again))
	}
}
