package complaint

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// refPattern finds a case reference between square brackets, tolerating the spaces some
// mail clients insert and any letter case. Years have four digits, sequence numbers at
// least four (FormatRef pads) and at most nine. It is matched against Visible text.
var refPattern = regexp.MustCompile(`(?i)\[\s*(KL)\s*-\s*(\d{4})\s*-\s*(\d{4,9})\s*\]`)

// FormatRef writes the case reference for a year and a sequence number: "KL-2026-0007".
// The sequence is padded to four digits and grows beyond that when needed.
func FormatRef(year, seq int) string {
	return fmt.Sprintf("KL-%04d-%04d", year, seq)
}

// ParseRef reads a reference written as FormatRef writes it ("KL-2026-0007", any case,
// with or without brackets, invisible characters ignored) and returns its year and
// sequence number.
func ParseRef(s string) (year, seq int, err error) {
	in := strings.TrimSpace(Visible(s))
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
// and returns it in canonical form without brackets: "KL-2026-0007". Invisible characters
// inside or around it do not hide it (see Visible).
func FindRef(subject string) (string, bool) {
	refs := FindRefs(subject)
	if len(refs) == 0 {
		return "", false
	}
	return refs[0], true
}

// FindRefs finds every distinct case reference in a subject, in canonical form, in the
// order they first appear. A staff command naming more than one case is ambiguous.
func FindRefs(subject string) []string {
	var out []string
	for _, m := range refPattern.FindAllStringSubmatch(Visible(subject), -1) {
		seq, _ := strconv.Atoi(m[3])
		year, _ := strconv.Atoi(m[2])
		if ref := FormatRef(year, seq); !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out
}

// isRef reports whether the text inside a pair of brackets is a case reference.
func isRef(inner string) bool {
	s := "[" + Visible(inner) + "]"
	m := refPattern.FindStringSubmatch(s)
	return m != nil && len(m[0]) == len(s)
}

// Visible is s as a reader sees it: without the characters that take no room on screen —
// format characters (Unicode category Cf: the soft hyphen U+00AD, zero-width space and
// joiners U+200B–U+200D, the word joiner U+2060, bidirectional marks, embeddings, overrides
// and isolates U+200E/U+200F, U+202A–U+202E, U+2066–U+2069, the byte order mark U+FEFF, tag
// characters), the other default-ignorable code points (U+034F, the Hangul fillers, …) and
// variation selectors — and with every Unicode space as a plain one. References are matched
// on it, so that a mail client's, a copy-paste's or an attacker's invisible characters
// inside [KL-…] do not detach a reply from its case.
func Visible(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case invisible(r):
		case r != ' ' && unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// invisible reports a character that shows nothing: a format character, another
// default-ignorable code point, or a variation selector.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}
