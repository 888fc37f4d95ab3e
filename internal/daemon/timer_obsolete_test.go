package daemon

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestObsoleteTimersFireNothing: a timer that no longer applies when it fires (left by an
// earlier version or configuration: a confirm alarm on a confirmed case, reminders and an
// automatic extension on a case with a verdict) is consumed with its reason logged, and sends
// nothing: no alarm about a confirmation that went out, no reminder of a decided case, no
// extension notice after the verdict.
func TestObsoleteTimersFireNothing(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	var logs lockedBuffer
	e.d.log = slog.New(slog.NewTextHandler(&logs, nil))
	id, _ := e.complaint("Jan de Vries", janAddr, "obsolete-1@example.nl", "Mijn klacht over de training.\n")
	e.advance(time.Hour)
	e.staffCommand(id, "[gegrond]", "obsolete-s1@intervisie-begeleiding.nl", "Wij vinden uw klacht gegrond.\n")
	e.send()
	c := e.caseOf(id)
	if c.ConfirmedAt.IsZero() || c.Verdict != complaint.VerdictGegrond {
		t.Fatalf("case confirmed %s, verdict %q: the test needs a confirmed case with a verdict", c.ConfirmedAt, c.Verdict)
	}
	now := e.clock.Now()
	stale := []complaint.TimerKind{complaint.TimerConfirmAlarm, complaint.TimerRemindBeforeDue, complaint.TimerRemindDue, complaint.TimerAutoExtend}
	err := e.st.InTx(context.Background(), func(tx *store.Tx) error {
		for i, k := range stale {
			if err := tx.EnsureTimer(store.Timer{CaseID: id, Kind: string(k), At: now.Add(time.Duration(i+1) * time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Minute)
	if err := e.d.RunDue(context.Background(), e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if mails := e.send(); len(mails) != 0 {
		t.Errorf("stale timers sent %v", mailKeys(mails))
	}
	for _, tm := range caseTimers(t, e.st, id) {
		if tm.At.After(now) && !tm.At.After(e.clock.Now()) && tm.FiredAt.IsZero() {
			t.Errorf("stale %s timer at %s not consumed", tm.Kind, tm.At)
		}
	}
	if got := strings.Count(logs.String(), "timer no longer applies"); got != len(stale) {
		t.Errorf("%d timers logged as no longer applying, want %d:\n%s", got, len(stale), logs.String())
	}
	if after := e.caseOf(id); after.Extended || !after.DueAt.Equal(c.DueAt) {
		t.Errorf("the stale auto-extend timer extended the decided case: %+v", after)
	}
}
