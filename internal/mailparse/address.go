package mailparse

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// addressParser parses with net/mail first; it decodes RFC 2047 names with every charset that
// go-message knows.
func addressParser() *mail.AddressParser {
	return &mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}
}

// parseAddressList parses an address header; when net/mail rejects it, a lenient splitter
// takes what looks like addresses. It reports whether the lenient path was needed.
func parseAddressList(v string) ([]Address, bool) {
	if strings.TrimSpace(v) == "" {
		return nil, false
	}
	if utf8.ValidString(v) {
		if list, err := addressParser().ParseList(v); err == nil {
			out := make([]Address, 0, len(list))
			for _, a := range list {
				out = append(out, makeAddress(a.Name, a.Address))
			}
			return out, false
		}
	}
	return lenientAddresses(v), true
}

// makeAddress cleans a name and an addr-spec: decoded name, no control characters, the
// domain lower-cased, and an empty email when it holds no "@".
func makeAddress(name, email string) Address {
	if strings.Contains(name, "=?") {
		name, _ = decodeHeader(name)
	}
	name = strings.Trim(cleanLine(name), "\"' ")
	email = strings.Trim(cleanToken(email), "<>\"'")
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		email = ""
	} else {
		email = local + "@" + strings.ToLower(domain)
	}
	if name == email {
		name = ""
	}
	return Address{Name: name, Email: email}
}

// lenientAddresses splits on commas outside quotes, angle brackets and encoded words and
// takes <addr> or a bare token with an "@" from each piece; the rest is the display name,
// decoded after the split (a decoded name may hold a comma or a semicolon of its own).
func lenientAddresses(v string) []Address {
	var out []Address
	for _, piece := range splitAddressList(v) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		var name, email string
		if i := strings.LastIndexByte(piece, '<'); i >= 0 {
			email = piece[i+1:]
			if j := strings.IndexByte(email, '>'); j >= 0 {
				email = email[:j]
			}
			name = piece[:i]
		} else {
			for _, tok := range strings.Fields(piece) {
				if strings.Contains(tok, "@") {
					email = tok
				} else {
					name += " " + tok
				}
			}
		}
		name, _ = decodeHeader(name) // encoded words, or raw 8-bit text in a legacy charset
		a := makeAddress(name, email)
		if a.Email == "" && a.Name == "" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// splitAddressList splits an address list at commas and semicolons outside quoted strings,
// angle brackets and RFC 2047 encoded words (some encoders leave ';' in a Q-encoded name).
func splitAddressList(v string) []string {
	var parts []string
	quoted, angle := false, false
	start := 0
	for i := 0; i < len(v); i++ {
		if !quoted && strings.HasPrefix(v[i:], "=?") {
			if n := encodedWordLen(v[i:]); n > 0 {
				i += n - 1
				continue
			}
		}
		switch v[i] {
		case '"':
			quoted = !quoted
		case '<':
			angle = !quoted
		case '>':
			angle = false
		case ',', ';':
			if !quoted && !angle {
				parts = append(parts, v[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, v[start:])
}

// encodedWordLen is the length of the RFC 2047 encoded word "=?charset?enc?text?=" at the
// start of s, or 0 when s does not start with one.
func encodedWordLen(s string) int {
	rest := s[2:]
	cs := strings.IndexByte(rest, '?')
	if cs <= 0 || len(rest) < cs+3 || rest[cs+2] != '?' {
		return 0
	}
	text := rest[cs+3:]
	end := strings.Index(text, "?=")
	if end < 0 || strings.ContainsAny(text[:end], " \t\r\n") {
		return 0
	}
	return 2 + cs + 3 + end + 2
}

// dateLayouts are tried after net/mail's parser, for the dates broken mailers write.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 02 Jan 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// parseDate parses a Date header; zero when it cannot be read.
func parseDate(v string) (time.Time, bool) {
	v = cleanLine(v)
	if v == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC1123Z, v); err == nil {
		return t, true // the form nearly every mailer writes, and one of mail.ParseDate's: without its failed tries
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t, true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// decodeCharsetKnown converts raw bytes in the named charset to valid UTF-8 and reports
// whether the charset was known. Unknown charsets are read as UTF-8 when the bytes are valid
// UTF-8, else as windows-1252; ISO-8859-1 and US-ASCII are read as windows-1252 (a superset
// that mailers use under those names), with valid UTF-8 in "us-ascii" taken as UTF-8.
func decodeCharsetKnown(cs string, raw []byte) (string, bool) {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), "\"'"))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968", "unicode-1-1-utf-8":
		if utf8.Valid(raw) {
			return string(raw), true
		}
		return windows1252(raw), cs != "utf-8" && cs != "utf8"
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "windows-1252", "cp1252", "x-cp1252":
		return windows1252(raw), true
	}
	if len(cs) > 40 {
		s, _ := decodeCharsetKnown("", raw)
		return s, false
	}
	r, err := charset.Reader(cs, bytes.NewReader(raw))
	if err != nil {
		if utf8.Valid(raw) {
			return string(raw), false
		}
		return windows1252(raw), false
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(4*len(raw)+16)))
	if err != nil {
		return strings.ToValidUTF8(string(out), "\uFFFD"), false
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), true
}

// windows1252 decodes bytes as windows-1252; the five undefined bytes become U+FFFD.
func windows1252(raw []byte) string {
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

// decodeCharset is decodeCharsetKnown without the report.
func decodeCharset(cs string, raw []byte) string {
	s, _ := decodeCharsetKnown(cs, raw)
	return s
}
