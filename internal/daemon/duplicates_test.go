package daemon

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
)

// signWith signs raw as domain over exactly the header fields keys.
func (k *dkimKeys) signWith(t testing.TB, raw []byte, domain string, keys ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: "sel", Signer: k.signers[domain], HeaderKeys: keys}
	if err := dkim.Sign(&out, bytes.NewReader(raw), opts); err != nil {
		t.Fatalf("sign as %s: %v", domain, err)
	}
	return out.Bytes()
}

// TestForgedCommandsDovecot delivers, through a real Dovecot, the forgeries that one genuine
// signed staff mail makes possible: a second Subject on top (the signature still verifies:
// the verifier checks the bottom one), a Subject swapped under a signature that does not
// cover it, and a second Date, Message-ID, In-Reply-To, References or Reply-To on top of a
// genuine command. In "dkim" mode klachtd verifies the signature; in "authserv" mode our
// server's Authentication-Results says what a verifier says of these mails (dkim=pass,
// dmarc=pass). Each time nothing changes on the case, nothing reaches the complainant, and
// staff are told why; a genuine command afterwards is carried out.
func TestForgedCommandsDovecot(t *testing.T) {
	for _, mode := range []string{config.AuthenticationDKIM, config.AuthenticationAuthserv} {
		t.Run(mode, func(t *testing.T) { runForgedCommands(t, mode) })
	}
}

