package mailparse

import (
	"bytes"
	"strings"
)

// walker walks the MIME tree of one message.
type walker struct {
	msg    *Message
	depth  int  // 0 for the top message, n for a message/rfc822 part n levels down
	budget *int // decoded bytes that may still be kept, shared with nested messages
	opt    Options
}

// collector gathers what the walk finds, before it is put into the Message.
type collector struct {
	plain, html   []string
	tnefBody      string
	attachments   []Attachment
	forwarded     []*Message
	reportType    string // report-type of a multipart/report
	dsn           string // text of a message/delivery-status part
	reportHeaders string // text of a text/rfc822-headers part
	reportMessage *Message
}

// part is one entity's parsed MIME headers.
type part struct {
	mediaType   string
	params      map[string]string
	disposition string
	filename    string
	cte         string
}

func (w *walker) readPart(h header) part {
	ct, params, ok := parseMediaType(h.get("Content-Type"))
	if !ok {
		w.msg.problem("malformed Content-Type %q", truncateUTF8(cleanLine(h.get("Content-Type")), 60))
	}
	if ct == "" {
		ct = "text/plain"
	}
	disp, dparams, _ := parseMediaType(h.get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if name != "" {
		name, _ = decodeHeader(name)
	}
	return part{
		mediaType:   ct,
		params:      params,
		disposition: disp,
		filename:    name,
		cte:         strings.ToLower(cleanToken(h.get("Content-Transfer-Encoding"))),
	}
}

// entity handles one MIME entity with header h and raw body.
func (w *walker) entity(h header, body []byte, level int, c *collector) {
	p := w.readPart(h)
	switch roleOf(p) {
	case PartMultipart:
		w.multipart(p, body, level, c)
	case PartMessage:
		w.rfc822(p, body, c)
	case PartReport:
		if p.mediaType == "message/delivery-status" || p.mediaType == "message/global-delivery-status" {
			c.dsn = w.text(p, body)
		} else {
			c.reportHeaders = w.text(p, body)
		}
	case PartTNEF:
		w.tnef(p, body, c)
	case PartText:
		s := w.text(p, body)
		if p.mediaType == "text/html" {
			c.html = append(c.html, s)
			return
		}
		if strings.EqualFold(p.params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(p.params["delsp"], "yes"))
		}
		c.plain = append(c.plain, s)
	default:
		w.attachment(p, body, c)
	}
}

// multipart splits a multipart body and walks its parts.
func (w *walker) multipart(p part, body []byte, level int, c *collector) {
	if level >= maxMultipartLevel {
		w.msg.problem("multipart nested deeper than %d levels skipped", maxMultipartLevel)
		return
	}
	boundary := p.params["boundary"]
	parts, closed := splitMultipart(body, boundary)
	if len(parts) == 0 {
		if guess := guessBoundary(body); guess != "" {
			w.msg.problem("multipart boundary missing or wrong; guessed from the body")
			parts, closed = splitMultipart(body, guess)
		}
	}
	if len(parts) == 0 {
		w.msg.problem("multipart without parts; body read as text")
		c.plain = append(c.plain, w.text(part{mediaType: "text/plain", cte: p.cte}, body))
		return
	}
	if !closed {
		w.msg.problem("truncated multipart: closing boundary missing")
	}
	if p.mediaType == "multipart/report" {
		c.reportType = strings.ToLower(p.params["report-type"])
	}
	if p.mediaType != "multipart/alternative" {
		for _, raw := range parts {
			ph, pb := splitPartHeader(raw)
			w.entity(ph, pb, level+1, c)
		}
		return
	}
	// Alternative: prefer the text/plain version for Text, keep the HTML version as HTML.
	var plainDone, htmlDone bool
	for _, raw := range parts {
		sub := &collector{}
		ph, pb := splitPartHeader(raw)
		w.entity(ph, pb, level+1, sub)
		if !plainDone && len(sub.plain) > 0 {
			c.plain = append(c.plain, sub.plain...)
			plainDone = true
		}
		if !htmlDone && len(sub.html) > 0 {
			c.html = append(c.html, sub.html...)
			htmlDone = true
		}
		c.attachments = append(c.attachments, sub.attachments...)
		c.forwarded = append(c.forwarded, sub.forwarded...)
		if c.tnefBody == "" {
			c.tnefBody = sub.tnefBody
		}
	}
}

// splitPartHeader reads a body part's header; a part that starts with content instead of a
// header line has an empty header (defaults: text/plain, us-ascii).
func splitPartHeader(raw []byte) (header, []byte) {
	first, _ := cutLine(raw)
	first = bytes.TrimRight(first, "\r\n")
	if len(first) > 0 {
		k, _, ok := bytes.Cut(first, []byte(":"))
		if !ok || len(k) == 0 || !isPrintableASCII(string(k)) {
			return nil, raw
		}
	}
	h, body, _ := splitHeader(raw)
	return h, body
}

