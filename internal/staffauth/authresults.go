package staffauth

import (
	"errors"
	"fmt"
	"strings"
)

// Authentication-Results is read here, not with go-msgauth's authres package. authres splits
// the field on every ';' and '=' and knows neither quoted strings nor comments, so in
//
//	spf=fail smtp.mailfrom="x;dkim=pass header.d=example.nl x"@evil.example; dkim=none
//
// the stranger's quoted local-part becomes a dkim=pass result. A server quotes what strangers
// chose (envelope addresses, HELO names, reasons) inside quoted strings and comments, and
// whether a staff command is carried out rests on this reading; so the grammar of RFC 8601
// section 2.2 is followed here, closely where it decides what is a result and leniently
// where servers are known to stray from it:
//   - quoted strings (with quoted pairs) and comments (nested, with quoted pairs) are data;
//     a ';' or '=' inside them never separates anything, and an unterminated one fails the
//     whole field;
//   - "authserv-id [version]" starts the field; Microsoft 365 writes no authserv-id at all,
//     which is read as ID "" (and so never matches a configured one);
//   - "; none" alone is a field without results;
//   - a result is "method[/version]=result", then "reason=value" and "ptype.property=value"
//     properties (smtp., header., body., policy.); a bare "name=value" property (Microsoft's
//     action=none) is kept with an empty Type; an element that is a single word (Microsoft
//     inserts the receiving domain between results) is skipped;
//   - property values may hold any character but white space, ';', '(' and ')' outside a
//     quoted string (base64 in header.b holds '/', '+' and '='); a value written as one
//     quoted string is unquoted.
//
// The parse is one pass over the field, bounded by maxAuthResLen and maxAuthResResults.

const (
	maxAuthResLen     = 16 << 10 // a real field is a few hundred bytes
	maxAuthResResults = 100
)

// arHeader is one parsed Authentication-Results field.
type arHeader struct {
	ID      string // the authserv-id, unquoted; "" when the field has none
	Version string // the authres-version, "" when absent
	None    bool   // "; none": the server did no message authentication
	Results []arResult
}

// arResult is one resinfo: a method's result with its reason and properties.
type arResult struct {
	Method  string // lower case, without its version: "dkim", "spf", "dmarc"
	Version string // the method version, "" when absent
	Result  string // lower case: "pass", "fail", "none", …
	Reason  string
	Props   []arProp
}

// arProp is one property of a result.
type arProp struct {
	Type  string // lower case: "smtp", "header", "body", "policy"; "" for a bare name=value
	Name  string // lower case: "mailfrom", "d", "from", …
	Value string // unquoted when written as one quoted string, else as written
}

// prop returns the value of the property typ.name when the result carries it exactly once; a
// property given twice ("header.d=a header.d=b") is ambiguous and yields false.
func (r arResult) prop(typ, name string) (string, bool) {
	value, n := "", 0
	for _, p := range r.Props {
		if p.Type == typ && p.Name == name {
			value = p.Value
			n++
		}
	}
	return value, n == 1
}

// String writes the result back in the form "method=result ptype.name=value …", for reasons;
// a value holding an address is written as its domain ("@example.nl"), since reasons reach
// the log.
func (r arResult) String() string {
	var b strings.Builder
	b.WriteString(r.Method + "=" + r.Result)
	for _, p := range r.Props {
		b.WriteByte(' ')
		if p.Type != "" {
			b.WriteString(p.Type + ".")
		}
		v := p.Value
		if strings.Contains(v, "@") {
			v = "@" + addressDomain(v)
		}
		b.WriteString(p.Name + "=" + truncate(v, 80))
	}
	return truncate(b.String(), 200)
}

