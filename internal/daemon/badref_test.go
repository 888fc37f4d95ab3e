package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestAmbiguousStaffCommand: a staff command naming two cases, or a case that does not exist,
// is refused with an error reply to the staff member each; no case changes, nothing goes to a
// complainant, and the mail stays in INBOX as it was. A reference with invisible characters
// inside (U+2060, U+00AD, U+202E) still joins its case. Real Dovecot.
func TestAmbiguousStaffCommand(t *testing.T) {
	e := startDovecotEnv(t, time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)), nil)
	for i, who := range []string{"Jan de Vries <" + janAddr + ">", "Piet Bakker <piet@example.nl>"} {
		e.deliver(rawMail(who, orgAddr, "Klacht", "complaint-"+string(rune('1'+i))+"@example.nl", e.clock.Now(),
			"Ik heb een klacht over de training.\n"))
		e.next(2)
	}
	const first, second = "KL-2026-0001", "KL-2026-0002"
	e.waitCase(second, "bevestigd", status(complaint.StatusBevestigd))
	e.waitFor("the complaints in Klachten", func() bool { return len(e.list("Klachten")) == 2 })

	tests := []struct {
		name, subject string
		says          []string
	}{
		{"two cases", "Re: Fwd: [" + second + "] Uw klacht [" + first + "] [in-behandeling]",
			[]string{"meer dan één klacht (" + second + ", " + first + ")"}},
		{"a case that does not exist", "RE: [KL-2026-0099] [gegrond]", []string{"klacht KL-2026-0099 bestaat niet"}},
		{"an existing and a missing case", "RE: [" + first + "] [KL-2025-0042] [afgehandeld]",
			[]string{"meer dan één klacht", "klacht KL-2025-0042 bestaat niet"}},
	}
	for i, tt := range tests {
		e.deliver(rawMail("Milou Meijer <"+staffAddr+">", orgAddr, tt.subject, "bad-"+string(rune('1'+i))+"@intervisie-begeleiding.nl",
			e.clock.Now(), "Graag oppakken.\n"))
		fout := onlyOne(t, e.next(1), "commando-fout")
		if strings.Join(fout.To, ",") != staffAddr {
			t.Errorf("%s: commando-fout to %v, want %s", tt.name, fout.To, staffAddr)
		}
		for _, want := range tt.says {
			if !strings.Contains(fout.Text, want) {
				t.Errorf("%s: commando-fout lacks %q:\n%s", tt.name, want, fout.Text)
			}
		}
	}
	for _, id := range []string{first, second} {
		if c := e.waitCase(id, "exists", func(complaint.Case) bool { return true }); c.Status != complaint.StatusBevestigd || c.Verdict != "" {
			t.Errorf("%s changed: status %s verdict %q", id, c.Status, c.Verdict)
		}
	}
	e.idle()
	inbox := e.list("INBOX")
	if len(inbox) != len(tests) {
		t.Errorf("INBOX holds %d messages, want the %d refused commands", len(inbox), len(tests))
	}
	for _, m := range inbox {
		if len(m.Flags) != 0 {
			t.Errorf("refused command uid %d got flags %v, want none", m.UID, m.Flags)
		}
	}

	// Invisible characters inside the reference: the complainant's replies join the case, and
	// a staff command with one is carried out.
	for i, ch := range []string{"\u2060", "\u00ad", "\u202e"} {
		subject := "Re: [KL-2026-" + ch + "0001] Uw klacht"
		e.deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr, subject, "jan-inv-"+string(rune('1'+i))+"@example.nl", e.clock.Now(),
			"Nog een aanvulling, nummer "+string(rune('1'+i))+".\n"))
		onlyOne(t, e.next(1), "melding")
	}
	e.deliver(rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "RE: [KL-20\u00ad26-0001] [in-behandeling]", "staff-inv@intervisie-begeleiding.nl",
		e.clock.Now(), "Wij pakken uw klacht op.\n"))
	onlyOne(t, e.next(2), "commando-ok")
	e.waitCase(first, "in behandeling", status(complaint.StatusInBehandeling))
	n := 0
	for _, ev := range timeline(t, e.st, first) {
		if ev.Kind == "mail-complainant" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%s has %d complainant mails on its timeline, want the 3 with invisible characters", first, n)
	}
}
