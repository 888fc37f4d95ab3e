package cli

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/report"
	"github.com/groeimeesters/klachtd/internal/store"
)

// zeroFigure is a measured 0,0 (not the end of 20,0).
var zeroFigure = regexp.MustCompile(`(^|[^0-9])0,0`)

// halfYears are the half year under way and the n before it, newest first, as labels and
// starts, in the organisation's zone.
func halfYears(n int) (labels []string, starts []time.Time) {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	at := time.Now()
	for range n + 1 {
		l, s, _ := complaint.HalfYearPeriod(at, loc)
		labels, starts = append(labels, l), append(starts, s)
		at = s.Add(-time.Hour)
	}
	return labels, starts
}

// TestReportTexts: a last half year without complaints says so and points to the half year
// under way, with its count and the command; figures that cannot be measured are "–", never
// 0,0; periods are named in words; the trend runs across the earlier half years, an empty one
// between them included.
func TestReportTexts(t *testing.T) {
	cfg := writeConfig(t, "")
	labels, starts := halfYears(4)
	current, last := labels[0], labels[1]
	words := func(i int) string { return report.PeriodName(labels[i], "nl") }
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
		for i, name := range []string{"Anna", "Bert"} {
			register(t, d, st, kd.Registration{Name: name, Email: strings.ToLower(name) + "@example.nl", Text: "klacht",
				ReceivedAt: starts[0].Add(time.Duration(i+1) * time.Hour)})
		}
		// Two half years ago one closed case, four ago another; the one between has none.
		a := register(t, d, st, kd.Registration{Name: "Cor", Email: "cor@example.nl", Text: "klacht", ReceivedAt: starts[2].AddDate(0, 1, 0)})
		closeCase(t, st, a, complaint.VerdictGegrond, starts[2].AddDate(0, 1, 10))
		b := register(t, d, st, kd.Registration{Name: "Dirk", Email: "dirk@example.nl", Text: "klacht", ReceivedAt: starts[4].AddDate(0, 1, 0)})
		closeCase(t, st, b, complaint.VerdictOngegrond, starts[4].AddDate(0, 1, 20))
	})

	out := mustRun(t, 0, "report", "--config", cfg).stdout
	for _, want := range []string{
		"klachtenanalyse " + words(1) + ", ",
		"In de " + words(1) + ", ",
		"zijn geen klachten ontvangen.",
		"In de lopende periode, de " + words(0) + ", ",
		"zijn tot nu toe 2 klachten ontvangen",
		"klachtd report --period " + current + " --config " + cfg,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report of %s lacks %q:\n%s", last, want, out)
		}
	}
	if zeroFigure.MatchString(out) || strings.Contains(out, last) {
		t.Errorf("report of an empty half year shows 0,0 or the code %s:\n%s", last, out)
	}
	// The trend of the last half year: the three before it, the empty one at 0.
	for _, want := range []string{words(4) + "         1", words(3) + "         0", words(2) + "         1"} {
		if !strings.Contains(out, want) {
			t.Errorf("trend lacks the row %q:\n%s", want, out)
		}
	}

	out = mustRun(t, 0, "report", "--period", current, "--config", cfg).stdout
	if !containsRow(out, "Doorlooptijd in dagen", "–") || !strings.Contains(out, "Leeftijd open klachten in dagen") {
		t.Errorf("two open cases: the handling time of no closed case must be –:\n%s", out)
	}
	if zeroFigure.MatchString(out) {
		t.Errorf("report shows 0,0:\n%s", out)
	}
	if strings.Contains(out, "lopende periode") {
		t.Errorf("a report with complaints points elsewhere:\n%s", out)
	}
}
