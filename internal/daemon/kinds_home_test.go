package daemon

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKindsHaveOneHome: the daemon names the kinds of timeline entries, of mail kept, of mail
// sent and of what it recorded by their constants (complaint.EventKind, complaint.MailKind,
// render.Kind, outcome.go), never by a string of its own, so a kind cannot be misspelt or
// lack its words (cli's eventWords, incomingWords) unseen.
func TestKindsHaveOneHome(t *testing.T) {
	literal := []*regexp.Regexp{
		regexp.MustCompile(`store\.Event\{[^}]*Kind: *"`),
		regexp.MustCompile(`template: *"`),
		regexp.MustCompile(`store\.Message\{[^}]*Kind: *"`),
		regexp.MustCompile(`storeIncoming\([^,]*, [^,]*, *"`),
		regexp.MustCompile(`\b(left\(|moved\([^,]*, *)"`),
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
