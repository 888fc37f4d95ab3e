package daemon

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
)

// TestForgedCommandNoticeByReason: the staff notice of a refused command says what happened as
// the reason's family has it (render.Data.Why from staffauth.FailureOf): an unsigned command is
// "afzender niet geverifieerd"; a doubled Subject on top of a genuine signed mail is a header
// problem, not an unverified sender; a signature that leaves the Subject out says the subject
// is not signed. In a reply to a case, a [nieuw], and a subject naming two cases.
func TestForgedCommandNoticeByReason(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain)
	const id = "KL-2026-0001"
	tests := []struct {
		name, subject string
		mail          func(at time.Time) []byte
		says, never   string
	}{
		{"unsigned", "Opdracht niet uitgevoerd: afzender niet geverifieerd", func(at time.Time) []byte {
			return staffMail(id, "[gegrond]", "f-1@intervisie-begeleiding.nl", at, "Gegrond.\n")
		}, "de afzender kon niet worden geverifieerd", "kopveld"},
		{"a doubled Subject", "Opdracht niet uitgevoerd: e-mail met dubbele of onjuiste kopregels", func(at time.Time) []byte {
			return append([]byte("Subject: ["+id+"] [ongegrond] [afgehandeld]\r\n"),
				keys.sign(t, staffMail(id, "bedankt", "f-2@intervisie-begeleiding.nl", at, "Bedankt.\n"), staffDomain)...)
		}, "stond er twee keer in", "niet worden geverifieerd"},
		{"h= without Subject", "Opdracht niet uitgevoerd: onderwerp niet ondertekend", func(at time.Time) []byte {
			signed := keys.signWith(t, staffMail(id, "[intern] bedankt", "f-3@intervisie-begeleiding.nl", at, "Bedankt.\n"),
				staffDomain, "From", "To", "Date", "Message-ID")
			return bytes.Replace(signed, []byte("Subject: ["+id+"] [intern] bedankt"), []byte("Subject: ["+id+"] [ongegrond]"), 1)
		}, "dekt het onderwerp of de afzender niet", "niet worden geverifieerd"},
		{"a doubled Subject in a [nieuw]", "Opdracht niet uitgevoerd: e-mail met dubbele of onjuiste kopregels", func(at time.Time) []byte {
			return append([]byte("Subject: [nieuw] Klacht van Piet\r\n"), keys.sign(t, forwardMail("f-4@intervisie-begeleiding.nl", at, "orig-9@example.nl"), staffDomain)...)
		}, "[nieuw]", "niet worden geverifieerd"},
		{"h= without Subject, two cases named", "Opdracht niet uitgevoerd: onderwerp niet ondertekend", func(at time.Time) []byte {
			signed := keys.signWith(t, staffMail(id, "bedankt", "f-5@intervisie-begeleiding.nl", at, "Bedankt.\n"),
				staffDomain, "From", "To", "Date", "Message-ID")
			return bytes.Replace(signed, []byte("Subject: ["+id+"] bedankt"), []byte("Subject: ["+id+"] [KL-2026-0099] [ongegrond]"), 1)
		}, "dekt het onderwerp of de afzender niet", "niet worden geverifieerd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) {
				c.Staff.Authentication = config.AuthenticationDKIM
				c.Staff.DKIMDomains = []string{staffDomain}
			}, keys.lookup)
			if got, _ := e.complaint("Jan de Vries", janAddr, "complaint-fn@example.nl", "Ik heb een klacht over de training.\n"); got != id {
				t.Fatalf("case %s", got)
			}
			e.advance(time.Minute)
			raw := tt.mail(e.clock.Now())
			e.feed.feed(t, raw)
			n := onlyOne(t, e.send(), "melding")
			if !strings.HasSuffix(n.Subject, tt.subject) {
				t.Errorf("notice subject %q, want it to end in %q", n.Subject, tt.subject)
			}
			flat := strings.Join(strings.Fields(n.Text), " ")
			if !strings.Contains(flat, tt.says) || strings.Contains(flat, tt.never) {
				t.Errorf("notice does not say %q, or says %q:\n%s", tt.says, tt.never, n.Text)
			}
			if c := e.caseOf(id); c.Verdict != "" {
				t.Errorf("the case changed: verdict %q", c.Verdict)
			}
		})
	}
}
