package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestCommandMovedByUnsignedThreading: a genuine signed staff mail with tags but no case
// reference in its subject (a command that failed on its own case, or went elsewhere) is
// pointed at another case by an In-Reply-To or References its signature does not cover.
// Through a real Dovecot, in "dkim" mode (klachtd verifies the signature) and in "authserv"
// mode (our server's Authentication-Results names the signature): nothing is carried out on
// the case it was pointed at, nothing reaches that complainant, the mail stays on the case as
// correspondence, and the staff member is told to send it again with the case number in the
// subject. The same mail signed over its threading fields is carried out, and so is one whose
// case reference stands in its (signed) subject while its In-Reply-To is not signed.
func TestCommandMovedByUnsignedThreading(t *testing.T) {
	for _, mode := range []string{config.AuthenticationDKIM, config.AuthenticationAuthserv} {
		t.Run(mode, func(t *testing.T) { runUnsignedThreading(t, mode) })
	}
}

func runUnsignedThreading(t *testing.T, mode string) {
	l, dv, keys := startSignedLive(t, mode, func(c *config.Config) {
		c.Staff.AuthservID = "mx.intervisie-begeleiding.nl"
		c.Staff.DKIMDomains = []string{staffDomain}
	})
	st, clock := l.st, l.clock
	const jan, piet = "KL-2026-0001", "KL-2026-0002"
	const pietAddr = "piet.bakker@example.nl"

	// deliver hands a staff mail to Dovecot as our mail server would: in authserv mode with
	// its Authentication-Results on top, saying what a verifier says of the signature.
	deliver := func(raw []byte) {
		if mode == config.AuthenticationAuthserv {
			raw = append([]byte(ourAR+"; dkim=pass header.d=intervisie-begeleiding.nl header.s=sel;"+
				" dmarc=pass header.from=intervisie-begeleiding.nl\r\n"+ourReceived), raw...)
		}
		dv.Append(t, "INBOX", raw)
	}
	dv.Append(t, "INBOX", rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de intervisie", "c1@example.nl", clock.Now(),
		"Ik wil een klacht indienen: de bijeenkomst van 10 november is zonder bericht vervallen.\n"))
	confJan := onlyOne(t, l.next(2), tmplConfirmation)
	dv.Append(t, "INBOX", rawMail("Piet Bakker <"+pietAddr+">", orgAddr, "Klacht over de training", "c2@example.nl", clock.Now(),
		"Ik heb een klacht: de training van 12 november begon een uur te laat.\n"))
	confPiet := onlyOne(t, l.next(2), tmplConfirmation)
	before := l.waitCase(piet, "bevestigd", status(complaint.StatusBevestigd))
	l.waitCase(jan, "bevestigd", status(complaint.StatusBevestigd))
	toPiet := "<" + strings.Trim(confPiet.MessageID, "<>") + ">"
	toJan := "<" + strings.Trim(confJan.MessageID, "<>") + ">"

	// command is a staff mail with tags and no case reference, signed over exactly signed.
	command := func(msgID string, threading []string, signed ...string) []byte {
		raw := rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "RE: Uw klacht [ongegrond]", msgID, clock.Now(),
			"Wij hebben uw klacht onderzocht en vinden haar ongegrond.\n", threading...)
		return keys.signWith(t, raw, staffDomain, signed...)
	}
	unsigned := []string{"From", "To", "Subject", "Date", "Message-ID"}
	attacks := []struct {
		name, link string
		raw        func() []byte
	}{
		{"In-Reply-To not signed", "In-Reply-To", func() []byte {
			return command("cmd-1@intervisie-begeleiding.nl", []string{"In-Reply-To: " + toPiet, "References: " + toPiet}, unsigned...)
		}},
		{"References not signed, no In-Reply-To", "References", func() []byte {
			return command("cmd-2@intervisie-begeleiding.nl", []string{"References: " + toPiet}, unsigned...)
		}},
		{"In-Reply-To signed as absent, References not signed", "References", func() []byte {
			return command("cmd-3@intervisie-begeleiding.nl", []string{"References: " + toPiet}, append(unsigned, "In-Reply-To")...)
		}},
	}
	for i, a := range attacks {
		if i > 0 {
			// Each is a mail of its own, written later, not a copy of the one before (which
			// would be refused as a duplicate before anything else).
			clock.Set(clock.Now().Add(time.Minute))
		}
		deliver(a.raw())
		mails := l.next(1)
		fout := onlyOne(t, mails, "commando-fout")
		checkCaseMail(t, fout, piet, "c2@example.nl", staffAddr)
		for _, want := range []string{"Niet uitgevoerd", a.link, "[" + piet + "]", "onderwerp", "DKIM"} {
			if !strings.Contains(fout.Text, want) {
				t.Errorf("%s: the error reply does not say %q:\n%s", a.name, want, fout.Text)
			}
		}
		l.quiet()
		if len(to(l.all(), pietAddr)) != 1 { // the confirmation only
			t.Errorf("%s: mail went to the complainant of the case it was pointed at", a.name)
		}
		c := l.waitCase(piet, "unchanged", func(complaint.Case) bool { return true })
		if c.Status != before.Status || c.Verdict != before.Verdict || !c.ClosedAt.IsZero() {
			t.Errorf("%s: %s changed: status %s→%s, verdict %q→%q", a.name, piet, before.Status, c.Status, before.Verdict, c.Verdict)
		}
		ev := timeline(t, st, piet)
		if len(ev) < 2 || ev[len(ev)-2].Kind != "mail-staff" || !strings.Contains(ev[len(ev)-2].Text, "vinden haar ongegrond") ||
			ev[len(ev)-1].Kind != "command-error" {
			t.Errorf("%s: timeline ends %+v, want the staff text kept as mail-staff, then the command-error", a.name, ev[max(0, len(ev)-2):])
		}
		if m := lastIncoming(t, st, piet); m.Kind != "unlinked-command" || !m.Verified || !strings.Contains(m.Reason, a.link) {
			t.Errorf("%s: the mail is kept as %s (verified %v, reason %q), want unlinked-command, verified, naming %s",
				a.name, m.Kind, m.Verified, m.Reason, a.link)
		}
	}

	// Control: the subject's reference links, whatever the unsigned In-Reply-To says.
	deliver(keys.signWith(t, rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "RE: ["+jan+"] Bevestiging van uw klacht [ongegrond]",
		"cmd-4@intervisie-begeleiding.nl", clock.Now(), "Wij vinden uw klacht ongegrond.\n", "In-Reply-To: "+toJan), staffDomain, unsigned...))
	mails := l.next(2)
	checkCaseMail(t, onlyOne(t, mails, "uitkomst-ongegrond"), jan, "c1@example.nl", janAddr)
	onlyOne(t, mails, "commando-ok")
	l.waitCase(jan, "ongegrond", func(c complaint.Case) bool { return c.Verdict == complaint.VerdictOngegrond })

	// Control: the first command again (another Message-ID, written later), now signed over
	// its threading.
	clock.Set(clock.Now().Add(time.Minute))
	deliver(command("cmd-5@intervisie-begeleiding.nl", []string{"In-Reply-To: " + toPiet, "References: " + toPiet},
		append(unsigned, "In-Reply-To", "References")...))
	mails = l.next(2)
	checkCaseMail(t, onlyOne(t, mails, "uitkomst-ongegrond"), piet, "c2@example.nl", pietAddr)
	onlyOne(t, mails, "commando-ok")
	l.waitCase(piet, "ongegrond", func(c complaint.Case) bool { return c.Verdict == complaint.VerdictOngegrond })
}

