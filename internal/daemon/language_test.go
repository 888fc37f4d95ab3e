package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestLanguageFollowsTheComplaint: an English complaint gets English mail; staff keep the
// organisation's language.
func TestLanguageFollowsTheComplaint(t *testing.T) {
	clock := &mailtest.Clock{}
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
	clock := &mailtest.Clock{}
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

// TestProcessingFailureIsQuarantined: a message that cannot be processed for a reason other
// than the database (here a broken template override) is quarantined and staff are told, so
// that it does not hold up the mailbox.
func TestProcessingFailureIsQuarantined(t *testing.T) {
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "nl"), 0o700); err != nil {
		t.Fatal(err)
	}
	broken := `{{define "subject"}}Bevestiging{{end}}{{define "text"}}{{.GeenVeld}}{{end}}{{define "html"}}<p>x</p>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "nl", "bevestiging.tmpl"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Templates.Dir = dir
	st, err := store.Open(context.Background(), cfg.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rnd, err := render.New(klachtd.Templates, dir)
	if err != nil {
		t.Fatalf("the override parses, it fails only when executed: %v", err)
	}
	d, err := New(Options{Config: cfg, Store: st, Renderer: rnd, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f := &feeder{d: d}
	if disp := f.feed(t, rawMail("Jan <jan@example.nl>", orgAddr, "Klacht", "k1@example.nl", clock.Now(), "Naam: Jan\nOmschrijving: mis")); disp != intake.Leave {
		t.Errorf("disposition %v, want Leave (quarantined mail stays in the mailbox)", disp)
	}
	if cases, _ := st.Cases(context.Background(), ""); len(cases) != 0 {
		t.Errorf("%d cases registered; the failed transaction must leave none", len(cases))
	}
	sent := sendAll(t, d, clock.Now())
	notice := onlyOne(t, to(sent, staffAddr), "melding")
	if !strings.Contains(notice.Text, "could not be processed") {
		t.Errorf("staff notice does not give the reason:\n%s", notice.Text)
	}
}

// TestStaffAutoReplyIsNoCommand: an out-of-office answer from a staff address, whose subject
// still carries a tag, changes nothing and is not answered.
func TestStaffAutoReplyIsNoCommand(t *testing.T) {
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	f := &feeder{d: d}
	f.feed(t, rawMail("Jan <jan@example.nl>", orgAddr, "Klacht", "k1@example.nl", clock.Now(), "Naam: Jan\nOmschrijving: mis"))
	sent := sendAll(t, d, clock.Now())
	caseID := strings.TrimPrefix(strings.SplitN(onlyOne(t, sent, "bevestiging").Subject, "]", 2)[0], "[")
	f.feed(t, rawMail("Milou <"+staffAddr+">", orgAddr, "Automatisch antwoord: ["+caseID+"] Opdracht [gegrnd]", "ooo1@example.nl",
		clock.Now(), "Ik ben afwezig tot maandag.", "Auto-Submitted: auto-replied"))
	if after := sendAll(t, d, clock.Now()); len(after) != 0 {
		t.Errorf("an automatic staff mail was answered with %d mail(s), first %q", len(after), after[0].Template)
	}
	c, _, err := st.Case(context.Background(), caseID)
	if err != nil || c.Status != "bevestigd" {
		t.Errorf("case after the automatic mail: %v %v", c.Status, err)
	}
	if ev := timeline(t, st, caseID); !hasEvent(ev, "mail-auto") {
		t.Errorf("the automatic mail is not on the timeline: %+v", ev)
	}
}

// TestReplyToOnlyForTheWebForm: the confirmation goes to the sender, not to a Reply-To a
// stranger wrote (even with a From in our own domain); only the configured, authenticated web
// form's Reply-To names the complainant.
func TestReplyToOnlyForTheWebForm(t *testing.T) {
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	cfg.Complaints.FormSenders = []string{"formulier@intervisie-begeleiding.nl"}
	d, _ := newTestDaemon(t, cfg, clock, nil)
	f := &feeder{d: d}
	f.feed(t, rawMail("Iemand <x@intervisie-begeleiding.nl>", orgAddr, "Klacht", "f1@example.nl", clock.Now(),
		"Naam: Iemand\nOmschrijving: koop nu pillen", "Reply-To: slachtoffer@example.org"))
	f.feed(t, rawMail("Website <formulier@intervisie-begeleiding.nl>", orgAddr, "Klachtformulier", "f2@example.nl", clock.Now(),
		"Naam: Jan Jansen\nOmschrijving: de training ging niet door", "Reply-To: Jan Jansen <jan@example.nl>"))
	sent := sendAll(t, d, clock.Now())
	if n := len(to(sent, "slachtoffer@example.org")); n != 0 {
		t.Errorf("%d mail(s) went to a Reply-To a stranger wrote", n)
	}
	onlyOne(t, to(sent, "x@intervisie-begeleiding.nl"), "bevestiging")
	onlyOne(t, to(sent, "jan@example.nl"), "bevestiging")
}
