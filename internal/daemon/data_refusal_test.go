package daemon

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/store"
)

// waitFor polls cond until it holds, failing after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestConfirmationRefusedAfterData: the mail server reads the confirmation and then refuses
// it at the end of DATA. A 5xx: the confirmation failed, the case is not confirmed, the
// timeline says so and staff are told. A 4xx: the confirmation stays queued, the case is not
// confirmed, and the retry confirms it.
func TestConfirmationRefusedAfterData(t *testing.T) {
	for _, tt := range []struct {
		code      int
		permanent bool
	}{{554, true}, {451, false}} {
		t.Run(map[bool]string{true: "5xx", false: "4xx"}[tt.permanent], func(t *testing.T) {
			sink := mailtest.StartSMTPSink(t)
			e := newCaseEnv(t, func(c *config.Config) { c.SMTP.Port = sink.Port() }, nil)
			sink.FailNextData(1, tt.code, "message refused after data")
			e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "data-1@example.nl", e.clock.Now(), "Mijn klacht over de training.\n"))
			const id = "KL-2026-0001"
			ctx, cancel := context.WithCancel(context.Background())
			s := outbox.New(SenderConfig(e.cfg), queueAdapter{e.d}, e.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })

			row := func() *store.OutMail {
				for _, status := range []string{"queued", "sent", "failed"} {
					list, _ := e.st.Outbox(ctx, status)
					for _, m := range list {
						if m.Template == "bevestiging" {
							return m
						}
					}
				}
				return nil
			}
			// The outcome of the first attempt is recorded: failed, or queued again with the reason.
			waitFor(t, "the outcome of the confirmation's first attempt", func() bool {
				r := row()
				return r != nil && (r.Status == "failed" || r.Status == "sent" || r.LastError != "")
			})
			if c := e.caseOf(id); !c.ConfirmedAt.IsZero() || c.Status != complaint.StatusNieuw {
				t.Errorf("after %d at the end of DATA: case %s confirmed at %s", tt.code, c.Status, c.ConfirmedAt)
			}
			if tt.permanent {
				if r := row(); r.Status != "failed" || !strings.Contains(r.LastError, "message refused after data") {
					t.Errorf("confirmation row %s (%q), want failed with the server's reply", r.Status, r.LastError)
				}
				waitFor(t, "staff told", func() bool {
					for _, m := range sink.Messages() {
						if strings.Contains(string(m.Raw), staffAddr) && strings.Contains(string(m.Raw), "mislukt") {
							return true
						}
					}
					return false
				})
				if !hasEvent(timeline(t, e.st, id), "send-failed") {
					t.Errorf("no send-failed on the timeline")
				}
				return
			}
			if r := row(); r.Status != "queued" {
				t.Fatalf("confirmation row %s after a %d, want queued", r.Status, tt.code)
			}
			e.advance(time.Minute)
			s.Wake()
			waitFor(t, "the retry", func() bool { return row().Status == "sent" })
			if c := e.caseOf(id); c.ConfirmedAt.IsZero() {
				t.Errorf("the retry was accepted and the case is still not confirmed")
			}
		})
	}
}
