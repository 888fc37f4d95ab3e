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
