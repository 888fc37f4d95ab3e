package triage

import (
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

type fakeLookup struct{}

func (fakeLookup) CaseExists(id string) (string, bool) {
	if id == "KL-2026-0007" {
		return "jan@example.nl", true
	}
	return "", false
}

func (fakeLookup) ThreadCase(_ string, ids []string) (string, string) {
	for _, id := range ids {
		if strings.HasPrefix(id, "klachtd.kl-2026-0007.") {
			return "KL-2026-0007", "jan@example.nl"
		}
	}
	return "", ""
}

func TestClassify(t *testing.T) {
	rules := Rules{
		OwnAddress:  "info@intervisie-begeleiding.nl",
		OwnIDPrefix: "klachtd.",
		Staff:       []string{"milou@intervisie-begeleiding.nl"},
		Commissaris: "info@ivak.nl",
		Keywords:    []string{"klacht", "complaint"},
		OwnText: func(text string) string {
			if i := strings.Index(text, "\n>"); i >= 0 {
				return text[:i]
			}
			return text
		},
		FormLabelCount: func(text string) int {
			return strings.Count(text, "Naam:") + strings.Count(text, "Datum:")
		},
	}
	addr := func(e string) mailparse.Address { return mailparse.Address{Email: e} }
	tests := []struct {
		name     string
		m        mailparse.Message
		wantKind Kind
		wantCase string
		wantRole Role
	}{
		{"own by message id", mailparse.Message{MessageID: "klachtd.kl-2026-0007.bevestiging.1.ab@intervisie-begeleiding.nl", From: addr("info@intervisie-begeleiding.nl"), Subject: "klacht"}, Own, "", ""},
		{"own by header", mailparse.Message{From: addr("INFO@intervisie-begeleiding.nl"), Header: map[string][]string{"X-Klachtd-Case": {"KL-2026-0007"}}}, Own, "", ""},
		{"foreign header is not own", mailparse.Message{From: addr("x@example.nl"), Header: map[string][]string{"X-Klachtd-Case": {"KL-2026-0007"}}, Subject: "hallo"}, Other, "", ""},
		{"bounce matched", mailparse.Message{From: addr("mailer-daemon@example.nl"), Bounce: &mailparse.Bounce{OriginalMessageID: "klachtd.kl-2026-0007.bevestiging.1.ab@intervisie-begeleiding.nl"}}, Bounce, "KL-2026-0007", ""},
		{"reply by subject from complainant", mailparse.Message{From: addr("Jan@Example.nl"), Subject: "Re: [KL-2026-0007] Bevestiging"}, Reply, "KL-2026-0007", RoleComplainant},
		{"reply by subject from staff", mailparse.Message{From: addr("milou@intervisie-begeleiding.nl"), Subject: "RE: [KL-2026-0007] [gegrond]"}, Reply, "KL-2026-0007", RoleStaff},
		{"reply by in-reply-to from commissaris", mailparse.Message{From: addr("info@ivak.nl"), Subject: "advies", InReplyTo: []string{"klachtd.kl-2026-0007.escalatie.4.cd@intervisie-begeleiding.nl"}}, Reply, "KL-2026-0007", RoleCommissaris},
		{"reply from unknown", mailparse.Message{From: addr("other@example.com"), Subject: "Re: [KL-2026-0007]"}, Reply, "KL-2026-0007", RoleUnknown},
		{"unknown case ref is not a reply", mailparse.Message{From: addr("a@example.com"), Subject: "[KL-2026-0999] hallo"}, Other, "", ""},
		{"staff new", mailparse.Message{From: addr("milou@intervisie-begeleiding.nl"), Subject: "Fwd: [nieuw] telefoontje"}, StaffNew, "", RoleStaff},
		{"staff mail with a keyword is no complaint", mailparse.Message{From: addr("milou@intervisie-begeleiding.nl"), Subject: "Fwd: klacht van mevrouw X"}, Other, "", ""},
		{"commissaris mail without a case", mailparse.Message{From: addr("info@ivak.nl"), Subject: "Klacht over uw procedure"}, Other, "", ""},
		{"outsider cannot use nieuw", mailparse.Message{From: addr("x@example.com"), Subject: "[nieuw] iets"}, Other, "", ""},
		{"keyword subject", mailparse.Message{From: addr("a@example.com"), Subject: "Klacht over de training"}, New, "", ""},
		{"keyword body plural", mailparse.Message{From: addr("a@example.com"), Subject: "vraag", Text: "Ik heb twee klachten."}, New, "", ""},
		{"keyword as the start of a compound", mailparse.Message{From: addr("a@example.com"), Subject: "vraag", Text: "Zie onze klachtenprocedure op de website."}, Other, "", ""},
		{"keyword in quoted history only", mailparse.Message{From: addr("a@example.com"), Subject: "Re: intervisie", Text: "Wanneer is de volgende bijeenkomst?\n\n> Onze klacht over de planning is opgelost."}, Other, "", ""},
		{"English plural", mailparse.Message{From: addr("a@example.com"), Subject: "Several complaints", Text: "x"}, New, "", ""},
		{"keyword inside word", mailparse.Message{From: addr("a@example.com"), Subject: "vraag", Text: "over de aanklacht van gisteren"}, Other, "", ""},
		{"form labels", mailparse.Message{From: addr("a@example.com"), Subject: "formulier", Text: "Naam: Jan\nDatum: gisteren"}, New, "", ""},
		{"auto reply with keyword", mailparse.Message{From: addr("a@example.com"), Subject: "Automatisch antwoord: klacht", Auto: "auto-submitted: auto-replied"}, Other, "", ""},
		{"ordinary", mailparse.Message{From: addr("a@example.com"), Subject: "Vraag over de cursusdatum", Text: "Wanneer begint de cursus?"}, Other, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(&tt.m, rules, fakeLookup{})
			if got.Kind != tt.wantKind || got.CaseID != tt.wantCase || got.Role != tt.wantRole {
				t.Errorf("Classify = %+v; want kind %s case %q role %q", got, tt.wantKind, tt.wantCase, tt.wantRole)
			}
			// The same verdict with the message's share worked out ahead, as the daemon's
			// preparer does on another goroutine.
			if ahead := ClassifyAhead(&tt.m, rules, fakeLookup{}, Prepare(&tt.m, rules)); ahead.Kind != got.Kind ||
				ahead.CaseID != got.CaseID || ahead.Role != got.Role || ahead.Reason != got.Reason {
				t.Errorf("ClassifyAhead = %+v; Classify = %+v", ahead, got)
			}
		})
	}
}

