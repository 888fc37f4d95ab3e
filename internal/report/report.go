// Package report owns the half-yearly analysis the procedure asks for ("Periodieke analyse"):
// from the anonymous case statistics it computes counts per service and verdict (a cross
// table), handling times, deadlines kept, confirmations, extensions, escalations, causes and
// measures, and the trend against earlier periods, and writes them as text (Dutch or
// English), CSV, JSON, a standalone HTML page and a chart.
//
// It is pure: statistics in, figures, text and images out. It reads no database and no
// clock; the caller says which moment open cases are measured at.
package report

import "time"

// Extender says who extended a case's decision term.
type Extender string

// Who extended; the empty value means not extended or not known.
const (
	ExtendedByUnknown Extender = ""
	ExtendedByStaff   Extender = "staff" // a [verlenging] tag
	ExtendedByAuto    Extender = "auto"  // klachtd's own notice when the due date passed
)

// Stat is what the analysis reads of one case: its anonymous record, which outlives the
// purge (the caller reads it from the store).
type Stat struct {
	ID          string
	ReceivedAt  time.Time
	ConfirmedAt time.Time // zero: not confirmed
	ClosedAt    time.Time // zero: open
	DueAt       time.Time // the (extended) due date
	Service     string
	Verdict     string
	Status      string
	Extended    bool
	Escalated   bool
	Cause       string
	Measure     string
	Purged      bool      // anonymised by the retention purge
	VerdictAt   time.Time // when the verdict was given; zero when none or not known
	ExtendedBy  Extender  // who extended the term, when Extended and known
}

// Input is one period to analyse.
type Input struct {
	Period     string
	Start, End time.Time // cases received in [Start, End)
	// AsOf is the moment open cases' age and overdue deadlines are measured at; zero means
	// End. A report made during the period passes now.
	AsOf  time.Time
	Stats []Stat
}

// Count is one text (a cause or a measure) and how many cases gave it.
type Count struct {
	Text string `json:"text"`
	N    int    `json:"n"`
}

// Report is the analysis of one period.
type Report struct {
	Period string    `json:"period"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"` // exclusive
	AsOf   time.Time `json:"as_of"`

	Total  int `json:"total"`
	Purged int `json:"purged"` // anonymised by the retention purge, still counted
	Closed int `json:"closed"`
	Open   int `json:"open"`

	// Counts by service and by verdict; the key "" is "no service named" or "no verdict yet".
	PerService map[string]int            `json:"per_service"`
	PerVerdict map[string]int            `json:"per_verdict"`
	Cross      map[string]map[string]int `json:"per_service_verdict"` // service -> verdict -> n

	// Handling times of closed cases (received to closed), in days.
	MedianDays float64 `json:"median_handling_days"`
	MeanDays   float64 `json:"mean_handling_days"`
	MaxDays    float64 `json:"max_handling_days"`
	// Age of the cases still open at AsOf, in days.
	OpenMedianAgeDays float64 `json:"open_median_age_days"`
	OpenMaxAgeDays    float64 `json:"open_max_age_days"`

	// Deadlines: a case keeps its deadline when its verdict or closing (whichever came
	// first) is on or before its (extended) due date. Missed includes open cases past due;
	// Pending cases are not yet due, or their moment of decision is not known.
	DeadlinesKept    int `json:"deadlines_kept"`
	DeadlinesMissed  int `json:"deadlines_missed"`
	DeadlinesPending int `json:"deadlines_pending"`
	Overdue          int `json:"overdue"` // open, undecided and past due at AsOf

	ConfirmedIn48 int `json:"confirmed_within_48h"`
	ConfirmedLate int `json:"confirmed_late"`
	Unconfirmed   int `json:"unconfirmed"`

	Extended      int `json:"extended"`
	ExtendedAuto  int `json:"extended_auto"`  // of Extended, by klachtd's own notice
	ExtendedStaff int `json:"extended_staff"` // of Extended, by a staff [verlenging]
	Escalated     int `json:"escalated"`

	Causes   []Count `json:"causes"`   // most frequent first
	Measures []Count `json:"measures"` // most frequent first

	// Previous is the period before, kept for callers that set only that; Trend holds up
	// to four earlier periods, oldest first (see CompareTo).
	Previous *Summary  `json:"previous,omitempty"`
	Trend    []Summary `json:"trend,omitempty"`
}

