package daemon

import (
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/report"
	"github.com/groeimeesters/klachtd/internal/store"
)

// halfYearReport mails management the analysis of the half year that ended at `at`, with
// the trend over earlier half-years and a chart.
func (d *Daemon) halfYearReport(tx *store.Tx, at time.Time) error {
	loc := d.cfg.Organisation.Location
	lang := d.cfg.Organisation.Language
	_, current, _ := complaint.HalfYearPeriod(at, loc) // the half year that starts now
	r, err := report.Build(current.Add(-time.Hour), time.Time{}, loc, ReportStats(tx.Stats))
	if err != nil {
		return err
	}
	data := render.Data{Period: r.Period, PeriodName: r.PeriodWords(lang), Report: r.Text(lang)}
	var atts []store.OutAttachment
	if png, err := r.Chart(lang, report.FormatPNG); err != nil {
		d.log.Warn("report chart", "period", r.Period, "err", err)
	} else {
		name := "klachten-" + r.Period + ".png"
		atts = []store.OutAttachment{{Name: name, ContentType: "image/png", Data: png, Inline: true}}
		data.ChartPNGCID = name
	}
	to := addrs(d.cfg.Report.Recipients)
	if len(to) == 0 {
		to = d.staffAddrs()
	}
	_, err = d.queue(tx, nil, "", outMail{template: render.KindRapport, to: to, audience: audStaff, data: data, attachments: atts}, d.clock.Now())
	return err
}

// ReportStats is read, the store's case statistics, as the report takes them.
func ReportStats(read func(start, end time.Time) ([]store.CaseStat, error)) report.Loader {
	return func(start, end time.Time) ([]report.Stat, error) {
		stats, err := read(start, end)
		if err != nil {
			return nil, err
		}
		out := make([]report.Stat, len(stats))
		for i, s := range stats {
			out[i] = report.Stat{ID: s.ID, ReceivedAt: s.ReceivedAt, ConfirmedAt: s.ConfirmedAt, ClosedAt: s.ClosedAt,
				DueAt: s.DueAt, Service: s.Service, Verdict: s.Verdict, Status: s.Status, Extended: s.Extended,
				Escalated: s.Escalated, Cause: s.Cause, Measure: s.Measure, Purged: s.Purged, VerdictAt: s.VerdictAt,
				ExtendedBy: report.Extender(s.ExtendedBy)}
		}
		return out, nil
	}
}
