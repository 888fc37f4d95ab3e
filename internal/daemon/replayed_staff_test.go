package daemon

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// m365Signed are the header fields Microsoft 365 puts in h=: not In-Reply-To, not References.
var m365Signed = []string{"From", "Date", "Subject", "Message-ID", "Content-Type", "MIME-Version"}

// m365Env is a daemon in "dkim" mode on a real Dovecot whose staff mail is signed as
// Microsoft 365 signs it.
type m365Env struct {
	*live
	dv   *mailtest.Dovecot
	keys *dkimKeys
}

func startM365Env(t *testing.T) *m365Env {
	t.Helper()
	l, dv, keys := startSignedLive(t, config.AuthenticationDKIM, func(c *config.Config) { c.Staff.DKIMDomains = []string{staffDomain} })
	return &m365Env{live: l, dv: dv, keys: keys}
}

func (e *m365Env) deliver(raw []byte) { e.dv.Append(e.t, "INBOX", raw) }

// complaint registers a complaint and returns its confirmation and staff notice.
func (e *m365Env) complaint(id, name, addr, msgID string) (conf, notice *outMsg) {
	e.t.Helper()
	e.deliver(rawMail(name+" <"+addr+">", orgAddr, "Klacht over de training", msgID, e.clock.Now(),
		"Ik wil een klacht indienen: de training van 12 november begon een uur te laat.\n"))
	mails := e.next(2)
	conf, notice = onlyOne(e.t, mails, tmplConfirmation), onlyOne(e.t, mails, "melding-nieuw")
	e.waitCase(id, "bevestigd", status(complaint.StatusBevestigd))
	return conf, notice
}

// staffReply is a staff mail signed as Microsoft 365 signs it, with threading fields as given.
func (e *m365Env) staffReply(to, subject, msgID, body string, threading ...string) []byte {
	return e.keys.signWith(e.t, rawMail("Milou Meijer <"+staffAddr+">", to, subject, msgID, e.clock.Now(), body, threading...),
		staffDomain, m365Signed...)
}

// later moves the clock on: what the next step writes is a mail of its own.
func (e *m365Env) later() { e.clock.Set(e.clock.Now().Add(time.Minute)) }

// unchanged checks that the case is still only confirmed and that no mail went out.
func (e *m365Env) unchanged(id, step string) {
	e.t.Helper()
	e.quiet()
	if n := len(e.sink.Messages()); n != e.seen {
		e.t.Errorf("%s: %d more mail(s) went out", step, n-e.seen)
	}
	c := e.waitCase(id, "unchanged", func(complaint.Case) bool { return true })
	if c.Status != complaint.StatusBevestigd || c.Verdict != "" || !c.ClosedAt.IsZero() {
		e.t.Errorf("%s: %s changed: status %s, verdict %q, closed %v", step, id, c.Status, c.Verdict, c.ClosedAt)
	}
}

// waitEvents waits until the case's timeline holds n events of kind.
func (e *m365Env) waitEvents(id, kind string, n int) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got := 0
		for _, ev := range timeline(e.t, e.st, id) {
			if ev.Kind == kind {
				got++
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: %d %s events on the timeline, want %d", id, got, kind, n)
		}
	}
}

func angle(id string) string { return "<" + strings.Trim(id, "<>") + ">" }

// withThreading replaces the unsigned In-Reply-To and References of a signed mail (none given:
// removes them), as whoever received the mail can.
func withThreading(t *testing.T, raw []byte, fields ...string) []byte {
	t.Helper()
	re := regexp.MustCompile(`(?m)^(In-Reply-To|References): [^\r\n]*\r\n`)
	if !re.Match(raw) {
		t.Fatal("test mail has no threading fields to change")
	}
	out := re.ReplaceAll(raw, nil)
	if len(fields) > 0 {
		out = bytes.Replace(out, []byte("\r\nMessage-ID: "), []byte("\r\n"+strings.Join(fields, "\r\n")+"\r\nMessage-ID: "), 1)
	}
	if bytes.Equal(out, raw) {
		t.Fatal("the copy is the same mail")
	}
	return out
}

