// Package staffauth decides whether a mail that claims to come from a staff member is
// authenticated, so that its subject tags may be carried out as commands; the daemon also
// asks it whether a complainant's or the commissaris' mail is authenticated (Policy.Domains
// nil: aligned with the From domain). A forged From: must change nothing: every doubt yields
// a Verdict that is not OK, with an English reason for the case timeline and the staff
// notice. A passing Verdict also carries a replay key (Verdict.Key) when the mode can name
// what the signature protects.
//
// First, in every mode ("none" included): a message whose header carries one of the fields
// RFC 5322 allows once (mailparse.SingletonFields: From, Sender, Reply-To, To, Cc, Subject,
// Date, Message-ID, In-Reply-To, References) more than once, or whose header is malformed
// so that readers may split it into different fields, fails, and the reason names the field.
// This is what keeps the reading consistent by design: mailparse shows the first Subject, a
// DKIM verifier checks the last one (RFC 6376 section 5.4.2), and on a well-formed header with
// one of each they are the same field (mailparse's FuzzHeaderFacts holds the readers to it).
//
// Three modes:
//   - "dkim": the message carries a DKIM signature that verifies (github.com/emersion/go-msgauth),
//     whose d= domain aligns with the From domain (equal, or the From domain is a subdomain
//     of d), that is, when Policy.Domains is set, one of them, and whose h= covers From and
//     Subject (else the Subject could be swapped after signing). Verdict.Key is derived from
//     the b= value of that signature: a copy of the signed command re-sent under another
//     Message-ID (or with any unsigned header changed) has the same key. Verdict.Covered
//     lists what the valid signatures cover in h= (In-Reply-To, References, …), for callers
//     that act on other fields than From and Subject.
//   - "authserv": the organisation's own mail server has written an Authentication-Results
//     header with its authserv-id (Policy.AuthservID) saying dkim=pass with header.d aligned
//     with the From domain (header.i is not used), of a DKIM-Signature in the message that
//     covers From and Subject, or dmarc=pass with header.from equal to it that cannot rest
//     on a signature leaving them out. The field is parsed as RFC 8601 writes it, with a
//     parser of this package (authresults.go says why not go-msgauth's): text in quoted
//     strings and comments, which a server copies from strangers, is never a result. Senders
//     can write such headers too, with our id, and common servers (OpenDKIM, OpenDMARC) do
//     not remove them by default. So only the headers our server prepended count (RFC 8601
//     section 5): the first Authentication-Results from the top of the header section must
//     carry our id, at most Policy.TrustedReceived Received fields may stand above it, and
//     only the contiguous run of headers with our id that starts there is read — never one
//     further down, below a header of another id or below the next Received field.
//     Verdict.Key is empty; Verdict.Covered is what every signature the passing result may
//     rest on covers (for dmarc=pass without an aligned signature, everything). Known limit:
//     a server that writes its header below its own Received field, directly on top of the
//     sender's header section, cannot be told apart from a forgery placed first in that
//     section; configure such a server to remove incoming headers with its id.
//   - "none": everything else passes. For tests and demonstrations only.
//
// In "dkim" and "authserv" a message whose From header does not hold exactly one address of
// the domain of fromEmail fails as well.
//
// The package does no I/O of its own beyond the TXT lookup it is given (or the default resolver).
package staffauth

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// Mode selects how a staff command is authenticated.
type Mode string

// The authentication modes of the [staff] authentication setting.
const (
	ModeDKIM     Mode = "dkim"
	ModeAuthserv Mode = "authserv"
	ModeNone     Mode = "none"
)

// Policy is the configured way of authenticating staff mail.
type Policy struct {
	Mode       Mode
	AuthservID string
	Domains    []string // DKIM domains that count; empty = the From domain
	// TrustedReceived is, in authserv mode, how many Received fields the organisation's own
	// delivery writes above its server's Authentication-Results (an LMTP hop, or a server that
	// writes its own Received first); 0: the header must stand above every Received field.
	TrustedReceived int
}

