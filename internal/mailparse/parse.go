package mailparse

import (
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	// Registers every charset go-message knows (windows-1252, ISO-8859-x, ...).
	_ "github.com/emersion/go-message/charset"
)

// maxDepth is how deep message/rfc822 parts are parsed into Forwarded; deeper ones stay attachments.
const maxDepth = 10

// maxMultipartLevel bounds multipart nesting inside one message.
const maxMultipartLevel = 20

// ErrNoHeader is returned when the input holds no header at all.
var ErrNoHeader = errors.New("no mail header found")

// keptHeaders are copied into Message.Header (besides every X-Klachtd-* header).
var keptHeaders = []string{
	"Authentication-Results", "ARC-Authentication-Results", "DKIM-Signature", "Received-SPF",
	"Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond",
	"X-Auto-Response-Suppress", "Content-Language", "Accept-Language", "Sender", "Delivered-To",
	"X-Original-To", "X-Mailer", "User-Agent", "Thread-Topic", "X-Failed-Recipients",
}

// Parse reads a raw RFC 5322 message. It returns an error only when nothing usable can be
// read (no header at all); everything else is repaired or skipped as well as it can be, and
// recorded in Message.Problems. Hostile input never panics.
func Parse(raw []byte) (*Message, error) {
	return ParseWith(raw, Options{})
}

// parseMessage parses one message (the top level, or a message/rfc822 part at depth > 0).
// budget is shared by all levels: the bytes of decoded content that may still be kept.
func parseMessage(raw []byte, depth int, budget *int, keep func(string, string, int, []byte) bool) (*Message, error) {
	h, body, bad := splitHeader(raw)
	if len(h) == 0 {
		return nil, ErrNoHeader
	}
	m := &Message{Size: len(raw)}
	if bad > 0 {
		m.problem("%d malformed header lines skipped", bad)
	}
	fillHeaders(m, h)
	facts := ReadHeaderFacts(raw)
	m.Duplicates, m.HeaderMalformed = facts.Duplicates, facts.Malformed
	w := &walker{msg: m, depth: depth, budget: budget, keep: keep}
	c := &collector{}
	w.entity(h, body, 0, c)
	w.finish(c)
	m.Auto = autoReason(m, h, c)
	m.Bounce = detectBounce(m, c)
	m.Language = DetectLanguage(m.Text)
	return m, nil
}

func (m *Message) problem(format string, args ...any) {
	p := cleanLine(fmt.Sprintf(format, args...))
	for _, have := range m.Problems {
		if have == p {
			return
		}
	}
	if len(m.Problems) < 50 {
		m.Problems = append(m.Problems, p)
	}
}

// fillHeaders sets the envelope fields and the Header map from the parsed header.
func fillHeaders(m *Message, h header) {
	dec := func(key string) string {
		s, repaired := decodeHeader(h.get(key))
		if repaired {
			m.problem("header %s: encoding repaired", key)
		}
		return s
	}
	m.MessageID = messageID(h.get("Message-Id"))
	for _, v := range h.values("In-Reply-To") {
		m.InReplyTo = append(m.InReplyTo, MessageIDs(v)...)
	}
	for _, v := range h.values("References") {
		m.References = append(m.References, MessageIDs(v)...)
	}
	m.Subject = dec("Subject")
	addrs := func(key string) []Address {
		list, lenient := parseAddressList(h.get(key))
		if lenient {
			m.problem("header %s: malformed address list read leniently", key)
		}
		return list
	}
	if from := addrs("From"); len(from) > 0 {
		m.From = from[0]
	}
	m.ReplyTo = addrs("Reply-To")
	m.To = addrs("To")
	m.Cc = addrs("Cc")
	if d, ok := parseDate(h.get("Date")); ok {
		m.Date = d
	} else {
		m.problem("header Date: unparseable")
	}
	if h.has("Return-Path") {
		m.HasReturnPath = true
		rp := cleanToken(h.get("Return-Path"))
		rp = strings.TrimSuffix(strings.TrimPrefix(rp, "<"), ">")
		if i := strings.LastIndexByte(rp, '<'); i >= 0 {
			rp = rp[i+1:]
		}
		m.ReturnPath = rp
	}
	m.Header = map[string][]string{}
	for _, f := range h {
		if !keepHeader(f.key) {
			continue
		}
		v, _ := decodeHeader(f.value)
		m.Header[f.key] = append(m.Header[f.key], v)
	}
}

func keepHeader(key string) bool {
	if strings.HasPrefix(key, "X-Klachtd-") {
		return true
	}
	for _, k := range keptHeaders {
		if textproto.CanonicalMIMEHeaderKey(k) == key {
			return true
		}
	}
	return false
}

// finish turns what the walk collected into the Message's body fields.
func (w *walker) finish(c *collector) {
	m := w.msg
	m.HTML = cleanText(strings.Join(c.html, "\n"))
	switch {
	case len(c.plain) > 0:
		m.Text = cleanText(strings.Join(c.plain, "\n\n"))
	case m.HTML != "":
		m.Text = HTMLToText(m.HTML)
	default:
		m.Text = cleanText(c.tnefBody)
	}
	m.Attachments = c.attachments
	m.Forwarded = c.forwarded
}

// cleanText normalises a body: valid UTF-8, LF line endings, no control characters other
// than newline and tab, no trailing whitespace on lines, no leading or trailing blank lines.
func cleanText(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
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

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var manyNewlines = regexp.MustCompile(`\n{3,}`)

// tidyText trims each line and keeps at most one blank line in a row.
func tidyText(s string) string {
	s = cleanText(s)
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		line, rest, found := strings.Cut(s, "\n")
		s = rest
		b.WriteString(strings.TrimRight(line, " \t"))
		if found {
			b.WriteByte('\n')
		}
	}
	return strings.TrimSpace(manyNewlines.ReplaceAllString(b.String(), "\n\n"))
}
