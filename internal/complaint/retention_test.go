package complaint

import (
	"testing"
	"time"
)

// TestMayPurge is the one retention rule: only a closed case past its limit, with nothing
// left to send, may go; every open case past the limit is kept and reported, whatever its
// status; a case closed after its limit waits a day after closing.
func TestMayPurge(t *testing.T) {
	const keep = 2 * 365 * 24 * time.Hour
	rec := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	limit := rec.Add(keep)
	withStatus := func(s Status, v Verdict, closed time.Time) Case {
		c := caseIn(s)
		c.ReceivedAt, c.Verdict, c.ClosedAt = rec, v, closed
		return c
	}
	closedEarly := rec.Add(40 * 24 * time.Hour)
	closedLate := limit.Add(3 * time.Hour)
	tests := []struct {
		name   string
		c      Case
		now    time.Time
		keep   time.Duration
		queued bool
		want   Purge
		retry  time.Time
	}{
		{"open before the limit", withStatus(StatusInBehandeling, VerdictNone, time.Time{}), limit.Add(-time.Millisecond), keep, false, PurgeNotYet, limit},
		{"open at the limit", withStatus(StatusInBehandeling, VerdictNone, time.Time{}), limit, keep, false, PurgeKeepOpen, time.Time{}},
		{"nieuw at the limit", withStatus(StatusNieuw, VerdictNone, time.Time{}), limit, keep, false, PurgeKeepOpen, time.Time{}},
		{"beoordeeld (a verdict, still open) at the limit", withStatus(StatusBeoordeeld, VerdictGegrond, time.Time{}), limit, keep, false, PurgeKeepOpen, time.Time{}},
		{"escalatie with a verdict at the limit", withStatus(StatusEscalatie, VerdictOngegrond, time.Time{}), limit, keep, false, PurgeKeepOpen, time.Time{}},
		{"closed, a millisecond before the limit", withStatus(StatusAfgehandeld, VerdictOngegrond, closedEarly), limit.Add(-time.Millisecond), keep, false, PurgeNotYet, limit},
		{"closed, at the limit", withStatus(StatusAfgehandeld, VerdictOngegrond, closedEarly), limit, keep, false, PurgeNow, time.Time{}},
		{"closed, at the limit, mail queued", withStatus(StatusAfgehandeld, VerdictOngegrond, closedEarly), limit, keep, true, PurgeWaitMail, limit.Add(PurgeGrace)},
		{"closed after the limit: a day after closing", withStatus(StatusAfgehandeld, VerdictGegrond, closedLate), closedLate.Add(time.Hour), keep, false, PurgeNotYet, closedLate.Add(PurgeGrace)},
		{"closed after the limit, a day later", withStatus(StatusAfgehandeld, VerdictGegrond, closedLate), closedLate.Add(PurgeGrace), keep, false, PurgeNow, time.Time{}},
		{"closed exactly at the limit waits a day too", withStatus(StatusAfgehandeld, VerdictGegrond, limit), limit.Add(time.Hour), keep, false, PurgeNotYet, limit.Add(PurgeGrace)},
		{"retention off", withStatus(StatusAfgehandeld, VerdictGegrond, closedEarly), limit.Add(time.Hour), 0, false, PurgeNever, time.Time{}},
	}
	for _, tt := range tests {
		got, retry := MayPurge(tt.c, tt.now, tt.keep, tt.queued)
		if got != tt.want || !retry.Equal(tt.retry) {
			t.Errorf("%s: MayPurge = %v, retry %s; want %v, retry %s", tt.name, got, retry, tt.want, tt.retry)
		}
	}
}

// TestMayPurgeAtStoredPrecision: a keep that is not a whole number of milliseconds puts the
// limit at the stored millisecond, the moment the retention timer is stored under: the rule
// says yes when that timer fires.
func TestMayPurgeAtStoredPrecision(t *testing.T) {
	c := caseIn(StatusAfgehandeld)
	c.ClosedAt = c.ReceivedAt.Add(time.Hour)
	keep := 3*time.Hour + 714285*time.Nanosecond // 3h and 714.285 µs
	var at time.Time
	for _, tm := range Timers(c, Terms{Keep: keep}) {
		if tm.Kind == TimerRetention {
			at = tm.At
		}
	}
	if at.IsZero() || !at.Equal(Moment(at)) {
		t.Fatalf("retention timer at %s, want one at a whole millisecond", at)
	}
	if got, _ := MayPurge(c, at, keep, false); got != PurgeNow {
		t.Errorf("MayPurge at the retention timer's own moment %s = %v, want %v", at, got, PurgeNow)
	}
}

// TestAutoExtendAtStoredPrecision: with a lead that is not a whole millisecond (20s/28) the
// auto-extend timer's moment and AutoExtend's own check are the same instant, and the case in
// memory gives the same timers as the same case read back from the store.
func TestAutoExtendAtStoredPrecision(t *testing.T) {
	terms := defTerms
	terms.HandleWithin, terms.RemindBefore = 20*time.Second, 10*time.Second+300*time.Microsecond
	terms.AutoExtendBefore, terms.AutoExtendBy = terms.HandleWithin/28, 20*time.Second
	rec := time.Date(2026, 11, 26, 9, 0, 0, 123456789, time.UTC) // not whole milliseconds either
	c := Confirmed(NewCase("KL-2026-0001", rec, terms), rec.Add(time.Second))
	var at time.Time
	for _, tm := range Timers(c, terms) {
		if tm.Kind == TimerAutoExtend {
			at = tm.At
		}
		if !tm.At.Equal(Moment(tm.At)) {
			t.Errorf("%s timer at %s: not a whole millisecond", tm.Kind, tm.At)
		}
	}
	for _, now := range []time.Time{at, at.Add(700 * time.Microsecond)} {
		got, ok := AutoExtend(c, now, terms)
		if !ok || !got.Extended || !got.DueAt.Equal(Moment(c.DueAt).Add(20*time.Second)) {
			t.Errorf("AutoExtend at %s (timer at %s) = %v, %+v; want the extension", now, at, ok, got)
		}
	}
	if _, ok := AutoExtend(c, at.Add(-time.Millisecond), terms); ok {
		t.Errorf("AutoExtend a millisecond before its timer: applied")
	}
	// In memory after a change, and as stored (every moment truncated): the same timers.
	ext, _ := AutoExtend(c, at, terms)
	ext.DueAt = ext.DueAt.Add(400 * time.Microsecond)
	stored := ext.AtPrecision()
	a, b := Timers(ext, terms), Timers(stored, terms)
	if len(a) != len(b) {
		t.Fatalf("timers in memory %v, as stored %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("timer %d in memory %v, as stored %v", i, a[i], b[i])
		}
	}
}
