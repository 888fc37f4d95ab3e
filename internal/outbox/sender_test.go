package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// countIDs counts the received messages per Message-ID header.
func countIDs(t *testing.T, msgs []mailtest.Received) map[string]int {
	t.Helper()
	n := make(map[string]int)
	for _, m := range msgs {
		p := parseComposed(t, m.Raw)
		n[p.header.Get("Message-ID")]++
	}
	return n
}

func TestSenderDeliversOnce(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	q := newMemQueue(t0, testRow(1), testRow(2), testRow(3))
	s, clock := newTestSender(t, sinkConfig(sink), q, t0)

	if wait := s.drain(t.Context()); wait != 0 {
		t.Fatalf("drain paused %s, want 0", wait)
	}
	s.drain(t.Context()) // nothing due any more: must not resend
	msgs := sink.Messages()
	want := map[string]int{
		"<kl-2027-0007.bevestiging.1@intervisie-begeleiding.nl>": 1,
		"<kl-2027-0007.bevestiging.2@intervisie-begeleiding.nl>": 1,
		"<kl-2027-0007.bevestiging.3@intervisie-begeleiding.nl>": 1,
	}
	if diff := cmp.Diff(want, countIDs(t, msgs)); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	for _, m := range msgs {
		if m.From != "info@intervisie-begeleiding.nl" {
			t.Errorf("envelope from %q", m.From)
		}
		if diff := cmp.Diff([]string{"joelle@example.nl", "info@ivak.nl"}, m.To); diff != "" {
			t.Errorf("envelope to (-want +got):\n%s", diff)
		}
		if bytes.Contains(m.Raw, []byte("\nBcc:")) {
			t.Errorf("Bcc header in mail")
		}
	}
	for id := int64(1); id <= 3; id++ {
		if got := q.get(id); got.state != "sent" || !got.at.Equal(clock.Now()) {
			t.Errorf("row %d: state %q at %v, want sent at %v", id, got.state, got.at, clock.Now())
		}
	}
}

func TestSenderOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(*mailtest.SMTPSink, *Row)
		wantState   string
		wantReason  []string // substrings of the recorded reason
		wantRetry   time.Duration
		wantDeliver int
	}{
		{
			name:      "451 is retried",
			setup:     func(s *mailtest.SMTPSink, _ *Row) { s.FailNext(1, 451, "greylisted, try again later") },
			wantState: "queued", wantReason: []string{"451", "greylisted"}, wantRetry: 30 * time.Second,
		},
		{
			name:      "421 is retried",
			setup:     func(s *mailtest.SMTPSink, _ *Row) { s.FailNext(1, 421, "too busy") },
			wantState: "queued", wantReason: []string{"421"}, wantRetry: 30 * time.Second,
		},
		{
			name:      "fourth attempt waits 4 minutes",
			setup:     func(s *mailtest.SMTPSink, r *Row) { s.FailNext(1, 451, "later"); r.Attempts = 3 },
			wantState: "queued", wantReason: []string{"451"}, wantRetry: 4 * time.Minute,
		},
		{
			name:       "550 fails with the server's reply",
			setup:      func(s *mailtest.SMTPSink, _ *Row) { s.FailNext(1, 550, "5.1.1 no such user here") },
			wantState:  "failed",
			wantReason: []string{"550", "5.1.1 no such user here", "joelle@example.nl"},
		},
		{
			name:       "one recipient refused: nobody gets it",
			setup:      func(s *mailtest.SMTPSink, _ *Row) { s.Reject("info@ivak.nl", 550, "mailbox unavailable") },
			wantState:  "failed",
			wantReason: []string{"<info@ivak.nl>: 550", "mailbox unavailable"},
		},
		{
			name: "one permanent and one temporary refusal: permanent",
			setup: func(s *mailtest.SMTPSink, _ *Row) {
				s.Reject("joelle@example.nl", 550, "unknown")
				s.Reject("info@ivak.nl", 451, "later")
			},
			wantState:  "failed",
			wantReason: []string{"<joelle@example.nl>: 550", "<info@ivak.nl>: 451"},
		},
		{
			name: "retry_for passed",
			setup: func(s *mailtest.SMTPSink, r *Row) {
				s.FailNext(1, 451, "later")
				r.Date = t0.Add(-49 * time.Hour)
			},
			wantState: "failed", wantReason: []string{"not delivered within 48h0m0s after 1 attempts", "451"},
		},
		{
			name:       "header injection: permanent, nothing sent",
			setup:      func(_ *mailtest.SMTPSink, r *Row) { r.Subject += "\r\nBcc: evil@x" },
			wantState:  "failed",
			wantReason: []string{"invalid outgoing mail row", "subject"},
		},
		{
			name:        "accepted",
			setup:       func(*mailtest.SMTPSink, *Row) {},
			wantState:   "sent",
			wantDeliver: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := mailtest.StartSMTPSink(t)
			r := testRow(1)
			tt.setup(sink, &r)
			q := newMemQueue(t0, r)
			s, _ := newTestSender(t, sinkConfig(sink), q, t0)
			var logs bytes.Buffer
			s.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
			s.drain(t.Context())

			for _, secret := range []string{"joelle@example.nl", "info@ivak.nl", "intervisie-begeleiding.nl", "Ontvangstbevestiging", "evil"} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("log shows %q:\n%s", secret, logs.String())
				}
			}
			if !strings.Contains(logs.String(), "case_id=KL-2027-0007 row_id=1 template=bevestiging attempt=") {
				t.Errorf("log lacks case_id, row_id, template, attempt:\n%s", logs.String())
			}
			got := q.get(1)
			if got.state != tt.wantState {
				t.Fatalf("state %q (reasons %q), want %q", got.state, got.reasons, tt.wantState)
			}
			reason := strings.Join(got.reasons, "\n")
			for _, w := range tt.wantReason {
				if !strings.Contains(reason, w) {
					t.Errorf("reason %q lacks %q", reason, w)
				}
			}
			if tt.wantRetry != 0 {
				if diff := cmp.Diff([]time.Time{t0.Add(tt.wantRetry)}, got.retries); diff != "" {
					t.Errorf("retries (-want +got):\n%s", diff)
				}
			}
			if n := len(sink.Messages()); n != tt.wantDeliver {
				t.Errorf("sink holds %d messages, want %d", n, tt.wantDeliver)
			}
		})
	}
}

