package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// Global timers (case id "").
const (
	timerDigest = "digest"
	timerReport = "report"
)

// ensureGlobalTimers schedules the next digest and half-yearly report if none is pending.
func (d *Daemon) ensureGlobalTimers(ctx context.Context) error {
	now := d.clock.Now()
	return d.inTx(ctx, func(tx *store.Tx) error { return d.scheduleGlobal(tx, now) })
}

func (d *Daemon) scheduleGlobal(tx *store.Tx, after time.Time) error {
	loc := d.cfg.Organisation.Location
	if dg := d.cfg.Report.Digest; dg.Enabled {
		if err := tx.EnsureTimer(store.Timer{Kind: timerDigest, At: complaint.NextWeekly(dg.Weekday, dg.Hour, dg.Minute, after, loc)}); err != nil {
			return err
		}
	}
	return tx.EnsureTimer(store.Timer{Kind: timerReport, At: complaint.NextHalfYear(after, loc)})
}

// runTimers fires due timers, then sleeps until the next one (at most a minute, so a clock
// change or a new case is noticed), or until woken.
func (d *Daemon) runTimers(ctx context.Context) error {
	for {
		if err := d.RunDue(ctx, d.clock.Now()); err != nil {
			d.log.Error("timers", "err", err)
		}
		wait := time.Minute
		next, ok, _ := d.st.NextTimer(ctx) // an error: look again within the minute
		if ok {
			if w := next.Sub(d.clock.Now()); w < wait {
				wait = max(w, 10*time.Millisecond)
			}
		}
		// A commit that adds a timer due before this wakes the loop (afterCommit). One made
		// since NextTimer read the timers found the loop awake, and woke it too.
		d.timerLook.Store(d.clock.Now().Add(wait).UnixMilli())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
		case <-t.C:
		}
		d.timerLook.Store(0)
		t.Stop()
	}
}

// timerLoopSleepsPast reports whether the timer loop, asleep, would look again only after due;
// true while it is awake: it may have read the timers before the commit that added one due.
func (d *Daemon) timerLoopSleepsPast(due time.Time) bool {
	look := d.timerLook.Load()
	return look == 0 || due.UnixMilli() < look
}

// RunDue fires every timer due at now, each in its own transaction, exactly once; timers missed
// while the daemon was down fire now (catch-up). A timer is never consumed without its effect:
// one whose action cannot happen yet is postponed to the moment it can, one that no longer
// applies (a verdict came first) is consumed with its reason logged. A timer that fails stays
// due (it is tried again on the next run) and does not hold up the others; the first failure
// is returned.
func (d *Daemon) RunDue(ctx context.Context, now time.Time) error {
	const batch = 50
	var firstErr error
	failed := 0
	for {
		// Read without the writer's lock: the timer loop wakes after many commits, mostly to
		// find nothing due. FireTimer, in each timer's own transaction, fires it once.
		due, err := d.st.DueTimers(ctx, now, failed+batch)
		if err != nil {
			return err
		}
		due = due[min(failed, len(due)):] // the failed ones come first: same moments, still due
		if len(due) == 0 {
			return firstErr
		}
		for _, t := range due {
			var out firing
			err := d.inTx(ctx, func(tx *store.Tx) error {
				fired, err := tx.FireTimer(t, now)
				if err != nil || !fired {
					return err
				}
				if out, err = d.fire(tx, t, now); err != nil {
					return err
				}
				if !out.retry.IsZero() {
					out.retry = laterThan(out.retry, now)
					return tx.PostponeTimer(t, out.retry)
				}
				return nil
			})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				d.log.Error("timer failed; it stays due", "kind", t.Kind, "case_id", t.CaseID, "err", err)
				if firstErr == nil {
					firstErr = fmt.Errorf("fire %s timer of %q: %w", t.Kind, t.CaseID, err)
				}
				failed++
				continue
			}
			out.log(d, t)
		}
	}
}

