package form

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/forms")

// corpusDir holds forms as people write them: NAME.txt (a plain text mail body) or NAME.html
// (an HTML-only mail body), each with NAME.golden.json.
const corpusDir = "../../testdata/forms"

// golden is what a corpus form must give.
type golden struct {
	Fields  map[string]string `json:"fields"`
	Missing []string          `json:"missing"`
	Labels  int               `json:"labels"`
	Email   string            `json:"email,omitempty"`
	Phone   string            `json:"phone,omitempty"`
	Sources []string          `json:"sources"`
}

// corpusForm is one form of the corpus as a mail gives it to Extract.
type corpusForm struct {
	name       string
	text, html string
}

func loadCorpus(t testing.TB) []corpusForm {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusForm
	for _, p := range paths {
		ext := filepath.Ext(p)
		if ext != ".txt" && ext != ".html" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := corpusForm{name: strings.TrimSuffix(filepath.Base(p), ext)}
		if ext == ".html" {
			// An HTML-only mail: its text is the HTML as text, as mailparse gives it.
			f.html = string(data)
			f.text = mailparse.HTMLToText(f.html)
		} else {
			f.text = string(data)
		}
		out = append(out, f)
	}
	if len(out) < 30 {
		t.Fatalf("corpus has %d forms, want at least 30", len(out))
	}
	return out
}

// TestCorpus reads every form of the corpus and compares the result with its golden file.
// Run `go test ./internal/form -run TestCorpus -update` after a change, and read the diff of
// testdata/forms before committing it.
func TestCorpus(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			r := Extract(f.text, f.html, nil, "", testServices)
			got := golden{Fields: r.Fields, Missing: r.Missing, Labels: r.Labels, Email: r.Email, Phone: r.Phone, Sources: r.Sources}
			path := filepath.Join(corpusDir, f.name+".golden.json")
			if *update {
				b, err := json.MarshalIndent(got, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			var want golden
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// TestCorpusInventsNothing: every answer read from a corpus form is the complainant's own
// words (compared by their letters and digits, so that a label's ":" or a table's cell
// boundary does not count), except a service answer made canonical; and the whole text
// holds every sentence of the mail.
func TestCorpusInventsNothing(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			r := Extract(f.text, f.html, nil, "", testServices)
			checkNoInvention(t, r, f.text+"\n"+strings.Join(htmlLines(f.html), "\n"), testServices)
			checkWholeText(t, r, f.text)
		})
	}
}

// checkNoInvention fails when a field holds text that is not in input.
func checkNoInvention(t testing.TB, r Result, input string, services []string) {
	t.Helper()
	in := " " + normWords(input) + " "
	for k, v := range r.Fields {
		if k == "dienst" && contains(services, v) {
			continue
		}
		for _, line := range strings.Split(v, "\n") {
			if w := normWords(line); w != "" && !strings.Contains(in, " "+w+" ") {
				t.Errorf("field %s holds %q, which is not in the input", k, line)
			}
		}
	}
}

// checkWholeText fails when a sentence of text is not in the result's whole text.
func checkWholeText(t testing.TB, r Result, text string) {
	t.Helper()
	whole := strings.Join(strings.Fields(r.Text), " ")
	for _, s := range Sentences(text) {
		if !strings.Contains(whole, s) {
			t.Errorf("sentence %q is not in the whole text", s)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
