package report

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	periodStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	periodEnd   = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
)

// at is a moment in the first half of 2026: day of year (1 = 1 January) and hour.
func at(day, hour int) time.Time {
	return periodStart.AddDate(0, 0, day-1).Add(time.Duration(hour) * time.Hour)
}

// closedCase is a case received on day at 09:00, closed after closedAfter days, due after
// dueAfter days.
func closedCase(day, closedAfter, dueAfter int, service, verdict string) Stat {
	rec := at(day, 9)
	return Stat{ID: "KL", ReceivedAt: rec, ConfirmedAt: rec.Add(time.Hour),
		ClosedAt: rec.AddDate(0, 0, closedAfter), DueAt: rec.AddDate(0, 0, dueAfter), Service: service,
		Verdict: verdict, Status: "afgehandeld"}
}

// openCase is a case received on day at 00:00, not closed, due after dueAfter days.
func openCase(day, dueAfter int) Stat {
	rec := at(day, 0)
	return Stat{ID: "KL", ReceivedAt: rec, ConfirmedAt: rec.Add(time.Hour),
		DueAt: rec.AddDate(0, 0, dueAfter), Status: "in-behandeling"}
}

func with(s Stat, f func(*Stat)) Stat { f(&s); return s }

// figures are the numbers of a report, without its tables and lists.
type figures struct {
	Total, Purged, Closed, Open                      int
	Median, Mean, Max, OpenMedian, OpenMax           float64
	Kept, Missed, Pending, Overdue                   int
	In48, Late, Unconfirmed                          int
	Extended, ExtendedAuto, ExtendedStaff, Escalated int
}

func figuresOf(r Report) figures {
	return figures{r.Total, r.Purged, r.Closed, r.Open, r.MedianDays, r.MeanDays, r.MaxDays,
		r.OpenMedianAgeDays, r.OpenMaxAgeDays, r.DeadlinesKept, r.DeadlinesMissed, r.DeadlinesPending,
		r.Overdue, r.ConfirmedIn48, r.ConfirmedLate, r.Unconfirmed, r.Extended, r.ExtendedAuto,
		r.ExtendedStaff, r.Escalated}
}

