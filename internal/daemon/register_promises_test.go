package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/intake"
)

// feedAt hands a message to Handle as the intake would, with the moment it reached the mailbox.
func (e *caseEnv) feedAt(raw []byte, arrived time.Time) {
	e.t.Helper()
	e.feed.uid++
	if _, err := e.d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: e.feed.uid,
		Raw: raw, Header: headerOf(raw), Size: int64(len(raw)), InternalDate: arrived}); err != nil {
		e.t.Fatalf("handle uid %d: %v", e.feed.uid, err)
	}
}

// TestTermsRunFromArrival: after two days of downtime a complaint's terms run from when it
// reached the mailbox (the IMAP internal date), not from when klachtd read it: received_at
// is the arrival and due_at the arrival plus the handling term.
func TestTermsRunFromArrival(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	arrived := e.clock.Now()
	e.clock.Set(arrived.Add(48 * time.Hour))
	e.feedAt(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "arrival@example.nl", arrived.Add(-time.Hour), "Mijn klacht over de training.\n"), arrived)
	c := e.caseOf("KL-2026-0001")
	if !c.ReceivedAt.Equal(arrived) || !c.DueAt.Equal(arrived.Add(e.cfg.Deadlines.HandleWithin)) {
		t.Errorf("read two days late: received %s, due %s; want received %s (the arrival), due %s", c.ReceivedAt, c.DueAt,
			arrived, arrived.Add(e.cfg.Deadlines.HandleWithin))
	}
	var alarm time.Time
	for _, tm := range caseTimers(t, e.st, c.ID) {
		if tm.Kind == "confirm-alarm" {
			alarm = tm.At
		}
	}
	if want := arrived.Add(e.cfg.Deadlines.ConfirmAlarm); !alarm.Equal(want) {
		t.Errorf("confirm-alarm at %s, want %s (from the arrival)", alarm, want)
	}
}

// TestCaseNumberYearInAmsterdam: the year in a case number is the organisation's: a complaint
// at 00:30 on 1 January Amsterdam time (23:30 UTC the day before) is the first of the new year,
// and one at 23:59 on 31 December is still the old year's.
func TestCaseNumberYearInAmsterdam(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	for _, step := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC), "KL-2026-0001"},
		{time.Date(2026, 12, 31, 22, 59, 0, 0, time.UTC), "KL-2026-0002"}, // 23:59 in Amsterdam
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "KL-2027-0001"}, // 00:30 on 1 January in Amsterdam
		{time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), "KL-2027-0002"},
	} {
		e.clock.Set(step.at)
		e.feedAt(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "year-"+step.want+"@example.nl", step.at, "Mijn klacht.\n"), step.at)
		if _, _, err := e.st.Case(context.Background(), step.want); err != nil {
			cases, _ := e.st.Cases(context.Background(), "")
			var ids []string
			for _, c := range cases {
				ids = append(ids, c.ID)
			}
			t.Fatalf("complaint at %s: no case %s (cases %v)", step.at, step.want, ids)
		}
	}
}

// TestAutoReplyLimitWindowIsADay: auto_reply_limit counts the automatic answers of the last
// 24 hours — not 12, not 48: with a limit of 3, the fourth complaint 13 hours after the first
// and the next ones after 23 and exactly 24 hours get no confirmation, the one 24½ hours after
// the first does.
func TestAutoReplyLimitWindowIsADay(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	if e.cfg.Deadlines.AutoReplyLimit != 3 {
		t.Fatalf("auto_reply_limit %d: the test expects the default 3", e.cfg.Deadlines.AutoReplyLimit)
	}
	start := e.clock.Now()
	for i, step := range []struct {
		after     time.Duration
		confirmed bool
	}{
		{0, true}, {time.Hour, true}, {2 * time.Hour, true},
		{13 * time.Hour, false}, {23 * time.Hour, false},
		{24 * time.Hour, false}, // the first answer is exactly a day old: still inside the day
		{24*time.Hour + 30*time.Minute, true},
	} {
		e.clock.Set(start.Add(step.after))
		e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, fmt.Sprintf("Klacht %d", i+1),
			fmt.Sprintf("window-%d@example.nl", i), e.clock.Now(), "Nog een klacht over de cursus.\n"))
		got := len(withTemplate(e.send(), "bevestiging")) == 1
		if got != step.confirmed {
			t.Errorf("complaint %d, %s after the first: confirmed %v, want %v", i+1, step.after, got, step.confirmed)
		}
	}
}

// TestOldMailStartsItsTermsAtRegistration: a complaint found long after it arrived (a
// backfill, or downtime longer than the handling term) gets its terms from the registration:
// a confirmation must never promise a date already past. The timeline says when it was sent.
func TestOldMailStartsItsTermsAtRegistration(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	now := e.clock.Now()
	arrived := now.Add(-5 * 7 * 24 * time.Hour)
	e.feedAt(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "old-mail@example.nl", arrived, "Mijn klacht over de training.\n"), arrived)
	c := e.caseOf("KL-2026-0001")
	if !c.ReceivedAt.Equal(now) || !c.DueAt.Equal(now.Add(e.cfg.Deadlines.HandleWithin)) {
		t.Errorf("mail of five weeks ago: received %s, due %s; want the terms from now (%s)", c.ReceivedAt, c.DueAt, now)
	}
	conf := onlyOne(t, e.send(), "bevestiging")
	if due := complaint.FormatDate(c.DueAt, "nl", e.cfg.Organisation.Location); !strings.Contains(conf.Text, due) {
		t.Errorf("the confirmation does not promise %s:\n%s", due, conf.Text)
	}
	sent := complaint.FormatDateTime(arrived, "nl", e.cfg.Organisation.Location)
	found := false
	for _, ev := range timeline(t, e.st, c.ID) {
		found = found || ev.Kind == "registered" && strings.Contains(ev.Text, sent)
	}
	if !found {
		t.Errorf("the timeline does not say the complaint was sent on %s", sent)
	}
}

// TestExtensionsCountedByWho: the statistics of the half-yearly report tell an automatic
// extension (klachtd's own notice) from one staff gave with [verlenging].
func TestExtensionsCountedByWho(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	auto, _ := e.complaint("Jan de Vries", janAddr, "ext-auto@example.nl", "Mijn klacht over de training.\n")
	staff, _ := e.complaint("Piet Jansen", "piet@example.nl", "ext-staff@example.nl", "Mijn klacht over de cursus.\n")
	e.advance(time.Hour)
	e.staffCommand(staff, "[verlenging 2w]", "ext-s1@intervisie-begeleiding.nl", "Wij hebben meer tijd nodig.\n")
	at, _ := complaint.AutoExtendAt(e.caseOf(auto), e.d.terms)
	e.clock.Set(at)
	if err := e.d.RunDue(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	stats, err := e.st.Stats(context.Background(), at.AddDate(-1, 0, 0), at)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]string{}
	for _, s := range stats {
		by[s.ID] = s.ExtendedBy
	}
	if by[auto] != "auto" || by[staff] != "staff" {
		t.Errorf("extended by: %s %q, %s %q; want auto and staff", auto, by[auto], staff, by[staff])
	}
}