// parseAuthResults parses the value of an Authentication-Results field (unfolded or not).
// On a syntax error it returns what it read so far, the authserv-id included when that was
// read, with the error.
func parseAuthResults(v string) (arHeader, error) {
	var h arHeader
	if len(v) > maxAuthResLen {
		return h, fmt.Errorf("authentication-results: %d bytes, more than %d", len(v), maxAuthResLen)
	}
	p := &arScanner{s: v}
	noID, err := p.authservID(&h)
	if err != nil {
		return h, err
	}
	for first := true; ; first = false {
		if err := p.cfws(); err != nil {
			return h, err
		}
		if !(first && noID) {
			if p.eof() {
				break
			}
			if p.peek() != ';' {
				return h, p.errorf("expected ';'")
			}
			p.i++
			if err := p.cfws(); err != nil {
				return h, err
			}
		}
		if p.eof() || p.peek() == ';' {
			continue // an empty element, as a trailing ';' leaves
		}
		if err := p.resinfo(&h); err != nil {
			return h, err
		}
	}
	if h.None && len(h.Results) > 0 {
		return h, errors.New("authentication-results: \"none\" beside results")
	}
	if !h.None && len(h.Results) == 0 {
		return h, errors.New("authentication-results: no results and not \"none\"")
	}
	return h, nil
}

// arScanner is a cursor over a field value.
type arScanner struct {
	s string
	i int
}

func (p *arScanner) eof() bool  { return p.i >= len(p.s) }
func (p *arScanner) peek() byte { return p.s[p.i] }

// errorf reports a syntax error with its byte offset, not the text there: the field may hold
// a stranger's address, and reasons reach the log.
func (p *arScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("authentication-results: "+format+" (byte %d)", append(args, p.i)...)
}

// authservID reads "[CFWS] authserv-id [CFWS version]". It reports noID when the field starts
// with a result instead (Microsoft 365), leaving the cursor at the start.
func (p *arScanner) authservID(h *arHeader) (noID bool, err error) {
	if err := p.cfws(); err != nil {
		return false, err
	}
	start := p.i
	var id string
	if !p.eof() && p.peek() == '"' {
		if id, err = p.quoted(); err != nil {
			return false, err
		}
	} else {
		id = p.token()
	}
	if id == "" {
		return false, p.errorf("no authserv-id")
	}
	if err := p.cfws(); err != nil {
		return false, err
	}
	if !p.eof() && (p.peek() == '=' || p.peek() == '/') {
		p.i = start // "spf=pass …": a result, not an id
		return true, nil
	}
	h.ID = id
	if !p.eof() && isDigit(p.peek()) {
		v := p.token()
		if strings.Trim(v, "0123456789") != "" {
			return false, p.errorf("bad authres-version %q", truncate(v, 20))
		}
		h.Version = v
	}
	return false, nil
}

// resinfo reads one element after its ';': a result with its properties, "none", or a single
// word, which is skipped.
func (p *arScanner) resinfo(h *arHeader) error {
	word := p.token()
	if word == "" {
		return p.errorf("expected a method")
	}
	if err := p.cfws(); err != nil {
		return err
	}
	if p.eof() || p.peek() == ';' {
		if strings.EqualFold(word, "none") {
			h.None = true
		}
		return nil // "none", or a word such as the receiving domain Microsoft inserts
	}
	if !isKeyword(word) {
		return p.errorf("bad method %q", truncate(word, 40))
	}
	r := arResult{Method: strings.ToLower(word)}
	if p.peek() == '/' {
		p.i++
		if err := p.cfws(); err != nil {
			return err
		}
		r.Version = p.token()
		if r.Version == "" || strings.Trim(r.Version, "0123456789") != "" {
			return p.errorf("bad method version")
		}
		if err := p.cfws(); err != nil {
			return err
		}
	}
	if p.eof() || p.peek() != '=' {
		return p.errorf("expected '=' after method %s", r.Method)
	}
	p.i++
	if err := p.cfws(); err != nil {
		return err
	}
	result := p.token()
	if !isKeyword(result) {
		return p.errorf("bad result of method %s", r.Method)
	}
	r.Result = strings.ToLower(result)
	if err := p.properties(&r); err != nil {
		return err
	}
	if len(h.Results) == maxAuthResResults {
		return fmt.Errorf("authentication-results: more than %d results", maxAuthResResults)
	}
	h.Results = append(h.Results, r)
	return nil
}

