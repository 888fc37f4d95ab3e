package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
)

// noticeBySubject names the staff reminders of a case by their (Dutch) subject.
var noticeBySubject = []struct{ subject, notice string }{
	{"Herinnering: beslistermijn verloopt op", "remind-before-due"},
	{"Beslistermijn verloopt vandaag", "remind-due"},
	{"Beslistermijn automatisch verlengd", "auto-extended"},
}

// mailKeys names mails for comparison: the template, and for a reminder its notice. The
// weekly digest and the report, which follow the calendar, are left out.
func mailKeys(mails []*outMsg) []string {
	var out []string
	for _, m := range mails {
		key := m.Template
		switch m.Template {
		case "overzicht", "rapport":
			continue
		case "herinnering":
			for _, n := range noticeBySubject {
				if strings.Contains(m.Subject, n.subject) {
					key += ":" + n.notice
				}
			}
		}
		out = append(out, key)
	}
	slices.Sort(out)
	return out
}

// TestDueDateTimers follows one case across its due dates: the reminders come only while a
// verdict is awaited, and with auto_extend on the complainant hears of every extension a day
// (deadlines.auto_extend_before) before the due date, staff with the auto-extended alert
// instead of remind-due; with auto_extend off remind-due comes on the due date.
func TestDueDateTimers(t *testing.T) {
	const day = 24 * time.Hour
	type step struct {
		off   time.Duration // from the case's due date as it stands before the step
		staff string        // the subject of a staff command handled at that moment, if any
		want  []string      // the mails then queued (mailKeys)
	}
	auto := []string{"herinnering:auto-extended", "verlenging"}
	before := []string{"herinnering:remind-before-due"}
	tests := []struct {
		name       string
		autoExtend bool
		steps      []step
	}{
		{"auto-extend on: before every due date", true, []step{
			{off: -7 * day, want: before},
			{off: -day - time.Second},
			{off: -day, want: auto},
			{off: -28 * day}, // the first due date itself: no remind-due, it moved 4 weeks on
			{off: -7 * day, want: before},
			{off: -day, want: auto},
		}},
		{"auto-extend off: remind-due on the due date", false, []step{
			{off: -7 * day, want: before},
			{off: -day},
			{off: 0, want: []string{"herinnering:remind-due"}},
			{off: 28 * day},
		}},
		{"staff extend once, then go silent", true, []step{
			{off: -10 * day, staff: "[verlenging 2w]", want: []string{"verlenging"}},
			{off: -7 * day, want: before},
			{off: -day - time.Second},
			{off: -day, want: auto},
		}},
		{"verdict: no reminders, no extension", true, []step{
			{off: -10 * day, staff: "[gegrond]", want: []string{"uitkomst-gegrond"}},
			{off: -7 * day},
			{off: -day},
			{off: 0},
			{off: 28 * day},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) { c.Deadlines.AutoExtend = tt.autoExtend }, nil)
			id, _ := e.complaint("Jan de Vries", "jan@example.nl", "due-1@example.nl", "Mijn klacht over de training.\n")
			for i, s := range tt.steps {
				due := e.caseOf(id).DueAt
				now := due.Add(s.off)
				e.clock.Set(now)
				if s.staff != "" {
					e.feed.feed(t, staffMail(id, s.staff, fmt.Sprintf("due-staff-%d@intervisie-begeleiding.nl", i), now,
						"Wij vinden uw klacht gegrond; wij hebben meer tijd nodig voor het gesprek.\n"))
				}
				if err := e.d.RunDue(context.Background(), now); err != nil {
					t.Fatal(err)
				}
				mails := e.send()
				got := mailKeys(mails)
				// A staff command is confirmed to staff; that is not what this test is about.
				got = slices.DeleteFunc(got, func(k string) bool { return k == "commando-ok" })
				if diff := cmp.Diff(s.want, got); diff != "" {
					t.Fatalf("step %d at due%+v: mails (-want +got):\n%s", i, s.off, diff)
				}
				after := e.caseOf(id)
				for _, m := range withTemplate(mails, "verlenging") {
					term := complaint.FormatDate(after.DueAt, "nl", e.cfg.Organisation.Location)
					if !strings.Contains(m.Text, term) || !m.Row.Date.Before(due) {
						t.Errorf("step %d: verlenging queued %s (due %s) lacks the new term %s:\n%s", i, m.Row.Date, due, term, m.Text)
					}
				}
				if s.staff == "" && slices.Contains(got, "verlenging") && !after.DueAt.Equal(due.Add(e.cfg.Deadlines.AutoExtendBy)) {
					t.Errorf("step %d: automatic extension from %s to %s, want %s", i, due, after.DueAt, due.Add(e.cfg.Deadlines.AutoExtendBy))
				}
			}
		})
	}
}
