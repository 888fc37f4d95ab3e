package cli

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// inLanguage writes the test configuration with organisation.language set.
func inLanguage(t *testing.T, language string) string {
	t.Helper()
	cfg := writeConfig(t, "")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "officer = \"Milou Meijer\"", "officer = \"Milou Meijer\"\nlanguage = \""+language+"\"", 1)
	if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestShowInOneLanguage: `show` and `list` speak the organisation's language only, and the
// columns of each block line up.
func TestShowInOneLanguage(t *testing.T) {
	tests := []struct {
		language string
		want     []string // labels of this language
		foreign  []string // words of the other one
	}{
		{"nl", []string{"Klager", "Beslistermijn", "Klachtformulier", "Omschrijving", "Ontbreekt", "Tijdlijn", "geregistreerd", "Correspondentie", "ontvangstbevestiging, in de wachtrij", "KLACHT", "ONTVANGEN"},
			[]string{"Complainant", "Received", "Timeline", "Correspondence", "registered", "queued", "missing", "Due", "CASE"}},
		{"en", []string{"Complainant", "Decision term", "Complaint form", "Description", "Missing", "Timeline", "registered", "Correspondence", "confirmation of receipt, queued", "CASE", "RECEIVED"},
			[]string{"Klager", "Ontvangen", "Tijdlijn", "Correspondentie", "geregistreerd", "wachtrij", "Ontbreekt", "KLACHT"}},
	}
	for _, tt := range tests {
		t.Run(tt.language, func(t *testing.T) {
			cfg := inLanguage(t, tt.language)
			id := newCase(t, cfg, "--name", "Jan Jansen", "--email", "jan@example.nl", "--text", "De module bleef\ntwee weken onbereikbaar.")
			out := mustRun(t, 0, "show", id, "--config", cfg).stdout + mustRun(t, 0, "list", "--config", cfg).stdout
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.foreign {
				if strings.Contains(out, w) {
					t.Errorf("output holds %q of the other language:\n%s", w, out)
				}
			}
			checkAligned(t, out)
		})
	}
}

// checkAligned checks, for every block of indented lines (a block ends at a line that is not
// indented), that the second column starts at the same place on every line that has one: the
// first run of two spaces after the label.
func checkAligned(t *testing.T, out string) {
	t.Helper()
	var col = -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") {
			col = -1
			continue
		}
		body := line[2:]
		i := strings.Index(body, "  ")
		if i <= 0 {
			continue // a continuation line: the value column only
		}
		j := i
		for j < len(body) && body[j] == ' ' {
			j++
		}
		at := utf8.RuneCountInString(body[:j])
		if col == -1 {
			col = at
		} else if at != col {
			t.Errorf("column starts at %d, want %d, in line %q of:\n%s", at, col, line, out)
			return
		}
	}
}
