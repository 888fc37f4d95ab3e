package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
)

// capTo sets complaints.max_new_per_hour and a confirm alarm that comes within the hour.
func capTo(n int) func(*config.Config) {
	return func(c *config.Config) {
		c.Complaints.MaxNewPerHour = n
		c.Deadlines.ConfirmWithin, c.Deadlines.ConfirmAlarm = 2*time.Hour, 30*time.Minute
	}
}

// flood registers n complaints from different addresses and returns the case ids and
// every mail that went out meanwhile.
func (e *caseEnv) flood(n int) ([]string, []*outMsg) {
	e.t.Helper()
	var ids []string
	var mails []*outMsg
	for i := range n {
		id, out := e.complaint(fmt.Sprintf("Klager %d", i), fmt.Sprintf("klager%d@example.nl", i), fmt.Sprintf("flood-%d@example.nl", i),
			"Ik heb een klacht over de online cursus.\n")
		ids = append(ids, id)
		mails = append(mails, out...)
	}
	return ids, mails
}

func confirmedCases(mails []*outMsg) []string {
	var out []string
	for _, m := range withTemplate(mails, tmplConfirmation) {
		out = append(out, strings.TrimPrefix(strings.SplitN(m.Subject, "]", 2)[0], "["))
	}
	return out
}

// TestWaitingConfirmation: beyond max_new_per_hour a confirmation waits. Staff are alarmed at
// confirm_alarm that it is still unsent, and why; when staff write to that complainant first,
// it goes out at once ahead of their mail; when its turn comes it is rendered again: dated
// then, with the receipt of the complaint and the decision term as they now stand.
func TestWaitingConfirmation(t *testing.T) {
	e := newCaseEnv(t, capTo(2), nil)
	loc := e.cfg.Organisation.Location
	start := e.clock.Now()
	ids, mails := e.flood(4)
	if got := strings.Join(confirmedCases(mails), ","); got != ids[0]+","+ids[1] {
		t.Fatalf("confirmed at once: %s, want %s and %s", got, ids[0], ids[1])
	}
	if n := len(withTemplate(mails, "melding")); n != 1 {
		t.Errorf("%d notices to staff about the flood, want 1", n)
	}
	// Staff extend the term of the fourth case: its confirmation goes first, then the extension.
	e.advance(time.Minute)
	e.feed.feed(t, staffMail(ids[3], "[verlenging 2027-02-15]", "staff-ext@intervisie-begeleiding.nl", e.clock.Now(),
		"Wij hebben meer tijd nodig.\n", "In-Reply-To: <flood-3@example.nl>"))
	mails = e.send()
	var order []string
	for _, m := range to(mails, "klager3@example.nl") {
		order = append(order, m.Template)
	}
	if strings.Join(order, ",") != "bevestiging,verlenging" {
		t.Fatalf("mails to the fourth complainant: %v, want its confirmation before the extension", order)
	}
	if c := to(mails, "klager3@example.nl")[0]; !strings.Contains(c.Text, "15 februari 2027") {
		t.Errorf("released confirmation does not give the new term:\n%s", c.Text)
	}
	// The confirm alarm comes for the third case only, and says it waits its turn.
	now := e.advance(30 * time.Minute)
	if err := e.d.RunDue(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	mails = e.send()
	alarms := withTemplate(mails, "herinnering")
	if len(alarms) != 1 || !strings.HasPrefix(alarms[0].Subject, "["+ids[2]+"]") {
		t.Fatalf("confirm alarms %d (%v), want one, for %s", len(alarms), confirmedCases(alarms), ids[2])
	}
	if !strings.Contains(alarms[0].Text, "wacht op haar beurt") {
		t.Errorf("the alarm does not say the confirmation waits its turn:\n%s", alarms[0].Text)
	}
	// Its turn: an hour after the first confirmation.
	e.clock.Set(start.Add(time.Hour + time.Second))
	mails = e.send()
	conf := onlyOne(t, mails, tmplConfirmation)
	if !strings.HasPrefix(conf.Subject, "["+ids[2]+"]") {
		t.Fatalf("confirmation for %s, want %s", conf.Subject, ids[2])
	}
	c := e.caseOf(ids[2])
	for _, want := range []string{"op " + complaint.FormatDate(c.ReceivedAt, "nl", loc) + " in goede orde",
		"uiterlijk op " + complaint.FormatDate(c.DueAt, "nl", loc), "26 november 2026"} {
		if !strings.Contains(conf.Text, want) {
			t.Errorf("the waited confirmation lacks %q:\n%s", want, conf.Text)
		}
	}
	if date, _ := conf.Header.Date(); date.Before(start.Add(time.Hour)) {
		t.Errorf("the waited confirmation is dated %s, before its turn", date)
	}
	if c.ConfirmedAt.IsZero() {
		t.Errorf("case %s not confirmed after its confirmation went out", ids[2])
	}
	if more := e.send(); len(more) != 0 {
		t.Errorf("%d more mails after every confirmation went out", len(more))
	}
}

// TestCapHoldsAcrossRestart: turns are kept in the database, so a restart sends no waiting
// confirmation early; after hours of downtime the waiting ones still go out no faster than
// the cap; none goes out twice.
func TestCapHoldsAcrossRestart(t *testing.T) {
	e := newCaseEnv(t, capTo(2), nil)
	start := e.clock.Now()
	ids, mails := e.flood(5)
	sent := confirmedCases(mails)
	// Restart: a new daemon on the same database.
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	d2, _ := newTestDaemon(t, e.cfg, e.clock, nil)
	if got := confirmedCases(sendAll(t, d2, e.clock.Now())); len(got) != 0 {
		t.Errorf("after a restart: %v confirmed early", got)
	}
	// Down for three hours: every turn has passed; two go, then two an hour later.
	for i, at := range []time.Duration{3 * time.Hour, 3*time.Hour + 59*time.Minute, 4*time.Hour + time.Minute} {
		got := confirmedCases(sendAll(t, d2, start.Add(at)))
		if want := []int{2, 0, 1}[i]; len(got) != want {
			t.Errorf("at +%s: %d confirmations, want %d", at, len(got), want)
		}
		sent = append(sent, got...)
	}
	if strings.Join(sent, ",") != strings.Join(ids, ",") {
		t.Errorf("confirmations %v, want each of %v once, in order", sent, ids)
	}
}
