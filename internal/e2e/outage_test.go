package e2e

import (
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestSMTPOutage: complaints that arrive while the mail server is down are registered at once
// and confirmed exactly once when it is back.
func TestSMTPOutage(t *testing.T) {
	const n = 20
	e := newEnv(t, options{})
	p := e.startFresh()
	e.sink.Stop()
	cs := make([]complaint, n)
	raws := make([][]byte, n)
	for i := range cs {
		cs[i] = newComplaint("outage", i)
		raws[i] = cs[i].raw()
	}
	mailtest.AppendManyTo(t, e.dv.Client(t), "INBOX", raws)

	e.waitCases(30*time.Second, "20 cases registered", func(v []caseView) bool { return len(v) == n })
	for _, v := range e.cases() {
		if v.Status != "nieuw" || v.ConfirmedAt != nil {
			t.Errorf("%s during the outage: status %s confirmed_at %v, want nieuw and unconfirmed", v.ID, v.Status, v.ConfirmedAt)
		}
	}
	p.waitLog(t, "will retry", 10*time.Second)
	e.sink.Start(t)
	// The sender's first retry comes retry_first (1s, ±20%) after the failed attempt.
	start := time.Now()
	msgs, ok := waitSink(t, e.sink, 60*time.Second, func(m []mailtest.Received) bool {
		got := countTo(m)
		for _, c := range cs {
			if got[c.Email] == 0 {
				return false
			}
		}
		return got[staffAddress] >= n
	})
	if !ok {
		t.Fatalf("after the outage the sink holds %d messages within 60s, want %d confirmations and %d staff notices", len(msgs), n, n)
	}
	t.Logf("all mail delivered %s after the server came back", time.Since(start).Round(time.Millisecond))
	time.Sleep(settle)
	got := countTo(e.sink.Messages())
	for _, c := range cs {
		if got[c.Email] != 1 {
			t.Errorf("%s got %d confirmations, want exactly 1", c.Email, got[c.Email])
		}
	}
	if got[staffAddress] != n {
		t.Errorf("staff got %d notices, want %d", got[staffAddress], n)
	}
	e.waitCases(10*time.Second, "every case bevestigd", func(v []caseView) bool {
		for _, c := range v {
			if c.Status != "bevestigd" || c.ConfirmedAt == nil {
				return false
			}
		}
		return len(v) == n
	})
}

// TestSilentIMAPDeath: the IMAP connection stops carrying data without being closed (a NAT
// timeout, a dead peer). The daemon notices within its health check and command timeout,
// reconnects, and a complaint that arrived meanwhile is confirmed in bounded time.
func TestSilentIMAPDeath(t *testing.T) {
	const bound = 15 * time.Second // poll_interval 1s + imap.timeout 2s + reconnect backoff, with margin
	dv := mailtest.StartDovecot(t)
	proxy := mailtest.NewProxy(t, dv.Addr())
	e := newEnvWith(t, dv, options{imapAddr: proxy.Addr()})
	p := e.startFresh()

	// A first complaint proves the path works and the daemon is idling afterwards.
	first := newComplaint("silent", 0)
	dv.Append(t, "INBOX", first.raw())
	if _, ok := waitSink(t, e.sink, 15*time.Second, func(m []mailtest.Received) bool { return countTo(m)[first.Email] == 1 }); !ok {
		t.Fatalf("no confirmation for the first complaint through the proxy")
	}
	time.Sleep(1500 * time.Millisecond) // back in IDLE
	reconnectsBefore := p.logCount("imap session ended")

	proxy.Blackhole()
	c := newComplaint("silent", 1)
	start := time.Now()
	dv.Append(t, "INBOX", c.raw())
	msgs, ok := waitSink(t, e.sink, bound, func(m []mailtest.Received) bool { return countTo(m)[c.Email] >= 1 })
	took := time.Since(start)
	if !ok {
		t.Fatalf("no confirmation within %s after the IMAP connection went silent (sink holds %d)", bound, len(msgs))
	}
	t.Logf("confirmed %s after the connection went silent", took.Round(time.Millisecond))
	if p.logCount("imap session ended") <= reconnectsBefore {
		t.Errorf("the daemon did not log a reconnect, yet the confirmation arrived: was the connection really silent?")
	}
	if !p.running() {
		t.Errorf("klachtd exited: %v", p.err)
	}
	if cs := e.cases(); len(cs) != 2 {
		t.Errorf("%d cases, want 2", len(cs))
	}
}