func TestSenderOutage(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	sink.Stop()
	q := newMemQueue(t0, testRow(1), testRow(2))
	s, clock := newTestSender(t, sinkConfig(sink), q, t0)

	// Down: every attempt is deferred, each time twice as long.
	for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
		s.drain(t.Context())
		for id := int64(1); id <= 2; id++ {
			got := q.get(id)
			if got.state != "queued" || len(got.retries) != i+1 {
				t.Fatalf("after attempt %d row %d: state %q with %d retries", i+1, id, got.state, len(got.retries))
			}
			if want := clock.Now().Add(wait); !got.retries[i].Equal(want) {
				t.Errorf("attempt %d row %d: next %v, want %v", i+1, id, got.retries[i], want)
			}
		}
		if row, _ := q.Claim(t.Context(), clock.Now(), time.Hour); row != nil {
			t.Fatalf("row %d claimable right after a failed attempt", row.ID)
		}
		clock.Advance(wait)
	}

	sink.Start(t)
	s.drain(t.Context())
	s.drain(t.Context())
	clock.Advance(time.Hour)
	s.drain(t.Context())
	want := map[string]int{
		"<kl-2027-0007.bevestiging.1@intervisie-begeleiding.nl>": 1,
		"<kl-2027-0007.bevestiging.2@intervisie-begeleiding.nl>": 1,
	}
	if diff := cmp.Diff(want, countIDs(t, sink.Messages())); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	for id := int64(1); id <= 2; id++ {
		if got := q.get(id); got.state != "sent" {
			t.Errorf("row %d: state %q, want sent", id, got.state)
		}
	}
}

