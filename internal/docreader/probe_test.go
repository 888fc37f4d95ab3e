package docreader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/groeimeesters/klachtd/internal/form"
)

// TestProbePDF: the generated probe document is a PDF the form reader reads as such.
func TestProbePDF(t *testing.T) {
	text, err := form.ReadDocument(form.KindPDF, probePDF())
	if err != nil || !strings.Contains(text, probeText) {
		t.Errorf("ReadDocument(probePDF()) = %q, %v; want the probe's text", text, err)
	}
}

// TestProbe: the probe reads its document in a real child and says, when it cannot, how the
// child failed: not started (no such file, not executable), killed by a signal, over its
// memory limit, the answer of another program.
func TestProbe(t *testing.T) {
	t.Run("works", func(t *testing.T) {
		took, err := newTestReader(t, Limits{}).Probe(context.Background())
		if err != nil || took <= 0 {
			t.Errorf("Probe() = %v, %v; want a duration and no error", took, err)
		}
	})
	dir := t.TempDir()
	script := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name   string
		exe    string
		lim    Limits
		check  func(*ProbeError) bool
		errSay string
	}{
		{"no such file", filepath.Join(dir, "gone"), Limits{},
			func(e *ProbeError) bool { return errors.Is(e.Start, syscall.ENOENT) && e.Reason == ReasonStart }, "could not be started"},
		{"not executable", script("klachtd", "#!/bin/sh\n", 0o600), Limits{},
			func(e *ProbeError) bool { return errors.Is(e.Start, syscall.EACCES) }, "permission denied"},
		{"killed by SIGSYS", script("sigsys", "#!/bin/sh\nkill -SYS $$\n", 0o700), Limits{},
			func(e *ProbeError) bool { return e.Signal == syscall.SIGSYS && e.Reason == ReasonCrash }, "signal SIGSYS"},
		{"another program", "/bin/true", Limits{},
			func(e *ProbeError) bool { return e.Exit == 0 && e.Reason == ReasonReply }, "bad-reply"},
		{"says why it refused", script("refuses", "#!/bin/sh\necho 'limit the document reader: setrlimit 9: operation not permitted' >&2\nexit 64\n", 0o700), Limits{},
			func(e *ProbeError) bool {
				return e.Exit == exitUsage && strings.Contains(e.Stderr, "operation not permitted")
			}, "refused to read"},
		{"over its memory limit", script("heap", "#!/bin/sh\nexit 65\n", 0o700), Limits{},
			func(e *ProbeError) bool { return e.Exit == exitMemory && e.Reason == ReasonMemory }, "memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(Options{Executable: tt.exe, Limits: tt.lim})
			_, err := r.Probe(context.Background())
			var pe *ProbeError
			if !errors.As(err, &pe) || !tt.check(pe) {
				t.Fatalf("Probe() = %#v (%v), not the failure expected", pe, err)
			}
			if !strings.Contains(err.Error(), tt.errSay) {
				t.Errorf("error %q does not say %q", err, tt.errSay)
			}
			checkNoChildren(t)
		})
	}
}
