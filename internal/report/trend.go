package report

import (
	"cmp"
	"slices"
	"strings"
)

// maxTrend is how many earlier periods the trend shows.
const maxTrend = 4

// Summary is the short form of a period, for the trend.
type Summary struct {
	Period          string  `json:"period"`
	Total           int     `json:"total"`
	Closed          int     `json:"closed"`
	Gegrond         int     `json:"gegrond"`
	Ongegrond       int     `json:"ongegrond"`
	Escalated       int     `json:"escalated"`
	Extended        int     `json:"extended"`
	DeadlinesKept   int     `json:"deadlines_kept"`
	DeadlinesJudged int     `json:"deadlines_judged"` // kept plus missed
	MedianDays      float64 `json:"median_handling_days"`
}

// KeptPercent is the share of judged deadlines that were kept, 0 when none were judged.
func (s Summary) KeptPercent() float64 {
	if s.DeadlinesJudged == 0 {
		return 0
	}
	return 100 * float64(s.DeadlinesKept) / float64(s.DeadlinesJudged)
}

// Summarize gives the trend figures of a report.
func (r Report) Summarize() *Summary {
	return &Summary{Period: r.Period, Total: r.Total, Closed: r.Closed, Gegrond: r.PerVerdict["gegrond"],
		Ongegrond: r.PerVerdict["ongegrond"], Escalated: r.Escalated, Extended: r.Extended,
		DeadlinesKept: r.DeadlinesKept, DeadlinesJudged: r.DeadlinesJudged(), MedianDays: r.MedianDays}
}

// CompareTo returns the report with its trend set to the given earlier periods: sorted by
// period label, the report's own period left out, the last four kept. Previous becomes the
// latest of them.
func (r Report) CompareTo(prev ...Summary) Report {
	var t []Summary
	for _, p := range prev {
		if p.Period != r.Period {
			t = append(t, p)
		}
	}
	slices.SortStableFunc(t, func(a, b Summary) int { return cmp.Compare(a.Period, b.Period) })
	if len(t) > maxTrend {
		t = t[len(t)-maxTrend:]
	}
	r.Trend, r.Previous = t, nil
	if len(t) > 0 {
		last := t[len(t)-1]
		r.Previous = &last
	}
	return r
}

// trend is the earlier periods to show: Trend, or else Previous alone.
func (r Report) trend() []Summary {
	if len(r.Trend) > 0 {
		return r.Trend
	}
	if r.Previous != nil {
		return []Summary{*r.Previous}
	}
	return nil
}

// counter groups free texts (causes, measures) that differ only in spacing or case.
type counter struct {
	order []string
	texts map[string]string
	n     map[string]int
}

func newCounter() *counter { return &counter{texts: map[string]string{}, n: map[string]int{}} }

func (c *counter) add(s string) {
	s = oneLine(s)
	if s == "" {
		return
	}
	k := strings.ToLower(s)
	if _, ok := c.texts[k]; !ok {
		c.texts[k] = s
		c.order = append(c.order, k)
	}
	c.n[k]++
}

// list gives the texts, most frequent first, then in alphabetical order.
func (c *counter) list() []Count {
	out := make([]Count, 0, len(c.order))
	for _, k := range c.order {
		out = append(out, Count{Text: c.texts[k], N: c.n[k]})
	}
	slices.SortStableFunc(out, func(a, b Count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return cmp.Compare(strings.ToLower(a.Text), strings.ToLower(b.Text))
	})
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
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

func maximum(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return slices.Max(xs)
}

// oneLine folds all white space, newlines included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// services lists the services, most complaints first, then by name.
func (r Report) services() []string {
	keys := make([]string, 0, len(r.PerService))
	for k := range r.PerService {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if r.PerService[a] != r.PerService[b] {
			return r.PerService[b] - r.PerService[a]
		}
		return cmp.Compare(a, b)
	})
	return keys
}

// verdicts lists the verdict columns: gegrond and ongegrond always, any other value found,
// then "no verdict".
func (r Report) verdicts() []string {
	var other []string
	for k := range r.PerVerdict {
		if k != "gegrond" && k != "ongegrond" && k != "" {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	out := append([]string{"gegrond", "ongegrond"}, other...)
	return append(out, "")
}