// TestClassifyTakesAhead checks that ClassifyAhead decides on what was worked out ahead and
// does not work it out again: the preparer's work would otherwise be done twice.
func TestClassifyTakesAhead(t *testing.T) {
	rules := Rules{Keywords: []string{"klacht"}}
	plain := &mailparse.Message{From: mailparse.Address{Email: "a@example.com"}, Subject: "Vraag", Text: "Wanneer begint de cursus?"}
	if got := ClassifyAhead(plain, rules, fakeLookup{}, Ahead{reason: "worked out ahead", done: true}); got.Kind != New || got.Reason != "worked out ahead" {
		t.Errorf("with a complaint worked out ahead: %+v; want kind %s, the reason given", got, New)
	}
	angry := &mailparse.Message{From: mailparse.Address{Email: "a@example.com"}, Subject: "Klacht", Text: "Ik heb een klacht."}
	if got := ClassifyAhead(angry, rules, fakeLookup{}, Ahead{done: true}); got.Kind != Other {
		t.Errorf("with no complaint worked out ahead: %+v; want kind %s", got, Other)
	}
	if got := ClassifyAhead(angry, rules, fakeLookup{}, Ahead{}); got.Kind != New {
		t.Errorf("with nothing worked out ahead: %+v; want kind %s", got, New)
	}
	if a := Prepare(angry, rules); !a.Complaint() {
		t.Errorf("Prepare(%q).Complaint() = false", angry.Subject)
	}
	if a := Prepare(plain, rules); a.Complaint() {
		t.Errorf("Prepare(%q).Complaint() = true", plain.Subject)
	}
}
