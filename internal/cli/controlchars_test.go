package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

// evil is what a complainant's PDF form field may hold: a colour escape, a window-title
// escape ended by BEL, C1 controls, a carriage return and bidirectional overrides.
const evil = "\x1b[31mROOD\x1b]0;pwned\x07 \u009b2J\u0085 \rCR \u202eseirV\u202c \u2066iso\u2069"

// TestTerminalOutputHoldsNoControlCharacters: list, show and report (every format), and the
// JSON of list, show and export, carry no C0 or C1 control but tab and newline, and no bidi
// override, whatever the case holds; the JSON still decodes to the very text that was stored.
func TestTerminalOutputHoldsNoControlCharacters(t *testing.T) {
	cfg := writeConfig(t, "")
	id := newCase(t, cfg, "--name", "Jan "+evil, "--email", "jan@example.nl", "--text", "Klacht "+evil+"\nregel twee", "--service", "online cursus")
	setCase(t, cfg, id, func(c *complaint.Case) {
		c.Service, c.Cause, c.Measure = "dienst "+evil, "oorzaak "+evil, "maatregel "+evil
		c.Status, c.Verdict, c.ClosedAt = complaint.StatusAfgehandeld, complaint.VerdictGegrond, time.Now().UTC()
	})
	period, _, _ := complaint.HalfYearPeriod(time.Now(), time.UTC)
	outputs := map[string]result{}
	for _, args := range [][]string{
		{"list"}, {"list", "--json"}, {"show", id}, {"show", id, "--json"}, {"export", id},
		{"report", "--period", period}, {"report", "--period", period, "--format", "csv"},
		{"report", "--period", period, "--format", "html"}, {"report", "--period", period, "--format", "json"},
	} {
		outputs[strings.Join(args, " ")] = mustRun(t, 0, append(args, "--config", cfg)...)
	}
	for cmd, r := range outputs {
		for stream, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if c, bad := clean.Find(s); bad {
				i := strings.IndexRune(s, c)
				t.Errorf("%s: %s holds %U near %q", cmd, stream, c, s[max(0, i-30):min(len(s), i+30)])
			}
		}
		if !strings.Contains(r.stdout, "pwned") && !strings.Contains(r.stdout, "ROOD") {
			t.Errorf("%s: the hostile text never reached the output, so this proves nothing:\n%s", cmd, r.stdout)
		}
	}
	var stored complaint.Case
	withDaemon(t, cfg, func(_ *kd.Daemon, st *store.Store) { stored, _, _ = st.Case(context.Background(), id) })
	v := decodeJSON[map[string]any](t, outputs["show "+id+" --json"].stdout)
	if got := v["service"]; got != stored.Service || !strings.Contains(stored.Service, "\u202e") {
		t.Errorf("show --json service = %q, want the stored %q", got, stored.Service)
	}
}

// setCase changes a case in the configured database, as the daemon would over time.
func setCase(t *testing.T, cfg, id string, change func(*complaint.Case)) {
	t.Helper()
	withDaemon(t, cfg, func(_ *kd.Daemon, st *store.Store) {
		err := st.InTx(context.Background(), func(tx *store.Tx) error {
			c, _, err := tx.Case(id)
			if err != nil {
				return err
			}
			change(&c)
			return tx.UpdateCase(c, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
