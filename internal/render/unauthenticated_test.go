package render

import (
	"strings"
	"testing"
)

// TestConfirmationForAnUnauthenticatedSender: with Data.Unauthenticated the confirmation, in
// both languages and both parts, names the case, the questions answered and the fields
// missing, but repeats none of the sender's words — not their answers, not their name in the
// salutation — even when the caller left them in Case; it says why.
func TestConfirmationForAnUnauthenticatedSender(t *testing.T) {
	r := newTest(t, "")
	why := map[string]string{"nl": "Wij konden niet vaststellen dat uw e-mail werkelijk", "en": "We could not establish that your email really"}
	greet := map[string]string{"nl": "Goedendag,", "en": "Hello,"}
	for _, lang := range Languages() {
		d := sampleFor("bevestiging", lang)
		d.Unauthenticated = true
		d.Case.Name = "Buy now at https://spam.example/x"
		d.Case.Fields[2].Value = "Visit https://spam.example/offer SPAMWORDS"
		m, err := r.Render("bevestiging", lang, d)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
			for _, f := range d.Case.Fields {
				if strings.Contains(body, f.Value) {
					t.Errorf("%s %s repeats the answer %q", lang, part, f.Value)
				}
			}
			for _, bad := range []string{"spam.example", "SPAMWORDS", "Buy now", "Jan de Vries", "Een verloren vrije dag"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s %s repeats the sender's words %q:\n%s", lang, part, bad, body)
				}
			}
			for _, want := range []string{d.Case.ID, d.Case.Fields[2].Label, d.Case.Missing[0], why[lang], greet[lang]} {
				if !strings.Contains(body, want) {
					t.Errorf("%s %s lacks %q:\n%s", lang, part, want, body)
				}
			}
		}
	}
	// The control: an authenticated sender gets their words back.
	d := sampleFor("bevestiging", "nl")
	m, err := r.Render("bevestiging", "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Beste Jan de Vries", "Een verloren vrije dag."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("authenticated confirmation lacks %q", want)
		}
	}
	if strings.Contains(m.Text, why["nl"]) {
		t.Errorf("authenticated confirmation says the sender was not verified")
	}
}
