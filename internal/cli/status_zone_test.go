package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

// TestStatusTellsTheOrganisationsTime: a moment older than a day ("stopped on …") is written
// in the organisation's zone, whatever the machine's zone is (a server in UTC once showed it
// an hour or two off).
func TestStatusTellsTheOrganisationsTime(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	// 10:30 UTC is 12:30 in Amsterdam in summer: the machine's zone would not give it
	// unless it is Amsterdam's (then the check below proves nothing new, but holds).
	stopped := time.Date(2026, 7, 1, 10, 30, 0, 0, time.UTC)
	s := &status{loc: ams}
	if got, want := s.ago(stopped.Add(72*time.Hour), stopped), "on 2026-07-01 12:30"; got != want {
		t.Errorf("ago = %q, want %q", got, want)
	}

	// Through the command: the daemon stopped three days ago.
	cfg := writeConfig(t, "")
	host, _ := os.Hostname()
	at := time.Now().Add(-72 * time.Hour).Truncate(time.Minute)
	setStatus(t, cfg, store.DaemonStatus{PID: os.Getpid(), Host: host, StartedAt: at.Add(-time.Hour), BeatAt: at, StoppedAt: at})
	r := mustRun(t, 1, "status", "--config", cfg)
	if want := "stopped on " + at.In(ams).Format("2006-01-02 15:04"); !strings.Contains(r.stdout, want) {
		t.Errorf("lacks %q:\n%s", want, r.stdout)
	}
}
