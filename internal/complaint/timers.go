package complaint

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// TimerKind names a deadline of a case ([deadlines] in config.example.toml).
type TimerKind string

// The timers of a case.
const (
	TimerConfirmAlarm    TimerKind = "confirm-alarm"     // the confirmation is still unsent: alarm staff
	TimerRemindBeforeDue TimerKind = "remind-before-due" // staff reminder before the due date
	TimerRemindDue       TimerKind = "remind-due"        // staff reminder on the due date
	TimerAutoExtend      TimerKind = "auto-extend"       // the due date passed without verdict or extension
	TimerRemedyDue       TimerKind = "remedy-due"        // the remediation term falls due: remind staff
	TimerEffectiveness   TimerKind = "effectiveness"     // review the effectiveness of a measure
	TimerRetention       TimerKind = "retention"         // the case reaches the retention limit
)

// Timer is one deadline. A timer is identified by its case, Kind and At: when a case
// changes, the caller reconciles its stored timers with Timers, so that a moved deadline is
// a new timer and one that fired is never fired again.
type Timer struct {
	Kind TimerKind
	At   time.Time
}

// Precision is the resolution at which klachtd keeps moments: the store writes milliseconds.
// Every moment the domain schedules and every moment it compares is taken at this resolution
// (Moment), so that a timer is stored under the very moment its action checks: with a lead of
// 20s/28 (714.28… ms) both are …08.285, never …08.285 in the database and …08.2857 in the check.
const Precision = time.Millisecond

// Moment is t as it is stored: UTC, truncated to Precision. The zero time stays zero.
func Moment(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(Precision)
}

// AtPrecision returns the case with every moment at Precision, as the store gives it back.
func (c Case) AtPrecision() Case {
	for _, t := range []*time.Time{&c.ReceivedAt, &c.ConfirmedAt, &c.DueAt, &c.ClosedAt, &c.RemedyDueAt,
		&c.MeasureAt, &c.EscalatedAt, &c.AdviceAt} {
		*t = Moment(*t)
	}
	return c
}

// NewCase returns a case just registered: status nieuw, due HandleWithin after receipt.
func NewCase(id string, receivedAt time.Time, t Terms) Case {
	received := Moment(receivedAt)
	return Case{ID: id, Status: StatusNieuw, ReceivedAt: received,
		DueAt: Moment(received.Add(t.HandleWithin)), Fields: Fields{}}
}

// Timers returns the timers a case should have, given its state, sorted by time:
//
//   - confirm-alarm at ReceivedAt+ConfirmAlarm while the case is open and unconfirmed;
//   - remind-before-due at DueAt-RemindBefore and remind-due at DueAt while the case awaits
//     its verdict (open, no verdict, not with the commissaris);
//   - auto-extend at DueAt-AutoExtendBefore when AutoExtend is on and the case awaits its
//     verdict, after an extension too: every due date is kept. The moment may already be
//     past (a new term shorter than the lead); a past timer fires at once;
//   - remedy-due at RemedyDueAt and effectiveness at MeasureAt+Effectiveness whenever set,
//     also on a closed case: remediation and reviews outlive the handling;
//   - retention at PurgeAt: ReceivedAt+Keep, or a day after a closing that came later.
//
// Every moment is at Precision, computed from the case at Precision, so that the timers of a
// case just changed in memory are those of the same case read back from the store. A zero
// duration switches its timer off. When auto-extend is on it comes first, so the
// extension moves the due date and the reminders with it: staff then get the alert of the
// automatic extension instead of remind-due.
func Timers(c Case, t Terms) []Timer {
	var out []Timer
	add := func(kind TimerKind, at time.Time) { out = append(out, Timer{Kind: kind, At: Moment(at)}) }
	c = c.AtPrecision()
	open := c.Status.IsOpen()
	if open && c.ConfirmedAt.IsZero() && t.ConfirmAlarm > 0 {
		add(TimerConfirmAlarm, c.ReceivedAt.Add(t.ConfirmAlarm))
	}
	if AwaitsVerdict(c) {
		if t.RemindBefore > 0 {
			add(TimerRemindBeforeDue, c.DueAt.Add(-t.RemindBefore))
		}
		add(TimerRemindDue, c.DueAt)
		if at, ok := AutoExtendAt(c, t); ok {
			add(TimerAutoExtend, at)
		}
	}
	if !c.RemedyDueAt.IsZero() {
		add(TimerRemedyDue, c.RemedyDueAt)
	}
	if !c.MeasureAt.IsZero() && t.Effectiveness > 0 {
		add(TimerEffectiveness, c.MeasureAt.Add(t.Effectiveness))
	}
	if at, ok := PurgeAt(c, t.Keep); ok {
		add(TimerRetention, at)
	}
	slices.SortStableFunc(out, func(a, b Timer) int { return a.At.Compare(b.At) })
	return out
}

