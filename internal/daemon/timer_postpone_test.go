package daemon

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/store"
)

// staffCommand feeds a staff command on the case at the env's clock and fails on a refusal
// (without delivering anything: the outbox is left as it is).
func (e *caseEnv) staffCommand(id, subject, msgID, body string) {
	e.t.Helper()
	e.feed.feed(e.t, staffMail(id, subject, msgID, e.clock.Now(), body))
	q, err := e.st.Outbox(context.Background(), "queued")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range q {
		if m.Template == "commando-fout" {
			e.t.Fatalf("%s refused:\n%s", subject, m.Text)
		}
	}
}

// TestDeclinedAutoExtendIsPostponed: a timer whose action cannot happen yet is not consumed.
// The auto-extend timer was stored under a longer lead (the configuration was changed and the
// daemon restarted); when it fires, the extension is not due yet under the new lead. It must
// come at the new moment, not be lost.
func TestDeclinedAutoExtendIsPostponed(t *testing.T) {
	e := newCaseEnv(t, func(c *config.Config) {
		c.Deadlines.HandleWithin, c.Deadlines.RemindBefore = 10*time.Minute, time.Minute
		c.Deadlines.AutoExtendBy, c.Deadlines.AutoExtendBefore = 10*time.Minute, 2*time.Minute
	}, nil)
	id, _ := e.complaint("Jan de Vries", janAddr, "postpone-1@example.nl", "Mijn klacht over de training.\n")
	due := e.caseOf(id).DueAt
	e.st.Close()

	cfg := *e.cfg
	cfg.Deadlines.AutoExtendBefore = 30 * time.Second
	d, st := newTestDaemon(t, &cfg, e.clock, nil)
	ctx := context.Background()
	run := func(at time.Time) []*outMsg {
		t.Helper()
		e.clock.Set(at)
		if err := d.RunDue(ctx, at); err != nil {
			t.Fatal(err)
		}
		return sendAll(t, d, at)
	}
	if got := withTemplate(run(due.Add(-2*time.Minute)), "verlenging"); len(got) != 0 {
		t.Fatalf("automatic extension at the old lead, before its moment under the new one")
	}
	var pending *store.TimerRow
	for _, tm := range caseTimers(t, st, id) {
		if tm.Kind == string(complaint.TimerAutoExtend) {
			pending = &tm
		}
	}
	if pending == nil || !pending.FiredAt.IsZero() || !pending.DueAt.Equal(due.Add(-30*time.Second)) {
		t.Fatalf("auto-extend timer after the early run: %+v, want pending and due at %s", pending, due.Add(-30*time.Second))
	}
	mails := run(due.Add(-30 * time.Second))
	onlyOne(t, mails, "verlenging")
	if c, _, err := st.Case(ctx, id); err != nil || !c.Extended || !c.DueAt.Equal(due.Add(10*time.Minute)) {
		t.Errorf("after the postponed extension: %+v (err %v), want extended to %s", c, err, due.Add(10*time.Minute))
	}
}

// TestRetentionWaitSurvivesCaseChanges: a closed case at its retention limit with mail still
// queued (a mail server outage) waits a day; a change to the case in that day (an internal
// note, which reconciles the case's timers) must not drop the wait, and the case is purged
// once its mail is out.
func TestRetentionWaitSurvivesCaseChanges(t *testing.T) {
	e := newCaseEnv(t, func(c *config.Config) {
		c.Deadlines.HandleWithin, c.Deadlines.RemindBefore = time.Hour, 10*time.Minute
		c.Deadlines.AutoExtendBy, c.Deadlines.AutoExtendBefore = time.Hour, time.Minute
		c.Retention.Keep = 3 * time.Hour
	}, nil)
	id, _ := e.complaint("Jan de Vries", janAddr, "retention-wait@example.nl", "Mijn klacht over de training.\n")
	limit := e.caseOf(id).ReceivedAt.Add(3 * time.Hour)
	e.advance(time.Minute)
	e.staffCommand(id, "[ongegrond] [afgehandeld]", "rw-1@intervisie-begeleiding.nl", "Wij vinden uw klacht ongegrond.\n")
	// The mail server is down: the outcome and the closing mail stay queued.
	ctx := context.Background()
	e.clock.Set(limit)
	if err := e.d.RunDue(ctx, limit); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Case(ctx, id); err != nil {
		t.Fatalf("case purged with its mail still queued: %v", err)
	}
	e.advance(time.Hour)
	e.staffCommand(id, "[intern]", "rw-2@intervisie-begeleiding.nl", "Dossier nagekeken.\n")
	for _, tm := range caseTimers(t, e.st, id) {
		if tm.Kind == string(complaint.TimerRetention) && (!tm.FiredAt.IsZero() || !tm.DueAt.Equal(limit.Add(complaint.PurgeGrace))) {
			t.Errorf("retention timer after the note: %+v, want pending and due at %s", tm, limit.Add(complaint.PurgeGrace))
		}
	}
	e.send() // the mail server is back
	for _, at := range []time.Time{limit.Add(complaint.PurgeGrace - time.Second), limit.Add(complaint.PurgeGrace)} {
		e.clock.Set(at)
		if err := e.d.RunDue(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.st.Case(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("case %s not purged a day after its retention limit, once its mail was out (err %v)", id, err)
	}
}