// Compute analyses the statistics of cases received in [start, end), measuring open cases
// at end.
func Compute(period string, start, end time.Time, stats []Stat) Report {
	return Analyse(Input{Period: period, Start: start, End: end, Stats: stats})
}

// Analyse computes the report of one period.
func Analyse(in Input) Report {
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = in.End
	}
	r := Report{Period: in.Period, Start: in.Start, End: in.End, AsOf: asOf,
		PerService: map[string]int{}, PerVerdict: map[string]int{}, Cross: map[string]map[string]int{}}
	var handling, ages []float64
	causes, measures := newCounter(), newCounter()
	for _, s := range in.Stats {
		r.Total++
		if s.Purged {
			r.Purged++
		}
		svc, v := oneLine(s.Service), oneLine(s.Verdict)
		r.PerService[svc]++
		r.PerVerdict[v]++
		if r.Cross[svc] == nil {
			r.Cross[svc] = map[string]int{}
		}
		r.Cross[svc][v]++
		if s.ClosedAt.IsZero() {
			r.Open++
			ages = append(ages, days(s.ReceivedAt, asOf))
		} else {
			r.Closed++
			handling = append(handling, days(s.ReceivedAt, s.ClosedAt))
		}
		r.countDeadline(s, asOf)
		r.countConfirmation(s)
		r.countExtension(s)
		if s.Escalated {
			r.Escalated++
		}
		causes.add(s.Cause)
		measures.add(s.Measure)
	}
	r.MedianDays, r.MeanDays, r.MaxDays = median(handling), mean(handling), maximum(handling)
	r.OpenMedianAgeDays, r.OpenMaxAgeDays = median(ages), maximum(ages)
	r.Causes, r.Measures = causes.list(), measures.list()
	return r
}

// decidedAt is the moment the case was decided: its verdict or its closing, whichever came
// first; zero when neither is known.
func decidedAt(s Stat) time.Time {
	d := s.ClosedAt
	if !s.VerdictAt.IsZero() && (d.IsZero() || s.VerdictAt.Before(d)) {
		d = s.VerdictAt
	}
	return d
}

func (r *Report) countDeadline(s Stat, asOf time.Time) {
	d := decidedAt(s)
	switch {
	case s.DueAt.IsZero():
		r.DeadlinesPending++ // no due date recorded: cannot tell
	case !d.IsZero() && !d.After(s.DueAt):
		r.DeadlinesKept++
	case !d.IsZero():
		r.DeadlinesMissed++
	case s.Verdict != "":
		r.DeadlinesPending++ // a verdict whose moment is not known
	case asOf.After(s.DueAt):
		r.DeadlinesMissed++
		r.Overdue++
	default:
		r.DeadlinesPending++
	}
}

func (r *Report) countConfirmation(s Stat) {
	switch {
	case s.ConfirmedAt.IsZero():
		r.Unconfirmed++
	case s.ConfirmedAt.Sub(s.ReceivedAt) <= 48*time.Hour:
		r.ConfirmedIn48++
	default:
		r.ConfirmedLate++
	}
}

func (r *Report) countExtension(s Stat) {
	if !s.Extended {
		return
	}
	r.Extended++
	switch s.ExtendedBy {
	case ExtendedByAuto:
		r.ExtendedAuto++
	case ExtendedByStaff:
		r.ExtendedStaff++
	}
}

// DeadlinesJudged is the number of cases whose deadline can be judged: kept or missed.
func (r Report) DeadlinesJudged() int { return r.DeadlinesKept + r.DeadlinesMissed }

// days is the time from a to b in days, never negative.
func days(a, b time.Time) float64 {
	if a.IsZero() || b.Before(a) {
		return 0
	}
	return b.Sub(a).Hours() / 24
}