// A shutdown while the server holds DATA past the send timeout records nothing; the claim's
// lease keeps the row back until now+lease, never an immediate resend.
func TestShutdownCutsOffAHeldSend(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	release := sink.Hold()
	defer release()
	q := newMemQueue(t0, testRow(1))
	cfg := sinkConfig(sink)
	cfg.Timeout = time.Second
	s, _ := newTestSender(t, cfg, q, t0)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); s.drain(ctx) }()
	sink.WaitHeld(t, 1, 5*time.Second)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("drain did not stop within the send timeout after cancel")
	}

	got := q.get(1)
	if got.state != "queued" || len(got.reasons) != 0 || !got.next.Equal(t0.Add(s.lease)) {
		t.Fatalf("after crash: state %q reasons %q next %v; want queued, none, %v",
			got.state, got.reasons, got.next, t0.Add(s.lease))
	}
	for _, at := range []time.Time{t0, t0.Add(s.lease - time.Second)} {
		if row, _ := q.Claim(t.Context(), at, s.lease); row != nil {
			t.Fatalf("row claimable at %v, before its lease ends", at)
		}
	}
	release()

	// A new sender after the lease sends it again: the one duplicate the package allows.
	s2, _ := newTestSender(t, sinkConfig(sink), q, t0.Add(s.lease))
	s2.drain(t.Context())
	if got := q.get(1); got.state != "sent" {
		t.Errorf("after lease: state %q, want sent", got.state)
	}
}

func TestRunWakeAndStop(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	q := newMemQueue(t0, testRow(1))
	s, _ := newTestSender(t, sinkConfig(sink), q, t0)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	sink.WaitFor(t, 1, 5*time.Second)
	q.add(testRow(2), t0) // a commit queued mail …
	s.Wake()              // … and nudged the sender, long before its one-minute poll
	sink.WaitFor(t, 2, 5*time.Second)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil on cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	tests := []Config{
		{Host: "smtp.example.nl", TLS: "none"},
		{Host: "", TLS: "implicit"},
		{Host: "smtp.example.nl", TLS: "ssl"},
		{Host: "smtp.example.nl", Auth: "cram-md5", Username: "u"},
	}
	for _, cfg := range tests {
		s := New(cfg, newMemQueue(t0), mailtest.NewClock(t0), nil)
		if err := s.Run(t.Context()); !errors.Is(err, ErrConfig) {
			t.Errorf("Run with %+v = %v, want ErrConfig", cfg, err)
		}
		if err := Check(t.Context(), cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("Check with %+v = %v, want ErrConfig", cfg, err)
		}
	}
}

func TestSenderAuthMechanisms(t *testing.T) {
	for _, auth := range []string{"plain", "login", ""} {
		t.Run(auth, func(t *testing.T) {
			sink := mailtest.StartSMTPSink(t)
			cfg := sinkConfig(sink)
			cfg.Auth = auth
			if err := Check(t.Context(), cfg); err != nil {
				t.Fatalf("Check: %v", err)
			}
			q := newMemQueue(t0, testRow(1))
			s, _ := newTestSender(t, cfg, q, t0)
			s.drain(t.Context())
			if got := q.get(1); got.state != "sent" || len(sink.Messages()) != 1 {
				t.Errorf("state %q (reasons %q), %d delivered; want sent, 1", got.state, got.reasons, len(sink.Messages()))
			}
		})
	}
}

// A shutdown while a send is under way lets it finish and records it: no duplicate after a
// restart (one is allowed only when the process dies), and nothing further is claimed.
func TestShutdownFinishesTheSendUnderWay(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	release := sink.Hold()
	q := newMemQueue(t0, testRow(1), testRow(2))
	s, _ := newTestSender(t, sinkConfig(sink), q, t0)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); s.drain(ctx) }()
	sink.WaitHeld(t, 1, 5*time.Second)
	cancel()
	release() // the server answers after the shutdown began
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("drain did not stop after cancel")
	}
	if got := q.get(1); got.state != "sent" {
		t.Errorf("the mail under way at shutdown: state %q, want sent", got.state)
	}
	if got := q.get(2); got.state != "queued" {
		t.Errorf("a mail not yet begun at shutdown: state %q, want queued (not claimed)", got.state)
	}
	if n := len(sink.Messages()); n != 1 {
		t.Errorf("the sink got %d mails, want 1", n)
	}
}

// The mails of one burst share one SMTP session; the next burst opens a new one (the kept
// session is closed when the queue is drained).
func TestBurstSharesOneSession(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	q := newMemQueue(t0, testRow(1), testRow(2), testRow(3))
	s, _ := newTestSender(t, sinkConfig(sink), q, t0)
	s.drain(t.Context())
	if n := len(sink.Messages()); n != 3 {
		t.Fatalf("the sink got %d mails, want 3", n)
	}
	if n := sink.Sessions(); n != 1 {
		t.Errorf("3 mails in one burst used %d sessions, want 1", n)
	}
	q2 := newMemQueue(t0, testRow(4))
	s2, _ := newTestSender(t, sinkConfig(sink), q2, t0)
	s2.drain(t.Context())
	if n := sink.Sessions(); n != 2 {
		t.Errorf("a second burst: %d sessions in all, want 2", n)
	}
}

