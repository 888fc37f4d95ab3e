package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestWantsWhole: the hint says yes for the header of mail that is recorded whatever its text
// (a keyword in the subject, a staff registration) and no for ordinary and automatic mail
// and klachtd's own.
func TestWantsWhole(t *testing.T) {
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	now := time.Now()
	for _, tt := range []struct {
		name   string
		header []byte
		want   bool
	}{
		{"keyword in the subject", headerOf(rawMail("Anna <anna@example.nl>", orgAddr, "Klacht over de training", "h1@example.nl", now, "x")), true},
		{"staff registration", headerOf(rawMail("Milou <"+staffAddr+">", orgAddr, "[nieuw] Fwd: vraag", "h2@example.nl", now, "x")), true},
		{"ordinary", headerOf(rawMail("Piet <piet@example.org>", orgAddr, "Offerte", "h3@example.org", now, "x")), false},
		{"automatic", headerOf(rawMail("Piet <piet@example.org>", orgAddr, "Afwezig: klacht", "h4@example.org", now, "x", "Auto-Submitted: auto-replied")), false},
		{"our own", headerOf(rawMail("Groeimeesters <"+orgAddr+">", "anna@example.nl", "Uw klacht", "klachtd.1@intervisie-begeleiding.nl", now, "x")), false},
		{"no header", []byte("\r\n"), true},
	} {
		if got := d.wantsWhole(context.Background(), tt.header); got != tt.want {
			t.Errorf("%s: wantsWhole = %v, want %v", tt.name, got, tt.want)
		}
	}
}
