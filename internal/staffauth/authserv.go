package staffauth

import (
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// checkAuthserv passes when the topmost Authentication-Results headers, those our own server
// prepended, report dkim=pass aligned with fromDomain by header.d (and allowed by p.Domains),
// or dmarc=pass for fromDomain. Per RFC 8601 a receiving server prepends its header, so the
// fields are read from the top of the header section:
//   - the first Authentication-Results must carry p.AuthservID: a header of another id on top
//     (or of none, or one that does not parse) means our server did not vouch for this
//     message, and anything below it was written before our server saw it;
//   - at most p.TrustedReceived Received fields may stand above it (the hops of our own
//     delivery); a header with our id below more of them came with the message;
//   - only the contiguous run of Authentication-Results with our id counts (a multi-milter
//     setup writes several); it ends at the first one of another id or at the next Received
//     field, and nothing further down is read.
//
// A result counts only when it vouches for what decides a command, From and Subject:
//   - dkim=pass counts by header.d alone (header.i is the signer's to choose and says
//     nothing about alignment), and only when the DKIM-Signature it names (by header.d, and
//     header.s and header.b when given) is in the message and covers From and Subject in h=;
//   - dmarc=pass counts unless the message carries a DKIM-Signature aligned with the From
//     domain that does not cover From and Subject: DMARC may then have passed on that
//     signature, and the Subject can have been swapped after signing.
func checkAuthserv(h textproto.Header, fromDomain string, p Policy) Verdict {
	const method = "authserv"
	ourID := strings.TrimSpace(p.AuthservID)
	if ourID == "" {
		return fail(method, "authserv: no authserv_id configured")
	}
	sigs := parseSignatures(h.Values("DKIM-Signature"))
	var notes runNotes
	received, ours := 0, 0
	inRun := false
	for f := h.Fields(); f.Next(); {
		switch {
		case strings.EqualFold(f.Key(), "Received"):
			if inRun {
				return failRun(fromDomain, ourID, ours, notes)
			}
			received++
		case strings.EqualFold(f.Key(), "Authentication-Results"):
			ar, err := parseAuthResults(f.Value())
			if ar.ID == "" || !strings.EqualFold(ar.ID, ourID) {
				if inRun {
					return failRun(fromDomain, ourID, ours, notes)
				}
				return fail(method, "authserv: the topmost Authentication-Results is %s, not from %s: "+
					"our server did not vouch for this message", foreign(ar, err), ourID)
			}
			if !inRun && received > p.TrustedReceived {
				return fail(method, "authserv: the topmost Authentication-Results of %s stands below %d Received "+
					"field(s), more than the %d of our own delivery: it came with the message", ourID, received, p.TrustedReceived)
			}
			inRun = true
			ours++
			if err != nil {
				// A header of our own server that does not parse proves nothing.
				notes.add(truncate(err.Error(), 120), false)
				continue
			}
			if reason, cov, ok := passingResult(ar.Results, fromDomain, p.Domains, sigs, &notes); ok {
				return Verdict{OK: true, Method: method, Covered: cov.keys, AllCovered: cov.all,
					Reason: fmt.Sprintf("authserv: %s from %s", reason, ourID)}
			}
		}
	}
	if !inRun {
		return fail(method, "authserv: no Authentication-Results from %s", ourID)
	}
	return failRun(fromDomain, ourID, ours, notes)
}

// foreign describes the authserv-id of a topmost header that is not ours.
func foreign(ar arHeader, err error) string {
	switch {
	case strings.Contains(ar.ID, "@"): // no host name: keep an address out of the reason
		return fmt.Sprintf("from %q", "@"+addressDomain(ar.ID))
	case ar.ID != "":
		return fmt.Sprintf("from %q", truncate(ar.ID, 80))
	case err != nil:
		return "unreadable (" + truncate(err.Error(), 80) + ")"
	default:
		return "without an authserv-id"
	}
}

// runNotes says why the results of our server's headers did not count, for failRun.
type runNotes struct {
	list []string
	// uncovered: a passing result did not count only because a signature it may rest on
	// leaves From or Subject out of h= (FailureUncovered).
	uncovered bool
}

func (n *runNotes) add(note string, uncovered bool) {
	n.list = append(n.list, note)
	n.uncovered = n.uncovered || uncovered
}

func failRun(fromDomain, ourID string, ours int, rn runNotes) Verdict {
	v := fail("authserv", "authserv: no dkim=pass aligned with %s and no dmarc=pass for it in the topmost "+
		"%d Authentication-Results from %s", fromDomain, ours, ourID)
	if rn.uncovered {
		v = v.as(FailureUncovered)
	}
	if notes := rn.list; len(notes) > 0 {
		if len(notes) > 4 {
			notes = append(notes[:4], fmt.Sprintf("%d more", len(notes)-4))
		}
		v.Reason += " (" + strings.Join(notes, "; ") + ")"
	}
	return v
}

// truncate shortens hostile text for a reason.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// coverage is what a passing result vouches for besides From and Subject (Verdict.Covered,
// Verdict.AllCovered).
type coverage struct {
	keys []string
	all  bool
}

// passingResult returns a description of the first result that authenticates fromDomain, and
// what it vouches for; a passing result that does not count leaves a note saying why.
func passingResult(results []arResult, fromDomain string, domains []string, sigs []signature, notes *runNotes) (string, coverage, bool) {
	note := func(r arResult, uncovered bool, format string, args ...any) {
		notes.add(r.String()+": "+fmt.Sprintf(format, args...), uncovered)
	}
	for _, r := range results {
		if r.Result != "pass" {
			continue
		}
		switch r.Method {
		case "dkim":
			d, ok := r.prop("header", "d")
			d = normDomain(d)
			switch {
			case !ok || d == "":
				note(r, false, "no single header.d (alignment is on header.d, not header.i)")
			case !aligned(fromDomain, d):
				note(r, false, "header.d not aligned with %s", fromDomain)
			case !allowed(domains, d):
				note(r, false, "header.d not among the configured domains")
			default:
				cov, why, uncovered := signatureCovers(r, d, sigs)
				if why != "" {
					note(r, uncovered, "%s", why)
					continue
				}
				return "dkim=pass header.d=" + d, cov, true
			}
		case "dmarc":
			if from, ok := r.prop("header", "from"); !ok || normDomain(from) != fromDomain {
				continue
			}
			cov, why := dmarcCovers(fromDomain, sigs)
			if why != "" {
				note(r, true, "%s", why)
				continue
			}
			return "dmarc=pass header.from=" + fromDomain, cov, true
		}
	}
	return "", coverage{}, false
}

// signatureCovers returns why the signatures a dkim=pass result of domain d names do not
// vouch for From and Subject (uncovered when one of them leaves either out of h=), or "" and
// the fields they all cover. The result names them by header.d, and by header.s and header.b
// (a prefix of b=) when it gives them; every signature it may name must cover both, and only
// what all of them cover is vouched for.
func signatureCovers(r arResult, d string, sigs []signature) (cov coverage, why string, uncovered bool) {
	sel, hasSel := r.prop("header", "s")
	b, hasB := r.prop("header", "b")
	matched := 0
	for _, s := range sigs {
		if s.d != d || hasSel && !strings.EqualFold(s.s, strings.TrimSpace(sel)) ||
			hasB && !strings.HasPrefix(s.b, strings.Join(strings.Fields(b), "")) {
			continue
		}
		if missing := s.missing(); missing != "" {
			return coverage{}, fmt.Sprintf("its DKIM-Signature (s=%s) does not cover %s in h=", truncate(s.s, 40), missing), true
		}
		if matched == 0 {
			cov.keys = coveredKeys(nil, s.h)
		} else {
			cov.keys = commonKeys(cov.keys, s.h)
		}
		matched++
	}
	if matched == 0 {
		return coverage{}, "names no DKIM-Signature of the message, so what it covers is unknown", false
	}
	return cov, "", false
}

// dmarcCovers returns why dmarc=pass for fromDomain may rest on a DKIM signature that does
// not cover From and Subject, or "" and what it vouches for: the fields every aligned
// signature covers, since DMARC may have passed on any of them; with no aligned signature
// DMARC passed on SPF, and the message is as the domain's server sent it.
func dmarcCovers(fromDomain string, sigs []signature) (coverage, string) {
	var cov coverage
	nAligned := 0
	for _, s := range sigs {
		if s.d == "" || !aligned(fromDomain, s.d) && !aligned(s.d, fromDomain) {
			continue
		}
		if missing := s.missing(); missing != "" {
			return coverage{}, fmt.Sprintf("may rest on the DKIM-Signature of d=%s, which does not cover %s in h=", s.d, missing)
		}
		if nAligned == 0 {
			cov.keys = coveredKeys(nil, s.h)
		} else {
			cov.keys = commonKeys(cov.keys, s.h)
		}
		nAligned++
	}
	if nAligned == 0 {
		cov.all = true
	}
	return cov, ""
}
