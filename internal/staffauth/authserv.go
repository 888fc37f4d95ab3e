package staffauth

import (
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
)

// checkAuthserv passes when the topmost Authentication-Results headers, those our own server
// prepended, report dkim=pass aligned with fromDomain (and allowed by p.Domains), or dmarc=pass
// for fromDomain. Per RFC 8601 a receiving server prepends its header, so the fields are read
// from the top of the header section:
//   - the first Authentication-Results must carry p.AuthservID: a header of another id on top
//     means our server did not vouch for this message, and anything below it was written
//     before our server saw it;
//   - at most p.TrustedReceived Received fields may stand above it (the hops of our own
//     delivery); a header with our id below more of them came with the message;
//   - only the contiguous run of Authentication-Results with our id counts (a multi-milter
//     setup writes several); it ends at the first one of another id or at the next Received
//     field, and nothing further down is read.
func checkAuthserv(h textproto.Header, fromDomain string, p Policy) Verdict {
	const method = "authserv"
	ourID := strings.TrimSpace(p.AuthservID)
	if ourID == "" {
		return fail(method, "authserv: no authserv_id configured")
	}
	received, ours := 0, 0
	inRun := false
	for f := h.Fields(); f.Next(); {
		switch {
		case strings.EqualFold(f.Key(), "Received"):
			if inRun {
				return failRun(fromDomain, ourID, ours)
			}
			received++
		case strings.EqualFold(f.Key(), "Authentication-Results"):
			id, results, err := authres.Parse(stripComments(f.Value()))
			id = strings.TrimSpace(id)
			if !strings.EqualFold(id, ourID) {
				if inRun {
					return failRun(fromDomain, ourID, ours)
				}
				return fail(method, "authserv: the topmost Authentication-Results is from %q, not %s: "+
					"our server did not vouch for this message", truncate(id, 80), ourID)
			}
			if !inRun && received > p.TrustedReceived {
				return fail(method, "authserv: the topmost Authentication-Results of %s stands below %d Received "+
					"field(s), more than the %d of our own delivery: it came with the message", ourID, received, p.TrustedReceived)
			}
			inRun = true
			ours++
			if err != nil {
				continue // a header of our own server that does not parse proves nothing
			}
			if reason, ok := passingResult(results, fromDomain, p.Domains); ok {
				return Verdict{OK: true, Method: method,
					Reason: fmt.Sprintf("authserv: %s from %s", reason, ourID)}
			}
		}
	}
	if !inRun {
		return fail(method, "authserv: no Authentication-Results from %s", ourID)
	}
	return failRun(fromDomain, ourID, ours)
}

func failRun(fromDomain, ourID string, ours int) Verdict {
	return fail("authserv", "authserv: no dkim=pass aligned with %s and no dmarc=pass for it in the topmost "+
		"%d Authentication-Results from %s", fromDomain, ours, ourID)
}

// truncate shortens hostile text for a reason.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
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
