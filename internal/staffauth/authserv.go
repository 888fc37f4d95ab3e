package staffauth

import (
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
)

// checkAuthserv passes when an Authentication-Results header written by p.AuthservID reports
// dkim=pass aligned with fromDomain (and allowed by p.Domains), or dmarc=pass for fromDomain.
func checkAuthserv(h textproto.Header, fromDomain string, p Policy) Verdict {
	const method = "authserv"
	if strings.TrimSpace(p.AuthservID) == "" {
		return fail(method, "authserv: no authserv_id configured")
	}
	ours, foreign := 0, 0
	for _, v := range h.Values("Authentication-Results") {
		id, results, err := authres.Parse(stripComments(v))
		if !strings.EqualFold(strings.TrimSpace(id), strings.TrimSpace(p.AuthservID)) {
			foreign++
			continue
		}
		ours++
		if err != nil {
			continue // a header of our own server that does not parse proves nothing
		}
		if reason, ok := passingResult(results, fromDomain, p.Domains); ok {
			return Verdict{OK: true, Method: method,
				Reason: fmt.Sprintf("authserv: %s from %s", reason, p.AuthservID)}
		}
	}
	return fail(method, "authserv: no dkim=pass aligned with %s and no dmarc=pass for it from %s "+
		"(%d Authentication-Results from %s, %d from other ids ignored)",
		fromDomain, p.AuthservID, ours, p.AuthservID, foreign)
}

// passingResult returns a description of the first result that authenticates fromDomain.
func passingResult(results []authres.Result, fromDomain string, domains []string) (string, bool) {
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DKIMResult:
			if r.Value != authres.ResultPass {
				continue
			}
			if d := normDomain(r.Domain); d != "" && aligned(fromDomain, d) && allowed(domains, d) {
				return "dkim=pass header.d=" + d, true
			}
			if d := domainOf(r.Identifier); d != "" && aligned(fromDomain, d) && allowed(domains, d) {
				return "dkim=pass header.i=" + r.Identifier, true
			}
		case *authres.DMARCResult:
			if r.Value == authres.ResultPass && normDomain(r.From) == fromDomain {
				return "dmarc=pass header.from=" + fromDomain, true
			}
		}
	}
	return "", false
}

// stripComments removes RFC 5322 comments ("(…)", nested, with quoted pairs) outside quoted
// strings, so that text a server copies into a comment (a HELO name, an address) cannot pose
// as a result: authres.Parse does not understand comments and splits on ';' inside them.
func stripComments(s string) string {
	var b strings.Builder
	depth, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && (depth > 0 || inQuote):
			i++ // skip the escaped byte
			if depth == 0 && i < len(s) {
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		case inQuote:
			b.WriteByte(c)
			if c == '"' {
				inQuote = false
			}
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
		case depth > 0:
		case c == '"':
			inQuote = true
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
