package daemon

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKindsHaveOneHome: the daemon names the kinds of timeline entries and of mail by their
// constants (complaint.EventKind, render.Kind), never by a string of its own, so a kind
// cannot be misspelt or lack its words (cli's eventWords) unseen.
func TestKindsHaveOneHome(t *testing.T) {
	literal := []*regexp.Regexp{
		regexp.MustCompile(`store\.Event\{[^}]*Kind: *"`),
		regexp.MustCompile(`template: *"`),
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			for _, re := range literal {
				if re.MatchString(line) {
					t.Errorf("%s:%d names a kind by a string; use its constant:\n\t%s", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked %d files, want the daemon's sources", checked)
	}
}
