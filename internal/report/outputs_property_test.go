package report

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// checkOutputs holds every output of a report of two cases to what it must say whatever the
// input: the text counts two complaints in each language, the CSV and the JSON say total 2,
// the HTML is one whole page in which no hostile text opens a tag.
func checkOutputs(t *testing.T, r Report, service, cause string) {
	t.Helper()
	for lang, label := range map[string]string{"nl": "Klachten ontvangen", "en": "Complaints received"} {
		if !regexp.MustCompile(`(?m)^` + label + ` +2\b`).MatchString(r.Text(lang)) {
			t.Errorf("text (%s) does not count 2 complaints:\n%s", lang, r.Text(lang))
		}
	}
	for lang, label := range map[string]string{"nl": "Klachten ontvangen", "en": "Complaints received"} {
		rows, err := csv.NewReader(strings.NewReader(r.CSV(lang))).ReadAll()
		if err != nil {
			t.Fatalf("CSV (%s) does not parse: %v", lang, err)
		}
		total := ""
		for _, row := range rows[1:] {
			if len(row) == len(rows[0]) && row[1] == label {
				total = row[len(row)-1]
			}
		}
		if total != "2" {
			t.Errorf("CSV (%s) %s %q, want 2:\n%s", lang, label, total, r.CSV(lang))
		}
	}
	var back map[string]any
	if err := json.Unmarshal([]byte(r.JSON()), &back); err != nil {
		t.Fatalf("JSON does not decode: %v", err)
	}
	if back["total"] != 2.0 {
		t.Errorf("JSON total %v, want 2", back["total"])
	}
	html := r.HTML(cause, "en")
	if strings.Count(html, "<html") != 1 || !strings.HasSuffix(strings.TrimSpace(html), "</html>") {
		t.Errorf("HTML is not one whole page")
	}
	for _, hostile := range []string{service, cause} {
		if i := strings.Index(hostile, "<"); i >= 0 && len(hostile) > i+1 && strings.Contains(html, hostile[i:]) {
			t.Errorf("HTML carries %q unescaped", hostile[i:])
		}
	}
}
