package daemon

import (
	"context"
	"testing"

	"github.com/groeimeesters/klachtd/internal/intake"
)

// TestRedeliveredComplaintIsOneCase: the same complaint, byte for byte, seen again under a
// new UID (copied back into the inbox, or delivered twice) and under a new UIDVALIDITY (the
// mailbox rebuilt) is recognised by its bytes: no second case, no second confirmation, no
// second staff notice, and the same disposition as the first time.
func TestRedeliveredComplaintIsOneCase(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	raw := rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de training", "dedupe-1@example.nl", e.clock.Now(),
		"Ik wil een klacht indienen over de training van 3 november.\n")
	var disps []intake.Disposition
	for _, id := range []struct{ validity, uid uint32 }{{1, 7}, {1, 7}, {1, 8}, {2, 1}, {3, 42}} {
		disp, err := e.d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: id.validity, UID: id.uid,
			Raw: raw, Header: headerOf(raw), Size: int64(len(raw)), InternalDate: e.clock.Now()})
		if err != nil {
			t.Fatalf("handle uidvalidity %d uid %d: %v", id.validity, id.uid, err)
		}
		disps = append(disps, disp)
		e.advance(1)
	}
	cases, err := e.st.Cases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Errorf("%d cases from one complaint delivered five times, want 1", len(cases))
	}
	mails := e.send()
	for _, tmpl := range []string{"bevestiging", "melding-nieuw"} {
		if n := len(withTemplate(mails, tmpl)); n != 1 {
			t.Errorf("%d %s mails, want 1", n, tmpl)
		}
	}
	for i, d := range disps {
		if d != disps[0] || d == intake.Leave {
			t.Errorf("delivery %d: disposition %v, want %v (moved as the first)", i+1, d, disps[0])
		}
	}
}
