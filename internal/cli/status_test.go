package cli

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

// setStatus writes the daemon's status row as a daemon would.
func setStatus(t *testing.T, cfg string, s store.DaemonStatus) {
	t.Helper()
	withDaemon(t, cfg, func(_ *kd.Daemon, st *store.Store) {
		if err := st.SetDaemonStatus(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
}

// TestStatus: status says whether the daemon runs (by its signs of life, its stop and its
// process), when it last polled, what waits, the next deadlines, and warns of what needs
// attention, exiting 1 then; it needs no secret.
func TestStatus(t *testing.T) {
	cfg := writeConfig(t, "")
	r := mustRun(t, 1, "status", "--config", cfg)
	if !strings.Contains(r.stdout, "has never run on this database") || !strings.Contains(r.stdout, "systemctl enable --now klachtd") {
		t.Errorf("a database no daemon ran on:\n%s", r.stdout)
	}
	host, _ := os.Hostname()
	now := time.Now()
	running := store.DaemonStatus{PID: os.Getpid(), Host: host, StartedAt: now.Add(-time.Hour), BeatAt: now.Add(-10 * time.Second),
		LastPoll: now.Add(-20 * time.Second), LastLogin: now.Add(-time.Hour)}
	setStatus(t, cfg, running)
	r = mustRun(t, 0, "status", "--config", cfg)
	for _, want := range []string{"daemon    running since 1 h ago (pid", "last poll 20 s ago", "nothing waiting", "no open cases", "no warnings"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("a running daemon: lacks %q:\n%s", want, r.stdout)
		}
	}

	// Cases: one past its decision term, one that was never confirmed.
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
		register(t, d, st, kd.Registration{Name: "Anna", Email: "anna@example.nl", Text: "klacht", ReceivedAt: now.AddDate(0, 0, -40)})
	})
	id := newCase(t, cfg, "--name", "Bert", "--email", "bert@example.nl", "--text", "klacht")
	setCase(t, cfg, id, func(c *complaint.Case) { c.ReceivedAt = now.Add(-30 * time.Hour) })
	r = mustRun(t, 1, "status", "--config", cfg)
	for _, want := range []string{"2 cases open", "next deadlines", "KL-2026-0001 is past its decision term",
		id + " was received on ", "and is not yet confirmed (promised within 48 h)", "mails waiting"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lacks %q:\n%s", want, r.stdout)
		}
	}

	// A mail that failed for good, one waiting for hours, and an alarm.
	withDaemon(t, cfg, func(_ *kd.Daemon, st *store.Store) {
		ctx := context.Background()
		m, err := st.Claim(ctx, time.Now(), time.Minute)
		if err != nil || m == nil {
			t.Fatalf("claim: %v", err)
		}
		if err := st.Failed(ctx, m.ID, now, "550 no such user", nil); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.RaiseAlarm("oauth2-refused", "the OAuth2 server refused the refresh token", now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
	r = mustRun(t, 1, "status", "--config", cfg)
	for _, want := range []string{"1 mail failed for good in the last 7 days (staff were told): klachtd show KL-2026-0001",
		"alarm since ", ": the OAuth2 server refused the refresh token", "in the last 7 days 0 sent, 1 failed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, tt := range []struct {
		edit func(*store.DaemonStatus)
		want string
	}{
		{func(s *store.DaemonStatus) { s.BeatAt = now.Add(-10 * time.Minute) }, "no sign of life since 10 min ago"},
		{func(s *store.DaemonStatus) { s.StoppedAt = now.Add(-2 * time.Minute) }, "the daemon is not running (it stopped 2 min ago)"},
		{func(s *store.DaemonStatus) { s.PID = 1 << 30 }, "process 1073741824 is gone"},
		{func(s *store.DaemonStatus) { s.LoginError = "AUTHENTICATIONFAILED" }, "the last IMAP login failed: AUTHENTICATIONFAILED"},
		{func(s *store.DaemonStatus) { s.LastPoll = now.Add(-20 * time.Minute) }, "the mailbox was not polled for 20 min ago"},
	} {
		s := running
		tt.edit(&s)
		setStatus(t, cfg, s)
		r := mustRun(t, 1, "status", "--config", cfg)
		if !strings.Contains(r.stdout, tt.want) {
			t.Errorf("lacks %q:\n%s", tt.want, r.stdout)
		}
	}
}
