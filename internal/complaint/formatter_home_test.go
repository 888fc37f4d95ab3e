package complaint

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOneHomeForDatesPeopleRead: dates people read are written by FormatDate, FormatDateTime
// and FormatStamp alone, in the organisation's zone. No other non-test source of klachtd
// formats a time with a layout of its own (a staff error reply once said "2026-12-29 08:23
// UTC"); machine formats (RFC 3339 in JSON and logs, RFC 1123 in mail headers) are named
// constants of package time and pass.
func TestOneHomeForDatesPeopleRead(t *testing.T) {
	layout := regexp.MustCompile(`\.(Format|AppendFormat)\("[^"]*(2006|15:04|Jan|Mon|MST)`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel == filepath.Join("internal", "complaint", "dates.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if layout.MatchString(line) {
				t.Errorf("%s:%d formats a date itself; use complaint.FormatDate, FormatDateTime or FormatStamp:\n\t%s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFormatters: the three formatters write Amsterdam time, also across a clock change.
func TestFormatters(t *testing.T) {
	at := time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC) // 03:30 summer time, just after the change
	for _, tt := range []struct{ got, want string }{
		{FormatStamp(at, ams), "2027-03-28 03:30"},
		{FormatDateTime(at, "nl", ams), "28 maart 2027 om 03:30"},
		{FormatDateTime(at, "en", ams), "28 March 2027 at 03:30"},
		{FormatDate(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "nl", ams), "1 januari 2027"},
		{FormatStamp(at, nil), "2027-03-28 01:30"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
