package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
)

// TestLanguageFollowsTheComplaint: an English complaint gets English mail; staff keep the
// organisation's language.
func TestLanguageFollowsTheComplaint(t *testing.T) {
	clock := &fakeClock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	f := &feeder{d: d}
	f.feed(t, rawMail("Emily Carter <emily@example.com>", orgAddr, "Complaint about the online course", "en1@example.com",
		clock.Now(), "Dear Sir or Madam,\n\nI would like to file a complaint about the online course. The videos did not work for three weeks and nobody answered my emails.\n\nKind regards,\nEmily Carter"))
	f.feed(t, rawMail("Jan Jansen <jan@example.nl>", orgAddr, "Klacht over de training", "nl1@example.nl",
		clock.Now(), "Beste mensen,\n\nIk wil een klacht indienen over de training van vorige week. De trainer was niet aanwezig en er was geen vervanging geregeld.\n\nMet vriendelijke groet,\nJan Jansen"))
	sent := sendAll(t, d, clock.Now())
	en := onlyOne(t, to(sent, "emily@example.com"), "bevestiging")
	nl := onlyOne(t, to(sent, "jan@example.nl"), "bevestiging")
	if !strings.Contains(en.Subject, "Confirmation") || !strings.Contains(en.Text, "Dear Emily Carter") || strings.Contains(en.Text, "Beste") {
		t.Errorf("English complaint got: %q\n%s", en.Subject, en.Text)
	}
	if !strings.Contains(nl.Subject, "Bevestiging") || !strings.Contains(nl.Text, "Beste Jan Jansen") {
		t.Errorf("Dutch complaint got: %q\n%s", nl.Subject, nl.Text)
	}
	for _, m := range withTemplate(to(sent, staffAddr), "melding-nieuw") {
		if !strings.Contains(m.Subject, "Nieuwe klacht") {
			t.Errorf("staff notice not in the organisation's language: %q", m.Subject)
		}
	}
}

// TestUnreadableMailIsQuarantined: bytes with no mail header are kept with the reason, staff
// are told, the message stays in the mailbox, and the next mail is handled as usual.
func TestUnreadableMailIsQuarantined(t *testing.T) {
	clock := &fakeClock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	garbage := []byte("\x00\x01\x02 this is no mail at all\r\n\r\n")
	disp, err := d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: 7, Raw: garbage, Header: garbage, Size: int64(len(garbage))})
	if err != nil {
		t.Fatalf("Handle of garbage: %v", err)
	}
	if disp != intake.Leave {
		t.Errorf("garbage disposition %v, want Leave", disp)
	}
	sent := sendAll(t, d, clock.Now())
	notice := onlyOne(t, to(sent, staffAddr), "melding")
	if !strings.Contains(notice.Text, "uid 7") {
		t.Errorf("the staff notice does not say which message:\n%s", notice.Text)
	}
	f := &feeder{d: d, uid: 7}
	f.feed(t, rawMail("Jan <jan@example.nl>", orgAddr, "Klacht", "ok1@example.nl", clock.Now(), "Naam: Jan\nOmschrijving: iets ging mis"))
	cases, err := st.Cases(context.Background(), "")
	if err != nil || len(cases) != 1 {
		t.Fatalf("after the garbage, a good complaint: %d cases, %v", len(cases), err)
	}
}
