// Package clean removes from text what must never reach a person's terminal or mail client
// (README, "Running it"): control characters (ESC and the other C0 and C1 codes, DEL) except tab
// and newline, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make text read differently from what it is. A complainant's PDF field
// "ESC]0;pwned BEL" must not retitle a staff member's terminal, and "U+202E" must not turn a
// name around.
//
// It is pure: strings in, strings out, a Writer that filters a byte stream, and JSON that
// escapes what it would otherwise carry raw.
package clean

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r is removed from text: a C0 control other than tab and newline
// (carriage return included), DEL, a C1 control, or a bidirectional embedding, override or
// isolate.
func Unsafe(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// asciiUnsafe is Unsafe for the ASCII characters.
var asciiUnsafe = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = Unsafe(rune(c))
	}
	return t
}()

// Text returns s without unsafe characters, for text of several lines. A line break written
// as CRLF or a lone CR becomes a newline; invalid UTF-8 becomes U+FFFD.
func Text(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if Unsafe(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// Line returns s as one clean line: line breaks, tabs and the Unicode line and paragraph
// separators become spaces, other unsafe characters are removed.
func Line(s string) string {
	if isClean(s) && !strings.ContainsAny(s, "\t\n\u2028\u2029") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return ' '
		case Unsafe(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// isClean is the fast path: valid UTF-8 without any unsafe character. It looks ASCII up in
// asciiUnsafe (every rendered mail and log line passes here, most of it ASCII).
func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiUnsafe[c] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || Unsafe(r) {
			return false
		}
		i += n
	}
	return true
}

// Find returns the first unsafe character in s and true, or 0 and false when there is none;
// a byte that is not UTF-8 (such as a raw 0x9B, CSI in an 8-bit terminal) is reported as
// utf8.RuneError. Tests use it on every output.
func Find(s string) (rune, bool) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || Unsafe(r) {
			return r, true
		}
		i += n
	}
	return 0, false
}

// Writer filters what is written through it for a terminal: unsafe characters and carriage
// returns are removed, invalid UTF-8 becomes U+FFFD. A character split across two writes is
// put together first. Flush writes what an unfinished character left behind.
type Writer struct {
	w    io.Writer
	tail []byte // the start of a character whose other bytes have not been written yet
}

// NewWriter returns a Writer that writes clean text to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write filters p and writes the result; it reports len(p) written unless w fails.
func (cw *Writer) Write(p []byte) (int, error) {
	buf := append(slices.Clone(cw.tail), p...)
	cut := len(buf)
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	cw.tail = slices.Clone(buf[cut:])
	if _, err := io.WriteString(cw.w, stream(buf[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes an unfinished character at the end as U+FFFD.
func (cw *Writer) Flush() error {
	if len(cw.tail) == 0 {
		return nil
	}
	cw.tail = nil
	_, err := io.WriteString(cw.w, "\uFFFD")
	return err
}

func stream(b []byte) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || Unsafe(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))
}

// JSON escapes, in encoded JSON, the unsafe characters that encoding/json writes raw (DEL,
// the C1 controls and the bidirectional ones) as \uXXXX: the value decodes to the very same
// string, but a terminal that shows the JSON sees no control character. Outside strings JSON
// holds only ASCII, so every such character stands in a string.
func JSON(b []byte) []byte {
	if !bytes.ContainsFunc(b, Unsafe) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	for _, r := range string(b) {
		if Unsafe(r) && r >= 0x20 { // C0 controls are escaped by encoding/json already
			fmt.Fprintf(&out, "\\u%04x", r)
			continue
		}
		out.WriteRune(r)
	}
	return out.Bytes()
}
