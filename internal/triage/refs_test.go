package triage

import (
	"slices"
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// threadLookup knows case KL-2026-0001 (jan) and KL-2026-0005 (piet), a Message-ID klachtd
// generated for 0001, and a Message-ID jan gave his own complaint on 0005 (one the
// organisation's newsletter once used).
type threadLookup struct{}

func (threadLookup) CaseExists(id string) (string, bool) {
	switch id {
	case "KL-2026-0001":
		return "jan@example.nl", true
	case "KL-2026-0005":
		return "piet@example.nl", true
	}
	return "", false
}

func (threadLookup) ThreadCase(sender string, ids []string) (string, string) {
	for _, id := range ids {
		switch {
		case id == "klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl":
			return "KL-2026-0001", "jan@example.nl"
		case id == "nieuwsbrief-2026-11@intervisie-begeleiding.nl" && strings.EqualFold(sender, "piet@example.nl"):
			return "KL-2026-0005", "piet@example.nl"
		}
	}
	return "", ""
}

// TestStaffReferences: a staff mail naming more than one case, or a case that does not
// exist, is BadRef (refused with an error reply); one existing case is a reply; a [nieuw]
// naming only a case that does not exist is a registration; an automatic staff mail is never
// answered with an error.
func TestStaffReferences(t *testing.T) {
	rules := Rules{OwnAddress: "info@intervisie-begeleiding.nl", OwnIDPrefix: "klachtd.",
		Staff: []string{"milou@intervisie-begeleiding.nl"}, Commissaris: "info@ivak.nl", Keywords: []string{"klacht"}}
	staff := mailparse.Address{Email: "Milou@intervisie-begeleiding.nl"}
	tests := []struct {
		name        string
		m           mailparse.Message
		kind        Kind
		caseID      string
		refs, unkwn []string
	}{
		{"two cases", mailparse.Message{From: staff, Subject: "Re: Fwd: [KL-2026-0005] Uw klacht [KL-2026-0001] [in-behandeling]"},
			BadRef, "", []string{"KL-2026-0005", "KL-2026-0001"}, nil},
		{"one existing, one unknown", mailparse.Message{From: staff, Subject: "Re: [KL-2026-0001] [KL-2026-0999] [gegrond]"},
			BadRef, "", []string{"KL-2026-0001", "KL-2026-0999"}, []string{"KL-2026-0999"}},
		{"unknown case", mailparse.Message{From: staff, Subject: "Re: [KL-2026-0999] [gegrond]"},
			BadRef, "", []string{"KL-2026-0999"}, []string{"KL-2026-0999"}},
		{"unknown case, threaded on a known one", mailparse.Message{From: staff, Subject: "Re: [KL-2026-0999] [gegrond]",
			InReplyTo: []string{"klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl"}},
			BadRef, "", []string{"KL-2026-0999"}, []string{"KL-2026-0999"}},
		{"the same case twice", mailparse.Message{From: staff, Subject: "Re: [KL-2026-0001] Re: [kl-2026-0001] [gegrond]"},
			Reply, "KL-2026-0001", nil, nil},
		{"one case with invisible characters", mailparse.Message{From: staff, Subject: "Re: [KL-2026-\u20600001] [gegrond]"},
			Reply, "KL-2026-0001", nil, nil},
		{"nieuw quoting a case that does not exist", mailparse.Message{From: staff, Subject: "Fwd: [nieuw] Re: [KL-2025-0042] vraag"},
			StaffNew, "", nil, nil},
		{"nieuw naming two cases", mailparse.Message{From: staff, Subject: "Fwd: [nieuw] [KL-2026-0001] [KL-2026-0005]"},
			BadRef, "", []string{"KL-2026-0001", "KL-2026-0005"}, nil},
		{"staff out-of-office naming a purged case", mailparse.Message{From: staff, Subject: "Automatisch antwoord: [KL-2025-0042] herinnering",
			Auto: "auto-submitted: auto-replied"}, Other, "", nil, nil},
		{"complainant naming two cases is a reply to the first", mailparse.Message{From: mailparse.Address{Email: "jan@example.nl"},
			Subject: "Re: [KL-2026-0001] en [KL-2026-0005]"}, Reply, "KL-2026-0001", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(&tt.m, rules, threadLookup{})
			if got.Kind != tt.kind || got.CaseID != tt.caseID {
				t.Fatalf("Classify = %+v; want kind %s case %q", got, tt.kind, tt.caseID)
			}
			if tt.kind == BadRef && (got.Role != RoleStaff || !slices.Equal(got.Refs, tt.refs) || !slices.Equal(got.Unknown, tt.unkwn)) {
				t.Errorf("Classify = %+v; want role staff, refs %v, unknown %v", got, tt.refs, tt.unkwn)
			}
		})
	}
}

// TestThreadingBySender: a Message-ID klachtd generated threads anyone's mail; a Message-ID
// a sender gave their own mail threads only that sender's later mail (the lookup is asked
// with the sender), so a complaint under a reused Message-ID catches no one else's reply.
func TestThreadingBySender(t *testing.T) {
	rules := Rules{OwnAddress: "info@intervisie-begeleiding.nl", OwnIDPrefix: "klachtd.",
		Staff: []string{"milou@intervisie-begeleiding.nl"}, Keywords: []string{"klacht"}}
	tests := []struct {
		name   string
		m      mailparse.Message
		kind   Kind
		caseID string
	}{
		{"anyone answering klachtd's mail", mailparse.Message{From: mailparse.Address{Email: "x@example.com"}, Subject: "Re: bevestiging",
			InReplyTo: []string{"klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl"}}, Reply, "KL-2026-0001"},
		{"the same sender answering their own mail", mailparse.Message{From: mailparse.Address{Email: "Piet@Example.nl"}, Subject: "Re: nieuwsbrief",
			InReplyTo: []string{"nieuwsbrief-2026-11@intervisie-begeleiding.nl"}}, Reply, "KL-2026-0005"},
		{"another sender's complaint answering the same id", mailparse.Message{From: mailparse.Address{Email: "anna@example.org"}, Subject: "Re: nieuwsbrief",
			Text: "Ik heb een klacht over de cursus.", InReplyTo: []string{"nieuwsbrief-2026-11@intervisie-begeleiding.nl"}}, New, ""},
		{"another sender's ordinary mail answering the same id", mailparse.Message{From: mailparse.Address{Email: "partner@example.org"}, Subject: "Re: nieuwsbrief",
			Text: "Mooie nieuwsbrief!", References: []string{"nieuwsbrief-2026-11@intervisie-begeleiding.nl"}}, Other, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(&tt.m, rules, threadLookup{})
			if got.Kind != tt.kind || got.CaseID != tt.caseID {
				t.Errorf("Classify = %+v; want kind %s case %q", got, tt.kind, tt.caseID)
			}
		})
	}
}
