package daemon

import (
	"testing"
	"time"
)

// TestFutureArrivalStartsNow: a mail server whose clock runs ahead gives an arrival in the
// future. The terms then start when klachtd registers the mail, never later: a received_at
// in the future would promise a decision later than the procedure allows and would hold the
// confirmation alarm back.
func TestFutureArrivalStartsNow(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	now := e.clock.Now()
	e.feedAt(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "future@example.nl", now,
		"Mijn klacht over de training.\n"), now.Add(48*time.Hour))
	c := e.caseOf("KL-2026-0001")
	if !c.ReceivedAt.Equal(now) || !c.DueAt.Equal(now.Add(e.cfg.Deadlines.HandleWithin)) {
		t.Errorf("arrival two days ahead: received %s, due %s; want received %s (registration), due %s",
			c.ReceivedAt, c.DueAt, now, now.Add(e.cfg.Deadlines.HandleWithin))
	}
}
