package mailparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// cleanTextByRune is cleanText as it was first written, rune by rune: the definition the fast
// version must keep to.
func cleanTextByRune(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for len(s) > 0 {
		line, rest, found := strings.Cut(s, "\n")
		s = rest
		if strings.HasPrefix(line, "-- ") && strings.TrimRight(line, " \t\r") == "--" {
			line = "-- "
		} else {
			line = strings.TrimRight(line, " \t\r")
		}
		for _, r := range line {
			switch {
			case r == '\r':
				r = '\n'
			case r == '\t':
			case unicode.IsControl(r) || r == '\ufeff':
				continue
			}
			b.WriteRune(r)
		}
		if found {
			b.WriteByte('\n')
		}
	}
	return strings.Trim(b.String(), "\n ")
}

func cleanTextCases(t testing.TB) []string {
	cases := []string{
		"", "a", "\n\n  plain  \n\n", "tab\there\t \r\n", "cr\rinside\r\n", "bom\ufeffhere",
		"c1\u0085\u009f\u0080 controls\x00\x01\x7f", "invalid \xff\xfe utf-8 \xc3", "\xe2\x82", "-- \r\nsig",
		"--  \t\r\n", "-- x", "é ü € 😀\u00a0nbsp", "\r\r\r", "a\r", " \n \n x \n \n ",
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, string(raw))
	}
	return cases
}

// TestCleanTextSame: the fast cleanText gives what the rune-by-rune definition gives, on
// edge cases and on every corpus mail read as text.
func TestCleanTextSame(t *testing.T) {
	for _, s := range cleanTextCases(t) {
		if got, want := cleanText(s), cleanTextByRune(s); got != want {
			t.Errorf("cleanText(%.60q) = %.80q, want %.80q", s, got, want)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range cleanTextCases(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanText(s), cleanTextByRune(s); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkCleanText(b *testing.B) {
	s := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40) + "\r\n"
	s = strings.Repeat(s, 2) + "Met vriendelijke groet,\r\nJan Jansen — één keer\r\n"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		cleanText(s)
	}
}

func BenchmarkCleanTextByRune(b *testing.B) {
	s := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40) + "\r\n"
	s = strings.Repeat(s, 2) + "Met vriendelijke groet,\r\nJan Jansen — één keer\r\n"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		cleanTextByRune(s)
	}
}