func TestAnalyse(t *testing.T) {
	tests := []struct {
		name  string
		stats []Stat
		asOf  time.Time
		want  figures
	}{
		{name: "empty period", want: figures{}},
		{name: "median of an odd count",
			stats: []Stat{closedCase(1, 10, 28, "a", "gegrond"), closedCase(2, 30, 35, "a", "gegrond"), closedCase(3, 14, 28, "a", "ongegrond")},
			want:  figures{Total: 3, Closed: 3, Median: 14, Mean: 18, Max: 30, Kept: 3, In48: 3}},
		{name: "median of an even count",
			stats: []Stat{closedCase(1, 10, 28, "a", "gegrond"), closedCase(2, 20, 28, "a", "gegrond"),
				closedCase(3, 3, 28, "a", "gegrond"), closedCase(4, 27, 28, "a", "gegrond")},
			want: figures{Total: 4, Closed: 4, Median: 15, Mean: 15, Max: 27, Kept: 4, In48: 4}},
		{name: "closed after its due date is not kept",
			stats: []Stat{closedCase(1, 29, 28, "a", "gegrond"), closedCase(2, 28, 28, "a", "gegrond")},
			want:  figures{Total: 2, Closed: 2, Median: 28.5, Mean: 28.5, Max: 29, Kept: 1, Missed: 1, In48: 2}},
		{name: "extended case kept when closed before the new due date",
			stats: []Stat{
				with(closedCase(1, 40, 49, "a", "gegrond"), func(s *Stat) { s.Extended, s.ExtendedBy = true, ExtendedByStaff }),
				with(closedCase(2, 50, 49, "a", "gegrond"), func(s *Stat) { s.Extended, s.ExtendedBy = true, ExtendedByAuto }),
				with(closedCase(3, 20, 56, "a", "gegrond"), func(s *Stat) { s.Extended = true }),
			},
			want: figures{Total: 3, Closed: 3, Median: 40, Mean: 110.0 / 3, Max: 50, Kept: 2, Missed: 1, In48: 3,
				Extended: 3, ExtendedAuto: 1, ExtendedStaff: 1}},
		{name: "a verdict before the due date keeps it though closing came later",
			stats: []Stat{with(closedCase(1, 35, 28, "a", "gegrond"), func(s *Stat) {
				s.VerdictAt, s.Escalated = s.ReceivedAt.AddDate(0, 0, 27), true
			})},
			want: figures{Total: 1, Closed: 1, Median: 35, Mean: 35, Max: 35, Kept: 1, In48: 1, Escalated: 1}},
		{name: "open cases: overdue, pending and their age at the end of the period",
			stats: []Stat{openCase(152, 28), openCase(171, 28), openCase(161, 28)}, // 1, 20 and 10 June: 30, 11 and 21 days old
			want:  figures{Total: 3, Open: 3, OpenMedian: 21, OpenMax: 30, Missed: 1, Overdue: 1, Pending: 2, In48: 3}},
		{name: "open cases measured at an earlier moment",
			stats: []Stat{openCase(152, 28), openCase(171, 28)},
			asOf:  at(176, 0), // 25 June
			want:  figures{Total: 2, Open: 2, OpenMedian: 14.5, OpenMax: 24, Pending: 2, In48: 2}},
		{name: "a verdict whose moment is unknown is pending, not missed",
			stats: []Stat{with(openCase(10, 28), func(s *Stat) { s.Verdict = "gegrond" })},
			want:  figures{Total: 1, Open: 1, OpenMedian: 172, OpenMax: 172, Pending: 1, In48: 1}},
		{name: "purged cases are still counted",
			stats: []Stat{with(closedCase(1, 20, 28, "", "ongegrond"), func(s *Stat) { s.Purged = true }), closedCase(2, 10, 28, "a", "gegrond")},
			want:  figures{Total: 2, Purged: 1, Closed: 2, Median: 15, Mean: 15, Max: 20, Kept: 2, In48: 2}},
		{name: "confirmations: within 48 hours, late, never",
			stats: []Stat{
				with(closedCase(1, 5, 28, "a", "gegrond"), func(s *Stat) { s.ConfirmedAt = s.ReceivedAt.Add(48 * time.Hour) }),
				with(closedCase(2, 5, 28, "a", "gegrond"), func(s *Stat) { s.ConfirmedAt = s.ReceivedAt.Add(49 * time.Hour) }),
				with(closedCase(3, 5, 28, "a", "gegrond"), func(s *Stat) { s.ConfirmedAt = time.Time{} }),
			},
			want: figures{Total: 3, Closed: 3, Median: 5, Mean: 5, Max: 5, Kept: 3, In48: 1, Late: 1, Unconfirmed: 1}},
		{name: "hostile times: closed before received, no due date",
			stats: []Stat{with(closedCase(5, 0, 28, "a", "gegrond"), func(s *Stat) {
				s.ClosedAt, s.DueAt = s.ReceivedAt.Add(-time.Hour), time.Time{}
			})},
			want: figures{Total: 1, Closed: 1, Pending: 1, In48: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyse(Input{Period: "2026H1", Start: periodStart, End: periodEnd, AsOf: tt.asOf, Stats: tt.stats})
			if diff := cmp.Diff(tt.want, figuresOf(r), cmp.Comparer(func(a, b float64) bool {
				return a-b < 1e-9 && b-a < 1e-9
			})); diff != "" {
				t.Errorf("figures (-want +got):\n%s", diff)
			}
			if r.DeadlinesKept+r.DeadlinesMissed+r.DeadlinesPending != r.Total {
				t.Errorf("kept %d + missed %d + pending %d != total %d", r.DeadlinesKept, r.DeadlinesMissed, r.DeadlinesPending, r.Total)
			}
		})
	}
}

