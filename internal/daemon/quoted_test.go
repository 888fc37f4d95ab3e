package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestPlantedTags: a complainant puts [gegrond] [afgehandeld] in their subject with staff in
// Cc; a staff reply-all without tags of its own commands nothing (the staff member is told
// why); the same reply with [in-behandeling] added commands only that. A reply-all to a mail
// klachtd never saw commands nothing at all. Real Dovecot.
func TestPlantedTags(t *testing.T) {
	e := startDovecotEnv(t, time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)), nil)
	const id = "KL-2026-0001"
	e.deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de intervisie", "complaint-1@example.nl", e.clock.Now(),
		"Ik wil een klacht indienen over de vervallen bijeenkomst.\n"))
	conf := onlyOne(t, e.next(2), "bevestiging")
	e.waitCase(id, "bevestigd", status(complaint.StatusBevestigd))

	planted := "Re: " + conf.Subject + " [gegrond] [afgehandeld]"
	e.deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr+", Milou Meijer <"+staffAddr+">", planted, "jan-2@example.nl", e.clock.Now(),
		"Ik verwacht snel antwoord.\n", "In-Reply-To: "+conf.MessageID, "Cc: Milou Meijer <"+staffAddr+">"))
	onlyOne(t, e.next(1), "melding")

	replyAll := func(subject, msgID, inReplyTo string) {
		e.deliver(rawMail("Milou Meijer <"+staffAddr+">", "Jan de Vries <"+janAddr+">", subject, msgID, e.clock.Now(),
			"Beste Jan, we kijken ernaar.\n\nMilou\n\nOp 26 nov. 2026 schreef Jan de Vries:\n> Ik verwacht snel antwoord.\n",
			"Cc: "+orgAddr, "In-Reply-To: <"+inReplyTo+">", "References: "+conf.MessageID+" <"+inReplyTo+">"))
	}
	// 1. Reply-all with the complainant's tags only: nothing commanded, the staff member told.
	replyAll("RE: "+planted, "staff-1@intervisie-begeleiding.nl", "jan-2@example.nl")
	fout := onlyOne(t, e.next(1), "commando-fout")
	if fout.To[0] != staffAddr || !strings.Contains(fout.Text, "[gegrond] [afgehandeld]: niet uitgevoerd") ||
		!strings.Contains(fout.Text, "stond al in het onderwerp van de e-mail waarop u antwoordt") {
		t.Errorf("commando-fout to %v does not say the tags were quoted:\n%s", fout.To, fout.Text)
	}
	if c := e.waitCase(id, "unchanged", func(complaint.Case) bool { return true }); c.Status != complaint.StatusBevestigd || c.Verdict != "" {
		t.Fatalf("a reply-all with quoted tags changed the case: status %s, verdict %q", c.Status, c.Verdict)
	}

	// 2. The same reply-all to a mail klachtd never saw (the complainant wrote to the staff
	// member directly): nothing commanded, not even a tag of the staff member's own.
	replyAll("RE: "+planted+" [in-behandeling]", "staff-2@intervisie-begeleiding.nl", "jan-direct@example.nl")
	fout = onlyOne(t, e.next(1), "commando-fout")
	if !strings.Contains(fout.Text, "[gegrond] [afgehandeld] [in-behandeling]: niet uitgevoerd") || !strings.Contains(fout.Text, "die klachtd niet kent") ||
		!strings.Contains(fout.Text, "["+id+"]") {
		t.Errorf("commando-fout does not say the answered mail is unknown:\n%s", fout.Text)
	}
	if c := e.waitCase(id, "unchanged", func(complaint.Case) bool { return true }); c.Status != complaint.StatusBevestigd || c.Verdict != "" {
		t.Fatalf("a reply-all to an unknown mail changed the case: status %s, verdict %q", c.Status, c.Verdict)
	}

	// 3. The reply-all with [in-behandeling] added, written a minute later (a new mail, not a
	// copy of the one before): that alone is carried out.
	e.clock.Set(e.clock.Now().Add(time.Minute))
	replyAll("RE: "+planted+" [in-behandeling]", "staff-3@intervisie-begeleiding.nl", "jan-2@example.nl")
	mails := e.next(2)
	ok := onlyOne(t, mails, "commando-ok")
	onlyOne(t, to(mails, janAddr), "status")
	if !strings.Contains(ok.Text, "[gegrond] [afgehandeld]: niet uitgevoerd") {
		t.Errorf("commando-ok does not name the quoted tags left out:\n%s", ok.Text)
	}
	c := e.waitCase(id, "in behandeling", status(complaint.StatusInBehandeling))
	if c.Verdict != "" || !c.ClosedAt.IsZero() {
		t.Errorf("quoted tags carried out with [in-behandeling]: verdict %q, closed %v", c.Verdict, c.ClosedAt)
	}
	ev := timeline(t, e.st, id)
	n := 0
	for _, x := range ev {
		if x.Kind == "quoted-tags" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("timeline has %d quoted-tags events, want 3: %+v", n, ev)
	}
	e.idle()
	if got := len(e.sink.Messages()); got != e.seen {
		t.Errorf("sink holds %d mails, the steps expected %d", got, e.seen)
	}
}

