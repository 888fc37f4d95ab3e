package mailparse

import (
	"bytes"
	"errors"
	"mime"
	"regexp"
	"strings"
)

// parseMediaType parses a Content-Type or Content-Disposition value: the lower-cased type and
// its parameters (RFC 2231 continuations and charsets decoded). When the standard parser
// rejects the value, a lenient one takes what it can and ok is false.
func parseMediaType(v string) (mediaType string, params map[string]string, ok bool) {
	if strings.ContainsAny(v, "\r\n\x00") {
		v = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == 0 {
				return -1
			}
			return r
		}, v)
	}
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}, true
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mt, params, true
	}
	head, _, _ := strings.Cut(v, ";")
	mt = strings.ToLower(cleanToken(head))
	if strings.Count(mt, "/") > 1 || len(mt) > 100 {
		mt = ""
	}
	lenient := lenientParams(v)
	if errors.Is(err, mime.ErrInvalidMediaParameter) {
		for k, val := range params {
			lenient[k] = val
		}
		return mt, lenient, false
	}
	return mt, lenient, false
}

var paramRe = regexp.MustCompile(`(?i)([a-z0-9_.*-]+)\s*=\s*("[^"]*"?|[^;\s]*)`)

// lenientParams takes key=value pairs from a malformed header value.
func lenientParams(v string) map[string]string {
	params := map[string]string{}
	_, rest, _ := strings.Cut(v, ";")
	for _, m := range paramRe.FindAllStringSubmatch(rest, 50) {
		key := strings.ToLower(m[1])
		val := strings.Trim(m[2], "\"")
		if strings.HasSuffix(key, "*") {
			key = strings.TrimSuffix(key, "*")
			val = decode2231(val)
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
	}
	return params
}

// decode2231 decodes an RFC 2231 extended value "charset'lang'percent-encoded".
func decode2231(v string) string {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return v
	}
	raw := make([]byte, 0, len(parts[2]))
	s := parts[2]
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			raw = append(raw, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		raw = append(raw, s[i])
	}
	return decodeCharset(parts[0], raw)
}

// rfc822 parses an attached message into Forwarded, or keeps it as an attachment when it is
// nested too deep or unreadable.
func (w *walker) rfc822(p part, body []byte, c *collector) {
	data, owned := w.decode(p, body)
	if w.depth+1 > maxDepth || (owned && !w.spend(len(data))) {
		if w.depth+1 > maxDepth {
			w.msg.problem("message nested deeper than %d levels kept as attachment", maxDepth)
		}
		if !owned {
			data = bytes.Clone(data)
		}
		w.attach(p, data, c)
		return
	}
	nested, err := parseMessage(data, w.depth+1, w.budget, w.opt)
	if err != nil {
		w.msg.problem("attached message unreadable (%v): kept as attachment", err)
		if !owned {
			data = bytes.Clone(data)
		}
		w.attach(p, data, c)
		return
	}
	c.forwarded = append(c.forwarded, nested)
	if c.reportType != "" && c.reportMessage == nil {
		c.reportMessage = nested
	}
}

// tnef unpacks an Outlook winmail.dat: its attachments become attachments, its body the text
// when the mail has no other. An unreadable one stays an attachment.
func (w *walker) tnef(p part, body []byte, c *collector) {
	data, owned := w.decode(p, body)
	if !owned {
		data = bytes.Clone(data)
	}
	t, err := parseTNEF(data)
	if err != nil {
		w.msg.problem("winmail.dat unreadable (%v): kept as attachment", err)
		if p.filename == "" {
			p.filename = "winmail.dat"
		}
		w.attach(p, data, c)
		return
	}
	for _, a := range t.attachments {
		ct := a.mimeTag
		if ct == "" {
			ct = typeByExtension(a.name)
		}
		w.attach(part{mediaType: ct, filename: a.name}, a.data, c)
	}
	if c.tnefBody == "" {
		c.tnefBody = t.body
	}
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676) and removes space
// stuffing; quoted lines are joined only with lines of the same quote depth.
func unflow(s string, delSp bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	soft, prevDepth := false, -1
	for len(s) > 0 {
		line, rest, found := strings.Cut(s, "\n")
		s = rest
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(line[depth:], " ")
		if !(soft && depth == prevDepth) {
			if prevDepth >= 0 {
				b.WriteByte('\n')
			}
			if depth > 0 {
				b.WriteString(strings.Repeat(">", depth) + " ")
			}
		}
		soft = strings.HasSuffix(content, " ") && content != "-- "
		if soft && delSp {
			content = content[:len(content)-1]
		}
		b.WriteString(content)
		prevDepth = depth
		if !found {
			break
		}
	}
	return b.String()
}
