package daemon

import (
	"os"
	"testing"

	"github.com/groeimeesters/klachtd/internal/docreader"
)

// The test binary serves the hidden read-document command, as klachtd does: the daemon under
// test reads attached documents by running this binary (testExecutable) as its child.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == docreader.Command {
		os.Exit(docreader.Serve(os.Args[2:], os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// testExecutable is this test binary, for Options.Executable.
func testExecutable(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}