// TestSignedStaffMailReplayed: a signed staff mail is handled at most once, whatever it did
// the first time. The complainant writes to a staff member directly (not to info@), planting
// [gegrond] [afgehandeld] in the subject; the staff member answers to all, with info@ in copy.
// klachtd does not know the mail answered, so no tag counts, and the staff member is told.
// The complainant received that signed answer: with its In-Reply-To (which Microsoft 365 does
// not sign) rewritten to klachtd's confirmation, whose subject holds no tag, the tags would look
// like the staff member's. Delivered to info@ so, with its threading removed, or with one more
// Received line, it is a copy: nothing is carried out, nothing goes out, the timeline notes it.
// Real Dovecot, "dkim" mode, signed as Microsoft 365 signs (the copy keeps its Message-ID) and
// by a signer that leaves the Message-ID out as well (the copy gets a new one: only the
// signature and the content give it away).
func TestSignedStaffMailReplayed(t *testing.T) {
	withoutMessageID := []string{"From", "Date", "Subject", "Content-Type", "MIME-Version"}
	for _, tc := range []struct {
		name   string
		signed []string
	}{{"Microsoft 365", m365Signed}, {"h= without Message-ID", withoutMessageID}} {
		t.Run(tc.name, func(t *testing.T) { runSignedStaffMailReplayed(t, tc.signed) })
	}
}

func runSignedStaffMailReplayed(t *testing.T, signed []string) {
	e := startM365Env(t)
	const id = "KL-2026-0001"
	conf, _ := e.complaint(id, "Jan de Vries", janAddr, "complaint-1@example.nl")
	planted := "Re: " + conf.Subject + " [gegrond] [afgehandeld]"

	// The staff member's answer to all: the complainant and info@.
	const genuineID = "staff-1@intervisie-begeleiding.nl"
	genuine := e.keys.signWith(t, rawMail("Milou Meijer <"+staffAddr+">", "Jan de Vries <"+janAddr+">", "RE: "+planted, genuineID, e.clock.Now(),
		"Beste Jan, we kijken ernaar.\n\nMilou\n",
		"Cc: "+orgAddr, "In-Reply-To: <jan-direct@example.nl>", "References: "+angle(conf.MessageID)+" <jan-direct@example.nl>"),
		staffDomain, signed...)
	e.deliver(genuine)
	fout := onlyOne(t, e.next(1), "commando-fout")
	if !strings.Contains(fout.Text, "[gegrond] [afgehandeld]: niet uitgevoerd") || !strings.Contains(fout.Text, "die klachtd niet kent") {
		t.Errorf("the staff member is not told the tags were not carried out:\n%s", fout.Text)
	}
	e.unchanged(id, "the genuine answer")

	keepsID := slices.Contains(signed, "Message-ID")
	copies := []struct {
		name string
		raw  []byte
	}{
		{"In-Reply-To rewritten to the confirmation", withThreading(t, genuine, "In-Reply-To: "+angle(conf.MessageID), "References: "+angle(conf.MessageID))},
		{"threading removed", withThreading(t, genuine)},
		{"the same mail with one more Received line", append([]byte("Received: from mx2.example by mx.intervisie-begeleiding.nl; Thu, 26 Nov 2026 10:05:00 +0000\r\n"), genuine...)},
	}
	for i, c := range copies {
		raw := c.raw
		if !keepsID {
			raw = bytes.Replace(raw, []byte("<"+genuineID+">"), []byte(fmt.Sprintf("<copy-%d@evil.example>", i)), 1)
		}
		e.later()
		e.deliver(raw)
		e.waitEvents(id, "duplicate-command", i+1)
		e.unchanged(id, c.name)
	}
	want := "al eerder verwerkt op " + id + " (zelfde DKIM-handtekening of inhoud)"
	if keepsID {
		want = "Message-ID " + genuineID + " opnieuw bezorgd"
	}
	for _, ev := range timeline(t, e.st, id) {
		if ev.Kind == "duplicate-command" && !strings.Contains(ev.Text, want) {
			t.Errorf("the timeline does not say the copy was handled before (%q): %+v", want, ev)
		}
	}
	if m := lastIncoming(t, e.st, id); strings.Trim(m.MessageID, "<>") != genuineID {
		t.Errorf("a copy was kept as a mail of its own: last incoming %q (%s)", m.MessageID, m.Kind)
	}

	// Control: a new answer of the staff member's, with a tag of their own, is carried out.
	e.later()
	e.deliver(e.keys.signWith(t, rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "RE: "+conf.Subject+" [in-behandeling]", "staff-2@intervisie-begeleiding.nl",
		e.clock.Now(), "Wij nemen uw klacht in behandeling.\n", "In-Reply-To: "+angle(conf.MessageID)), staffDomain, signed...))
	mails := e.next(2)
	onlyOne(t, mails, "commando-ok")
	onlyOne(t, to(mails, janAddr), "status")
	e.waitCase(id, "in behandeling", status(complaint.StatusInBehandeling))
}

