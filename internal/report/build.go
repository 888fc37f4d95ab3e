package report

import (
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// Loader reads the statistics of cases received in [start, end).
type Loader func(start, end time.Time) ([]Stat, error)

// Build analyses the half year that holds start, with the trend of up to four half-years
// before it. asOf is the moment open cases are measured at (zero: the period's end).
func Build(start time.Time, asOf time.Time, loc *time.Location, load Loader) (Report, error) {
	label, pstart, pend := complaint.HalfYearPeriod(start, loc)
	stats, err := load(pstart, pend)
	if err != nil {
		return Report{}, fmt.Errorf("statistics of %s: %w", label, err)
	}
	if !asOf.IsZero() && asOf.After(pend) {
		asOf = time.Time{}
	}
	r := Analyse(Input{Period: label, Start: pstart, End: pend, AsOf: asOf, Stats: stats})
	// The earlier half years, newest first; a half year without complaints between two with
	// complaints is a point of the trend too (at 0), only those before the first are left out.
	var prev []Summary
	at, oldest := pstart, -1
	for i := 0; i < maxTrend; i++ {
		l, s, e := complaint.HalfYearPeriod(at.Add(-time.Hour), loc)
		st, err := load(s, e)
		if err != nil {
			return Report{}, fmt.Errorf("statistics of %s: %w", l, err)
		}
		prev = append(prev, *Analyse(Input{Period: l, Start: s, End: e, Stats: st}).Summarize())
		if len(st) > 0 {
			oldest = i
		}
		at = s
	}
	prev = prev[:oldest+1]
	if len(prev) > 0 {
		r = r.CompareTo(prev...)
	}
	return r, nil
}
