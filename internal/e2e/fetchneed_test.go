package e2e

import (
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestFetchByNeedBacklog: the real daemon on an attachment-heavy mailbox (400 messages, 1 in 10
// a complaint, 1 in 20 of the rest with a PDF of 20-400 KB) through a proxy that counts the
// bytes: every complaint becomes a case and nothing else does, and the PDFs of the ordinary
// mail never cross: what came from the server is the small mail, the views of the larger mail
// and the whole complaints, not the mailbox.
func TestFetchByNeedBacklog(t *testing.T) {
	raws, complainants := attachmentBacklog(400, 10)
	dv := mailtest.StartDovecot(t)
	dv.LoadMaildir(t, "INBOX", raws)
	var total, small int64
	for _, r := range raws {
		total += int64(len(r))
		if len(r) <= 64<<10 {
			small += int64(len(r))
		}
	}
	proxy := mailtest.NewProxy(t, dv.Addr())
	e := newEnvWith(t, dv, options{imapAddr: proxy.Addr(), backfill: time.Now().AddDate(0, 0, -1).Format(time.DateOnly),
		maxNewPerHour: len(raws)})
	p := e.startDaemon()
	if _, ok := waitSink(t, e.sink, 60*time.Second, func(m []mailtest.Received) bool {
		n := countTo(m)
		for _, c := range complainants {
			if n[c] == 0 {
				return false
			}
		}
		return true
	}); !ok {
		t.Fatal("not every complaint confirmed within 60s")
	}
	p.stop(t)
	if n := len(e.cases()); n != len(complainants) {
		t.Errorf("%d cases, want %d: the complaints and nothing else", n, len(complainants))
	}
	_, down := proxy.Bytes()
	if limit := small + small/5 + 200<<10; down > limit || down > total/2 {
		t.Errorf("%d bytes came from the server for a mailbox of %d (%d in mail up to 64 KiB); want at most %d: the PDFs were fetched",
			down, total, small, limit)
	}
	t.Logf("mailbox %.1f MB, of which %.1f MB in mail up to 64 KiB; %.1f MB came from the server", float64(total)/1e6,
		float64(small)/1e6, float64(down)/1e6)
}

// TestLargeBacklogExactlyOnce: the real daemon on a backlog of more than two batches (1,200
// messages), so that its batches are planned four at a time and moved on a second session:
// every complainant gets one confirmation and staff one notice a case, every complaint is
// moved to Klachten once, and the ordinary mail stays in the inbox.
func TestLargeBacklogExactlyOnce(t *testing.T) {
	raws, complainants := attachmentBacklog(1200, 10)
	dv := mailtest.StartDovecot(t)
	dv.LoadMaildir(t, "INBOX", raws)
	e := newEnvWith(t, dv, options{backfill: time.Now().AddDate(0, 0, -1).Format(time.DateOnly), maxNewPerHour: len(raws)})
	p := e.startDaemon()
	_, ok := waitSink(t, e.sink, 120*time.Second, func(m []mailtest.Received) bool {
		n := countTo(m)
		return n[staffAddress] >= len(complainants) && len(m) >= 2*len(complainants)
	})
	if !ok {
		t.Fatalf("not every confirmation and notice within 120s")
	}
	moved := false
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if len(dv.List(t, "Klachten")) >= len(complainants) {
			moved = true
			break
		}
	}
	time.Sleep(500 * time.Millisecond) // anything sent twice would come now
	p.stop(t)
	msgs := e.sink.Messages()
	n := countTo(msgs)
	for _, c := range complainants {
		if n[c] != 1 {
			t.Errorf("%s got %d mails, want one confirmation", c, n[c])
		}
	}
	if n[staffAddress] != len(complainants) || len(msgs) != 2*len(complainants) {
		t.Errorf("staff got %d mails and %d in all went out; want %d notices and %d mails", n[staffAddress], len(msgs),
			len(complainants), 2*len(complainants))
	}
	if got := len(e.cases()); got != len(complainants) {
		t.Errorf("%d cases, want %d", got, len(complainants))
	}
	if k, in := len(dv.List(t, "Klachten")), len(dv.List(t, "INBOX")); !moved || k != len(complainants) || in != len(raws)-len(complainants) {
		t.Errorf("Klachten holds %d and INBOX %d; want %d and %d", k, in, len(complainants), len(raws)-len(complainants))
	}
}
