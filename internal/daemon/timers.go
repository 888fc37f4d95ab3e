package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
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
		var next time.Time
		var ok bool
		_ = d.st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			next, ok, err = tx.NextTimer()
			return err
		})
		if ok {
			if w := next.Sub(d.clock.Now()); w < wait {
				wait = max(w, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunDue fires every timer due at now, each in its own transaction, exactly once; timers missed
// while the daemon was down fire now (catch-up). A timer that fails stays due (it is tried
// again on the next run) and does not hold up the others; the first failure is returned.
func (d *Daemon) RunDue(ctx context.Context, now time.Time) error {
	const batch = 50
	var firstErr error
	failed := 0
	for {
		var due []store.Timer
		if err := d.st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			due, err = tx.DueTimers(now, failed+batch)
			return err
		}); err != nil {
			return err
		}
		due = due[min(failed, len(due)):] // the failed ones come first: same moments, still due
		if len(due) == 0 {
			return firstErr
		}
		for _, t := range due {
			err := d.inTx(ctx, func(tx *store.Tx) error {
				fired, err := tx.FireTimer(t, now)
				if err != nil || !fired {
					return err
				}
				return d.fire(tx, t, now)
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
			}
		}
	}
}

// fire carries out one timer.
func (d *Daemon) fire(tx *store.Tx, t store.Timer, now time.Time) error {
	switch t.Kind {
	case timerDigest:
		if err := d.digest(tx, now); err != nil {
			return err
		}
		return d.scheduleGlobal(tx, now)
	case timerReport:
		if err := d.halfYearReport(tx, t.At); err != nil {
			return err
		}
		return d.scheduleGlobal(tx, now)
	case timerFloodSummary:
		return d.floodSummary(tx, now)
	}
	c, root, err := tx.Case(t.CaseID)
	if err != nil {
		return err
	}
	remind := func(notice, detail string) error {
		_, err := d.queue(tx, &c, root, outMail{template: "herinnering", to: d.staffAddrs(), audience: audStaff,
			data: noticeData(notice, detail)}, now)
		return err
	}
	switch complaint.TimerKind(t.Kind) {
	case complaint.TimerConfirmAlarm:
		if !c.ConfirmedAt.IsZero() || !c.Status.IsOpen() {
			return nil
		}
		detail, err := d.waitingDetail(tx, c.ID)
		if err != nil {
			return err
		}
		return remind(render.NoticeConfirmAlarm, detail)
	case complaint.TimerRemindBeforeDue, complaint.TimerRemindDue:
		if !complaint.AwaitsVerdict(c) {
			return nil // a verdict or the commissaris came first: nothing left to remind of
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
		if c.Status.IsOpen() {
			return remind(render.NoticeRetentionOpen, "")
		}
		if queued, err := tx.HasQueued(c.ID); err != nil || queued {
			// Mail about the case is still waiting (a mail server outage): purge a day later.
			if err == nil {
				err = tx.EnsureTimer(store.Timer{CaseID: c.ID, Kind: t.Kind, At: now.Add(24 * time.Hour)})
			}
			return err
		}
		d.log.Info("case purged at the retention limit", "case_id", c.ID)
		return tx.PurgeCase(c.ID)
	}
	return nil
}

// autoExtend keeps the promise when the due date comes near with no verdict, after an
// earlier extension too: ahead of the due date (deadlines.auto_extend_before) the complainant
// gets the extension notice with the new term, and staff are alerted, each time.
func (d *Daemon) autoExtend(tx *store.Tx, c *complaint.Case, root string, now time.Time) error {
	next, ok := complaint.AutoExtend(*c, now, d.terms)
	if !ok {
		return nil
	}
	*c = next
	if err := tx.UpdateCase(*c, now); err != nil {
		return err
	}
	if err := tx.MarkExtended(c.ID, "auto"); err != nil {
		return err
	}
	term := complaint.FormatDate(c.DueAt, c.Language, d.cfg.Organisation.Location)
	if err := tx.AddEvent(c.ID, store.Event{At: now, Kind: "extension", By: "klachtd", Text: d.say("automatisch verlengd tot ", "automatically extended to ") +
		complaint.FormatDate(c.DueAt, d.cfg.Organisation.Language, d.cfg.Organisation.Location)}); err != nil {
		return err
	}
	if _, err := d.queue(tx, c, root, outMail{template: "verlenging", to: complainantAddr(c), audience: audComplainant,
		lang: c.Language, data: render.Data{Term: term}}, now); err != nil {
		return err
	}
	staffTerm := complaint.FormatDate(c.DueAt, d.cfg.Organisation.Language, d.cfg.Organisation.Location)
	if _, err := d.queue(tx, c, root, outMail{template: "herinnering", to: d.staffAddrs(), audience: audStaff,
		data: render.Data{Notice: render.NoticeAutoExtended, Term: staffTerm}}, now); err != nil {
		return err
	}
	return d.setTimers(tx, *c)
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
	_, err = d.queue(tx, nil, "", outMail{template: "overzicht", to: d.staffAddrs(), audience: audStaff, data: data}, now)
	return err
}
