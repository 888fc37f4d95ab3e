package daemon

import (
	"strings"
	"testing"
)

// TestStaffCommandMailsInTheComplaintsLanguage: the mails a staff command sends the
// complainant (status, verdict) are in the complaint's language, whatever the organisation
// writes in; the staff member's own confirmation stays in the organisation's language.
func TestStaffCommandMailsInTheComplaintsLanguage(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, _ := e.complaint("Emily Carter", "emily@example.com", "lang-cmd-1@example.com",
		"Dear Sir or Madam,\n\nI would like to file a complaint about the online course. The videos did not work for three weeks and nobody answered my emails.\n\nKind regards,\nEmily Carter")
	if c := e.caseOf(id); c.Language != "en" {
		t.Fatalf("case language %q, want en", c.Language)
	}
	for _, step := range []struct{ subject, body, template, want string }{
		{"[in-behandeling]", "Wij pakken dit op.", "status", "Your complaint: progress update"},
		{"[gegrond]", "U heeft gelijk: de video's werkten niet.", "uitkomst-gegrond", "Your complaint: our assessment"},
	} {
		e.staffCommand(id, step.subject, "lang-cmd-"+step.template+"@example.nl", step.body)
		e.advance(1)
		sent := e.send()
		m := onlyOne(t, to(sent, "emily@example.com"), step.template)
		if !strings.HasSuffix(m.Subject, "] "+step.want) || strings.Contains(m.Text, "Beste") {
			t.Errorf("%s to an English complainant: subject %q, text:\n%s\nwant the English mail (%q)", step.subject, m.Subject, m.Text, step.want)
		}
		ok := onlyOne(t, to(sent, staffAddr), "commando-ok")
		if !strings.HasSuffix(ok.Subject, "] Uw opdracht is uitgevoerd") {
			t.Errorf("%s: staff confirmation %q, want it in the organisation's language", step.subject, ok.Subject)
		}
	}
}
