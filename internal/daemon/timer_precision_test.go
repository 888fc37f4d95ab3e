package daemon

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/store"
)

// pendingTimers lists the unfired timers of every case, oldest first.
func pendingTimers(t testing.TB, st *store.Store) []store.Timer {
	t.Helper()
	var out []store.Timer
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.DueTimers(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var cases []store.Timer
	for _, tm := range out {
		if tm.CaseID != "" {
			cases = append(cases, tm)
		}
	}
	return cases
}

// scaledTerms sets the terms of the issue: handle_within 20s and remind_before 10s, the
// other leads scaled from them as config.Parse scales unnamed defaults (20s/28 is 714.28… ms).
func scaledTerms(handle, remind time.Duration) func(*config.Config) {
	return func(c *config.Config) {
		d := &c.Deadlines
		d.HandleWithin, d.RemindBefore = handle, remind
		d.AutoExtendBefore = min(d.AutoExtendBefore, handle/28)
		d.AutoExtendBy = handle
		d.ConfirmAlarm = min(d.ConfirmAlarm, d.ConfirmWithin/2)
	}
}

// TestTimerLeadNotWholeMilliseconds is the case of issue 8 §1: the automatic extension lead is
// 20s/28, not a whole number of milliseconds, and the timer is stored to the millisecond. Fired
// at exactly its stored moment (and a fraction of a millisecond after it), the extension must
// happen: the complainant gets the verlenging, staff the auto-extended alert, the case is
// extended and its due date moves on.
func TestTimerLeadNotWholeMilliseconds(t *testing.T) {
	for _, jitter := range []time.Duration{0, 300 * time.Microsecond, 999 * time.Microsecond} {
		t.Run(jitter.String(), func(t *testing.T) {
			e := newCaseEnv(t, scaledTerms(20*time.Second, 10*time.Second), nil)
			id, _ := e.complaint("Jan de Vries", "jan@example.nl", "prec-1@example.nl", "Mijn klacht over de training.\n")
			due := e.caseOf(id).DueAt
			var got []string
			for _, tm := range pendingTimers(t, e.st) {
				if tm.At.After(due) {
					break // only the timers of the first term
				}
				now := tm.At.Add(jitter)
				e.clock.Set(now)
				if err := e.d.RunDue(context.Background(), now); err != nil {
					t.Fatal(err)
				}
				got = append(got, mailKeys(e.send())...)
			}
			slices.Sort(got)
			want := "herinnering:auto-extended herinnering:remind-before-due verlenging"
			if strings.Join(got, " ") != want {
				t.Errorf("mails of the first term: %v, want %s", got, want)
			}
			c := e.caseOf(id)
			if !c.Extended || !c.DueAt.Equal(due.Add(20*time.Second)) {
				t.Errorf("after the first term: extended %v, due %s, want extended and due %s", c.Extended, c.DueAt, due.Add(20*time.Second))
			}
		})
	}
}