// TestQuotedTagsInForwards: a forward shows the subject of what it forwards (an inline header
// block, or an attached message): tags that stood there are quoted; a forward that shows no
// subject, or an answer to a mail klachtd does not know, commands nothing; a new mail without
// In-Reply-To commands all its tags.
func TestQuotedTagsInForwards(t *testing.T) {
	const planted = "[KL-2026-0001] Mijn klacht [gegrond] [afgehandeld]"
	inline := "Zie hieronder.\n\n---------- Forwarded message ---------\nFrom: Jan de Vries <" + janAddr + ">\n" +
		"Date: Thu, 26 Nov 2026 at 10:00\nSubject: " + planted + "\nTo: Milou Meijer <" + staffAddr + ">\n\nIk verwacht snel antwoord.\n"
	tests := []struct {
		name, subject, body string
		extra               []string
		verdict             complaint.Verdict
		template            string
		says                string
	}{
		{"inline forward keeping the tags", "Fwd: " + planted, inline, nil, "", "commando-fout", "stond al in het onderwerp"},
		{"inline forward with a tag of its own", "Fwd: " + planted + " [gegrond]", inline, nil, complaint.VerdictGegrond, "commando-ok", "[gegrond] [afgehandeld]: niet uitgevoerd"},
		{"forward showing no subject", "Fwd: " + planted, "Zie hieronder.\n\nIk verwacht snel antwoord.\n", nil, "", "commando-fout", "die klachtd niet kent"},
		{"answer to an unknown mail", "RE: " + planted, "Akkoord.\n", []string{"In-Reply-To: <elders@example.nl>"}, "", "commando-fout", "die klachtd niet kent"},
		{"a new mail", planted, "Wij vinden uw klacht gegrond.\n", nil, complaint.VerdictGegrond, "commando-ok", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCaseEnv(t, nil, nil)
			id, _ := e.complaint("Jan de Vries", janAddr, "complaint-q@example.nl", "Ik heb een klacht over de training.\n")
			if id != "KL-2026-0001" {
				t.Fatalf("case %s", id)
			}
			e.advance(time.Minute)
			e.feed.feed(t, rawMail("Milou Meijer <"+staffAddr+">", orgAddr, tt.subject, "fwd-1@intervisie-begeleiding.nl", e.clock.Now(), tt.body, tt.extra...))
			c := e.caseOf(id)
			if c.Verdict != tt.verdict {
				t.Errorf("verdict %q, want %q", c.Verdict, tt.verdict)
			}
			if tt.verdict == "" && c.Status != complaint.StatusBevestigd {
				t.Errorf("status %s, want bevestigd (nothing commanded)", c.Status)
			}
			if closed := c.Status == complaint.StatusAfgehandeld; closed != (tt.template == "commando-ok" && tt.says == "") {
				t.Errorf("closed %v: only a new mail's own [afgehandeld] closes the case", closed)
			}
			m := onlyOne(t, e.send(), tt.template)
			if !strings.Contains(m.Text, tt.says) {
				t.Errorf("%s does not say %q:\n%s", tt.template, tt.says, m.Text)
			}
		})
	}
}