// splitMultipart returns the body parts between delimiter lines of boundary, without the
// line break before each delimiter, and whether the closing delimiter was seen.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	if boundary == "" {
		return nil, false
	}
	delim := []byte("--" + boundary)
	start := -1
	pos := 0
	for pos < len(body) {
		line, _ := cutLine(body[pos:])
		lineStart := pos
		pos += len(line)
		if !bytes.HasPrefix(line, delim) {
			continue
		}
		tail := bytes.TrimRight(line[len(delim):], " \t\r\n")
		isClose := bytes.Equal(tail, []byte("--"))
		if len(tail) > 0 && !isClose {
			continue
		}
		if start >= 0 {
			parts = append(parts, trimLineBreak(body[start:lineStart]))
		}
		if isClose {
			return parts, true
		}
		start = pos
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// trimLineBreak removes one trailing CRLF or LF (it belongs to the delimiter).
func trimLineBreak(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// guessBoundary finds a delimiter-looking line ("--" and at least 8 more characters) that
// occurs at least twice, for multiparts whose declared boundary is missing or wrong.
func guessBoundary(body []byte) string {
	seen := map[string]int{}
	for pos, n := 0, 0; pos < len(body) && n < 10000; n++ {
		line, _ := cutLine(body[pos:])
		pos += len(line)
		t := bytes.TrimRight(line, " \t\r\n")
		if len(t) < 10 || len(t) > 200 || !bytes.HasPrefix(t, []byte("--")) || bytes.ContainsAny(t, " \t") {
			continue
		}
		b := string(bytes.TrimSuffix(t[2:], []byte("--")))
		seen[b]++
		if seen[b] >= 2 {
			return b
		}
	}
	return ""
}

// decode undoes the Content-Transfer-Encoding. For the identity encodings it returns body
// itself (a view of the caller's input, to be copied before it is kept); owned reports
// whether the result is a fresh buffer.
func (w *walker) decode(p part, body []byte) (data []byte, owned bool) {
	switch p.cte {
	case "base64":
		out, ok := decodeBase64(body)
		if !ok {
			w.msg.problem("malformed base64 content read leniently")
		}
		return out, true
	case "quoted-printable":
		return decodeQP(body), true
	case "", "7bit", "8bit", "binary":
		return body, false
	default:
		w.msg.problem("unknown Content-Transfer-Encoding %q read as 8bit", truncateUTF8(p.cte, 40))
		return body, false
	}
}

// decodeBase64 decodes base64 leniently, in one pass and one buffer: whitespace and padding
// are skipped, a trailing partial group gives the bytes it holds, and ok is false when other
// characters were met (they are skipped too).
func decodeBase64(b []byte) (out []byte, ok bool) {
	out = make([]byte, 0, len(b)/4*3+3)
	ok = true
	var group [4]byte
	n := 0
	for _, c := range b {
		v, valid := base64Value(c)
		if !valid {
			if c != '=' && c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				ok = false
			}
			continue
		}
		group[n] = v
		n++
		if n == 4 {
			out = append(out, group[0]<<2|group[1]>>4, group[1]<<4|group[2]>>2, group[2]<<6|group[3])
			n = 0
		}
	}
	switch n {
	case 1:
		ok = false
	case 2:
		out = append(out, group[0]<<2|group[1]>>4)
	case 3:
		out = append(out, group[0]<<2|group[1]>>4, group[1]<<4|group[2]>>2)
	}
	return out, ok
}

func base64Value(c byte) (byte, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26, true
	case c >= '0' && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// text decodes a text part to a UTF-8 string.
func (w *walker) text(p part, body []byte) string {
	raw, _ := w.decode(p, body)
	cs := p.params["charset"]
	s, known := decodeCharsetKnown(cs, raw)
	if !known {
		w.msg.problem("unknown or wrong charset %q: read as UTF-8 or windows-1252", truncateUTF8(cleanLine(cs), 40))
	}
	if !w.spend(len(s)) {
		w.msg.problem("text part dropped: size limit")
		return ""
	}
	return s
}

// spend charges n bytes to the budget and reports whether they may be kept.
func (w *walker) spend(n int) bool {
	if n > *w.budget {
		return false
	}
	*w.budget -= n
	return true
}

// decodeQP decodes quoted-printable leniently: soft line breaks are joined, malformed
// escapes kept literally.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		switch {
		case i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		case i+1 < len(b) && b[i+1] == '\n':
			i++
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			i += 2
		default:
			// "=" followed by spaces before a line break is a soft break too.
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
				j++
			}
			if j == len(b) {
				i = j
			} else if b[j] == '\n' || (b[j] == '\r' && j+1 < len(b) && b[j+1] == '\n') {
				if b[j] == '\r' {
					j++
				}
				i = j
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}
