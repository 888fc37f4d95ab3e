package dur

import (
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
