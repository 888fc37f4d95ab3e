package cli

import (
	"fmt"
	"testing"
	"time"
)

// TestReportDefaultPeriod: `klachtd report` without --period reports the last complete half
// year (in the organisation's zone), not the one still running.
func TestReportDefaultPeriod(t *testing.T) {
	cfg := writeConfig(t, "")
	mustRun(t, 0, "list", "--config", cfg) // the database exists
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	want := fmt.Sprintf("%dH2", now.Year()-1)
	if now.Month() >= time.July {
		want = fmt.Sprintf("%dH1", now.Year())
	}
	r := mustRun(t, 0, "report", "--format", "json", "--config", cfg)
	if got := decodeJSON[map[string]any](t, r.stdout)["period"]; got != want {
		t.Errorf("report without --period covers %v, want %s (the last complete half year)", got, want)
	}
}
