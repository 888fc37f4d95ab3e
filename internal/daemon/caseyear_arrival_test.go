package daemon

import (
	"context"
	"testing"
	"time"
)

// TestCaseNumberYearOfArrival: a complaint that reached the mailbox at 23:50 on 31 December
// (Amsterdam) and is read after New Year (klachtd was down) is a complaint of the old year:
// its number is KL-2026-…, as its received date and the half-yearly analysis have it; the
// next one, arriving in the new year, starts the new year's sequence.
func TestCaseNumberYearOfArrival(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	arrived := time.Date(2026, 12, 31, 22, 50, 0, 0, time.UTC) // 23:50 in Amsterdam
	e.clock.Set(time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC))
	e.feedAt(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "year-arrival-1@example.nl", arrived, "Mijn klacht.\n"), arrived)
	e.feedAt(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Nog een klacht", "year-arrival-2@example.nl", e.clock.Now(), "Mijn tweede klacht.\n"), e.clock.Now())
	cases, err := e.st.Cases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]time.Time{}
	for _, c := range cases {
		got[c.ID] = c.ReceivedAt
	}
	old, ok := got["KL-2026-0001"]
	if !ok || !old.Equal(arrived) {
		t.Errorf("cases %v: want KL-2026-0001 received at %s (its arrival)", got, arrived)
	}
	if _, ok := got["KL-2027-0001"]; !ok {
		t.Errorf("cases %v: want KL-2027-0001 for the complaint of the new year", got)
	}
}
