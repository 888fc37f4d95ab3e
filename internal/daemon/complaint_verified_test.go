package daemon

import (
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/config"
)

// TestComplaintRowSaysVerified: the complaint's own mail is kept marked as its sender was
// found: unverified, with the reason, when the address was not authenticated; verified when a
// signature aligned with the From domain vouches for it.
func TestComplaintRowSaysVerified(t *testing.T) {
	keys := newDKIMKeys(t, janDomain)
	e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = config.AuthenticationDKIM }, keys.lookup)
	unsigned, _ := e.complaint("Jan de Vries", janAddr, "complaint-u@example.nl", "Ik heb een klacht over de training.\n")
	e.feed.feed(t, keys.sign(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "complaint-s@example.nl", e.clock.Now(),
		"Ik heb nog een klacht, over de cursus.\n"), janDomain))
	signed := "KL-2026-0002"
	for _, tc := range []struct {
		id       string
		verified bool
		reason   string
	}{{unsigned, false, "no DKIM signature"}, {signed, true, ""}} {
		m := lastIncoming(t, e.st, tc.id)
		if m.Kind != "complaint" || m.Verified != tc.verified || !strings.Contains(m.Reason, tc.reason) || (tc.verified && m.Reason != "") {
			t.Errorf("%s: complaint kept as %s, verified %v, reason %q; want verified %v, reason with %q",
				tc.id, m.Kind, m.Verified, m.Reason, tc.verified, tc.reason)
		}
		if c := e.caseOf(tc.id); c.Unverified == tc.verified {
			t.Errorf("%s: case unverified %v", tc.id, c.Unverified)
		}
	}
}
