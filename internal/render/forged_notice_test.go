package render

import (
	"strings"
	"testing"
)

// TestForgedCommandNoticeFitsItsReason: the forged-command notice says what happened in words
// that fit the reason's family (Data.Why), in Dutch and English, in the text and HTML parts:
// a sender not verified is asked about DKIM signing; a doubled or malformed header is not
// called an unverified sender; a signature that leaves the subject out says so.
func TestForgedCommandNoticeFitsItsReason(t *testing.T) {
	r := newTest(t, "")
	tests := []struct {
		why, lang string
		subject   string
		says      []string
		never     []string
	}{
		{"unverified", "nl", "Opdracht niet uitgevoerd: afzender niet geverifieerd",
			[]string{"de afzender kon niet worden geverifieerd", "ondertekent (DKIM)", "Er is niets gewijzigd aan klacht KL-2026-0007"},
			[]string{"kopveld", "dekt het onderwerp"}},
		{"", "nl", "Opdracht niet uitgevoerd: afzender niet geverifieerd", []string{"de afzender kon niet worden geverifieerd"}, nil},
		{"header", "nl", "Opdracht niet uitgevoerd: e-mail met dubbele of onjuiste kopregels",
			[]string{"stond er twee keer in", "onjuist opgebouwd", "vervalst", "opnieuw als nieuwe e-mail", "Er is niets gewijzigd aan klacht KL-2026-0007"},
			[]string{"niet geverifieerd", "niet worden geverifieerd", "ondertekent (DKIM)"}},
		{"uncovered", "nl", "Opdracht niet uitgevoerd: onderwerp niet ondertekend",
			[]string{"geldige handtekening (DKIM)", "dekt het onderwerp of de afzender niet", "het klachtnummer en de tags", "ook het onderwerp en de afzender dekt"},
			[]string{"niet geverifieerd", "niet worden geverifieerd", "twee keer"}},
		{"unverified", "en", "Instruction not carried out: sender not verified",
			[]string{"the sender could not be verified", "signs your email (DKIM)"}, []string{"header field", "does not cover"}},
		{"header", "en", "Instruction not carried out: email with doubled or malformed header fields",
			[]string{"appeared twice", "forge a genuine, signed email", "send the instruction again as a new email"},
			[]string{"not verified", "could not be verified", "signs your email"}},
		{"uncovered", "en", "Instruction not carried out: subject not signed",
			[]string{"valid signature (DKIM)", "does not cover the subject or the sender", "the complaint number and the tags"},
			[]string{"not verified", "could not be verified", "appeared twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.why, func(t *testing.T) {
			d := SampleData()
			d.Notice, d.Why = NoticeForgedCommand, tt.why
			d.Detail = "milou@intervisie-begeleiding.nl: dkim: the reason"
			m, err := r.Render("melding", tt.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject %q, want %q", m.Subject, tt.subject)
			}
			for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
				flat := strings.Join(strings.Fields(s), " ")
				for _, w := range append(tt.says, "milou@intervisie-begeleiding.nl: dkim: the reason") {
					if !strings.Contains(flat, w) {
						t.Errorf("%s does not say %q:\n%s", part, w, s)
					}
				}
				for _, w := range tt.never {
					if strings.Contains(flat, w) {
						t.Errorf("%s says %q, which does not fit:\n%s", part, w, s)
					}
				}
			}
		})
	}
}
