package daemon

import (
	"bytes"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/groeimeesters/klachtd/internal/clean"
)

// evil is what a complainant's PDF form field or display name may hold: a colour escape, a
// window-title escape ended by BEL, C1 controls (CSI, NEL) and bidirectional overrides.
const evil = "\x1b[31mROOD\x1b]0;pwned\x07 \u009b2J\u0085 \u202eseirV\u202c \u2066iso\u2069 \x7f"

// TestOutgoingMailHoldsNoControlCharacters: whatever a complainant or a staff member writes,
// no outgoing mail (subject, text part, HTML part, display names) carries a C0 or C1 control
// other than tab and newline, or a bidi override.
func TestOutgoingMailHoldsNoControlCharacters(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	name := mime.BEncoding.Encode("utf-8", "Jan "+evil)
	body := "Naam: Jan " + evil + "\nOmschrijving van de klacht: De training " + evil + " begon te laat.\n" +
		"Gevolgen voor u: Een verloren dag " + evil + "\nDienst: online cursus " + evil + "\n"
	e.feed.feed(t, rawMail(name+" <"+janAddr+">", orgAddr, "Klacht "+evil, "cc-1@example.nl", e.clock.Now(), body))
	all := e.send()
	cases, err := e.st.Cases(t.Context(), "")
	if err != nil || len(cases) != 1 {
		t.Fatalf("want one case, got %d (%v)", len(cases), err)
	}
	id := cases[0].ID
	for i, tag := range []string{"[in-behandeling]", "[ongegrond]", "[escalatie]"} {
		e.advance(time.Hour)
		e.feed.feed(t, staffMail(id, tag+" "+evil, "cc-staff-"+string(rune('a'+i))+"@intervisie-begeleiding.nl",
			e.clock.Now(), "Wij kijken ernaar "+evil+"\n"))
		all = append(all, e.send()...)
	}
	seen := map[string]bool{}
	for _, m := range all {
		seen[m.Template] = true
		// The parts as a mail client shows them: line ends on the wire are CRLF.
		crlf := strings.NewReplacer("\r\n", "\n")
		parts := map[string]string{"subject": m.Subject, "text": crlf.Replace(m.Text), "html": crlf.Replace(m.HTML)}
		for _, key := range []string{"From", "To", "Cc"} {
			list, err := mail.ParseAddressList(decodeHeader(t, m, key))
			if err != nil && decodeHeader(t, m, key) != "" {
				t.Fatalf("%s: %s: %v", m.Template, key, err)
			}
			for _, a := range list {
				parts[key+" name"] += a.Name
			}
		}
		for part, s := range parts {
			if c, bad := clean.Find(s); bad {
				t.Errorf("%s to %v: %s holds %U: %q", m.Template, m.To, part, c, s)
			}
		}
	}
	for _, want := range []string{"bevestiging", "melding-nieuw", "status", "uitkomst-ongegrond", "escalatie", "commando-ok"} {
		if !seen[want] {
			t.Errorf("no %s mail among those checked", want)
		}
	}
	// The test must see the hostile text arrive: its visible words reach staff.
	if note := onlyOne(t, all, "melding-nieuw"); !strings.Contains(note.Text, "pwned") {
		t.Errorf("melding-nieuw does not carry the complaint's text:\n%s", note.Text)
	}
	if c := onlyOne(t, all, "bevestiging"); !strings.Contains(decodeHeader(t, c, "To"), "Jan") {
		t.Errorf("confirmation To %q names no one", decodeHeader(t, c, "To"))
	}
}

// decodeHeader is a header field of an outgoing mail with its encoded words decoded.
func decodeHeader(t *testing.T, m *outMsg, key string) string {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.Header.Text(key)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}
