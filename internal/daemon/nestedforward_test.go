package daemon

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// nestedForward is a staff [nieuw] that forwards a stranger's mail inline; the stranger's
// mail carried an attached .eml claiming to be from the victim, dated long ago.
func nestedForward(at, strangerAt, victimAt time.Time) []byte {
	var b bytes.Buffer
	b.WriteString("From: Milou Meijer <" + staffAddr + ">\r\nTo: " + orgAddr + "\r\n")
	b.WriteString("Subject: Fwd: [nieuw] Klacht\r\nDate: " + at.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <fwd-nested@intervisie-begeleiding.nl>\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n")
	b.WriteString("--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString("Graag registreren.\r\n\r\n---------- Forwarded message ---------\r\n")
	b.WriteString("From: Onbekende Afzender <stranger@evil.example>\r\nDate: " + strangerAt.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Subject: Klacht\r\nTo: Milou Meijer <" + staffAddr + ">\r\n\r\n")
	b.WriteString("Ik heb een klacht over de training. Zie de bijlage.\r\n")
	b.WriteString("--outer\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"klacht.eml\"\r\n\r\n")
	b.Write(rawMail("Slachtoffer <victim@example.nl>", "Milou Meijer <"+staffAddr+">", "Mijn klacht", "victim-1@example.nl",
		victimAt, "Dit is de klacht van het slachtoffer, lang geleden.\n"))
	b.WriteString("\r\n--outer--\r\n")
	return b.Bytes()
}

// TestNestedForwardNieuw: [nieuw] of an inline forward whose forwarded mail carries an
// attached .eml from a third address with an old Date: the case is the outer sender's (the
// forward's own header block), its terms run from the forward's arrival (the INTERNALDATE of
// the staff mail, not any Date: inside), and no extension notice goes out at once. Real
// Dovecot.
func TestNestedForwardNieuw(t *testing.T) {
	base := time.Now().Truncate(time.Second)
	e := startDovecotEnv(t, base, nil)
	arrived := base.Add(-10 * time.Minute)
	raw := nestedForward(base.Add(-11*time.Minute), base.Add(-26*24*time.Hour), base.Add(-27*24*time.Hour))
	cmd := e.c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: arrived})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	mails := e.next(2)
	conf := onlyOne(t, mails, "bevestiging")
	onlyOne(t, mails, "melding-nieuw")
	if strings.Join(conf.To, ",") != "stranger@evil.example" {
		t.Errorf("confirmation to %v, want the outer sender stranger@evil.example", conf.To)
	}
	cases := e.cases()
	if len(cases) != 1 {
		t.Fatalf("%d cases, want 1", len(cases))
	}
	c := e.waitCase(cases[0].ID, "confirmed", func(c complaint.Case) bool { return !c.ConfirmedAt.IsZero() })
	if c.Email != "stranger@evil.example" {
		t.Errorf("case registered for %q, want stranger@evil.example", c.Email)
	}
	if !c.ReceivedAt.Equal(arrived) {
		t.Errorf("received %s, want the forward's arrival %s", c.ReceivedAt, arrived)
	}
	if want := arrived.Add(e.cfg.Deadlines.HandleWithin); !c.DueAt.Equal(want) {
		t.Errorf("due %s, want %s (4 weeks from the forward's arrival)", c.DueAt, want)
	}
	if strings.Contains(c.Fields[complaint.FieldOmschrijving], "slachtoffer") {
		t.Errorf("the nested .eml's text became the complaint: %q", c.Fields[complaint.FieldOmschrijving])
	}
	e.idle()
	if err := e.d.RunDue(e.ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // give the sender the moment it would need
	for _, m := range e.sink.Messages()[e.seen:] {
		t.Errorf("a mail went out after registration: %s", m.Raw[:min(len(m.Raw), 200)])
	}
	for _, m := range e.sink.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, "victim@example.nl") {
				t.Errorf("a mail went to the address in the nested .eml")
			}
		}
	}
}
