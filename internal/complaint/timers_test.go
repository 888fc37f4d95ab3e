package complaint

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNewCase(t *testing.T) {
	rec := time.Date(2027, 1, 1, 11, 0, 0, 0, ams)
	c := NewCase("KL-2027-0001", rec, defTerms)
	if c.Status != StatusNieuw || c.ReceivedAt.Location() != time.UTC || !c.DueAt.Equal(rec.Add(28*24*time.Hour)) || c.Fields == nil {
		t.Errorf("NewCase = %+v", c)
	}
}

func TestTimers(t *testing.T) {
	rec := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
	due := rec.Add(28 * 24 * time.Hour)
	later := due.Add(10 * 24 * time.Hour) // a staff extension
	keep := Timer{TimerRetention, rec.Add(defTerms.Keep)}
	before, onDue := Timer{TimerRemindBeforeDue, due.Add(-7 * 24 * time.Hour)}, Timer{TimerRemindDue, due}
	auto := Timer{TimerAutoExtend, due}
	lead := defTerms
	lead.AutoExtendBefore = 24 * time.Hour
	autoLead := Timer{TimerAutoExtend, due.Add(-24 * time.Hour)}
	remedy := time.Date(2027, 2, 10, 8, 0, 0, 0, time.UTC)
	measure := time.Date(2027, 1, 20, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(*Case)
		terms Terms
		want  []Timer
	}{
		{"nieuw", func(c *Case) { c.ConfirmedAt = time.Time{}; c.Status = StatusNieuw }, defTerms,
			[]Timer{{TimerConfirmAlarm, rec.Add(24 * time.Hour)}, before, onDue, auto, keep}},
		{"bevestigd", nil, defTerms, []Timer{before, onDue, auto, keep}},
		{"bevestigd with lead", nil, lead, []Timer{before, autoLead, onDue, keep}},
		{"info-nodig", func(c *Case) { c.Status = StatusInfoNodig }, lead, []Timer{before, autoLead, onDue, keep}},
		{"in-behandeling", func(c *Case) { c.Status = StatusInBehandeling }, lead, []Timer{before, autoLead, onDue, keep}},
		{"in-behandeling extended: every due date is kept", func(c *Case) {
			c.Status, c.Extended, c.DueAt = StatusInBehandeling, true, later
		}, lead, []Timer{
			{TimerRemindBeforeDue, later.Add(-7 * 24 * time.Hour)}, {TimerAutoExtend, later.Add(-24 * time.Hour)},
			{TimerRemindDue, later}, keep}},
		{"extended to a term shorter than the lead: auto-extend in the past", func(c *Case) {
			c.Status, c.Extended, c.DueAt = StatusInBehandeling, true, rec.Add(2*time.Hour)
		}, lead, []Timer{
			{TimerRemindBeforeDue, rec.Add(2*time.Hour - 7*24*time.Hour)}, {TimerAutoExtend, rec.Add(2*time.Hour - 24*time.Hour)},
			{TimerRemindDue, rec.Add(2 * time.Hour)}, keep}},
		{"auto-extend off", func(c *Case) { c.Status = StatusInBehandeling }, Terms{HandleWithin: defTerms.HandleWithin, Keep: defTerms.Keep},
			[]Timer{onDue, keep}},
		{"auto-extend off with lead: remind-due stays", func(c *Case) { c.Status = StatusInBehandeling },
			Terms{HandleWithin: defTerms.HandleWithin, RemindBefore: defTerms.RemindBefore, AutoExtendBy: defTerms.AutoExtendBy,
				AutoExtendBefore: 24 * time.Hour, Keep: defTerms.Keep},
			[]Timer{before, onDue, keep}},
		{"beoordeeld with remedy: no reminders", func(c *Case) {
			c.Status, c.Verdict, c.RemedyDueAt = StatusBeoordeeld, VerdictGegrond, remedy
		}, lead, []Timer{{TimerRemedyDue, remedy}, keep}},
		{"beoordeeld", func(c *Case) { c.Status, c.Verdict = StatusBeoordeeld, VerdictOngegrond }, defTerms, []Timer{keep}},
		{"escalatie", func(c *Case) { c.Status, c.Verdict = StatusEscalatie, VerdictOngegrond }, lead, []Timer{keep}},
		{"escalatie without verdict", func(c *Case) { c.Status = StatusEscalatie }, lead, []Timer{keep}},
		{"afgehandeld with measure and remedy", func(c *Case) {
			c.Status, c.Verdict, c.ClosedAt, c.RemedyDueAt, c.MeasureAt = StatusAfgehandeld, VerdictGegrond, measure, remedy, measure
		}, defTerms, []Timer{{TimerRemedyDue, remedy}, {TimerEffectiveness, measure.Add(90 * 24 * time.Hour)}, keep}},
		{"afgehandeld", func(c *Case) { c.Status, c.ClosedAt = StatusAfgehandeld, measure }, lead, []Timer{keep}},
		{"closed never confirmed: no alarm", func(c *Case) { c.Status, c.ConfirmedAt = StatusAfgehandeld, time.Time{} }, defTerms, []Timer{keep}},
	}
	for _, tt := range tests {
		c := Confirmed(NewCase("KL-2027-0001", rec, defTerms), rec.Add(time.Second))
		if tt.edit != nil {
			tt.edit(&c)
		}
		if diff := cmp.Diff(tt.want, Timers(c, tt.terms)); diff != "" {
			t.Errorf("%s: Timers (-want +got):\n%s", tt.name, diff)
		}
	}
	c := Confirmed(NewCase("KL-2027-0001", rec, defTerms), rec)
	if got, ok := NextTimer(c, defTerms, due.Add(-time.Hour)); !ok || got != onDue {
		t.Errorf("NextTimer = %v, %v; want %v", got, ok, onDue)
	}
	if got, ok := NextTimer(c, lead, due.Add(-25*time.Hour)); !ok || got != autoLead {
		t.Errorf("NextTimer with lead = %v, %v; want %v", got, ok, autoLead)
	}
}