// firing is what a timer's action did: it had its effect (the zero value); it no longer
// applies (skip says why: the timer is consumed and the reason logged); or it cannot happen
// yet (the timer stays pending, due again at retry, for the reason why).
type firing struct {
	skip  string
	retry time.Time
	why   string
}

func skip(why string) (firing, error)                { return firing{skip: why}, nil }
func retry(at time.Time, why string) (firing, error) { return firing{retry: at, why: why}, nil }

// laterThan is at rounded up to complaint.Precision, and at least one Precision after now: a
// postponed timer is due again strictly after the run that postponed it (so RunDue moves on),
// and never before the moment its action asked for.
func laterThan(at, now time.Time) time.Time {
	up := complaint.Moment(at)
	if up.Before(at) {
		up = up.Add(complaint.Precision)
	}
	if floor := complaint.Moment(now).Add(complaint.Precision); up.Before(floor) {
		return floor
	}
	return up
}

func (f firing) log(d *Daemon, t store.Timer) {
	switch {
	case !f.retry.IsZero():
		d.log.Info("timer postponed", "kind", t.Kind, "case_id", t.CaseID, "reason", f.why, "due", f.retry.Format(time.RFC3339Nano))
	case f.skip != "":
		d.log.Info("timer no longer applies", "kind", t.Kind, "case_id", t.CaseID, "reason", f.skip)
	}
}

// fire carries out one timer.
func (d *Daemon) fire(tx *store.Tx, t store.Timer, now time.Time) (firing, error) {
	switch t.Kind {
	case timerDigest:
		if err := d.digest(tx, now); err != nil {
			return firing{}, err
		}
		return firing{}, d.scheduleGlobal(tx, now)
	case timerReport:
		if err := d.halfYearReport(tx, t.At); err != nil {
			return firing{}, err
		}
		return firing{}, d.scheduleGlobal(tx, now)
	case timerFloodSummary:
		return firing{}, d.floodSummary(tx, now)
	}
	c, root, err := tx.Case(t.CaseID)
	if err != nil {
		return firing{}, err
	}
	remind := func(notice, detail string) (firing, error) {
		_, err := d.queue(tx, &c, root, outMail{template: render.KindHerinnering, to: d.staffAddrs(), audience: audStaff,
			data: noticeData(notice, detail)}, now)
		return firing{}, err
	}
	switch complaint.TimerKind(t.Kind) {
	case complaint.TimerConfirmAlarm:
		if !c.ConfirmedAt.IsZero() || !c.Status.IsOpen() {
			return skip("the case was confirmed or closed first")
		}
		detail, err := d.waitingDetail(tx, c.ID)
		if err != nil {
			return firing{}, err
		}
		return remind(render.NoticeConfirmAlarm, detail)
	case complaint.TimerRemindBeforeDue, complaint.TimerRemindDue:
		if !complaint.AwaitsVerdict(c) {
			return skip("a verdict or the commissaris came first: nothing left to remind of")
		}
		if t.Kind == string(complaint.TimerRemindDue) {
			return remind(render.NoticeRemindDue, "")
		}
		return remind(render.NoticeRemindBeforeDue, "")
	case complaint.TimerAutoExtend:
		return d.autoExtend(tx, &c, root, now)
	case complaint.TimerRemedyDue:
		return remind(render.NoticeRemedyDue, "")
	case complaint.TimerEffectiveness:
		return remind(render.NoticeEffectiveness, "")
	case complaint.TimerRetention:
		return d.retention(tx, &c, root, now)
	}
	return skip("unknown timer kind")
}

