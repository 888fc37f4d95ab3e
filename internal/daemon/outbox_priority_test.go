package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// In a backlog the complainants' confirmations go out before the staff notices that were
// queued with them: the sender takes every due confirmation first, in the order of the cases.
func TestConfirmationsBeforeNoticesInABacklog(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	for i := range 3 {
		e.feedAt(rawMail(fmt.Sprintf("Klant %d <klant-%d@example.nl>", i, i), orgAddr, "Klacht over de training",
			fmt.Sprintf("prio-%d@example.nl", i), e.clock.Now(), "Ik wil een klacht indienen over de training.\n"), e.clock.Now())
		e.clock.Advance(time.Second)
	}
	var got []string
	for {
		r, err := (queueAdapter{e.d}).Claim(context.Background(), e.clock.Now(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		got = append(got, r.CaseID+" "+r.Template)
	}
	want := "KL-2026-0001 bevestiging|KL-2026-0002 bevestiging|KL-2026-0003 bevestiging|" +
		"KL-2026-0001 melding-nieuw|KL-2026-0002 melding-nieuw|KL-2026-0003 melding-nieuw"
	if strings.Join(got, "|") != want {
		t.Errorf("claimed in the order\n%s\nwant\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
}
