package mailparse

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuto(t *testing.T) {
	tests := []struct{ file, want string }{
		{"afwezig-autoreply-nl.eml", "auto-submitted: auto-generated"},
		{"afwezig-alleen-onderwerp.eml", "out-of-office subject"},
		{"mailinglijst.eml", "precedence: list"},
		{"bounce-postfix-dsn.eml", "auto-submitted: auto-replied"},
		{"bounce-classic-qmail.eml", "from mailer-daemon"},
		{"klacht-formulier-nl.eml", ""},
		{"klacht-vrije-tekst-nl.eml", ""},
		{"complaint-en.eml", ""},
		{"gewone-mail.eml", ""},
	}
	for _, tt := range tests {
		if got := parseFile(t, tt.file).Auto; got != tt.want {
			t.Errorf("%s: Auto = %q, want %q", tt.file, got, tt.want)
		}
	}
}

func TestAutoHeaders(t *testing.T) {
	base := "From: a@example.nl\nTo: info@intervisie-begeleiding.nl\nMessage-ID: <x@example.nl>\n"
	tests := []struct{ headers, want string }{
		{"Auto-Submitted: no\nSubject: Vraag\n", ""},
		{"Auto-Submitted: auto-replied (vacation)\nSubject: Vraag\n", "auto-submitted: auto-replied"},
		{"Precedence: bulk\nSubject: Vraag\n", "precedence: bulk"},
		{"Precedence: first-class\nSubject: Vraag\n", ""},
		{"List-Unsubscribe: <mailto:u@example.org>\nSubject: Vraag\n", "list-unsubscribe"},
		{"X-Autoreply: yes\nSubject: Vraag\n", "x-autoreply"},
		{"X-Autorespond: Out of office\nSubject: Vraag\n", "x-autorespond"},
		{"X-Auto-Response-Suppress: All\nSubject: Vraag\n", ""},
		{"Subject: Out of Office: Klacht\n", "out-of-office subject"},
		{"Subject: Automatic reply: Klacht\n", "out-of-office subject"},
		{"Subject: [Autoreply] Klacht\n", "out-of-office subject"},
		{"Subject: Klacht: de docent was afwezig\n", ""},
		{"Subject: Vraag\nReturn-Path: <>\n", "null return path"},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(base + tt.headers + "\nTekst.\n"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Auto != tt.want {
			t.Errorf("%q: Auto = %q, want %q", tt.headers, m.Auto, tt.want)
		}
	}
}

func TestBounce(t *testing.T) {
	tests := []struct {
		file string
		want *Bounce
	}{
		{"bounce-postfix-dsn.eml", &Bounce{
			OriginalMessageID: "kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl",
			Recipients:        []string{"marieke.devries@example.com"}, Status: "5.1.1", Permanent: true,
			Diagnostic: "550 5.1.1 <marieke.devries@example.com>: Recipient address rejected: User unknown in virtual mailbox table"}},
		{"bounce-exchange-headers.eml", &Bounce{
			OriginalMessageID: "kl-2026-0002.bevestiging.1@intervisie-begeleiding.nl",
			Recipients:        []string{"j.peters@example.nl"}, Status: "5.1.10", Permanent: true,
			Diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"}},
		{"bounce-classic-qmail.eml", &Bounce{
			OriginalMessageID: "kl-2026-0003.bevestiging.1@intervisie-begeleiding.nl",
			Recipients:        []string{"l.degroot@example.com"}, Status: "5.1.1", Permanent: true}},
		{"afwezig-autoreply-nl.eml", nil},
		{"klacht-formulier-nl.eml", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseFile(t, tt.file).Bounce); diff != "" {
			t.Errorf("%s: Bounce (-want +got):\n%s", tt.file, diff)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	m := parseFile(t, "diep-genest.eml")
	depth := 0
	for len(m.Forwarded) == 1 {
		m = m.Forwarded[0]
		depth++
	}
	if depth != maxDepth {
		t.Fatalf("parsed %d levels of forwarded mail, want %d", depth, maxDepth)
	}
	if m.Subject != "Fwd: niveau 11" {
		t.Errorf("deepest parsed Subject = %q", m.Subject)
	}
	want := []Attachment{{Filename: "niveau-11.eml", ContentType: "message/rfc822"}}
	var got []Attachment
	for _, a := range m.Attachments {
		got = append(got, Attachment{Filename: a.Filename, ContentType: a.ContentType})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deepest attachments (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(m.Problems, "|"), "nested deeper than 10 levels") {
		t.Errorf("Problems = %q, want the depth problem", m.Problems)
	}
}

func TestForwardedAttachment(t *testing.T) {
	m := parseFile(t, "doorgestuurd-als-bijlage.eml")
	if len(m.Forwarded) != 1 {
		t.Fatalf("Forwarded = %d messages, want 1", len(m.Forwarded))
	}
	f := m.Forwarded[0]
	if f.From.Email != "b.kok@example.com" || f.Subject != "Klacht over de intervisiebegeleiding" ||
		!strings.Contains(f.Text, "schending van de\nvertrouwelijkheid") {
		t.Errorf("forwarded = %+v", f)
	}
	if len(m.Attachments) != 0 {
		t.Errorf("Attachments = %+v, want none (the mail is in Forwarded)", m.Attachments)
	}
}

func TestProblems(t *testing.T) {
	tests := []struct{ file, want string }{
		{"broken-truncated.eml", "truncated multipart"},
		{"broken-missing-boundary.eml", "guessed from the body"},
		{"broken-wrong-boundary.eml", "without parts"},
		{"broken-unknown-charset.eml", `unknown or wrong charset "x-klingon-8"`},
		{"broken-8bit-header.eml", "malformed header lines skipped"},
		{"broken-8bit-header.eml", "header Date: unparseable"},
		{"broken-8bit-header.eml", "header To: malformed address list"},
		{"encoded-words-kapot.eml", "header Subject: encoding repaired"},
	}
	for _, tt := range tests {
		m := parseFile(t, tt.file)
		if !strings.Contains(strings.Join(m.Problems, "|"), tt.want) {
			t.Errorf("%s: Problems = %q, want one with %q", tt.file, m.Problems, tt.want)
		}
	}
	for _, name := range []string{"klacht-formulier-nl.eml", "gmail-alternative-utf8.eml", "outlook-pdf-bijlage.eml"} {
		if p := parseFile(t, name).Problems; len(p) != 0 {
			t.Errorf("%s: Problems = %q, want none", name, p)
		}
	}
}

func TestEnvelope(t *testing.T) {
	m := parseFile(t, "broken-8bit-header.eml")
	if m.MessageID != "broken-id@example.nl" {
		t.Errorf("MessageID = %q", m.MessageID)
	}
	if m.From != (Address{Name: "José Müller", Email: "jose.muller@example.nl"}) {
		t.Errorf("From = %+v", m.From)
	}
	wantTo := []Address{{Email: "info@intervisie-begeleiding.nl"}, {Name: "Oude, Adres", Email: "oud@example.nl"},
		{Name: "kapot adres zonder apenstaart"}}
	if diff := cmp.Diff(wantTo, m.To); diff != "" {
		t.Errorf("To (-want +got):\n%s", diff)
	}
	r := parseFile(t, "thunderbird-docx-bijlage.eml")
	wantRefs := []string{"9C8B7A6F-5E4D-4C3B-A291-807F6E5D4C3B@example.nl", "kl-2026-0005.bevestiging.1@intervisie-begeleiding.nl"}
	if diff := cmp.Diff(wantRefs, r.References); diff != "" {
		t.Errorf("References (-want +got):\n%s", diff)
	}
	b := parseFile(t, "bounce-postfix-dsn.eml")
	if !b.HasReturnPath || b.ReturnPath != "" || b.From.Email != "MAILER-DAEMON@mail.intervisie-begeleiding.nl" {
		t.Errorf("return path %v %q, from %+v", b.HasReturnPath, b.ReturnPath, b.From)
	}
	g := parseFile(t, "gmail-alternative-utf8.eml")
	if n := len(g.Header["Authentication-Results"]); n != 2 || len(g.Header["Dkim-Signature"]) != 1 {
		t.Errorf("Header = %q", g.Header)
	}
}

func TestMessageIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"<a@b>", []string{"a@b"}},
		{"<a@b> <c@d>\r\n <e@f>", []string{"a@b", "c@d", "e@f"}},
		{"<a@b><c@d><a@b>", []string{"a@b", "c@d"}},
		{"<a@b> (Jan's message of 1 March)", []string{"a@b"}},
		{"a@b", []string{"a@b"}},
		{"a@b, c@d", []string{"a@b", "c@d"}},
		{"<a@b", []string{"a@b"}},
		{"< a@b >", []string{"a@b"}},
		{"", nil},
		{"geen id", nil},
		{"<a\r\n@b>", []string{"a@b"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, MessageIDs(tt.in)); diff != "" {
			t.Errorf("MessageIDs(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Ik wil een klacht indienen over de training van vorige week.", "nl"},
		{"I would like to file a complaint about the course.", "en"},
		{"Ok", ""},
		{"", ""},
		{"> I would like to file a complaint about the course.\nIk ben het er niet mee eens, dat is niet goed.", "nl"},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.text); got != tt.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	for file, want := range map[string]string{"klacht-formulier-nl.eml": "nl", "complaint-en.eml": "en",
		"klacht-html-windows1252.eml": "nl", "klacht-vrije-tekst-nl.eml": "nl", "gewone-mail.eml": "nl"} {
		if got := parseFile(t, file).Language; got != want {
			t.Errorf("%s: Language = %q, want %q", file, got, want)
		}
	}
}
