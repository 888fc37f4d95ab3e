package staffauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// maxSignatures bounds the DKIM signatures verified per message: each costs a DNS lookup.
const maxSignatures = 5

// checkDKIM passes when one DKIM signature verifies, its d= aligns with fromDomain and d is
// allowed by domains.
func checkDKIM(ctx context.Context, raw []byte, fromDomain string, domains []string, lookup func(ctx context.Context, domain string) ([]string, error)) Verdict {
	const method = "dkim"
	if lookup == nil {
		lookup = net.DefaultResolver.LookupTXT
	}
	opts := &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return lookup(ctx, domain)
		},
		MaxVerifications: maxSignatures,
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), opts)
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		return fail(method, "dkim: verify signatures: %v", err)
	}
	if len(verifs) == 0 {
		return fail(method, "dkim: message has no DKIM signature")
	}

	var problems []string
	for _, v := range verifs {
		d := normDomain(v.Domain)
		switch {
		case v.Err != nil:
			problems = append(problems, fmt.Sprintf("d=%s: %s", d, strings.TrimPrefix(v.Err.Error(), "dkim: ")))
		case !aligned(fromDomain, d):
			problems = append(problems, fmt.Sprintf("d=%s: valid but not aligned", d))
		case !allowed(domains, d):
			problems = append(problems, fmt.Sprintf("d=%s: valid but not among the configured domains", d))
		default:
			return Verdict{OK: true, Method: method,
				Reason: fmt.Sprintf("dkim: valid signature of d=%s aligned with %s", d, fromDomain)}
		}
	}
	return fail(method, "dkim: no valid signature aligned with %s (%s)", fromDomain, strings.Join(problems, "; "))
}
