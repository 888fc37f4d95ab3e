package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestCrashSafety kills the daemon with SIGKILL at random moments while it works through 220
// complaints, restarting it each time: in the end every complaint has exactly one case, every
// complainant a confirmation, and no complainant more duplicates than there were kills.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills and restarts the daemon for up to two minutes")
	}
	const (
		complaints = 220
		killFor    = 90 * time.Second  // kill and restart during this time at most
		total      = 150 * time.Second // then let the last daemon finish within this
		seed       = 20261126
	)
	e := newEnv(t, options{maxNewPerHour: 10 * complaints})
	p := e.startFresh()

	cs := make([]complaint, complaints)
	raws := make([][]byte, complaints)
	for i := range cs {
		cs[i] = newComplaint("crash", i)
		raws[i] = cs[i].raw()
	}
	c := e.dv.Client(t)
	mailtest.AppendManyTo(t, c, "INBOX", raws)

	done := func() bool {
		n := countTo(e.sink.Messages())
		for _, c := range cs {
			if n[c.Email] == 0 {
				return false
			}
		}
		return true
	}
	rnd := rand.New(rand.NewPCG(seed, seed))
	start := time.Now()
	kills := 0
	for time.Since(start) < killFor && !done() {
		time.Sleep(time.Duration(150+rnd.IntN(451)) * time.Millisecond)
		p.kill()
		kills++
		p = e.startDaemon()
	}
	t.Logf("%d kills in %s", kills, time.Since(start).Round(time.Millisecond))
	if _, ok := waitSink(t, e.sink, total-time.Since(start), func([]mailtest.Received) bool { return done() }); !ok {
		t.Errorf("not every complainant confirmed within %s", total)
	}
	inbox := waitMailboxCount(t, e.dv, "INBOX", 0, 10*time.Second)
	if inbox != 0 {
		t.Errorf("%d complaints still in INBOX, want 0", inbox)
	}
	if !p.running() {
		t.Fatalf("klachtd exited: %v", p.err)
	}

	// Exactly one case per complaint.
	perEmail := map[string]int{}
	caseOf := map[string]string{}
	for _, v := range e.cases() {
		perEmail[strings.ToLower(v.Complainant.Email)]++
		caseOf[strings.ToLower(v.Complainant.Email)] = v.ID
	}
	n := countTo(e.sink.Messages())
	missingCase, missingConf, dupCases, dupConfs := 0, 0, 0, 0
	for _, c := range cs {
		switch got := perEmail[c.Email]; {
		case got == 0:
			missingCase++
		case got > 1:
			dupCases++
			t.Errorf("%s has %d cases, want 1", c.Email, got)
		}
		switch got := n[c.Email]; {
		case got == 0:
			missingConf++
			if id := caseOf[c.Email]; id != "" {
				t.Logf("%s (%s) has no confirmation: %s", c.Email, id, e.outgoing(id))
			}
		case got > 1:
			dupConfs += got - 1
			if got-1 > kills {
				t.Errorf("%s got %d confirmations after %d kills", c.Email, got, kills)
			}
		}
	}
	if len(perEmail) != complaints {
		t.Errorf("%d complainants with a case, want %d", len(perEmail), complaints)
	}
	if missingCase > 0 || missingConf > 0 {
		t.Errorf("%d complaints without a case, %d complainants without a confirmation (of %d, after %d kills)",
			missingCase, missingConf, complaints, kills)
	}
	if dupConfs > kills {
		t.Errorf("%d duplicate confirmations after %d kills; at most one per kill", dupConfs, kills)
	}
	t.Logf("%d duplicate confirmations, %d duplicate cases after %d kills", dupConfs, dupCases, kills)
}

// waitMailboxCount waits until mailbox holds want messages and returns the last count seen.
func waitMailboxCount(t *testing.T, dv *mailtest.Dovecot, mailbox string, want int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := len(dv.List(t, mailbox))
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// outgoing describes the outgoing mail of a case from `show --json`, for diagnosis.
func (e *env) outgoing(id string) string {
	e.t.Helper()
	out, errOut, code := klachtd(e.t, "show", id, "--json", "--config", e.cfg)
	if code != 0 {
		return fmt.Sprintf("show: exit %d: %s", code, errOut)
	}
	var v struct {
		Messages []struct {
			Direction, Template, Status string
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		return err.Error()
	}
	var parts []string
	for _, m := range v.Messages {
		if m.Direction == "out" {
			parts = append(parts, m.Template+"="+m.Status)
		}
	}
	return strings.Join(parts, ", ")
}
