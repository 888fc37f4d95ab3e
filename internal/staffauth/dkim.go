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
	"slices"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// maxSignatures bounds the DKIM signatures verified per message: each costs a DNS lookup.
const maxSignatures = 5

// checkDKIM passes when one DKIM signature verifies, its d= aligns with fromDomain, d is
// allowed by domains, and its h= covers From and Subject: a signature that leaves Subject
// out lets anyone who holds the mail put other tags above its body.
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
	var pass *Verdict
	uncovered := false // a valid, aligned, allowed signature left From or Subject out of h=
	for i, v := range verifs {
		d := normDomain(v.Domain)
		switch {
		case v.Err != nil:
			problems = append(problems, fmt.Sprintf("d=%s: %s", d, strings.TrimPrefix(v.Err.Error(), "dkim: ")))
		case !aligned(fromDomain, d):
			problems = append(problems, fmt.Sprintf("d=%s: valid but not aligned", d))
		case !allowed(domains, d):
			problems = append(problems, fmt.Sprintf("d=%s: valid but not among the configured domains", d))
		case missingKeys(v.HeaderKeys) != "":
			problems = append(problems, fmt.Sprintf("d=%s: valid but h= does not cover %s", d, missingKeys(v.HeaderKeys)))
			uncovered = true
		case pass == nil:
			key := ""
			if i < len(sigs) {
				key = signatureKey(sigs[i], d)
			}
			pass = &Verdict{OK: true, Method: method, Key: key, Covered: coveredKeys(nil, v.HeaderKeys),
				Reason: fmt.Sprintf("dkim: valid signature of d=%s aligned with %s", d, fromDomain)}
		default:
			// Another valid signature that would pass on its own: what it covers is vouched
			// for as well (a field it covers cannot have changed since it was signed).
			pass.Covered = coveredKeys(pass.Covered, v.HeaderKeys)
		}
	}
	if pass != nil {
		return *pass
	}
	v := fail(method, "dkim: no valid signature aligned with %s (%s)", fromDomain, strings.Join(problems, "; "))
	if uncovered {
		v = v.as(FailureUncovered)
	}
	return v
}

// coveredKeys adds to list, in lower case and once each, the fields of h= list keys.
func coveredKeys(list, keys []string) []string {
	for _, k := range keys {
		k = strings.ToLower(strings.TrimSpace(k))
		if k != "" && !slices.Contains(list, k) {
			list = append(list, k)
		}
	}
	return list
}

// commonKeys returns the fields of list that h= list keys also holds.
func commonKeys(list, keys []string) []string {
	var out []string
	for _, k := range list {
		if slices.ContainsFunc(keys, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), k) }) {
			out = append(out, k)
		}
	}
	return out
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
	sig := parseSignature(value)
	if sig.b == "" || sig.d != d {
		return ""
	}
	sum := sha256.Sum256([]byte(sig.b))
	return "dkim:" + hex.EncodeToString(sum[:])
}

// signature is what a DKIM-Signature field says of itself, read without verifying it.
type signature struct {
	d, s string   // normalised domain; selector
	b    string   // the signature value without whitespace
	h    []string // the signed header fields, lower case
}

// parseSignature reads the tags of a DKIM-Signature value as go-msgauth reads them; a value
// whose tags do not parse (no '=', a tag twice) yields a zero signature, which names no domain.
func parseSignature(value string) signature {
	tags := map[string]string{}
	for _, tag := range strings.Split(value, ";") {
		k, v, ok := strings.Cut(tag, "=")
		if !ok {
			if strings.TrimSpace(tag) == "" {
				continue
			}
			return signature{}
		}
		k = strings.TrimSpace(k)
		if _, dup := tags[k]; dup {
			return signature{}
		}
		tags[k] = v
	}
	sig := signature{d: normDomain(strings.Join(strings.Fields(tags["d"]), "")),
		s: strings.Join(strings.Fields(tags["s"]), ""), b: strings.Join(strings.Fields(tags["b"]), "")}
	for _, k := range strings.Split(tags["h"], ":") {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
			sig.h = append(sig.h, k)
		}
	}
	return sig
}

func parseSignatures(values []string) []signature {
	out := make([]signature, 0, len(values))
	for _, v := range values {
		out = append(out, parseSignature(v))
	}
	return out
}

// missing names what of From and Subject the signature leaves out of h=, or "".
func (s signature) missing() string { return missingKeys(s.h) }

// missingKeys names the fields of From and Subject that the h= list keys leaves out
// ("Subject", "From and Subject"), or "".
func missingKeys(keys []string) string {
	var missing []string
	for _, want := range []string{"From", "Subject"} {
		found := false
		for _, k := range keys {
			if strings.EqualFold(strings.TrimSpace(k), want) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, want)
		}
	}
	return strings.Join(missing, " and ")
}