func runForgedCommands(t *testing.T, mode string) {
	l, dv, keys := startSignedLive(t, mode, func(c *config.Config) { c.Staff.AuthservID = "mx.intervisie-begeleiding.nl" })
	st, clock := l.st, l.clock
	const id, root = "KL-2026-0001", "complaint-dup@example.nl"

	// deliver hands a staff mail to Dovecot as our mail server would: in authserv mode with
	// its Authentication-Results on top, saying what a verifier says of the signature.
	deliver := func(raw []byte) {
		if mode == config.AuthenticationAuthserv {
			raw = append([]byte(ourAR+"; dkim=pass header.d=intervisie-begeleiding.nl header.s=sel;"+
				" spf=fail smtp.mailfrom=evil.example; dmarc=pass header.from=intervisie-begeleiding.nl\r\n"+ourReceived), raw...)
		}
		dv.Append(t, "INBOX", raw)
	}
	// command is a genuine, signed staff command, carrying every threading field once.
	command := func(tags, msgID string) []byte {
		return keys.sign(t, staffMail(id, tags, msgID, clock.Now(), "Wij vinden uw klacht gegrond.\n",
			"In-Reply-To: <"+root+">", "References: <"+root+">", "Reply-To: "+staffAddr), staffDomain)
	}

	dv.Append(t, "INBOX", rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de intervisie", root, clock.Now(),
		"Ik wil een klacht indienen: de bijeenkomst van 10 november is zonder bericht vervallen.\n"))
	onlyOne(t, l.next(2), "bevestiging")
	before := l.waitCase(id, "bevestigd", status(complaint.StatusBevestigd))

	weak := keys.signWith(t, staffMail(id, "[intern] bedankt", "weak-1@intervisie-begeleiding.nl", clock.Now(),
		"Dank voor het overleg.\n"), staffDomain, "From", "To", "Date", "Message-ID")
	swapped := bytes.Replace(weak, []byte("Subject: ["+id+"] [intern] bedankt"), []byte("Subject: ["+id+"] [ongegrond] [afgehandeld]"), 1)
	if bytes.Equal(weak, swapped) {
		t.Fatal("test mail: the Subject to swap is not there")
	}
	uncovered := "h= does not cover Subject"
	if mode == config.AuthenticationAuthserv {
		uncovered = "does not cover Subject in h="
	}
	forgeries := []struct {
		name   string
		raw    []byte
		reason string // what the timeline and the staff notice must say
	}{
		{name: "a second Subject above a genuine signed mail",
			raw: append([]byte("Subject: RE: ["+id+"] [ongegrond] [afgehandeld]\r\n"),
				keys.sign(t, staffMail(id, "bedankt voor de informatie", "genuine-1@intervisie-begeleiding.nl", clock.Now(),
					"Dank voor de informatie, wij komen erop terug.\n"), staffDomain)...),
			reason: "message has 2 Subject headers where RFC 5322 allows one"},
		{name: "a Subject swapped under a signature without Subject in h=", raw: swapped, reason: uncovered},
		{name: "a second Date", raw: append([]byte("Date: Mon, 01 Jan 2024 09:00:00 +0100\r\n"), command("[gegrond]", "dup-date@intervisie-begeleiding.nl")...),
			reason: "message has 2 Date headers"},
		{name: "a second Message-ID", raw: append([]byte("Message-ID: <replay-7@evil.example>\r\n"), command("[gegrond]", "dup-mid@intervisie-begeleiding.nl")...),
			reason: "message has 2 Message-ID headers"},
		{name: "a second In-Reply-To", raw: append([]byte("In-Reply-To: <other-case@example.nl>\r\n"), command("[gegrond]", "dup-irt@intervisie-begeleiding.nl")...),
			reason: "message has 2 In-Reply-To headers"},
		{name: "a second References", raw: append([]byte("References: <other-case@example.nl>\r\n"), command("[gegrond]", "dup-refs@intervisie-begeleiding.nl")...),
			reason: "message has 2 References headers"},
		{name: "a second Reply-To", raw: append([]byte("Reply-To: mallory@evil.example\r\n"), command("[gegrond]", "dup-rt@intervisie-begeleiding.nl")...),
			reason: "message has 2 Reply-To headers"},
	}
	for _, f := range forgeries {
		deliver(f.raw)
		mails := l.next(1)
		n := onlyOne(t, mails, "melding")
		checkCaseMail(t, n, id, root, staffAddr)
		if !strings.Contains(n.Text, staffAddr+": "+mode+": ") || !strings.Contains(n.Text, f.reason) {
			t.Errorf("%s: the staff notice does not say why (%q):\n%s", f.name, f.reason, n.Text)
		}
		if len(to(mails, janAddr)) != 0 {
			t.Errorf("%s: mail went to the complainant", f.name)
		}
		c, _, err := st.Case(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != before.Status || c.Verdict != before.Verdict || !c.DueAt.Equal(before.DueAt) || c.ClosedAt != before.ClosedAt {
			t.Errorf("%s: the case changed: status %s→%s, verdict %q→%q", f.name, before.Status, c.Status, before.Verdict, c.Verdict)
		}
		ev := timeline(t, st, id)
		last := ev[len(ev)-1]
		if last.Kind != "forged-command" || !strings.EqualFold(last.By, staffAddr) || !strings.Contains(last.Text, f.reason) {
			t.Errorf("%s: last timeline event %+v, want a forged-command by %s saying %q", f.name, last, staffAddr, f.reason)
		}
	}

	// Control: a genuine command, the same as those above but without a doubled field, from a
	// signer that covers In-Reply-To. (With one that does not, the forgeries' [gegrond] kept
	// on the case would make this [gegrond] one that may have been carried over:
	// TestSignedStaffMailReplayed.)
	deliver(keys.signWith(t, staffMail(id, "[gegrond]", "genuine-2@intervisie-begeleiding.nl", clock.Now(), "Wij vinden uw klacht gegrond.\n",
		"In-Reply-To: <"+root+">", "References: <"+root+">", "Reply-To: "+staffAddr), staffDomain,
		"From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References"))
	mails := l.next(2)
	checkCaseMail(t, onlyOne(t, mails, "uitkomst-gegrond"), id, root, janAddr)
	onlyOne(t, mails, "commando-ok")
	l.waitCase(id, "gegrond", func(c complaint.Case) bool { return c.Verdict == complaint.VerdictGegrond })
}
