package complaint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// refPattern finds a case reference between square brackets, tolerating the spaces some
// mail clients insert and any letter case. Years have four digits, sequence numbers at
// least four (FormatRef pads) and at most nine.
var refPattern = regexp.MustCompile(`(?i)\[\s*(KL)\s*-\s*(\d{4})\s*-\s*(\d{4,9})\s*\]`)

// FormatRef writes the case reference for a year and a sequence number: "KL-2026-0007".
// The sequence is padded to four digits and grows beyond that when needed.
func FormatRef(year, seq int) string {
	return fmt.Sprintf("KL-%04d-%04d", year, seq)
}

// ParseRef reads a reference written as FormatRef writes it ("KL-2026-0007", any case,
// with or without brackets) and returns its year and sequence number.
func ParseRef(s string) (year, seq int, err error) {
	in := strings.TrimSpace(s)
	if !strings.HasPrefix(in, "[") {
		in = "[" + in + "]"
	}
	m := refPattern.FindStringSubmatch(in)
	if m == nil || len(m[0]) != len(in) {
		return 0, 0, fmt.Errorf("case reference %q: expected the form KL-2026-0007", s)
	}
	year, _ = strconv.Atoi(m[2]) // four digits: cannot fail
	seq, _ = strconv.Atoi(m[3])  // at most nine digits: cannot fail
	return year, seq, nil
}

// FindRef finds the first case reference "[KL-2026-0007]" in a subject, wherever it stands
// (after Re:, Antw:, AW:, Fwd:, Doorst:, FW:, WG: or a gateway marker such as [EXTERN]),
// and returns it in canonical form without brackets: "KL-2026-0007".
func FindRef(subject string) (string, bool) {
	m := refPattern.FindStringSubmatch(subject)
	if m == nil {
		return "", false
	}
	seq, _ := strconv.Atoi(m[3])
	year, _ := strconv.Atoi(m[2])
	return FormatRef(year, seq), true
}

// isRef reports whether the text inside a pair of brackets is a case reference.
func isRef(inner string) bool {
	m := refPattern.FindStringSubmatch("[" + inner + "]")
	return m != nil && len(m[0]) == len(inner)+2
}