// AwaitsVerdict reports whether the promise of a decision term is running for the case: it
// is open, has a due date and no verdict, and is not with the commissaris.
func AwaitsVerdict(c Case) bool {
	return c.Status.IsOpen() && c.Status != StatusEscalatie && c.Verdict == VerdictNone && !c.DueAt.IsZero()
}

func autoExtends(t Terms) bool { return t.AutoExtend && t.AutoExtendBy > 0 }

// AutoExtendAt is the moment of the automatic extension of the case's current due date (the
// lead before it, at Precision), and whether there is one: auto-extension is on and the case
// awaits its verdict.
func AutoExtendAt(c Case, t Terms) (time.Time, bool) {
	if !autoExtends(t) || !AwaitsVerdict(c) {
		return time.Time{}, false
	}
	return Moment(Moment(c.DueAt).Add(-max(t.AutoExtendBefore, 0))), true
}

// NextTimer returns the first timer of the case at or after now, for listings.
func NextTimer(c Case, t Terms, now time.Time) (Timer, bool) {
	now = Moment(now)
	for _, tm := range Timers(c, t) {
		if !tm.At.Before(now) {
			return tm, true
		}
	}
	return Timer{}, false
}

// AutoExtend is the automatic extension: from AutoExtendBefore ahead of the due date, on a
// case that awaits its verdict (open, no verdict, not with the commissaris; extended before
// or not), the due date moves AutoExtendBy on (from the due date, or from now when that is
// already later) and the case is marked extended. It returns false, and the case unchanged,
// when it does not apply. now is compared at Precision with AutoExtendAt, the moment its timer
// is stored under: a timer that fires has its effect.
func AutoExtend(c Case, now time.Time, t Terms) (Case, bool) {
	at, ok := AutoExtendAt(c, t)
	if !ok || Moment(now).Before(at) {
		return c, false
	}
	until := Moment(c.DueAt).Add(t.AutoExtendBy)
	if !until.After(now) {
		until = now.Add(t.AutoExtendBy) // caught up after long downtime: still a real term
	}
	ext, err := Extend(c, until, now, t.Location)
	if err != nil {
		return c, false
	}
	return ext, true
}

// NextWeekly returns the first moment strictly after after that falls on weekday at
// hour:minute wall-clock time in loc (the staff digest). Across a DST change the wall clock
// is kept: Mondays 08:00 stays 08:00 in Europe/Amsterdam.
func NextWeekly(weekday time.Weekday, hour, minute int, after time.Time, loc *time.Location) time.Time {
	loc = orUTC(loc)
	local := after.In(loc)
	for i := 0; i <= 7; i++ {
		t := time.Date(local.Year(), local.Month(), local.Day()+i, hour, minute, 0, 0, loc)
		if t.Weekday() == weekday && t.After(after) {
			return t
		}
	}
	// Unreachable for valid input; for odd hours (25:00) fall back to a week on.
	return time.Date(local.Year(), local.Month(), local.Day()+7, hour, minute, 0, 0, loc)
}

