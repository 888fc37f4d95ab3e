package mailparse

import (
	"bytes"
	"cmp"
	"fmt"
	"net/textproto"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxHeaderValue bounds one header field's value; the rest of a longer one is dropped.
const maxHeaderValue = 64 << 10

// field is one header field as read from the wire: canonical key and the unfolded raw value.
type field struct {
	key   string
	value string
}

// header is an ordered list of fields; lookups are by canonical key.
type header []field

// get returns the first value of key, or "".
func (h header) get(key string) string {
	key = textproto.CanonicalMIMEHeaderKey(key)
	for _, f := range h {
		if f.key == key {
			return f.value
		}
	}
	return ""
}

// has reports whether key is present.
func (h header) has(key string) bool {
	key = textproto.CanonicalMIMEHeaderKey(key)
	for _, f := range h {
		if f.key == key {
			return true
		}
	}
	return false
}

// values returns every value of key.
func (h header) values(key string) []string {
	key = textproto.CanonicalMIMEHeaderKey(key)
	var out []string
	for _, f := range h {
		if f.key == key {
			out = append(out, f.value)
		}
	}
	return out
}

// splitHeader reads the header block at the start of raw tolerantly and returns it with the
// body that follows. Lines without a colon are skipped and counted as problems; a header
// without an empty line after it ends at the end of input (no body).
func splitHeader(raw []byte) (h header, body []byte, bad int) {
	rest := raw
	cur := -1                 // index in h of the field being read
	var value strings.Builder // its value, continuation lines included
	flush := func() {
		if cur >= 0 {
			h[cur].value = value.String()
			value.Reset()
		}
		cur = -1
	}
	for len(rest) > 0 {
		line, next := cutLine(rest)
		rest = next
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			flush()
			return h, rest, bad
		}
		if trimmed[0] == ' ' || trimmed[0] == '\t' {
			if cur >= 0 && value.Len() > maxHeaderValue {
				continue // cut: no header needs this much
			}
			if cur >= 0 {
				value.WriteByte(' ')
				value.Write(bytes.TrimSpace(trimmed))
			} else {
				bad++
			}
			continue
		}
		flush()
		k, v, ok := bytes.Cut(trimmed, []byte(":"))
		key := strings.TrimSpace(string(k))
		// An mbox "From " line at the very top is not a header; skip it quietly. "From :" is
		// a From field (white space before the colon is obsolete syntax, and the other readers
		// take it as From).
		if len(h) == 0 && bytes.HasPrefix(trimmed, []byte("From ")) && key != "From" {
			continue
		}
		if !ok || key == "" || strings.ContainsAny(key, " \t") || !isPrintableASCII(key) {
			bad++
			continue
		}
		h = append(h, field{key: textproto.CanonicalMIMEHeaderKey(key)})
		cur = len(h) - 1
		value.Write(bytes.TrimSpace(v[:min(len(v), maxHeaderValue)]))
	}
	flush()
	return h, nil, bad
}

// cutLine returns the first line of b including its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return true
}

// decodeHeader decodes RFC 2047 encoded words leniently (unknown charsets, spaces inside words,
// bad padding) and raw 8-bit bytes (UTF-8, else windows-1252), and returns one clean line.
// It reports whether something had to be repaired.
func decodeHeader(v string) (string, bool) {
	repaired := false
	if !utf8.ValidString(v) {
		v = decodeCharset("windows-1252", []byte(v))
		repaired = true
	}
	var b strings.Builder
	lastWasWord := false
	pendingSpace := ""
	for len(v) > 0 {
		i := strings.Index(v, "=?")
		if i < 0 {
			b.WriteString(pendingSpace)
			b.WriteString(v)
			break
		}
		word, n, ok := decodeWord(v[i:])
		pre := v[:i]
		if !ok && n < 0 {
			// No "?=" anywhere after this: no later word can end either.
			b.WriteString(pendingSpace)
			b.WriteString(v)
			break
		}
		if !ok {
			b.WriteString(pendingSpace)
			pendingSpace = ""
			b.WriteString(v[:i+2])
			v = v[i+2:]
			lastWasWord = false
			continue
		}
		// Whitespace between two adjacent encoded words is dropped (RFC 2047 section 6.2).
		if lastWasWord && strings.TrimSpace(pre) == "" {
			pre, pendingSpace = "", ""
		}
		b.WriteString(pendingSpace)
		pendingSpace = ""
		b.WriteString(pre)
		if word.bad {
			repaired = true
		}
		b.WriteString(word.text)
		lastWasWord = true
		v = v[i+n:]
		// Keep the whitespace after a word pending: dropped if another word follows.
		j := 0
		for j < len(v) && (v[j] == ' ' || v[j] == '\t') {
			j++
		}
		pendingSpace, v = v[:j], v[j:]
	}
	return cleanLine(b.String()), repaired
}