// Within a burst a kept session is used without a NOOP first. When the server has closed it
// all the same, the mail goes out at once on a new session: not deferred, and not sent twice.
func TestBurstKeptSessionGone(t *testing.T) {
	for _, tc := range []struct {
		name string
		code int
	}{{"closed without a word", 0}, {"421 closing", 421}} {
		t.Run(tc.name, func(t *testing.T) {
			sink := mailtest.StartSMTPSink(t)
			sink.DropKept(tc.code)
			q := newMemQueue(t0, testRow(1), testRow(2), testRow(3))
			s, _ := newTestSender(t, sinkConfig(sink), q, t0)
			s.drain(t.Context())
			want := map[string]int{
				"<kl-2027-0007.bevestiging.1@intervisie-begeleiding.nl>": 1,
				"<kl-2027-0007.bevestiging.2@intervisie-begeleiding.nl>": 1,
				"<kl-2027-0007.bevestiging.3@intervisie-begeleiding.nl>": 1,
			}
			if diff := cmp.Diff(want, countIDs(t, sink.Messages())); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			for id := int64(1); id <= 3; id++ {
				if got := q.get(id); got.state != "sent" || len(got.retries) != 0 {
					t.Errorf("row %d: state %q after %d retries, want sent at once", id, got.state, len(got.retries))
				}
			}
			if n := sink.Sessions(); n != 3 {
				t.Errorf("%d sessions, want 3 (each kept one was gone)", n)
			}
		})
	}
}

// journalLog is a Journal that notes each call with the state of the row in the queue at that
// moment.
type journalLog struct {
	q      *memQueue
	last   int64
	events []string
}

func (j *journalLog) Accepted(r *Row, at time.Time) {
	j.last = r.ID
	j.events = append(j.events, fmt.Sprintf("accepted %d (%s) at %s", r.ID, j.q.get(r.ID).state, at.Format(time.TimeOnly)))
}

func (j *journalLog) Recorded() {
	j.events = append(j.events, fmt.Sprintf("recorded %d (%s)", j.last, j.q.get(j.last).state))
}

// sentFails is a queue whose records of a sent mail fail.
type sentFails struct{ *memQueue }

func (q sentFails) Sent(context.Context, int64, time.Time) error {
	return errors.New("database is locked")
}
func (q sentFails) SentClaim(context.Context, int64, time.Time, time.Time, time.Duration) (*Row, error) {
	return nil, errors.New("database is locked")
}

// TestSenderJournal: the journal hears of a mail the moment the server accepted it, while the
// row is still queued, and that it is recorded once it is; a mail the server refused is never
// named. A record that fails leaves the mail named, for the next start.
func TestSenderJournal(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	sink.FailNextData(1, 554, "rejected for policy reasons")
	q := newMemQueue(t0, testRow(1), testRow(2), testRow(3))
	s, _ := newTestSender(t, sinkConfig(sink), q, t0)
	j := &journalLog{q: q}
	s.SetJournal(j)
	s.drain(t.Context())
	want := []string{"accepted 2 (queued) at 09:30:00", "recorded 2 (sent)", "accepted 3 (queued) at 09:30:00", "recorded 3 (sent)"}
	if diff := cmp.Diff(want, j.events); diff != "" {
		t.Errorf("journal (-want +got):\n%s", diff)
	}
	if got := q.get(1).state; got != "failed" {
		t.Errorf("row 1 (refused) is %q, want failed", got)
	}

	q2 := newMemQueue(t0, testRow(4))
	s2, _ := newTestSender(t, sinkConfig(sink), sentFails{q2}, t0)
	j2 := &journalLog{q: q2}
	s2.SetJournal(j2)
	s2.drain(t.Context())
	if diff := cmp.Diff([]string{"accepted 4 (queued) at 09:30:00"}, j2.events); diff != "" {
		t.Errorf("journal after a failed record (-want +got):\n%s", diff)
	}
}