func TestAutoExtend(t *testing.T) {
	day := 24 * time.Hour
	lead := defTerms
	lead.AutoExtendBefore = day
	c := caseIn(StatusInBehandeling)
	due := c.DueAt
	tests := []struct {
		name    string
		c       Case
		now     time.Time
		terms   Terms
		ok      bool
		wantDue time.Time
	}{
		{"before the due date", c, due.Add(-time.Second), defTerms, false, due},
		{"at the due date", c, due, defTerms, true, due.Add(defTerms.AutoExtendBy)},
		{"before the lead", c, due.Add(-day - time.Second), lead, false, due},
		{"at the lead: the term runs on from the due date", c, due.Add(-day), lead, true, due.Add(lead.AutoExtendBy)},
		{"after long downtime the new term is still ahead", c, due.Add(60 * day), lead, true, due.Add(60*day + lead.AutoExtendBy)},
		{"info-nodig", caseIn(StatusInfoNodig), due.Add(-day), lead, true, due.Add(lead.AutoExtendBy)},
		{"beoordeeld", caseIn(StatusBeoordeeld), due, lead, false, due},
		{"escalatie", caseIn(StatusEscalatie), due, lead, false, due},
		{"afgehandeld", caseIn(StatusAfgehandeld), due, lead, false, due},
		{"switched off", c, due, Terms{AutoExtendBy: lead.AutoExtendBy, AutoExtendBefore: day}, false, due},
	}
	for _, tt := range tests {
		got, ok := AutoExtend(tt.c, tt.now, tt.terms)
		if ok != tt.ok || !got.DueAt.Equal(tt.wantDue) || got.Extended != (tt.ok || tt.c.Extended) {
			t.Errorf("%s: AutoExtend = due %v, extended %v, %v; want due %v, %v", tt.name, got.DueAt, got.Extended, ok, tt.wantDue, tt.ok)
		}
	}

	// An extension (automatic or by staff) does not end the promise: every next due date is
	// extended again, from the lead before it, and never twice.
	cur, now := c, due.Add(-day)
	for i := 1; i <= 3; i++ {
		next, ok := AutoExtend(cur, now, lead)
		if !ok || !next.DueAt.Equal(cur.DueAt.Add(lead.AutoExtendBy)) {
			t.Fatalf("extension %d at %v = %v, %v; want due %v", i, now, next.DueAt, ok, cur.DueAt.Add(lead.AutoExtendBy))
		}
		if _, again := AutoExtend(next, now, lead); again {
			t.Fatalf("extension %d applied twice at %v", i, now)
		}
		if tm := timerOf(Timers(next, lead), TimerAutoExtend); !tm.At.Equal(next.DueAt.Add(-day)) {
			t.Fatalf("after extension %d the auto-extend timer is at %v; want %v", i, tm.At, next.DueAt.Add(-day))
		}
		cur, now = next, next.DueAt.Add(-day)
	}
	staff, err := Extend(c, due.Add(3*day), due.Add(-2*day), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := AutoExtend(staff, due.Add(2*day), lead); !ok || !got.DueAt.Equal(staff.DueAt.Add(lead.AutoExtendBy)) {
		t.Errorf("after a staff extension = %v, %v; want %v", got.DueAt, ok, staff.DueAt.Add(lead.AutoExtendBy))
	}
}

// timerOf returns the timer of kind in ts, or the zero Timer.
func timerOf(ts []Timer, kind TimerKind) Timer {
	for _, tm := range ts {
		if tm.Kind == kind {
			return tm
		}
	}
	return Timer{}
}

func TestNextWeekly(t *testing.T) {
	tests := []struct {
		after, want time.Time
	}{
		// Spring forward: Sunday 28 March 2027 02:00 CET -> 03:00 CEST.
		{time.Date(2027, 3, 25, 12, 0, 0, 0, ams), time.Date(2027, 3, 29, 8, 0, 0, 0, ams)},
		// Fall back: Sunday 31 October 2027.
		{time.Date(2027, 10, 26, 9, 0, 0, 0, ams), time.Date(2027, 11, 1, 8, 0, 0, 0, ams)},
		// A Monday before, at and after 08:00.
		{time.Date(2027, 3, 29, 7, 59, 0, 0, ams), time.Date(2027, 3, 29, 8, 0, 0, 0, ams)},
		{time.Date(2027, 3, 29, 8, 0, 0, 0, ams), time.Date(2027, 4, 5, 8, 0, 0, 0, ams)},
		// Given in UTC: Sunday 23:30 UTC is already Monday 01:30 in Amsterdam.
		{time.Date(2027, 6, 6, 23, 30, 0, 0, time.UTC), time.Date(2027, 6, 7, 8, 0, 0, 0, ams)},
	}
	for _, tt := range tests {
		got := NextWeekly(time.Monday, 8, 0, tt.after, ams)
		if !got.Equal(tt.want) || got.In(ams).Hour() != 8 {
			t.Errorf("NextWeekly(after %v) = %v, want %v", tt.after, got, tt.want)
		}
	}
	// The UTC instants across the spring change are 7 days minus an hour apart.
	a := NextWeekly(time.Monday, 8, 0, time.Date(2027, 3, 20, 0, 0, 0, 0, ams), ams)
	b := NextWeekly(time.Monday, 8, 0, a, ams)
	if b.Sub(a) != 7*24*time.Hour-time.Hour {
		t.Errorf("across DST: %v apart, want 167h", b.Sub(a))
	}
}

func TestParseWeekly(t *testing.T) {
	for _, tt := range []struct {
		in   string
		day  time.Weekday
		h, m int
		ok   bool
	}{{"mon 08:00", time.Monday, 8, 0, true}, {"Maandag 8:30", time.Monday, 8, 30, true},
		{"fri 17:45", time.Friday, 17, 45, true}, {"mon 24:00", 0, 0, 0, false}, {"mon", 0, 0, 0, false},
		{"xyz 08:00", 0, 0, 0, false}, {"mon 8", 0, 0, 0, false}} {
		d, h, m, err := ParseWeekly(tt.in)
		if (err == nil) != tt.ok || (tt.ok && (d != tt.day || h != tt.h || m != tt.m)) {
			t.Errorf("ParseWeekly(%q) = %v %d:%d %v", tt.in, d, h, m, err)
		}
	}
}

func TestHalfYears(t *testing.T) {
	next := []struct{ after, want time.Time }{
		{time.Date(2026, 12, 31, 23, 0, 0, 0, ams), time.Date(2027, 1, 1, 8, 0, 0, 0, ams)},
		{time.Date(2027, 1, 1, 8, 0, 0, 0, ams), time.Date(2027, 7, 1, 8, 0, 0, 0, ams)},
		{time.Date(2027, 1, 1, 7, 59, 0, 0, ams), time.Date(2027, 1, 1, 8, 0, 0, 0, ams)},
		{time.Date(2027, 7, 1, 8, 0, 0, 0, ams), time.Date(2028, 1, 1, 8, 0, 0, 0, ams)},
		{time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC), time.Date(2027, 7, 1, 8, 0, 0, 0, ams)},
	}
	for _, tt := range next {
		if got := NextHalfYear(tt.after, ams); !got.Equal(tt.want) {
			t.Errorf("NextHalfYear(%v) = %v, want %v", tt.after, got, tt.want)
		}
	}
	periods := []struct {
		t          time.Time
		label      string
		start, end time.Time
	}{
		{time.Date(2026, 7, 1, 0, 0, 0, 0, ams), "2026H2", time.Date(2026, 7, 1, 0, 0, 0, 0, ams), time.Date(2027, 1, 1, 0, 0, 0, 0, ams)},
		{time.Date(2026, 6, 30, 23, 59, 59, 0, ams), "2026H1", time.Date(2026, 1, 1, 0, 0, 0, 0, ams), time.Date(2026, 7, 1, 0, 0, 0, 0, ams)},
		// 23:30 UTC on 31 December is already the new year in Amsterdam.
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "2027H1", time.Date(2027, 1, 1, 0, 0, 0, 0, ams), time.Date(2027, 7, 1, 0, 0, 0, 0, ams)},
	}
	for _, tt := range periods {
		label, start, end := HalfYearPeriod(tt.t, ams)
		if label != tt.label || !start.Equal(tt.start) || !end.Equal(tt.end) {
			t.Errorf("HalfYearPeriod(%v) = %s %v %v", tt.t, label, start, end)
		}
		ps, pe, err := ParsePeriod(label, ams)
		if err != nil || !ps.Equal(start) || !pe.Equal(end) {
			t.Errorf("ParsePeriod(%s) = %v %v %v", label, ps, pe, err)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, ams) }
	tests := []struct {
		in         string
		start, end time.Time
	}{
		{"2026H2", d(2026, 7, 1), d(2027, 1, 1)},
		{"2026h1", d(2026, 1, 1), d(2026, 7, 1)},
		{"2026-H2", d(2026, 7, 1), d(2027, 1, 1)},
		{"2026", d(2026, 1, 1), d(2027, 1, 1)},
		{"2026Q3", d(2026, 7, 1), d(2026, 10, 1)},
		{"2026-03", d(2026, 3, 1), d(2026, 4, 1)},
		{"2026-01-01..2026-03-31", d(2026, 1, 1), d(2026, 4, 1)},
		{"2026H3", time.Time{}, time.Time{}},
		{"2026Q5", time.Time{}, time.Time{}},
		{"2026-13", time.Time{}, time.Time{}},
		{"26H1", time.Time{}, time.Time{}},
		{"2026-03-31..2026-01-01", time.Time{}, time.Time{}},
		{"", time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		s, e, err := ParsePeriod(tt.in, ams)
		if tt.start.IsZero() {
			if err == nil {
				t.Errorf("ParsePeriod(%q) = %v %v, want an error", tt.in, s, e)
			}
			continue
		}
		if err != nil || !s.Equal(tt.start) || !e.Equal(tt.end) {
			t.Errorf("ParsePeriod(%q) = %v %v %v; want %v %v", tt.in, s, e, err, tt.start, tt.end)
		}
	}
}
