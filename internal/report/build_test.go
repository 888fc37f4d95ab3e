package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBuildPeriodsInAmsterdam: Build loads the period and every earlier period of the trend
// with the organisation's boundaries. A case received at 00:30 on 1 January Amsterdam time
// (23:30 UTC on 31 December) belongs to the new half year, one at 00:30 on 1 July (22:30 UTC
// on 30 June) to the second half of that year — in the report and in the trend alike.
func TestBuildPeriodsInAmsterdam(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	stat := func(id string, rec time.Time) Stat {
		return Stat{ID: id, ReceivedAt: rec, DueAt: rec.AddDate(0, 0, 28), Status: "in-behandeling"}
	}
	all := []Stat{
		stat("2025H2-first", time.Date(2025, 6, 30, 22, 30, 0, 0, time.UTC)),  // 1 July 2025 00:30 in Amsterdam
		stat("2025H2-last", time.Date(2025, 12, 31, 22, 59, 0, 0, time.UTC)),  // 31 December 23:59 in Amsterdam
		stat("2026H1-first", time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)), // 1 January 2026 00:30
		stat("2026H1-last", time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC)),   // 30 June 23:59
		stat("2026H2-first", time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC)),  // 1 July 2026 00:30
		stat("2026H2-mid", time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)),
		stat("2027H1-first", time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)), // 1 January 2027 00:30
	}
	var asked []string
	load := func(s, e time.Time) ([]Stat, error) {
		asked = append(asked, s.In(ams).Format("2006-01-02 15:04")+".."+e.In(ams).Format("2006-01-02 15:04"))
		var out []Stat
		for _, st := range all {
			if !st.ReceivedAt.Before(s) && st.ReceivedAt.Before(e) {
				out = append(out, st)
			}
		}
		return out, nil
	}
	r, err := Build(time.Date(2027, 1, 1, 0, 30, 0, 0, ams), time.Time{}, ams, load)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range asked {
		if !strings.HasSuffix(a, "00:00") || !strings.Contains(a, " 00:00..") {
			t.Errorf("loaded %s: not from midnight to midnight in Amsterdam", a)
		}
	}
	if r.Period != "2027H1" || r.Total != 1 {
		t.Errorf("report %s with %d cases, want 2027H1 with 1", r.Period, r.Total)
	}
	var trend []string
	for _, s := range r.Trend {
		trend = append(trend, fmt.Sprintf("%s:%d", s.Period, s.Total))
	}
	if want := []string{"2025H2:2", "2026H1:2", "2026H2:2"}; !slices.Equal(trend, want) {
		t.Errorf("trend %v, want %v (loaded %v)", trend, want, asked)
	}
}

// TestReportJSONNames: the JSON output is a contract (README, "Running it": names are added,
// never renamed). The names are checked as literal strings in the encoded output, not by decoding into
// the same struct that wrote them.
func TestReportJSONNames(t *testing.T) {
	r := Analyse(Input{Period: "2026H1", Start: periodStart, End: periodEnd, Stats: []Stat{
		with(closedCase(10, 20, 28, "online cursus", "gegrond"), func(s *Stat) {
			s.Cause, s.Measure, s.Extended, s.ExtendedBy, s.Escalated = "planning", "checklist", true, ExtendedByAuto, true
		}),
		with(closedCase(12, 40, 28, "training", "ongegrond"), func(s *Stat) { s.Extended, s.ExtendedBy = true, ExtendedByStaff }),
		openCase(150, 28),
	}}).CompareTo(Summary{Period: "2025H2", Total: 3, Gegrond: 1, Ongegrond: 1, Escalated: 1, Extended: 1,
		DeadlinesKept: 1, DeadlinesJudged: 2, MedianDays: 12.5})
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.JSON()), &top); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"period", "start", "end", "as_of", "total", "purged", "closed", "open",
		"per_service", "per_verdict", "per_service_verdict", "median_handling_days", "mean_handling_days",
		"max_handling_days", "open_median_age_days", "open_max_age_days", "deadlines_kept", "deadlines_missed",
		"deadlines_pending", "overdue", "confirmed_within_48h", "confirmed_late", "unconfirmed", "extended",
		"extended_auto", "extended_staff", "escalated", "causes", "measures", "trend"} {
		if _, ok := top[name]; !ok {
			t.Errorf("report JSON has no %q", name)
		}
	}
	for name, want := range map[string]string{"total": "3", "closed": "2", "open": "1", "median_handling_days": "30",
		"extended_auto": "1", "extended_staff": "1", "escalated": "1", "period": `"2026H1"`} {
		if got := string(top[name]); got != want {
			t.Errorf("report JSON %q = %s, want %s", name, got, want)
		}
	}
	var trend []map[string]json.RawMessage
	var causes []map[string]json.RawMessage
	if json.Unmarshal(top["trend"], &trend) != nil || len(trend) != 1 || json.Unmarshal(top["causes"], &causes) != nil || len(causes) != 1 {
		t.Fatalf("trend %s, causes %s: want one of each", top["trend"], top["causes"])
	}
	for _, name := range []string{"period", "total", "gegrond", "ongegrond", "escalated", "extended", "deadlines_kept",
		"deadlines_judged", "median_handling_days"} {
		if _, ok := trend[0][name]; !ok {
			t.Errorf("trend entry in the report JSON has no %q: %v", name, trend[0])
		}
	}
	if string(trend[0]["median_handling_days"]) != "12.5" || string(causes[0]["text"]) != `"planning"` || string(causes[0]["n"]) != "1" {
		t.Errorf("trend %v, causes %v: want median_handling_days 12.5 and a cause {text planning, n 1}", trend[0], causes[0])
	}
}
