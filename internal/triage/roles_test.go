package triage

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// phoneLookup knows one case taken by phone: the complainant left no address.
type phoneLookup struct{}

func (phoneLookup) CaseExists(id string) (string, bool) { return "", id == "KL-2026-0009" }

func (phoneLookup) ThreadCase(string, []string) (string, string) { return "", "" }

// TestReplyRoleNeedsASender: a reply is the complainant's only when its sender is the case's
// complainant. A mail without a From address naming a case whose complainant has no address
// (a complaint taken by phone) is nobody's: as the complainant's it would move the case out
// of info-nodig and count as their answer, for anyone who writes the number in a subject.
func TestReplyRoleNeedsASender(t *testing.T) {
	rules := Rules{OwnAddress: "info@intervisie-begeleiding.nl", OwnIDPrefix: "klachtd.",
		Staff: []string{"milou@intervisie-begeleiding.nl"}, Commissaris: "info@ivak.nl", Keywords: []string{"klacht"}}
	for _, tt := range []struct {
		name string
		from string
		want Role
	}{
		{"no From address", "", RoleUnknown},
		{"a stranger", "iemand@example.org", RoleUnknown},
		{"staff", "milou@intervisie-begeleiding.nl", RoleStaff},
		{"the commissaris", "info@ivak.nl", RoleCommissaris},
	} {
		m := &mailparse.Message{From: mailparse.Address{Email: tt.from}, Subject: "Re: [KL-2026-0009] Uw klacht",
			MessageID: "x1@example.org", Text: "Hierbij de gevraagde informatie."}
		got := Classify(m, rules, phoneLookup{})
		if got.Kind != Reply || got.CaseID != "KL-2026-0009" || got.Role != tt.want {
			t.Errorf("%s: %+v, want a reply to KL-2026-0009 with role %v", tt.name, got, tt.want)
		}
	}
}
