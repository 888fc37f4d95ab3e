package mailparse

import (
	"strings"
	"unicode/utf8"
)

// cleanText normalises a body: valid UTF-8, LF line endings, no control characters other
// than newline and tab, no trailing whitespace on lines, no leading or trailing blank lines.
// A CR inside a line becomes a line break; the byte order mark is dropped.
//
// It runs over every text part of every message, so it copies runs of bytes that need no
// change in one go instead of rune by rune (BenchmarkCleanText; TestCleanTextSame holds it
// to the rune-by-rune definition).
func cleanText(s string) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		line, rest, found := strings.Cut(s, "\n")
		s = rest
		if strings.HasPrefix(line, "-- ") && strings.TrimRight(line, " \t\r") == "--" {
			line = "-- " // the signature separator keeps its space
		} else {
			line = strings.TrimRight(line, " \t\r")
		}
		writeClean(&b, line)
		if found {
			b.WriteByte('\n')
		}
	}
	return strings.Trim(b.String(), "\n ")
}

// writeClean writes one line of valid UTF-8 without its control characters (tab kept, CR
// as LF) and byte order marks.
func writeClean(b *strings.Builder, line string) {
	start := 0 // line[start:i] is still to be written
	for i := 0; i < len(line); {
		c := line[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			i++
			continue
		}
		if c < utf8.RuneSelf { // an ASCII control character
			b.WriteString(line[start:i])
			if c == '\r' {
				b.WriteByte('\n')
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(line[i:])
		if r >= 0x80 && r <= 0x9f || r == '\ufeff' { // C1 controls (unicode.IsControl), BOM
			b.WriteString(line[start:i])
			start = i + n
		}
		i += n
	}
	b.WriteString(line[start:])
}
