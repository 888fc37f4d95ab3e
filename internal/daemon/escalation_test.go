package daemon

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestEscalation: [escalatie] mails the complainant with the commissaris and staff in copy and
// a case summary; internal notes never reach the complainant or the commissaris; the
// commissaris' reply joins the case; [bindend-advies] records and mails the advice.
func TestEscalation(t *testing.T) {
	const secret = "INTERN-GEHEIM-9917"
	e := newCaseEnv(t, nil, nil)
	id, _ := e.complaint("Jan de Vries", janAddr, "complaint-e@example.nl",
		"Naam: Jan de Vries\nOmschrijving van de klacht: De training van 3 november begon een uur te laat en niemand liet iets weten.\nGevolgen voor u: Ik heb een halve werkdag verloren.\n")
	var all []*outMsg
	step := func(subject, msgID, body string) []*outMsg {
		t.Helper()
		e.advance(time.Hour)
		e.feed.feed(t, staffMail(id, subject, msgID, e.clock.Now(), body))
		got := e.send()
		all = append(all, got...)
		if fail := withTemplate(got, "commando-fout"); len(fail) > 0 {
			t.Fatalf("%s refused:\n%s", subject, fail[0].Text)
		}
		return got
	}

	step("[intern]", "e1@intervisie-begeleiding.nl", "De docent was ziek thuis; "+secret+" niet met de klager delen.\n")
	if !strings.Contains(eventText(t, e, id, "note"), secret) {
		t.Fatalf("the internal note is not on the timeline")
	}
	step("[ongegrond]", "e2@intervisie-begeleiding.nl", "Wij hebben de vertraging tijdig per sms gemeld.\n")

	mails := step("[escalatie]", "e3@intervisie-begeleiding.nl", "De klager is het niet eens met ons oordeel.\n")
	esc := onlyOne(t, mails, "escalatie")
	checkCaseMail(t, esc, id, e.root, janAddr)
	if want := []string{commAddr, staffAddr}; !slices.Equal(esc.Cc, want) {
		t.Errorf("escalatie Cc %v, want %v", esc.Cc, want)
	}
	for _, want := range []string{"Klachtnummer: " + id, "begon een uur te laat", "ongegrond", "De klager is het niet eens met ons oordeel", "Kathleen Naber"} {
		if !strings.Contains(esc.Text, want) {
			t.Errorf("escalatie text lacks %q:\n%s", want, esc.Text)
		}
	}
	if !strings.Contains(esc.HTML, "begon een uur te laat") {
		t.Errorf("escalatie HTML lacks the summary")
	}
	if c := e.caseOf(id); c.Status != complaint.StatusEscalatie || c.EscalatedAt.IsZero() {
		t.Errorf("status %s, escalated %s", c.Status, c.EscalatedAt)
	}

	// The commissaris answers: correspondence on the case, staff told, nothing else.
	e.advance(time.Hour)
	e.feed.feed(t, rawMail("Kathleen Naber <"+commAddr+">", orgAddr, "RE: ["+id+"] Uw klacht: voorgelegd", "comm-1@ivak.nl",
		e.clock.Now(), "Ik neem contact op met beide partijen.\n", "In-Reply-To: <"+esc.Row.MessageID+">"))
	got := e.send()
	all = append(all, got...)
	note := onlyOne(t, got, "melding")
	checkCaseMail(t, note, id, e.root, staffAddr)
	if !strings.Contains(note.Text, "Ik neem contact op met beide partijen") || len(got) != 1 {
		t.Errorf("commissaris reply: %d mails, notice:\n%s", len(got), note.Text)
	}

	mails = step("[bindend-advies]", "e4@intervisie-begeleiding.nl", "De klachtencommissaris adviseert een vergoeding van de verloren halve dag.\n")
	adv := onlyOne(t, mails, "bindend-advies")
	checkCaseMail(t, adv, id, e.root, janAddr)
	if !slices.Contains(adv.Cc, commAddr) || !slices.Contains(adv.Cc, staffAddr) {
		t.Errorf("bindend-advies Cc %v", adv.Cc)
	}
	if !strings.Contains(adv.Text, "vergoeding van de verloren halve dag") {
		t.Errorf("bindend-advies lacks the advice:\n%s", adv.Text)
	}
	if c := e.caseOf(id); !strings.Contains(c.Advice, "vergoeding") || c.Status != complaint.StatusEscalatie {
		t.Errorf("advice %q, status %s", c.Advice, c.Status)
	}
	mails = step("[afgehandeld]", "e5@intervisie-begeleiding.nl", "De vergoeding is overgemaakt.\n")
	closing := onlyOne(t, mails, "afgehandeld")
	checkCaseMail(t, closing, id, e.root, janAddr)
	if !slices.Contains(closing.Cc, commAddr) {
		t.Errorf("closing after escalation: Cc %v lacks the commissaris", closing.Cc)
	}

	// The internal note reached no one outside staff.
	outside := 0
	for _, m := range all {
		if slices.Contains(m.To, janAddr) || slices.Contains(m.To, commAddr) || slices.Contains(m.Cc, commAddr) {
			outside++
			if strings.Contains(m.Text, secret) || strings.Contains(m.HTML, secret) || strings.Contains(m.Text, "docent was ziek") {
				t.Errorf("%s to %v %v carries the internal note", m.Template, m.To, m.Cc)
			}
		}
	}
	if outside < 4 {
		t.Errorf("only %d mails to the complainant or commissaris checked", outside)
	}
}

func eventText(t *testing.T, e *caseEnv, id, kind string) string {
	t.Helper()
	var b strings.Builder
	for _, ev := range timeline(t, e.st, id) {
		if ev.Kind == kind {
			b.WriteString(ev.Text + "\n")
		}
	}
	return b.String()
}
