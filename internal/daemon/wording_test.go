package daemon

import (
	"strings"
	"testing"
	"time"
)

// wrapped is a complaint as a mail program sends it: hard line breaks at 72 characters in the
// middle of sentences, and a blank line between the writer's paragraphs.
const wrapped = "Omschrijving van de klacht: Op 3 november begon de training een uur te\n" +
	"laat en niemand van de organisatie liet iets weten, ook niet achteraf\n" +
	"toen ik erom vroeg.\n\n" +
	"Gevolgen voor u: ik heb een halve werkdag verloren.\n"

// TestMailWording: the confirmation says once that the complaint is treated confidentially;
// the escalation summary puts the complaint in a paragraph of its own after the verdict; the
// HTML part reflows the complainant's wrapped lines; a staff confirmation says in words which
// mail went out, never a template name.
func TestMailWording(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, first := e.complaint("Jan de Vries", janAddr, "w-1@example.nl", "Naam: Jan de Vries\n"+wrapped)
	conf := onlyOne(t, first, "bevestiging")
	for part, s := range map[string]string{"text": conf.Text, "html": conf.HTML} {
		if n := strings.Count(s, "Wij behandelen uw klacht vertrouwelijk"); n != 1 {
			t.Errorf("confirmation %s says %d times that the complaint is treated confidentially, want once", part, n)
		}
	}
	note := onlyOne(t, first, "melding-nieuw")
	html := strings.ReplaceAll(note.HTML, "\r\n", "\n")
	if want := "begon de training een uur te laat en niemand van de organisatie liet iets weten, ook niet achteraf toen ik erom vroeg."; !strings.Contains(html, want) {
		t.Errorf("melding-nieuw HTML breaks the complainant's sentence; want %q in:\n%s", want, html)
	}

	var mails []*outMsg
	for i, tag := range []string{"[gegrond]", "[escalatie]"} {
		e.advance(time.Hour)
		e.feed.feed(t, staffMail(id, tag, "w-staff-"+string(rune('a'+i))+"@intervisie-begeleiding.nl", e.clock.Now(), "Zie hieronder.\n"))
		mails = append(mails, e.send()...)
	}
	esc := onlyOne(t, mails, "escalatie")
	text := strings.ReplaceAll(esc.Text, "\r\n", "\n")
	if !strings.Contains(text, "ons oordeel: gegrond.\n\n    Op 3 november begon de training") {
		t.Errorf("escalation summary runs the verdict into the complaint:\n%s", text)
	}
	if html := strings.ReplaceAll(esc.HTML, "\r\n", "\n"); !strings.Contains(html, "ons oordeel: gegrond.<br>\n<br>\nOp 3 november") {
		t.Errorf("escalation HTML runs the verdict into the complaint:\n%s", html)
	}
	ok := withTemplate(mails, "commando-ok")
	if len(ok) != 2 {
		t.Fatalf("want two commando-ok mails, got %d", len(ok))
	}
	for _, want := range []string{"Uitkomst (gegrond) verstuurd aan " + janAddr, "Voorlegging aan de klachtencommissaris verstuurd aan " + janAddr} {
		if !strings.Contains(ok[0].Text+ok[1].Text, want) {
			t.Errorf("staff confirmations lack %q:\n%s\n%s", want, ok[0].Text, ok[1].Text)
		}
	}
	for _, m := range ok {
		if strings.ContainsAny(m.Text, "‘’") || strings.Contains(m.Text, "uitkomst-gegrond") {
			t.Errorf("staff confirmation names a template:\n%s", m.Text)
		}
	}
}
