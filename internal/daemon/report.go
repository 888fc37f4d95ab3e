package daemon

import (
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/report"
	"github.com/groeimeesters/klachtd/internal/store"
)

// halfYearReport mails management the analysis of the half year that ended at `at`.
func (d *Daemon) halfYearReport(tx *store.Tx, at time.Time) error {
	loc := d.cfg.Organisation.Location
	label, start, end := complaint.HalfYearPeriod(at.Add(-time.Hour), loc)
	stats, err := tx.Stats(start, end)
	if err != nil {
		return err
	}
	r := report.Compute(label, start, end, stats)
	plabel, pstart, pend := complaint.HalfYearPeriod(start.Add(-time.Hour), loc)
	if prev, err := tx.Stats(pstart, pend); err == nil && len(prev) > 0 {
		r.Previous = report.Compute(plabel, pstart, pend, prev).Summarize()
	}
	text := r.Text(d.cfg.Organisation.Language)
	to := addrs(d.cfg.Report.Recipients)
	if len(to) == 0 {
		to = d.staffAddrs()
	}
	_, err = d.queue(tx, nil, "", outMail{template: "rapport", to: to, audience: audStaff,
		data: render.Data{Period: label, Report: text}}, at)
	return err
}
