package daemon

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/intake"
)

// dsn is a Postfix-style delivery status notification (multipart/report) about the mail with
// origID to rcpt; status 5.x.x fails, 4.x.x is delayed.
func dsn(origID, rcpt, subject, status string, at time.Time) []byte {
	action, code := "failed", "550"
	if strings.HasPrefix(status, "4.") {
		action, code = "delayed", "451"
	}
	const b = "dsn-boundary-7"
	return []byte(strings.ReplaceAll(fmt.Sprintf(`Return-Path: <>
Date: %[5]s
From: MAILER-DAEMON@mail.intervisie-begeleiding.nl (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: %[6]s
Auto-Submitted: auto-replied
Message-Id: <dsn-%[8]d@mail.intervisie-begeleiding.nl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="%[7]s"

--%[7]s
Content-Type: text/plain; charset=utf-8

Your message could not be delivered to <%[2]s>.

--%[7]s
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.intervisie-begeleiding.nl

Final-Recipient: rfc822; %[2]s
Action: %[3]s
Status: %[4]s
Diagnostic-Code: smtp; %[9]s %[4]s <%[2]s>: Recipient address rejected: User unknown

--%[7]s
Content-Type: message/rfc822

Message-ID: <%[1]s>
From: Groeimeesters <%[6]s>
To: <%[2]s>
Subject: %[10]s

(body omitted)

--%[7]s--
`, origID, rcpt, action, status, at.Format(time.RFC1123Z), orgAddr, b, at.UnixNano(), code, subject), "\n", "\r\n"))
}

// TestBounce: a DSN for the confirmation marks the case, alerts staff with the address and
// the complainant's phone, and holds the address so no further mail goes to it.
func TestBounce(t *testing.T) {
	tests := []struct {
		name   string
		status string
		held   bool
	}{
		{name: "permanent failure", status: "5.1.1", held: true},
		{name: "delayed delivery", status: "4.4.7", held: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, nil, nil)
			id, first := e.complaint("Jan de Vries", janAddr, "complaint-b@example.nl",
				"Ik heb een klacht over de online cursus.\n\nTelefoon: 06 12345678\n")
			conf := onlyOne(t, first, "bevestiging")
			e.advance(time.Minute)
			disp := e.feed.feed(t, dsn(conf.Row.MessageID, janAddr, conf.Subject, tc.status, e.clock.Now()))
			if disp != intake.Move {
				t.Errorf("bounce disposition %v, want Move", disp)
			}
			ev := timeline(t, e.st, id)
			var bounce string
			for _, x := range ev {
				if x.Kind == "bounce" {
					bounce = x.Text
				}
			}
			if !strings.Contains(bounce, janAddr) || !strings.Contains(bounce, "bevestiging") || !strings.Contains(bounce, tc.status) {
				t.Errorf("bounce event %q should name the address, the template and the status", bounce)
			}
			mails := e.send()
			alert := onlyOne(t, mails, "melding")
			checkCaseMail(t, alert, id, e.root, staffAddr)
			for _, want := range []string{janAddr, "06 12345678", "niet worden afgeleverd"} {
				if !strings.Contains(alert.Text, want) {
					t.Errorf("staff alert lacks %q:\n%s", want, alert.Text)
				}
			}
			if len(to(mails, janAddr)) != 0 {
				t.Errorf("the bounce caused mail to the complainant")
			}

			// Staff take the case up: the status mail goes only to an address that did not fail.
			e.advance(time.Minute)
			e.feed.feed(t, staffMail(id, "[in-behandeling]", "staff-b1@intervisie-begeleiding.nl", e.clock.Now(),
				"Wij nemen uw klacht in behandeling.\n"))
			if c := e.caseOf(id); c.Status != complaint.StatusInBehandeling {
				t.Fatalf("status %s, want in-behandeling", c.Status)
			}
			mails = e.send()
			ok := onlyOne(t, mails, "commando-ok")
			if tc.held {
				if n := len(to(mails, janAddr)); n != 0 {
					t.Errorf("%d mails went to the bouncing address", n)
				}
				if !strings.Contains(ok.Text, "NIET verstuurd") || !strings.Contains(ok.Text, janAddr) {
					t.Errorf("commando-ok does not say the status mail was held:\n%s", ok.Text)
				}
				if !hasEvent(timeline(t, e.st, id), "mail-held") {
					t.Errorf("no mail-held event")
				}
			} else {
				checkCaseMail(t, onlyOne(t, mails, "status"), id, e.root, janAddr)
			}

			// The complainant writes again: the address works, mail to it resumes.
			e.advance(time.Minute)
			e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "RE: ["+id+"] Uw klacht", "jan-b2@example.nl",
				e.clock.Now(), "Mijn mailbox werkt weer.\n"))
			e.send()
			e.advance(time.Minute)
			e.feed.feed(t, staffMail(id, "[in-behandeling]", "staff-b2@intervisie-begeleiding.nl", e.clock.Now(),
				"Wij spreken de docent volgende week.\n"))
			checkCaseMail(t, onlyOne(t, e.send(), "status"), id, e.root, janAddr)
		})
	}
}

// TestBounceUnknown: a DSN about a mail klachtd never sent is left in the mailbox and touches
// no case.
func TestBounceUnknown(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, _ := e.complaint("Jan de Vries", janAddr, "complaint-u@example.nl", "Ik heb een klacht.\n")
	before := len(timeline(t, e.st, id))
	if disp := e.feed.feed(t, dsn("someone-else-123@example.org", janAddr, "Hallo", "5.1.1", e.clock.Now())); disp != intake.Leave {
		t.Errorf("disposition %v, want Leave", disp)
	}
	if after := len(timeline(t, e.st, id)); after != before {
		t.Errorf("timeline grew from %d to %d events", before, after)
	}
	if mails := e.send(); len(mails) != 0 {
		t.Errorf("%d mails sent for a foreign bounce", len(mails))
	}
}
