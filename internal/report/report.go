// Package report computes the half-yearly analysis of SPEC section 1 ("Periodieke analyse")
// from the anonymous case statistics: counts per service and verdict, handling times,
// deadlines kept, extensions, escalations, causes and measures, and the trend against the
// period before. It is pure: statistics in, figures and text out.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

// Report is the analysis of one period.
type Report struct {
	Period        string         `json:"period"`
	Start         time.Time      `json:"start"`
	End           time.Time      `json:"end"`
	Total         int            `json:"total"`
	PerService    map[string]int `json:"per_service"`
	PerVerdict    map[string]int `json:"per_verdict"`
	Closed        int            `json:"closed"`
	Open          int            `json:"open"`
	MedianDays    float64        `json:"median_handling_days"`
	MeanDays      float64        `json:"mean_handling_days"`
	DeadlinesKept int            `json:"deadlines_kept"` // closed on or before the (extended) due date
	Extended      int            `json:"extended"`
	Escalated     int            `json:"escalated"`
	ConfirmedIn48 int            `json:"confirmed_within_48h"`
	Causes        []string       `json:"causes"`
	Measures      []string       `json:"measures"`
	Previous      *Summary       `json:"previous,omitempty"`
}

// Summary is the short form of an earlier period, for the trend.
type Summary struct {
	Period     string  `json:"period"`
	Total      int     `json:"total"`
	Gegrond    int     `json:"gegrond"`
	MedianDays float64 `json:"median_handling_days"`
}

// Compute analyses the statistics of cases received in the period.
func Compute(period string, start, end time.Time, stats []store.CaseStat) Report {
	r := Report{Period: period, Start: start, End: end, PerService: map[string]int{}, PerVerdict: map[string]int{}}
	var days []float64
	for _, s := range stats {
		r.Total++
		svc := s.Service
		if svc == "" {
			svc = "(onbekend)"
		}
		r.PerService[svc]++
		v := s.Verdict
		if v == "" {
			v = "(geen)"
		}
		r.PerVerdict[v]++
		if s.Extended {
			r.Extended++
		}
		if s.Escalated {
			r.Escalated++
		}
		if !s.ConfirmedAt.IsZero() && s.ConfirmedAt.Sub(s.ReceivedAt) <= 48*time.Hour {
			r.ConfirmedIn48++
		}
		if s.ClosedAt.IsZero() {
			r.Open++
		} else {
			r.Closed++
			days = append(days, s.ClosedAt.Sub(s.ReceivedAt).Hours()/24)
			if !s.ClosedAt.After(s.DueAt) {
				r.DeadlinesKept++
			}
		}
		if s.Cause != "" {
			r.Causes = append(r.Causes, s.Cause)
		}
		if s.Measure != "" {
			r.Measures = append(r.Measures, s.Measure)
		}
	}
	r.MedianDays, r.MeanDays = median(days), mean(days)
	return r
}

// Summarize gives the trend figures of a report.
func (r Report) Summarize() *Summary {
	return &Summary{Period: r.Period, Total: r.Total, Gegrond: r.PerVerdict["gegrond"], MedianDays: r.MedianDays}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var t float64
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Text is the report as a plain-text table, in Dutch or English.
func (r Report) Text(lang string) string {
	l := func(nl, en string) string {
		if lang == "en" {
			return en
		}
		return nl
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%d\n", l("Klachten ontvangen", "Complaints received"), r.Total)
	fmt.Fprintf(w, "%s\t%d\n", l("Afgehandeld", "Closed"), r.Closed)
	fmt.Fprintf(w, "%s\t%d\n", l("Nog open", "Still open"), r.Open)
	fmt.Fprintf(w, "%s\t%d\n", l("Bevestigd binnen 48 uur", "Confirmed within 48 hours"), r.ConfirmedIn48)
	fmt.Fprintf(w, "%s\t%d\n", l("Binnen de (verlengde) termijn afgehandeld", "Closed within the (extended) term"), r.DeadlinesKept)
	fmt.Fprintf(w, "%s\t%d\n", l("Verlengd", "Extended"), r.Extended)
	fmt.Fprintf(w, "%s\t%d\n", l("Naar de klachtencommissaris", "Escalated to the commissaris"), r.Escalated)
	fmt.Fprintf(w, "%s\t%.1f\n", l("Mediane doorlooptijd (dagen)", "Median handling time (days)"), r.MedianDays)
	fmt.Fprintf(w, "%s\t%.1f\n", l("Gemiddelde doorlooptijd (dagen)", "Mean handling time (days)"), r.MeanDays)
	w.Flush()
	b.WriteString("\n" + l("Per dienst", "Per service") + "\n")
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, k := range sortedKeys(r.PerService) {
		fmt.Fprintf(w, "  %s\t%d\n", k, r.PerService[k])
	}
	w.Flush()
	b.WriteString("\n" + l("Per oordeel", "Per verdict") + "\n")
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, k := range sortedKeys(r.PerVerdict) {
		fmt.Fprintf(w, "  %s\t%d\n", k, r.PerVerdict[k])
	}
	w.Flush()
	if len(r.Causes) > 0 || len(r.Measures) > 0 {
		b.WriteString("\n" + l("Oorzaken", "Causes") + "\n")
		for _, c := range r.Causes {
			b.WriteString("  - " + oneLine(c) + "\n")
		}
		b.WriteString(l("Maatregelen", "Measures") + "\n")
		for _, m := range r.Measures {
			b.WriteString("  - " + oneLine(m) + "\n")
		}
	}
	if p := r.Previous; p != nil {
		fmt.Fprintf(&b, "\n%s %s: %d → %d %s; %s %d → %d; %s %.1f → %.1f\n", l("Trend t.o.v.", "Trend against"), p.Period,
			p.Total, r.Total, l("klachten", "complaints"), l("gegrond", "justified"), p.Gegrond, r.PerVerdict["gegrond"],
			l("mediane doorlooptijd", "median handling time"), p.MedianDays, r.MedianDays)
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// CSV is the report as rows of (measure, key, value).
func (r Report) CSV() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"period", "measure", "key", "value"})
	add := func(m, k string, v any) { w.Write([]string{r.Period, m, k, fmt.Sprint(v)}) }
	add("total", "", r.Total)
	add("closed", "", r.Closed)
	add("open", "", r.Open)
	add("confirmed_within_48h", "", r.ConfirmedIn48)
	add("deadlines_kept", "", r.DeadlinesKept)
	add("extended", "", r.Extended)
	add("escalated", "", r.Escalated)
	add("median_handling_days", "", fmt.Sprintf("%.1f", r.MedianDays))
	for _, k := range sortedKeys(r.PerService) {
		add("service", k, r.PerService[k])
	}
	for _, k := range sortedKeys(r.PerVerdict) {
		add("verdict", k, r.PerVerdict[k])
	}
	w.Flush()
	return b.String()
}

// JSON is the report as indented JSON.
func (r Report) JSON() string {
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b) + "\n"
}
