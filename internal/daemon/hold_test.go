package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestHoldKeepsTheCommissarisInformed: after the complainant's address bounced, an escalation
// still reaches the commissaris and staff (the complainant is left out and staff are told);
// [adres-ok] lets mail go to the complainant again.
func TestHoldKeepsTheCommissarisInformed(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, first := e.complaint("Jan de Vries", janAddr, "hold-1@example.nl", "Ik heb een klacht over de online cursus.\n")
	conf := onlyOne(t, first, "bevestiging")
	e.advance(time.Minute)
	e.feed.feed(t, dsn(conf.Row.MessageID, janAddr, conf.Subject, "5.1.1", e.clock.Now()))
	e.send()

	e.advance(time.Minute)
	e.feed.feed(t, staffMail(id, "[ongegrond] [escalatie]", "hold-s1@intervisie-begeleiding.nl", e.clock.Now(),
		"Wij zien geen fout in de gang van zaken.\n"))
	if c := e.caseOf(id); c.Status != complaint.StatusEscalatie {
		t.Fatalf("status %s, want escalatie", c.Status)
	}
	mails := e.send()
	if n := len(to(mails, janAddr)); n != 0 {
		t.Errorf("%d mails went to the bouncing address", n)
	}
	esc := onlyOne(t, mails, "escalatie")
	if !containsStr(esc.To, commAddr) {
		t.Errorf("escalation To %v, want the commissaris %s", esc.To, commAddr)
	}
	ok := onlyOne(t, mails, "commando-ok")
	if !strings.Contains(ok.Text, "NIET verstuurd aan "+janAddr) || !strings.Contains(ok.Text, commAddr) {
		t.Errorf("commando-ok does not say who got the escalation and who did not:\n%s", ok.Text)
	}

	e.advance(time.Minute)
	e.feed.feed(t, staffMail(id, "[adres-ok]", "hold-s2@intervisie-begeleiding.nl", e.clock.Now(), "Adres gecontroleerd.\n"))
	e.send()
	e.advance(time.Minute)
	e.feed.feed(t, staffMail(id, "[bindend-advies]", "hold-s3@intervisie-begeleiding.nl", e.clock.Now(),
		"De commissaris adviseert een gesprek met de directie.\n"))
	adv := onlyOne(t, e.send(), "bindend-advies")
	if !containsStr(adv.To, janAddr) {
		t.Errorf("after [adres-ok] the advice To %v lacks the complainant", adv.To)
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// TestForgedBounceHoldsNothing: a delivery report that names the case in its subject but no
// mail klachtd sent (a forgery, or someone else's bounce) does not silence the complainant.
func TestForgedBounceHoldsNothing(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, first := e.complaint("Jan de Vries", janAddr, "forged-b1@example.nl", "Ik heb een klacht over de online cursus.\n")
	conf := onlyOne(t, first, "bevestiging")
	e.advance(time.Minute)
	e.feed.feed(t, dsn("made-up-id@elsewhere.example", janAddr, conf.Subject, "5.1.1", e.clock.Now()))
	e.send()
	e.advance(time.Minute)
	e.feed.feed(t, staffMail(id, "[in-behandeling]", "forged-s1@intervisie-begeleiding.nl", e.clock.Now(), "Wij nemen uw klacht in behandeling.\n"))
	checkCaseMail(t, onlyOne(t, e.send(), "status"), id, e.root, janAddr)
}

// TestBounceOfAStaffMailIsNoLoop: when a notice to staff bounces, staff are not sent a notice
// about it (that would bounce again); the case's timeline records it.
func TestBounceOfAStaffMailIsNoLoop(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, first := e.complaint("Jan de Vries", janAddr, "staffb-1@example.nl", "Ik heb een klacht over de online cursus.\n")
	notice := onlyOne(t, first, "melding-nieuw")
	e.advance(time.Minute)
	e.feed.feed(t, dsn(notice.Row.MessageID, staffAddr, notice.Subject, "5.2.2", e.clock.Now()))
	if after := e.send(); len(after) != 0 {
		t.Errorf("a bounced staff notice caused %d mail(s), first %q", len(after), after[0].Template)
	}
	if !hasEvent(timeline(t, e.st, id), "bounce") {
		t.Errorf("the bounce is not on the timeline")
	}
}
