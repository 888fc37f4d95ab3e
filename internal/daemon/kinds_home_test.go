package daemon

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
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

// TestDomainMailsAreRenderKinds: every mail a transition may cause (complaint names them, as
// the pure domain must) is a kind of mail the templates have (render.Kind), so that no command
// can queue a mail that cannot be rendered.
func TestDomainMailsAreRenderKinds(t *testing.T) {
	kinds := render.Kinds()
	for _, m := range complaint.Templates() {
		if !slices.Contains(kinds, m) {
			t.Errorf("complaint causes a %q mail, which is no render.Kind (%v)", m, kinds)
		}
	}
}