// retention applies the retention rule (complaint.MayPurge) when a case's retention timer
// fires: an open case is reported to staff, a closed one is purged, unless it may not go yet
// (mail about it still queued, or closed after the limit less than a day ago): then the timer
// waits.
func (d *Daemon) retention(tx *store.Tx, c *complaint.Case, root string, now time.Time) (firing, error) {
	queued, err := tx.HasQueued(c.ID)
	if err != nil {
		return firing{}, err
	}
	p, again := complaint.MayPurge(*c, now, d.terms.Keep, queued)
	switch p {
	case complaint.PurgeNow:
		d.log.Info("case purged at the retention limit", "case_id", c.ID)
		return firing{}, tx.PurgeCase(c.ID)
	case complaint.PurgeKeepOpen:
		_, err := d.queue(tx, c, root, outMail{template: render.KindHerinnering, to: d.staffAddrs(), audience: audStaff,
			data: noticeData(render.NoticeRetentionOpen, "")}, now)
		return firing{}, err
	case complaint.PurgeNotYet, complaint.PurgeWaitMail:
		return retry(again, p.String())
	}
	return skip(p.String())
}

// autoExtend keeps the promise when the due date comes near with no verdict, after an
// earlier extension too: ahead of the due date (deadlines.auto_extend_before) the complainant
// gets the extension notice with the new term, and staff are alerted, each time.
func (d *Daemon) autoExtend(tx *store.Tx, c *complaint.Case, root string, now time.Time) (firing, error) {
	at, applies := complaint.AutoExtendAt(*c, d.terms)
	switch {
	case !applies:
		return skip("a verdict, the commissaris or the end of automatic extension came first")
	case complaint.Moment(now).Before(at):
		return retry(at, "the automatic extension of the current due date is not due yet")
	}
	next, ok := complaint.AutoExtend(*c, now, d.terms)
	if !ok {
		return firing{}, fmt.Errorf("automatic extension of %s refused at its own moment %s", c.ID, at.Format(time.RFC3339Nano))
	}
	*c = next
	if err := tx.UpdateCase(*c, now); err != nil {
		return firing{}, err
	}
	if err := tx.MarkExtended(c.ID, "auto"); err != nil {
		return firing{}, err
	}
	term := complaint.FormatDate(c.DueAt, c.Language, d.cfg.Organisation.Location)
	if err := tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventExtension), By: "klachtd", Text: d.say(wording.AutoExtended, complaint.FormatDate(c.DueAt, d.cfg.Organisation.Language, d.cfg.Organisation.Location))}); err != nil {
		return firing{}, err
	}
	if _, err := d.queue(tx, c, root, outMail{template: render.KindVerlenging, to: complainantAddr(c), audience: audComplainant,
		lang: c.Language, data: render.Data{Term: term}}, now); err != nil {
		return firing{}, err
	}
	staffTerm := complaint.FormatDate(c.DueAt, d.cfg.Organisation.Language, d.cfg.Organisation.Location)
	if _, err := d.queue(tx, c, root, outMail{template: render.KindHerinnering, to: d.staffAddrs(), audience: audStaff,
		data: render.Data{Notice: render.NoticeAutoExtended, Term: staffTerm}}, now); err != nil {
		return firing{}, err
	}
	return firing{}, d.setTimers(tx, *c)
}

// digest mails staff the weekly overview: open cases, their next deadline, what is overdue.
func (d *Daemon) digest(tx *store.Tx, now time.Time) error {
	open, err := tx.OpenCases()
	if err != nil {
		return err
	}
	lang := d.cfg.Organisation.Language
	var data render.Data
	for i := range open {
		v := d.caseView(&open[i], lang)
		data.Cases = append(data.Cases, v)
		if next, _ := open[i].NextDeadline(); !next.IsZero() && next.Before(now) {
			data.Overdue = append(data.Overdue, v)
		}
	}
	_, err = d.queue(tx, nil, "", outMail{template: render.KindOverzicht, to: d.staffAddrs(), audience: audStaff, data: data}, now)
	return err
}

// setTimers makes a case's pending timers those its state asks for.
func (d *Daemon) setTimers(tx *store.Tx, c complaint.Case) error {
	var want []store.Timer
	for _, t := range complaint.Timers(c, d.terms) {
		want = append(want, store.Timer{CaseID: c.ID, Kind: string(t.Kind), At: t.At})
	}
	return tx.SetTimers(c.ID, want)
}
