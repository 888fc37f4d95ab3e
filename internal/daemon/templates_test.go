package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// newLazyDaemon builds a daemon whose templates load when Run starts, through load; its log
// goes to logs.
func newLazyDaemon(t *testing.T, addr, user, pass string, sinkPort int, logs io.Writer, load func() (*render.Renderer, error)) (*Daemon, *store.Store) {
	t.Helper()
	cfg := testConfig(t, addr, user, pass, sinkPort)
	st, err := store.Open(context.Background(), cfg.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d, err := New(Options{Config: cfg, Store: st, Templates: load, Clock: mailtest.NewRunningClock(time.Now()),
		Log: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return d, st
}

// TestTemplatesLoadBesideIntake: with Options.Templates the intake logs in and fetches the
// waiting complaint while the templates are still loading; the complaint is registered and
// confirmed once they are there.
func TestTemplatesLoadBesideIntake(t *testing.T) {
	addr, user, pass := mailtest.StartMemIMAP(t)
	sink := mailtest.StartSMTPSink(t)
	mailtest.AppendTo(t, mailtest.Dial(t, addr, user, pass), "INBOX",
		rawMail("Anna <anna@example.nl>", orgAddr, "Klacht", "lazy-1@example.nl", time.Now(), "Ik heb een klacht over de training.\n"))
	release := make(chan struct{})
	d, st := newLazyDaemon(t, addr, user, pass, sink.Port(), io.Discard, func() (*render.Renderer, error) {
		<-release
		r, err := render.New(klachtd.Templates, "")
		if err == nil {
			err = r.Check()
		}
		return r, err
	})
	runDaemon(t, d)
	deadline := time.Now().Add(10 * time.Second)
	for d.intake.Stats().Fetched == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the intake fetched nothing while the templates loaded")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if rows, err := st.Outbox(context.Background(), ""); err != nil || len(rows) != 0 {
		t.Fatalf("outbox %d rows (%v) before the templates loaded, want none", len(rows), err)
	}
	close(release)
	if got := sink.WaitFor(t, 2, 10*time.Second); len(got) < 2 {
		t.Fatalf("%d mails sent once the templates loaded, want the confirmation and the staff notice", len(got))
	}
	if cs, err := st.Cases(context.Background(), ""); err != nil || len(cs) != 1 {
		t.Errorf("%d cases (%v), want 1", len(cs), err)
	}
}

// TestTemplatesFailStopRun: templates that do not load stop Run with their error; the complaint
// whose handler waited for them is neither registered nor quarantined, and is not taken for a
// mail that cannot be processed (the run stops first).
func TestTemplatesFailStopRun(t *testing.T) {
	addr, user, pass := mailtest.StartMemIMAP(t)
	mailtest.AppendTo(t, mailtest.Dial(t, addr, user, pass), "INBOX",
		rawMail("Anna <anna@example.nl>", orgAddr, "Klacht", "lazy-2@example.nl", time.Now(), "Ik heb een klacht over de training.\n"))
	broken := errors.New("templates.dir: parse bevestiging: unexpected EOF")
	fetched := make(chan struct{})
	var logs lockedBuffer
	d, st := newLazyDaemon(t, addr, user, pass, 2, &logs, func() (*render.Renderer, error) {
		<-fetched
		time.Sleep(50 * time.Millisecond) // the handler is waiting to render by then
		return nil, broken
	})
	done := make(chan error, 1)
	go func() { done <- d.Run(context.Background()) }()
	deadline := time.Now().Add(10 * time.Second)
	for d.intake.Stats().Fetched == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(fetched)
	select {
	case err := <-done:
		if !errors.Is(err, broken) {
			t.Errorf("Run = %v, want the templates' error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop after the templates failed")
	}
	cs, _ := st.Cases(context.Background(), "")
	q, _ := st.Quarantined(context.Background())
	if len(cs) != 0 || len(q) != 0 {
		t.Errorf("%d cases and %d quarantined, want none: nothing is recorded for templates that failed", len(cs), len(q))
	}
	if strings.Contains(logs.String(), "quarantined") {
		t.Errorf("the complaint was taken for a mail that cannot be processed:\n%s", logs.String())
	}
}
