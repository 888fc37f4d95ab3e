package dur

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"30s", 30 * time.Second, false},
		{"15m", 15 * time.Minute, false},
		{"48h", 48 * time.Hour, false},
		{"3d", 3 * day, false},
		{"4w", 28 * day, false},
		{"2y", 730 * day, false},
		{"1w3d", 10 * day, false},
		{" 4W ", 28 * day, false},
		{"", 0, true},
		{"4", 0, true},
		{"w", 0, true},
		{"-4w", 0, true},
		{"4x", 0, true},
		{"99999999999999999999y", 0, true},
		{"9999999999y", 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[time.Duration]string{28 * 24 * time.Hour: "4w", 48 * time.Hour: "2d", 90 * time.Second: "90s"} {
		if got := Format(in); got != want {
			t.Errorf("Format(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"25MB", 25_000_000, false},
		{"25 MB", 25_000_000, false},
		{"1KiB", 1024, false},
		{"100", 100, false},
		{"10XB", 0, true},
		{"", 0, true},
		{"MB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestParseExplains: a duration written as people say it gets an answer that shows how
// durations are written, with the one meant where it can be told.
func TestParseExplains(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4 weken", `Did you mean "4w"?`},
		{"48 uur", `Did you mean "48h"?`},
		{"2 years", `Did you mean "2y"?`},
		{"1 week en 3 dagen", `Did you mean "1w3d"?`},
		{"30 sec", `Did you mean "30s"?`},
		{"3 maanden", `a month differs in length`},
		{"60", `a number needs its unit, as in "60s" or "60m"`},
		{"vier weken", `expected a number`},
		{"4x", `unknown unit "x"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = no error", tt.in)
			continue
		}
		for _, want := range []string{tt.want, `"30s", "15m", "48h", "3d", "4w", "2y"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Parse(%q): %q lacks %q", tt.in, err, want)
			}
		}
	}
}
