package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/daemon"
)

// TestEventClockInTheOrganisationsZone: the demo's printout gives each event's time of day in
// the organisation's zone, as every time klachtd shows, not in the machine's.
func TestEventClockInTheOrganisationsZone(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 13, 4, 5, 0, time.UTC) // 14:04:05 in Amsterdam
	var b strings.Builder
	printEvent(&b, daemon.Observation{What: daemon.ObservedMailIn, At: at, UID: 7, Kind: "complaint", CaseID: "KL-2026-0001"}, ams)
	if got, want := b.String(), "  14:04:05  mail in     uid 7: a complaint: case KL-2026-0001 registered\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
