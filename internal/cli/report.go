package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/report"
	"github.com/groeimeesters/klachtd/internal/store"
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
	loc := c.Organisation.Location
	period := e.period
	if period == "" { // the last complete half year
		_, current, _ := complaint.HalfYearPeriod(time.Now(), loc)
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
	r, err := report.Build(start, time.Now(), loc, func(s, e time.Time) ([]store.CaseStat, error) { return st.Stats(ctx, s, e) })
	if err != nil {
		return err
	}
	switch e.format {
	case "text":
		_, err = fmt.Fprintf(e.stdout, "%s %s — %s\n\n%s", c.Organisation.Name, "klachtenanalyse", r.Period, r.Text(c.Organisation.Language))
	case "csv":
		_, err = io.WriteString(e.stdout, r.CSV())
	case "json":
		_, err = io.WriteString(e.stdout, r.JSON())
	case "html":
		_, err = io.WriteString(e.stdout, r.HTML(c.Organisation.Name, c.Organisation.Language))
	default:
		return usageError{fmt.Sprintf("unknown --format %q (text, html, csv or json)", e.format)}
	}
	return err
}
