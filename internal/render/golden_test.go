package render

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden compares subject and text of every kind in both languages with
// testdata/NAME.LANG.golden. Run `go test ./internal/render -update` after a wording change
// and read the diff before committing it.
func TestGolden(t *testing.T) {
	r := newTest(t, "")
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			m, err := r.Render(kind, lang, sampleFor(kind, lang))
			if err != nil {
				t.Fatalf("%s.%s: %v", kind, lang, err)
			}
			got := "Subject: " + m.Subject + "\n\n" + m.Text
			path := filepath.Join("testdata", kind+"."+lang+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		}
	}
}