type decodedWord struct {
	text string
	bad  bool
}

// decodeWord decodes one encoded word at the start of s ("=?cs?Q?text?="), tolerating spaces
// in the text (some mailers write them), and returns it with the number of bytes consumed;
// that number is negative when s holds no "?=" at all.
func decodeWord(s string) (decodedWord, int, bool) {
	if !strings.HasPrefix(s, "=?") {
		return decodedWord{}, 0, false
	}
	rest := s[2:]
	q := strings.IndexByte(rest[:min(len(rest), 42)], '?')
	if q <= 0 || strings.ContainsAny(rest[:q], " \t") {
		return decodedWord{}, 0, false
	}
	cs := rest[:q]
	rest = rest[q+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return decodedWord{}, 0, false
	}
	enc := rest[0]
	rest = rest[2:]
	end := strings.Index(rest, "?=")
	if end < 0 {
		return decodedWord{}, -1, false
	}
	text := rest[:end]
	consumed := len(s) - len(rest) + end + 2
	// RFC 2231 language suffix: charset*language.
	cs, _, _ = strings.Cut(cs, "*")
	var raw []byte
	bad := false
	switch enc {
	case 'Q', 'q':
		raw = decodeQ(text)
	case 'B', 'b':
		var ok bool
		raw, ok = decodeBase64([]byte(text))
		bad = !ok
	default:
		return decodedWord{}, 0, false
	}
	out, known := decodeCharsetKnown(cs, raw)
	if !known {
		bad = true
	}
	return decodedWord{text: out, bad: bad}, consumed, true
}

// decodeQ decodes the Q encoding of RFC 2047; malformed escapes are kept literally.
func decodeQ(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// cleanLine makes a header string safe: valid UTF-8, no control characters (CR, LF, NUL,
// tabs become spaces or vanish), whitespace runs collapsed, trimmed.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\t' || r == ' ' || r == '\u00a0' || r == '\u2028' || r == '\u2029':
			space = true
			continue
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cleanToken is cleanLine for values that may hold no whitespace at all (ids, addresses).
func cleanToken(s string) string {
	return strings.ReplaceAll(cleanLine(s), " ", "")
}

// MessageIDs parses a References or In-Reply-To value into message ids without angle
// brackets, in order and without duplicates. It is tolerant: comments and phrases are
// skipped, and when no <id> is present, bare tokens holding an "@" are taken.
func MessageIDs(s string) []string {
	s = cleanLine(s)
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		id = cleanToken(strings.Trim(id, "<>\"'"))
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		ids = append(ids, id)
	}
	rest := s
	found := false
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			// An unclosed id at the end: take up to the next whitespace.
			tail := rest[i+1:]
			if k := strings.IndexAny(tail, " ,"); k >= 0 {
				tail = tail[:k]
			}
			if strings.Contains(tail, "@") {
				add(tail)
				found = true
			}
			break
		}
		add(rest[i+1 : i+j])
		found = true
		rest = rest[i+j+1:]
	}
	if found {
		return ids
	}
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
		if strings.Contains(tok, "@") && !strings.HasPrefix(tok, "(") {
			add(tok)
		}
	}
	return ids
}

// messageID parses a Message-ID header value tolerantly: the first id, or "".
func messageID(v string) string {
	ids := MessageIDs(v)
	if len(ids) > 0 {
		return ids[0]
	}
	// No "@": take the whole value as the id when it is one token (some mailers do this).
	v = strings.Trim(cleanLine(v), "<>")
	if v != "" && !strings.ContainsAny(v, " ") {
		return v
	}
	return ""
}

// SingletonFields returns the header fields that RFC 5322 section 3.6 allows at most once and
// that decide whose mail this is, what it says and which case it belongs to, spelt as RFC 5322
// spells them. A mail that carries one of them twice is never a staff command:
// readers disagree on which copy counts (mailparse reads the first Subject, a DKIM verifier
// checks the last one, RFC 6376 section 5.4.2).
func SingletonFields() []string {
	return []string{"From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID",
		"In-Reply-To", "References"}
}