// ParseWeekly reads a digest moment such as "mon 08:00" or "maandag 8:00".
func ParseWeekly(s string) (time.Weekday, int, int, error) {
	f := strings.Fields(strings.ToLower(s))
	if len(f) != 2 {
		return 0, 0, 0, fmt.Errorf("weekly moment %q: expected a day and a time, as in mon 08:00", s)
	}
	day, ok := weekdayNames[strings.TrimSuffix(f[0], ".")]
	hm := strings.Split(f[1], ":")
	if !ok || len(hm) != 2 || len(hm[1]) != 2 {
		return 0, 0, 0, fmt.Errorf("weekly moment %q: expected a day and a time, as in mon 08:00", s)
	}
	h, err1 := smallInt(hm[0], 0, 23)
	m, err2 := smallInt(hm[1], 0, 59)
	if err1 != nil || err2 != nil {
		return 0, 0, 0, fmt.Errorf("weekly moment %q: the time must be between 00:00 and 23:59", s)
	}
	return day, h, m, nil
}

// ReportHour is the local hour at which the half-yearly report is sent.
const ReportHour = 8

// NextHalfYear returns the first 1 January or 1 July at 08:00 in loc strictly after after.
func NextHalfYear(after time.Time, loc *time.Location) time.Time {
	loc = orUTC(loc)
	y := after.In(loc).Year()
	for _, t := range []time.Time{
		time.Date(y, time.January, 1, ReportHour, 0, 0, 0, loc),
		time.Date(y, time.July, 1, ReportHour, 0, 0, 0, loc),
	} {
		if t.After(after) {
			return t
		}
	}
	return time.Date(y+1, time.January, 1, ReportHour, 0, 0, 0, loc)
}

// HalfYearPeriod returns the half year that t falls in, in loc: its label ("2026H2"), its
// first moment and the first moment after it (end is exclusive).
func HalfYearPeriod(t time.Time, loc *time.Location) (label string, start, end time.Time) {
	loc = orUTC(loc)
	lt := t.In(loc)
	half, month := 1, time.January
	if lt.Month() >= time.July {
		half, month = 2, time.July
	}
	start = time.Date(lt.Year(), month, 1, 0, 0, 0, 0, loc)
	return fmt.Sprintf("%dH%d", lt.Year(), half), start, start.AddDate(0, 6, 0)
}

// ParsePeriod reads a report period in loc, end exclusive: "2026H2" (or "2026-H2"), a
// quarter "2026Q3", a year "2026", a month "2026-03", or two dates "2026-01-01..2026-03-31"
// (both days included).
func ParsePeriod(s string, loc *time.Location) (start, end time.Time, err error) {
	loc = orUTC(loc)
	in := strings.ToUpper(strings.TrimSpace(s))
	bad := fmt.Errorf("period %q: expected for example 2026H2, 2026Q3, 2026, 2026-03 or 2026-01-01..2026-03-31", s)
	if a, b, ok := strings.Cut(in, ".."); ok {
		ds, err1 := parseISODay(a, loc)
		de, err2 := parseISODay(b, loc)
		if err1 != nil || err2 != nil || de.Before(ds) {
			return time.Time{}, time.Time{}, bad
		}
		return ds, de.AddDate(0, 0, 1), nil
	}
	if len(in) < 4 {
		return time.Time{}, time.Time{}, bad
	}
	y, err := smallInt(in[:4], 1000, 9999)
	if err != nil {
		return time.Time{}, time.Time{}, bad
	}
	rest := strings.TrimPrefix(in[4:], "-")
	first := func(month, months int) (time.Time, time.Time, error) {
		st := time.Date(y, time.Month(month), 1, 0, 0, 0, 0, loc)
		return st, st.AddDate(0, months, 0), nil
	}
	switch {
	case rest == "" && len(in) == 4:
		return first(1, 12)
	case rest == "H1" || rest == "H2":
		return first(1+6*int(rest[1]-'1'), 6)
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return first(1+3*int(rest[1]-'1'), 3)
	case len(rest) == 2 && in[4] == '-':
		if m, err := smallInt(rest, 1, 12); err == nil {
			return first(m, 1)
		}
	}
	return time.Time{}, time.Time{}, bad
}

func parseISODay(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return t, nil
}