// sample is a period with every kind of case, used by the output tests.
func sample() Report {
	stats := []Stat{
		with(closedCase(1, 10, 28, "Coaching", "gegrond"), func(s *Stat) {
			s.Cause, s.Measure = "Te late terugkoppeling", "Vaste belmomenten"
		}),
		with(closedCase(2, 30, 28, "Coaching", "ongegrond"), func(s *Stat) { s.ConfirmedAt = s.ReceivedAt.Add(50 * time.Hour) }),
		with(closedCase(3, 40, 49, "Intervisie-begeleiding", "gegrond"), func(s *Stat) {
			s.Extended, s.ExtendedBy, s.Escalated = true, ExtendedByStaff, true
			s.Cause, s.Measure = "te late\n terugkoppeling", "Coach krijgt extra supervisie"
		}),
		with(closedCase(5, 20, 28, "", "ongegrond"), func(s *Stat) { s.Purged = true }),
		with(openCase(152, 28), func(s *Stat) { s.Service = "Coaching"; s.ConfirmedAt = time.Time{} }),
		with(openCase(171, 28), func(s *Stat) { s.Service = "Teamtraining" }),
	}
	return Analyse(Input{Period: "2026H1", Start: periodStart, End: periodEnd, Stats: stats}).CompareTo(
		Summary{Period: "2025H1", Total: 3, Closed: 3, Gegrond: 1, Ongegrond: 2, DeadlinesKept: 3, DeadlinesJudged: 3, MedianDays: 12},
		Summary{Period: "2025H2", Total: 5, Closed: 5, Gegrond: 2, Ongegrond: 3, Escalated: 1, DeadlinesKept: 4, DeadlinesJudged: 5, MedianDays: 21.5},
	)
}

func TestCrossTableAndTexts(t *testing.T) {
	r := sample()
	wantCross := map[string]map[string]int{
		"Coaching":               {"gegrond": 1, "ongegrond": 1, "": 1},
		"Intervisie-begeleiding": {"gegrond": 1},
		"":                       {"ongegrond": 1},
		"Teamtraining":           {"": 1},
	}
	if diff := cmp.Diff(wantCross, r.Cross); diff != "" {
		t.Errorf("cross table (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"gegrond": 2, "ongegrond": 2, "": 2}, r.PerVerdict); diff != "" {
		t.Errorf("per verdict (-want +got):\n%s", diff)
	}
	if got, want := r.services(), []string{"Coaching", "", "Intervisie-begeleiding", "Teamtraining"}; !cmp.Equal(got, want) {
		t.Errorf("service order: got %q, want %q", got, want)
	}
	wantCauses := []Count{{Text: "Te late terugkoppeling", N: 2}}
	if diff := cmp.Diff(wantCauses, r.Causes); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
	wantMeasures := []Count{{Text: "Coach krijgt extra supervisie", N: 1}, {Text: "Vaste belmomenten", N: 1}}
	if diff := cmp.Diff(wantMeasures, r.Measures); diff != "" {
		t.Errorf("measures (-want +got):\n%s", diff)
	}
}

func TestCompareTo(t *testing.T) {
	r := Report{Period: "2026H1"}
	got := r.CompareTo(Summary{Period: "2025H2"}, Summary{Period: "2024H1"}, Summary{Period: "2026H1"},
		Summary{Period: "2025H1"}, Summary{Period: "2024H2"}, Summary{Period: "2023H2"})
	var periods []string
	for _, s := range got.Trend {
		periods = append(periods, s.Period)
	}
	if want := []string{"2024H1", "2024H2", "2025H1", "2025H2"}; !cmp.Equal(periods, want) {
		t.Errorf("trend periods: got %q, want %q", periods, want)
	}
	if got.Previous == nil || got.Previous.Period != "2025H2" {
		t.Errorf("previous: got %+v, want 2025H2", got.Previous)
	}
	if r.Trend != nil {
		t.Error("CompareTo changed its receiver")
	}
	if none := r.CompareTo(); none.Previous != nil || len(none.Trend) != 0 {
		t.Errorf("no earlier periods: got %+v", none)
	}
}

func TestComputeFromStore(t *testing.T) {
	rec := at(1, 9)
	r := Compute("2026H1", periodStart, periodEnd, []Stat{{ID: "KL-1", ReceivedAt: rec,
		ClosedAt: rec.AddDate(0, 0, 7), DueAt: rec.AddDate(0, 0, 28), Service: "Coaching", Verdict: "gegrond", Extended: true}})
	want := figures{Total: 1, Closed: 1, Median: 7, Mean: 7, Max: 7, Kept: 1, Unconfirmed: 1, Extended: 1}
	if diff := cmp.Diff(want, figuresOf(r)); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
	if !r.AsOf.Equal(periodEnd) {
		t.Errorf("as of: got %v, want the end of the period %v", r.AsOf, periodEnd)
	}
}