// lastIncoming is the latest incoming mail kept on a case.
func lastIncoming(t *testing.T, st *store.Store, caseID string) store.Message {
	t.Helper()
	msgs, err := st.Messages(context.Background(), caseID, false)
	if err != nil {
		t.Fatal(err)
	}
	var last store.Message
	for _, m := range msgs {
		if m.Direction == "in" {
			last = m
		}
	}
	return last
}

// TestCommandByThreadingModeNone: with staff.authentication = "none" (tests, the demo) there
// is no signature to cover anything, and a command found by In-Reply-To alone is carried out.
func TestCommandByThreadingModeNone(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, mails := e.complaint("Jan de Vries", janAddr, "c1@example.nl", "Ik wil een klacht indienen: de bijeenkomst is vervallen.\n")
	conf := onlyOne(t, mails, tmplConfirmation)
	e.feed.feed(t, rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "RE: Uw klacht [ongegrond]", "cmd-1@intervisie-begeleiding.nl",
		e.clock.Now(), "Wij vinden uw klacht ongegrond.\n", "In-Reply-To: <"+strings.Trim(conf.MessageID, "<>")+">"))
	onlyOne(t, e.send(), "uitkomst-ongegrond")
	if c := e.caseOf(id); c.Verdict != complaint.VerdictOngegrond {
		t.Errorf("verdict %q, want ongegrond", c.Verdict)
	}
}
