package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/report"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

func cmdReport(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	switch e.format {
	case "text", "csv", "json", "html":
	default:
		return usageError{fmt.Sprintf("unknown --format %q (text, html, csv or json)", e.format)}
	}
	c, err := e.readConfig()
	if err != nil {
		return err
	}
	loc, language := c.Organisation.Location, c.Organisation.Language
	now := time.Now()
	period := e.period
	if period == "" { // the last complete half year
		_, current, _ := complaint.HalfYearPeriod(now, loc)
		period, _, _ = complaint.HalfYearPeriod(current.Add(-time.Hour), loc)
	}
	start, _, err := complaint.ParsePeriod(period, loc)
	if err != nil {
		return usageError{fmt.Sprintf("--period %q: %v (write it as 2026H2)", period, err)}
	}
	_, st, err := e.existingStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	load := kd.ReportStats(func(s, e time.Time) ([]store.CaseStat, error) { return st.Stats(ctx, s, e) })
	r, err := report.Build(start, now, loc, load)
	if err != nil {
		return err
	}
	switch e.format {
	case "text":
		fmt.Fprintf(e.stdout, "%s — %s\n\n%s", c.Organisation.Name, r.Title(language), r.Text(language))
		if r.Total == 0 {
			return e.pointToCurrent(r, now, c, load)
		}
	case "csv":
		_, err = io.WriteString(e.stdout, r.CSV(language))
	case "json":
		_, err = io.WriteString(e.stdout, r.JSON())
	case "html":
		_, err = io.WriteString(e.stdout, r.HTML(c.Organisation.Name, language))
	}
	return err
}

// pointToCurrent follows a report of a period without complaints with the half year under
// way: how many complaints it holds so far, and the command that reports on it.
func (e *env) pointToCurrent(r report.Report, now time.Time, c *config.Config, load report.Loader) error {
	loc, l := c.Organisation.Location, lang(c.Organisation.Language)
	label, start, end := complaint.HalfYearPeriod(now, loc)
	if label == r.Period {
		return nil
	}
	stats, err := load(start, end)
	if err != nil {
		return fmt.Errorf("statistics of %s: %w", label, err)
	}
	cur := report.Report{Period: label, Start: start, End: end}
	command := "klachtd report --period " + label
	if e.configPath != defaultConfig() {
		command += " --config " + e.configPath
	}
	count := l.say(wording.ReportSoFar, len(stats))
	switch len(stats) {
	case 0:
		count = l.say(wording.ReportNoneYet)
	case 1:
		count = l.say(wording.ReportOneSoFar)
	}
	_, err = fmt.Fprintf(e.stdout, "\n%s\n  %s\n", l.say(wording.ReportCurrent, cur.PeriodWords(string(l)), count), command)
	return err
}
