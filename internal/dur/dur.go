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
			return 0, fmt.Errorf("duration %q: expected a number; %s%s", s, howWritten, suggestion(s))
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
			return 0, unitError(s, in[:j], in)
		}
		if n > int64(1<<62)/int64(unit) {
			return 0, fmt.Errorf("duration %q: too large", s)
		}
		total += time.Duration(n) * unit
		in = in[j:]
	}
	return total, nil
}

// howWritten says how a duration is written, for error messages.
const howWritten = `durations are written as a number and a one-letter unit, without a space: "30s", "15m", "48h", "3d", "4w", "2y" (or combined, "1w3d")`

// unitWords are the ways people write units in Dutch and English, and the letter klachtd
// takes for each; months are no unit (they differ in length), so they have none.
var unitWords = map[string]string{
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s", "seconde": "s", "seconden": "s",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m", "minuut": "m", "minuten": "m",
	"h": "h", "u": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "uur": "h", "uren": "h",
	"d": "d", "day": "d", "days": "d", "dag": "d", "dagen": "d",
	"w": "w", "wk": "w", "week": "w", "weeks": "w", "weken": "w",
	"y": "y", "yr": "y", "year": "y", "years": "y", "jaar": "y", "jaren": "y", "j": "y",
}

// unitError explains an unknown unit (rest is the input from the unit on), with the
// duration meant when it can tell.
func unitError(s, unit, rest string) error {
	word := unit
	if f := strings.Fields(rest); word == "" && len(f) > 0 {
		word = f[0]
	}
	switch {
	case word == "":
		n := strings.TrimSpace(s)
		return fmt.Errorf("duration %q: unknown unit: a number needs its unit, as in %q or %q; %s", s, n+"s", n+"m", howWritten)
	case strings.HasPrefix(word, "maand") || strings.HasPrefix(word, "month"):
		return fmt.Errorf("duration %q: unknown unit %q: a month differs in length, so write weeks or days, as in \"13w\" or \"90d\"; %s", s, word, howWritten)
	}
	return fmt.Errorf("duration %q: unknown unit %q; %s%s", s, word, howWritten, suggestion(s))
}

// suggestion is `. Did you mean "4w"?` for "4 weken", or "" when s cannot be read that way.
func suggestion(s string) string {
	var fields []string
	for _, f := range strings.Fields(strings.ReplaceAll(strings.ToLower(s), ",", " ")) {
		if f != "en" && f != "and" {
			fields = append(fields, f)
		}
	}
	var out strings.Builder
	for i := 0; i < len(fields); i++ {
		num, word := fields[i], ""
		if k := strings.IndexFunc(num, func(r rune) bool { return r < '0' || r > '9' }); k > 0 {
			num, word = num[:k], num[k:]
		} else if k == 0 {
			return ""
		} else if i+1 < len(fields) {
			i++
			word = fields[i]
		}
		letter, ok := unitWords[strings.TrimSuffix(word, ".")]
		if !ok {
			return ""
		}
		out.WriteString(num + letter)
	}
	if out.Len() == 0 || out.String() == strings.TrimSpace(strings.ToLower(s)) {
		return ""
	}
	if _, err := Parse(out.String()); err != nil {
		return ""
	}
	return fmt.Sprintf(". Did you mean %q?", out.String())
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
