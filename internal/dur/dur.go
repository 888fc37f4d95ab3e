// Package dur parses the human durations and sizes used in klachtd's configuration and in
// staff tags: "30s", "15m", "48h", "3d", "4w", "2y", "1w3d", and sizes such as "25MB".
// It is pure and has no dependencies beyond the standard library.
package dur

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Units a duration may use. A day is 24 hours and a year is 365 days: klachtd's terms are
// calendar-free counts, and calendar dates are handled elsewhere.
var units = map[string]time.Duration{
	"ms": time.Millisecond,
	"s":  time.Second,
	"m":  time.Minute,
	"h":  time.Hour,
	"d":  24 * time.Hour,
	"w":  7 * 24 * time.Hour,
	"y":  365 * 24 * time.Hour,
}

// ErrEmpty is returned for an empty duration or size.
var ErrEmpty = errors.New("empty value")

// Parse reads a duration written as one or more number-unit pairs ("4w", "1w3d", "90s").
// Negative durations and unknown units are refused.
func Parse(s string) (time.Duration, error) {
	in := strings.TrimSpace(strings.ToLower(s))
	if in == "" {
		return 0, ErrEmpty
	}
	var total time.Duration
	for in != "" {
		i := 0
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("duration %q: expected a number, as in 30s, 48h, 3d, 4w or 2y", s)
		}
		n, err := strconv.ParseInt(in[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		in = in[i:]
		j := 0
		for j < len(in) && in[j] >= 'a' && in[j] <= 'z' {
			j++
		}
		unit, ok := units[in[:j]]
		if !ok {
			return 0, fmt.Errorf("duration %q: unknown unit %q (use s, m, h, d, w or y)", s, in[:j])
		}
		if n > int64(1<<62)/int64(unit) {
			return 0, fmt.Errorf("duration %q: too large", s)
		}
		total += time.Duration(n) * unit
		in = in[j:]
	}
	return total, nil
}

// Format writes d in the largest whole unit that divides it, for messages and config dumps.
func Format(d time.Duration) string {
	for _, u := range []string{"y", "w", "d", "h", "m", "s"} {
		if d != 0 && d%units[u] == 0 {
			return strconv.FormatInt(int64(d/units[u]), 10) + u
		}
	}
	return d.String()
}

// ParseSize reads a byte size such as "25MB", "512KB", "1GB" or "1000" (bytes). Units are
// decimal (KB = 1000) and binary (KiB = 1024) as written.
func ParseSize(s string) (int64, error) {
	in := strings.TrimSpace(strings.ToUpper(s))
	if in == "" {
		return 0, ErrEmpty
	}
	i := 0
	for i < len(in) && in[i] >= '0' && in[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("size %q: expected a number, as in 25MB", s)
	}
	n, err := strconv.ParseInt(in[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", s, err)
	}
	mult := map[string]int64{"": 1, "B": 1, "KB": 1000, "MB": 1000 * 1000, "GB": 1000 * 1000 * 1000,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30}[strings.TrimSpace(in[i:])]
	if mult == 0 {
		return 0, fmt.Errorf("size %q: unknown unit %q (use B, KB, MB, GB, KiB, MiB or GiB)", s, in[i:])
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return n * mult, nil
}
