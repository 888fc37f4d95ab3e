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

// TestAutoExtensionInTheComplaintsLanguage: the automatic extension notice to a complainant
// who wrote in English is in English, with the new term written in English.
func TestAutoExtensionInTheComplaintsLanguage(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	e.feed.feed(t, rawMail("John Smith <john@example.com>", orgAddr, "Complaint about the course", "en-ext@example.com", e.clock.Now(),
		"I would like to file a complaint about the online course. The videos did not work for two weeks and nobody answered my emails.\n"))
	e.advance(time.Second)
	e.send()
	const id = "KL-2026-0001"
	if c := e.caseOf(id); c.Language != "en" {
		t.Fatalf("case language %q: the test needs an English complaint", c.Language)
	}
	at, _ := complaint.AutoExtendAt(e.caseOf(id), e.d.terms)
	e.clock.Set(at)
	if err := e.d.RunDue(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	ext := onlyOne(t, e.send(), "verlenging")
	term := complaint.FormatDate(e.caseOf(id).DueAt, "en", e.cfg.Organisation.Location)
	if !strings.Contains(ext.Text, term) || strings.Contains(ext.Text, "Beste") {
		t.Errorf("automatic extension to an English complainant lacks %q or is Dutch:\n%s", term, ext.Text)
	}
}

// TestFailedStaffNoticeMakesNoNotice: when a notice to staff cannot be delivered, the timeline
// records it, but no second notice about it is queued (it would fail the same way, and again).
func TestFailedStaffNoticeMakesNoNotice(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	ctx := context.Background()
	e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "staff-fail@example.nl", e.clock.Now(), "Mijn klacht over de training.\n"))
	q, err := e.st.Outbox(ctx, "queued")
	if err != nil {
		t.Fatal(err)
	}
	var notice *store.OutMail
	for _, m := range q {
		if m.Template == "melding-nieuw" {
			notice = m
		}
	}
	if notice == nil {
		t.Fatal("no staff notice queued")
	}
	if err := (queueAdapter{e.d}).Failed(ctx, notice.ID, e.clock.Now(), "550 5.1.1 no such user"); err != nil {
		t.Fatal(err)
	}
	after, _ := e.st.Outbox(ctx, "queued")
	if len(after) != len(q)-1 {
		t.Errorf("%d mails queued after the staff notice failed, want %d: no notice about a failed notice", len(after), len(q)-1)
	}
	if !hasEvent(timeline(t, e.st, "KL-2026-0001"), "send-failed") {
		t.Errorf("the failed staff notice is not on the timeline")
	}
}

// TestFailingTimerHoldsUpNothing: a timer that fails (here: its case is gone) stays due and is
// reported, the other due timers still fire, and the run ends.
func TestFailingTimerHoldsUpNothing(t *testing.T) {
	e := newCaseEnv(t, func(c *config.Config) { c.Deadlines.AutoExtend = false }, nil)
	id, _ := e.complaint("Jan de Vries", janAddr, "failing-timer@example.nl", "Mijn klacht over de training.\n")
	now := e.clock.Now()
	err := e.st.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.EnsureTimer(store.Timer{CaseID: "KL-2026-0999", Kind: string(complaint.TimerRemindDue), At: now.Add(-time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	due := e.caseOf(id).DueAt
	e.clock.Set(due)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.d.RunDue(ctx, due) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "KL-2026-0999") {
			t.Errorf("RunDue = %v, want the failing timer reported", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunDue does not return with a failing timer")
	}
	keys := mailKeys(e.send())
	if strings.Join(keys, " ") != "herinnering:remind-before-due herinnering:remind-due" {
		t.Errorf("mails %v, want both reminders of the real case despite the failing timer", keys)
	}
}

// TestDigestListsOverdue: the weekly digest lists as overdue exactly the open cases whose
// deadline has passed.
func TestDigestListsOverdue(t *testing.T) {
	e := newCaseEnv(t, func(c *config.Config) { c.Deadlines.AutoExtend = false }, nil)
	if err := e.d.ensureGlobalTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	late, _ := e.complaint("Jan de Vries", janAddr, "digest-late@example.nl", "Mijn klacht over de training.\n")
	e.advance(20 * 24 * time.Hour)
	fresh, _ := e.complaint("Piet Jansen", "piet@example.nl", "digest-fresh@example.nl", "Mijn klacht over de cursus.\n")
	e.advance(10 * 24 * time.Hour) // the first is past its four weeks, the second is not
	if err := e.d.RunDue(context.Background(), e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	var digest *outMsg
	for _, m := range e.send() {
		if m.Template == "overzicht" {
			digest = m
		}
	}
	if digest == nil {
		t.Fatal("no weekly digest in 30 days")
	}
	_, rest, _ := strings.Cut(digest.Text, "Over de termijn")
	overdue, _, _ := strings.Cut(rest, "Open klachten")
	if !strings.Contains(digest.Subject, "1 over de termijn") || !strings.Contains(overdue, late) || strings.Contains(overdue, fresh) {
		t.Errorf("digest %q lists as overdue:\n%s\nwant %s alone", digest.Subject, overdue, late)
	}
}