// Duplicate is a singleton field (SingletonFields) that a header carries more than once.
type Duplicate struct {
	Field string `json:"field"` // as SingletonFields spells it
	Count int    `json:"count"`
}

// HeaderFacts is what a header section shows about whether every reader reads it alike:
// mailparse, go-message and go-msgauth's DKIM verifier each split a header into fields by
// their own rules, and agree only on a header written as RFC 5322 says.
type HeaderFacts struct {
	// Duplicates lists the singleton fields the header carries more than once, in the
	// order of SingletonFields.
	Duplicates []Duplicate
	// Malformed says why readers may split the header section into different fields (a
	// line without a colon, a bare CR, a field name with characters RFC 5322 does not
	// allow, a first line that continues nothing), or "" when it is well formed. On such a
	// header one reader may see a Subject where another sees none, or end the header
	// section where another reads on.
	Malformed string
}

// Problem says in English why the header cannot be trusted to be read alike by every
// reader, or "" when it can: the duplicated singleton fields first, then a malformed line.
func (f HeaderFacts) Problem() string {
	var parts []string
	if len(f.Duplicates) > 0 {
		var dups []string
		for _, d := range f.Duplicates {
			dups = append(dups, fmt.Sprintf("%d %s", d.Count, d.Field))
		}
		one := "one"
		if len(dups) > 1 {
			one = "one of each"
		}
		parts = append(parts, fmt.Sprintf("message has %s headers where RFC 5322 allows %s: readers "+
			"disagree on which copy counts (a mail program shows the first, a DKIM verifier checks the last)",
			joinAnd(dups), one))
	}
	if f.Malformed != "" {
		parts = append(parts, "message header is malformed ("+f.Malformed+"): readers may disagree on its fields")
	}
	return strings.Join(parts, "; ")
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(list []string) string {
	if len(list) <= 1 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

// ReadHeaderFacts reads the header section at the start of raw, up to the first empty line
// (or the end of raw), and reports its duplicated singleton fields and the first line that
// readers may split differently. Field names count case-insensitively and without the white
// space some mailers leave before the colon, as every reader matches them. It is linear in
// the size of the header section and never fails.
func ReadHeaderFacts(raw []byte) HeaderFacts {
	singles := SingletonFields()
	counts := make([]int, len(singles))
	var f HeaderFacts
	rest := raw
	for n := 1; len(rest) > 0; n++ {
		line, next := cutLine(rest)
		rest = next
		if l, ok := bytes.CutSuffix(line, []byte("\n")); ok {
			line = bytes.TrimSuffix(l, []byte("\r"))
		}
		if len(line) == 0 {
			break // the empty line that ends the header section
		}
		name, problem := fieldName(line, n)
		if f.Malformed == "" {
			f.Malformed = problem
		}
		for i, s := range singles {
			if name != "" && strings.EqualFold(name, s) {
				counts[i]++
			}
		}
	}
	for i, s := range singles {
		if counts[i] > 1 {
			f.Duplicates = append(f.Duplicates, Duplicate{Field: s, Count: counts[i]})
		}
	}
	return f
}

// fieldName returns the field name a header line n starts, "" for a continuation line, and
// why the line is malformed, or "". The name is taken as inclusively as any reader takes it
// (white space around it trimmed, even on a malformed line), so that no reader counts a
// singleton field that ReadHeaderFacts does not.
func fieldName(line []byte, n int) (name, problem string) {
	if bytes.IndexByte(line, '\r') >= 0 {
		problem = fmt.Sprintf("line %d holds a carriage return without a line feed", n)
	}
	if line[0] == ' ' || line[0] == '\t' {
		if n > 1 {
			return "", problem // continues the field above
		}
		problem = cmp.Or(problem, "the first line starts with white space")
	}
	k, _, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		// The DKIM verifier takes a line without a colon as a field of that name and no value,
		// so "Subject" alone on a line is one more Subject for it.
		return strings.TrimSpace(string(line)), cmp.Or(problem, fmt.Sprintf("line %d has no colon", n))
	}
	name = strings.TrimSpace(string(k))
	switch k = bytes.TrimRight(k, " \t"); {
	case len(k) == 0:
		problem = cmp.Or(problem, fmt.Sprintf("line %d has an empty field name", n))
	case !isPrintableASCII(string(k)):
		problem = cmp.Or(problem, fmt.Sprintf("line %d has a field name with characters RFC 5322 does not allow", n))
	}
	return name, problem
}
