package daemon

import (
	"strings"
	"testing"
	"time"
)

// TestStaffErrorReplyDates: a refused [verlenging] names the current due date as every mail
// writes dates, in Dutch and Amsterdam time ("24 december 2026 om 10:00"), not as a UTC
// timestamp ("2026-12-24 09:00 UTC").
func TestStaffErrorReplyDates(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, _ := e.complaint("Jan de Vries", janAddr, "dates-1@example.nl", "Mijn klacht over de training.\n")
	if due := e.caseOf(id).DueAt; !due.Equal(time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("due %s: the test expects 24 December 09:00 UTC", due)
	}
	e.advance(time.Hour)
	e.feed.feed(t, staffMail(id, "[verlenging 2026-12-20]", "dates-s1@intervisie-begeleiding.nl", e.clock.Now(), "Meer tijd nodig.\n"))
	fail := onlyOne(t, e.send(), "commando-fout")
	for _, want := range []string{"de nieuwe termijn ligt niet na de huidige termijn (24 december 2026 om 10:00)"} {
		if !strings.Contains(fail.Text, want) {
			t.Errorf("commando-fout lacks %q:\n%s", want, fail.Text)
		}
	}
	for _, bad := range []string{"UTC", "2026-12-24", "09:00"} {
		if strings.Contains(fail.Text, bad) || strings.Contains(fail.HTML, bad) {
			t.Errorf("commando-fout writes %q:\n%s", bad, fail.Text)
		}
	}
}
