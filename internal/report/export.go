package report

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
)

// CSV is the report as rows of (period, measure, key, subkey, value) under a header row.
// Keys are the stored values: service names, verdicts ("" for none), cause and measure texts.
func (r Report) CSV() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	rows := [][]string{{"period", "measure", "key", "subkey", "value"}}
	add := func(m, k, sub, v string) { rows = append(rows, []string{r.Period, m, k, sub, v}) }
	n := func(m string, v int) { add(m, "", "", strconv.Itoa(v)) }
	f := func(m string, v float64) { add(m, "", "", strconv.FormatFloat(v, 'f', 1, 64)) }
	n("total", r.Total)
	n("purged", r.Purged)
	n("closed", r.Closed)
	n("open", r.Open)
	f("median_handling_days", r.MedianDays)
	f("mean_handling_days", r.MeanDays)
	f("max_handling_days", r.MaxDays)
	f("open_median_age_days", r.OpenMedianAgeDays)
	f("open_max_age_days", r.OpenMaxAgeDays)
	n("confirmed_within_48h", r.ConfirmedIn48)
	n("confirmed_late", r.ConfirmedLate)
	n("unconfirmed", r.Unconfirmed)
	n("deadlines_kept", r.DeadlinesKept)
	n("deadlines_missed", r.DeadlinesMissed)
	n("deadlines_pending", r.DeadlinesPending)
	n("overdue", r.Overdue)
	n("extended", r.Extended)
	n("extended_auto", r.ExtendedAuto)
	n("extended_staff", r.ExtendedStaff)
	n("escalated", r.Escalated)
	for _, s := range r.services() {
		add("service", s, "", strconv.Itoa(r.PerService[s]))
	}
	for _, v := range r.verdicts() {
		add("verdict", v, "", strconv.Itoa(r.PerVerdict[v]))
	}
	for _, s := range r.services() {
		for _, v := range r.verdicts() {
			add("service_verdict", s, v, strconv.Itoa(r.Cross[s][v]))
		}
	}
	for _, c := range r.Causes {
		add("cause", c.Text, "", strconv.Itoa(c.N))
	}
	for _, c := range r.Measures {
		add("measure", c.Text, "", strconv.Itoa(c.N))
	}
	for _, s := range r.trend() {
		add("trend_total", s.Period, "", strconv.Itoa(s.Total))
		add("trend_gegrond", s.Period, "", strconv.Itoa(s.Gegrond))
		add("trend_deadlines_kept", s.Period, "", strconv.Itoa(s.DeadlinesKept))
		add("trend_deadlines_judged", s.Period, "", strconv.Itoa(s.DeadlinesJudged))
		add("trend_median_handling_days", s.Period, "", strconv.FormatFloat(s.MedianDays, 'f', 1, 64))
	}
	_ = w.WriteAll(rows) // a strings.Builder does not fail
	return b.String()
}

// JSON is the report as indented JSON.
func (r Report) JSON() string {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil { // only a non-finite figure could do this; the analysis makes none
		return "{}\n"
	}
	return string(b) + "\n"
}