// properties reads "reason=value" and "ptype.property=value" up to the next ';'.
func (p *arScanner) properties(r *arResult) error {
	for {
		if err := p.cfws(); err != nil {
			return err
		}
		if p.eof() || p.peek() == ';' {
			return nil
		}
		name := p.token()
		if name == "" {
			return p.errorf("unexpected character in result %s", r.Method)
		}
		if err := p.cfws(); err != nil {
			return err
		}
		if p.eof() || p.peek() != '=' {
			return p.errorf("expected '=' after %q", truncate(name, 40))
		}
		p.i++
		if err := p.cfws(); err != nil {
			return err
		}
		value, err := p.pvalue()
		if err != nil {
			return err
		}
		typ, prop, dotted := strings.Cut(strings.ToLower(name), ".")
		switch {
		case !dotted && typ == "reason":
			r.Reason = value
		case !dotted:
			if !isKeyword(typ) {
				return p.errorf("bad property %q", truncate(name, 40))
			}
			r.Props = append(r.Props, arProp{Name: typ, Value: value})
		default:
			if !isKeyword(typ) || !isKeyword(prop) {
				return p.errorf("bad property %q", truncate(name, 40))
			}
			r.Props = append(r.Props, arProp{Type: typ, Name: prop, Value: value})
		}
	}
}

// cfws skips white space and comments.
func (p *arScanner) cfws() error {
	for !p.eof() {
		switch p.peek() {
		case ' ', '\t', '\r', '\n':
			p.i++
		case '(':
			if err := p.comment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// comment skips one comment, nested comments and quoted pairs included. Inside a comment a
// '"' is an ordinary character (RFC 5322 section 3.2.2).
func (p *arScanner) comment() error {
	start, depth := p.i, 0
	for !p.eof() {
		switch p.peek() {
		case '\\':
			p.i++ // the quoted character, whatever it is
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				p.i++
				return nil
			}
		}
		p.i++
	}
	p.i = start
	return p.errorf("unterminated comment")
}

// quoted reads one quoted string and returns its content without the quotes and with quoted
// pairs resolved.
func (p *arScanner) quoted() (string, error) {
	start := p.i
	p.i++ // the opening quote
	var b strings.Builder
	for !p.eof() {
		c := p.peek()
		p.i++
		switch {
		case c == '"':
			return b.String(), nil
		case c == '\\' && !p.eof():
			b.WriteByte(p.peek())
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	p.i = start
	return "", p.errorf("unterminated quoted string")
}

// token reads a run of RFC 2045 token characters (UTF-8 allowed, RFC 8616).
func (p *arScanner) token() string {
	start := p.i
	for !p.eof() && isTokenChar(p.peek()) {
		p.i++
	}
	return p.s[start:p.i]
}

// pvalue reads a property value: quoted strings and other characters up to white space,
// ';', '(' or ')'. A value that is one quoted string is returned unquoted.
func (p *arScanner) pvalue() (string, error) {
	start := p.i
	quotes := 0
	for !p.eof() {
		c := p.peek()
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' {
			break
		}
		if c == '"' {
			if _, err := p.quoted(); err != nil {
				return "", err
			}
			quotes++
			continue
		}
		p.i++
	}
	raw := p.s[start:p.i]
	if quotes == 1 && len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		q := &arScanner{s: raw}
		if v, err := q.quoted(); err == nil && q.eof() {
			return v, nil
		}
	}
	return raw, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isTokenChar: RFC 2045 token characters (no space, control or tspecial), and 8-bit bytes.
func isTokenChar(c byte) bool {
	if c >= 0x80 {
		return true
	}
	if c <= ' ' || c == 0x7f {
		return false
	}
	return !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
}

// isKeyword: RFC 8601 Keyword (ldh-str), with '_' as some servers write it.
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
