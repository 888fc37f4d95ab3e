package intake

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// appendDated appends raw to mailbox with the given internal date (the moment the server
// says it arrived).
func appendDated(t *testing.T, srv *testServer, mailbox string, raw []byte, at time.Time) {
	t.Helper()
	c, err := imapclient.DialInsecure(srv.addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(srv.user, srv.pass).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: at})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append dated %s: %v", at, err)
	}
}

// TestRestartLooksBackTwoWeeks: when the intake restarts and finds the mailbox renumbered (a
// new UIDVALIDITY) it has no moment its checkpoint was last confirmed, and looks back 14 days:
// mail that arrived two and ten days ago, while it was down, is handed over.
func TestRestartLooksBackTwoWeeks(t *testing.T) {
	srv := dovecotServer(t)
	cfg := testConfig(srv)
	cp := newCheckpoints()
	h := &dedupe{seen: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(cfg, cp, h.handle, nil).Run(ctx) }()
	started(t, cp)
	srv.append(t, "INBOX", message("before", 1))
	eventually(t, 5*time.Second, "the first message", func() bool { f, _ := h.snapshot(); return len(f) == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	appendDated(t, srv, "INBOX", message("two-days-old", 1), now.Add(-50*time.Hour))
	appendDated(t, srv, "INBOX", message("ten-days-old", 1), now.AddDate(0, 0, -10))
	srv.dovecot.ResetUIDValidity(t, "INBOX")
	startIntake(t, cfg, cp, h.handle)
	eventually(t, 10*time.Second, "the mail of the downtime", func() bool {
		f, _ := h.snapshot()
		return slices.Contains(f, "<two-days-old@example.org>") && slices.Contains(f, "<ten-days-old@example.org>")
	})
}

// TestRenumberedWhileRunningLooksBehindItsAnchor: when the mailbox is renumbered while the
// intake runs, it searches again from a margin before the last moment its checkpoint matched
// the server, not from that moment: a server move keeps the mail's internal dates, and mail
// delivered late carries the date it was sent. Such a mail, dated yesterday and arriving with
// the renumbering, is handed over.
func TestRenumberedWhileRunningLooksBehindItsAnchor(t *testing.T) {
	srv := dovecotServer(t)
	cfg := testConfig(srv)
	cp := newCheckpoints()
	h := &dedupe{seen: map[string]bool{}}
	startIntake(t, cfg, cp, h.handle)
	started(t, cp)
	srv.append(t, "INBOX", message("before-renumbering", 1))
	eventually(t, 5*time.Second, "the first message", func() bool { f, _ := h.snapshot(); return len(f) == 1 })
	srv.dovecot.ResetUIDValidityWith(t, "INBOX", func() {
		srv.dovecot.SeedAt(t, "INBOX", message("dated-yesterday", 1), time.Now().Add(-30*time.Hour))
	})
	eventually(t, 10*time.Second, "the mail dated yesterday", func() bool {
		f, _ := h.snapshot()
		return slices.Contains(f, "<dated-yesterday@example.org>")
	})
}
