package complaint

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoMachineZone: what people read is in the organisation's time zone, never in the zone
// of the machine klachtd happens to run on (a server in UTC would show every time an hour or
// two off). No non-test source takes a time into time.Local; the formatters take the
// configured location.
func TestNoMachineZone(t *testing.T) {
	local := regexp.MustCompile(`\.Local\(\)|\btime\.Local\b`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if code, _, _ := strings.Cut(line, "//"); local.MatchString(code) {
				t.Errorf("%s:%d uses the machine's time zone; use the organisation's (config Organisation.Location):\n\t%s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