// TestUnsignedInReplyToDecidesNotAlone: when the signature leaves In-Reply-To out (as
// Microsoft 365 does), the mail it names does not decide alone which tags are the staff
// member's. Through a real Dovecot, in "dkim" mode:
//   - a staff answer klachtd never saw (sent to the complainant only), its In-Reply-To
//     removed: a "RE:" subject without In-Reply-To answers a mail klachtd cannot know, so no
//     tag counts, and the staff member is told how to send the command;
//   - the same with In-Reply-To rewritten to the confirmation, whose subject holds no tag:
//     the tags the complainant wrote in a subject on the case do not count;
//   - the staff member who means such a tag writes it once more, and it counts;
//   - a staff member's own [gegrond] in an answer to klachtd's staff notice counts when no
//     subject on the case from someone other than staff holds [gegrond] (a complainant's
//     subject with another tag in it does not stand in the way).
func TestUnsignedInReplyToDecidesNotAlone(t *testing.T) {
	e := startM365Env(t)
	const piet, anna, kees = "KL-2026-0001", "KL-2026-0002", "KL-2026-0003"
	const pietAddr, annaAddr, keesAddr = "piet.bakker@example.nl", "anna.smit@example.nl", "kees.jansen@example.nl"

	// 1. Piet plants the tags in a mail to the staff member alone; the answer goes to Piet alone.
	confPiet, _ := e.complaint(piet, "Piet Bakker", pietAddr, "complaint-piet@example.nl")
	plantedPiet := "Re: " + confPiet.Subject + " [gegrond] [afgehandeld]"
	answer := e.staffReply("Piet Bakker <"+pietAddr+">", "RE: "+plantedPiet, "staff-p1@intervisie-begeleiding.nl",
		"Beste Piet, we kijken ernaar.\n", "In-Reply-To: <piet-direct@example.nl>", "References: "+angle(confPiet.MessageID)+" <piet-direct@example.nl>")
	e.deliver(withThreading(t, answer))
	fout := onlyOne(t, e.next(1), "commando-fout")
	for _, want := range []string{"[gegrond] [afgehandeld]: niet uitgevoerd", "begint als een antwoord", "[" + piet + "]", "zonder \"Re:\""} {
		if !strings.Contains(fout.Text, want) {
			t.Errorf("Piet: the error reply does not say %q:\n%s", want, fout.Text)
		}
	}
	e.unchanged(piet, "Piet: threading removed")

	// 2. Anna plants the tags in a mail to info@ with the staff member in copy; the staff
	// member answers Anna alone; Anna points its In-Reply-To at her confirmation.
	e.later()
	confAnna, noticeAnna := e.complaint(anna, "Anna Smit", annaAddr, "complaint-anna@example.nl")
	plantedAnna := "Re: " + confAnna.Subject + " [gegrond] [afgehandeld]"
	e.deliver(rawMail("Anna Smit <"+annaAddr+">", orgAddr, plantedAnna, "anna-2@example.nl", e.clock.Now(),
		"Ik verwacht snel antwoord.\n", "Cc: Milou Meijer <"+staffAddr+">", "In-Reply-To: "+angle(confAnna.MessageID)))
	onlyOne(t, e.next(1), "melding")
	e.later()
	answer = e.staffReply("Anna Smit <"+annaAddr+">", "RE: "+plantedAnna, "staff-a1@intervisie-begeleiding.nl",
		"Beste Anna, we kijken ernaar.\n", "In-Reply-To: <anna-2@example.nl>", "References: "+angle(confAnna.MessageID)+" <anna-2@example.nl>")
	e.deliver(withThreading(t, answer, "In-Reply-To: "+angle(confAnna.MessageID)))
	fout = onlyOne(t, e.next(1), "commando-fout")
	for _, want := range []string{"[gegrond] [afgehandeld]: niet uitgevoerd", "staat ook in het onderwerp van een e-mail die de klager", "nog een keer"} {
		if !strings.Contains(fout.Text, want) {
			t.Errorf("Anna: the error reply does not say %q:\n%s", want, fout.Text)
		}
	}
	e.unchanged(anna, "Anna: In-Reply-To rewritten")

	// 3. The staff member does mean [gegrond] for Anna, and writes it once more.
	e.later()
	e.deliver(e.staffReply(orgAddr, "RE: "+noticeAnna.Subject+" [gegrond] [gegrond]", "staff-a2@intervisie-begeleiding.nl",
		"Wij vinden uw klacht gegrond en bieden een nieuwe datum aan.\n", "In-Reply-To: "+angle(noticeAnna.MessageID)))
	mails := e.next(2)
	onlyOne(t, mails, "commando-ok")
	onlyOne(t, to(mails, annaAddr), "uitkomst-gegrond")
	e.waitCase(anna, "gegrond", func(c complaint.Case) bool { return c.Verdict == complaint.VerdictGegrond })

	// 4. Kees writes a tag of his own in a subject; the staff member's [gegrond] in an answer
	// to the staff notice (unsigned In-Reply-To) counts.
	e.later()
	confKees, noticeKees := e.complaint(kees, "Kees Jansen", keesAddr, "complaint-kees@example.nl")
	e.deliver(rawMail("Kees Jansen <"+keesAddr+">", orgAddr, "Re: "+confKees.Subject+" [in-behandeling]", "kees-2@example.nl", e.clock.Now(),
		"Wanneer hoor ik iets?\n", "In-Reply-To: "+angle(confKees.MessageID)))
	onlyOne(t, e.next(1), "melding")
	e.later()
	e.deliver(e.staffReply(orgAddr, "RE: "+noticeKees.Subject+" [gegrond]", "staff-k1@intervisie-begeleiding.nl",
		"Wij vinden uw klacht gegrond.\n", "In-Reply-To: "+angle(noticeKees.MessageID)))
	mails = e.next(2)
	if ok := onlyOne(t, mails, "commando-ok"); strings.Contains(ok.Text, "niet uitgevoerd") {
		t.Errorf("Kees: the staff member is told a tag was left out:\n%s", ok.Text)
	}
	onlyOne(t, to(mails, keesAddr), "uitkomst-gegrond")
	e.waitCase(kees, "gegrond", func(c complaint.Case) bool { return c.Verdict == complaint.VerdictGegrond })
	e.quiet()
	if n := len(e.sink.Messages()); n != e.seen {
		t.Errorf("%d mail(s) more than the steps expected", n-e.seen)
	}
}