// Verdict is the outcome of Check.
type Verdict struct {
	OK     bool
	Method string // "dkim", "authserv", "none"
	Reason string // English, for the timeline: why it failed or what passed
	// Key identifies what the verifying signature protects, for refusing a replayed command:
	// "dkim:" and the hex SHA-256 of the signature's b= value (whitespace removed). Empty when
	// the verdict fails or the mode has no signature of its own to name ("authserv", "none").
	Key string
	// Covered lists, in lower case, the header fields that what passed vouches for besides
	// From and Subject, which every passing verdict covers: in "dkim" the fields in h= of the
	// valid signatures that decide (aligned, allowed, covering From and Subject); in
	// "authserv" the fields every DKIM-Signature the passing result may rest on covers. A
	// field not listed may have been added, changed or removed after signing. Empty when the
	// verdict fails. Use Covers rather than reading it.
	Covered []string
	// AllCovered is set when the whole header is vouched for as much as From and Subject
	// are: in "none" (nothing is checked), and in "authserv" for a dmarc=pass of our server
	// when the message carries no DKIM-Signature aligned with the From domain, so that DMARC
	// can only have passed on SPF: the message came from a server of the domain as it is.
	AllCovered bool
	// Failure is the family of a failing verdict's reason (FailureOf), set where Check
	// failed; FailureNone when the verdict passed.
	Failure Failure
}

// Covers reports whether a passing verdict vouches for the header field named key (in any
// case): From and Subject always, another field when the verifying signature covers it
// (see Covered and AllCovered). A failing verdict covers nothing.
func (v Verdict) Covers(key string) bool {
	if !v.OK {
		return false
	}
	key = strings.ToLower(strings.TrimSpace(key))
	if v.AllCovered || key == "from" || key == "subject" {
		return true
	}
	for _, k := range v.Covered {
		if k == key {
			return true
		}
	}
	return false
}

// Check reports whether raw, a complete message claiming to come from fromEmail, is
// authenticated under p. lookup serves DKIM key records; nil uses net.DefaultResolver.
func Check(ctx context.Context, raw []byte, fromEmail string, p Policy, lookup func(ctx context.Context, domain string) ([]string, error)) Verdict {
	method := string(p.Mode)
	switch p.Mode {
	case ModeNone, ModeDKIM, ModeAuthserv:
	default:
		return fail(method, "unknown authentication mode %q", method)
	}
	if problem := mailparse.ReadHeaderFacts(raw).Problem(); problem != "" {
		return fail(method, "%s: %s", method, problem).as(FailureHeader)
	}
	if p.Mode == ModeNone {
		return Verdict{OK: true, Method: method, Reason: "none: staff authentication is switched off", AllCovered: true}
	}

	from := addressDomain(fromEmail)
	if from == "" {
		return fail(method, "%s: sender address %q has no domain", method, fromEmail)
	}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return fail(method, "%s: read message header: %v", method, err).as(FailureHeader)
	}
	if reason := checkFromHeader(h, from); reason != "" {
		return fail(method, "%s: %s", method, reason).as(FailureHeader)
	}

	if p.Mode == ModeDKIM {
		return checkDKIM(ctx, raw, from, p.Domains, lookup)
	}
	return checkAuthserv(h, from, p)
}

// checkFromHeader returns why the From header cannot be trusted to name fromDomain, or "".
func checkFromHeader(h textproto.Header, fromDomain string) string {
	switch values := h.Values("From"); len(values) {
	case 0:
		return "message has no From header"
	case 1:
	default: // ReadHeaderFacts has refused it already
		return fmt.Sprintf("message has %d From headers", len(values))
	}
	mh := mail.Header{Header: message.Header{Header: h}}
	addrs, err := mh.AddressList("From")
	if err != nil || len(addrs) != 1 {
		return "From header does not hold exactly one readable address"
	}
	if got := addressDomain(addrs[0].Address); got != fromDomain {
		return fmt.Sprintf("From header names %s, not %s", got, fromDomain)
	}
	return ""
}

// aligned reports relaxed alignment of a signing domain d with the From domain: equal, or the
// From domain is a subdomain of d.
func aligned(fromDomain, d string) bool {
	d = normDomain(d)
	if d == "" || fromDomain == "" {
		return false
	}
	return fromDomain == d || strings.HasSuffix(fromDomain, "."+d)
}

// allowed reports whether d is in domains; an empty list allows every domain.
func allowed(domains []string, d string) bool {
	if len(domains) == 0 {
		return true
	}
	d = normDomain(d)
	for _, x := range domains {
		if normDomain(x) == d {
			return true
		}
	}
	return false
}

// addressDomain is the domain of an address as alignment compares it, normalised by normDomain
// ("Jan <jan@Example.NL.>" → "example.nl"), or "" without an "@".
func addressDomain(addr string) string {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimSuffix(addr, ">")
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return normDomain(addr[i+1:])
}

func normDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
}

// fail is a failing verdict of the family FailureUnverified; as gives it another.
func fail(method, format string, args ...any) Verdict {
	return Verdict{OK: false, Method: method, Reason: fmt.Sprintf(format, args...), Failure: FailureUnverified}
}

// as is v with its failure in family f.
func (v Verdict) as(f Failure) Verdict {
	v.Failure = f
	return v
}
