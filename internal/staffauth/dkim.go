package staffauth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/textproto"
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

	sigs := signatureFields(raw)
	var problems []string
	for i, v := range verifs {
		d := normDomain(v.Domain)
		switch {
		case v.Err != nil:
			problems = append(problems, fmt.Sprintf("d=%s: %s", d, strings.TrimPrefix(v.Err.Error(), "dkim: ")))
		case !aligned(fromDomain, d):
			problems = append(problems, fmt.Sprintf("d=%s: valid but not aligned", d))
		case !allowed(domains, d):
			problems = append(problems, fmt.Sprintf("d=%s: valid but not among the configured domains", d))
		default:
			key := ""
			if i < len(sigs) {
				key = signatureKey(sigs[i], d)
			}
			return Verdict{OK: true, Method: method, Key: key,
				Reason: fmt.Sprintf("dkim: valid signature of d=%s aligned with %s", d, fromDomain)}
		}
	}
	return fail(method, "dkim: no valid signature aligned with %s (%s)", fromDomain, strings.Join(problems, "; "))
}

// signatureFields returns the values of the DKIM-Signature fields of raw's header, top to
// bottom, read as go-msgauth reads them, so that the i-th value belongs to its i-th
// verification.
func signatureFields(raw []byte) []string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	var fields []string
	for {
		l, err := r.ReadLine()
		if err != nil || l == "" {
			break
		}
		if len(fields) > 0 && (l[0] == ' ' || l[0] == '\t') {
			fields[len(fields)-1] += l + "\r\n"
			continue
		}
		fields = append(fields, l+"\r\n")
	}
	var sigs []string
	for _, f := range fields {
		k, v, _ := strings.Cut(f, ":")
		if strings.EqualFold(strings.TrimSpace(k), "DKIM-Signature") {
			sigs = append(sigs, v)
		}
	}
	return sigs
}

// signatureKey is the replay key of a signature field value: "dkim:" and the hex SHA-256 of
// its b= value without whitespace; "" when the value does not name domain d or has no b=
// (the field does not belong to the verification it was matched with).
func signatureKey(value, d string) string {
	var b, sd string
	for _, tag := range strings.Split(value, ";") {
		k, v, ok := strings.Cut(tag, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "b":
			b = strings.Join(strings.Fields(v), "")
		case "d":
			sd = normDomain(v)
		}
	}
	if b == "" || sd != d {
		return ""
	}
	sum := sha256.Sum256([]byte(b))
	return "dkim:" + hex.EncodeToString(sum[:])
}
