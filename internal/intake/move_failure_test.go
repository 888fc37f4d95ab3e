package intake

import (
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// startSettling starts an intake on srv behind a proxy, filing handled mail in processed, whose
// handler gives every message d, and waits for its first checkpoint.
func startSettling(t *testing.T, srv *testServer, processed string, d Disposition) (*mailtest.Proxy, Config, *memCheckpoints, *recorder) {
	t.Helper()
	proxy, cfg := behindProxy(t, srv)
	cfg.Processed = processed
	cp := newCheckpoints()
	rec := &recorder{decide: func(*Fetched, int) (Disposition, error) { return d, nil }}
	startIntake(t, cfg, cp, rec.handle)
	started(t, cp)
	return proxy, cfg, cp, rec
}

// TestMoveCutIsSettledNextPass: the connection is lost exactly at the MOVE of a handled
// message (the handler has committed it, the server never saw the move). The checkpoint must
// not have passed it: on the next session the message is handed over again (the handler
// dedupes it and answers the same), moved then, and moved once.
func TestMoveCutIsSettledNextPass(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg, cp, rec := startSettling(t, srv, "Klachten", Move)
		proxy.CutOn("MOVE ")
		proxy.CutOn("COPY ") // a server without MOVE gets COPY, STORE and EXPUNGE
		uid := srv.append(t, "INBOX", message("cut-at-move", 3))
		eventually(t, 10*time.Second, "the message moved", func() bool {
			return countMessages(srv, "Klachten") == 1 && countMessages(srv, "INBOX") == 0
		})
		eventually(t, 5*time.Second, "the checkpoint past the message", func() bool {
			_, last, _ := cp.get("INBOX")
			return last >= uid
		})
		if proxy.Cuts() != 1 {
			t.Fatalf("%d connections cut at the move, want 1", proxy.Cuts())
		}
		if diff := cmp.Diff([]uint32{uid, uid}, rec.uids()); diff != "" {
			t.Errorf("hand-overs (-want +got): the message must come back once after the cut:\n%s", diff)
		}
		time.Sleep(3 * cfg.PollInterval) // room for a wrong third hand-over or second copy
		if n := countMessages(srv, "Klachten"); n != 1 || len(rec.uids()) != 2 {
			t.Errorf("after settling: %d copies in Klachten, %d hand-overs; want 1 and 2", n, len(rec.uids()))
		}
	})
}

// TestMoveRefusedIsRetried: the server refuses the MOVE of a handled message (NO, as when
// the folder is briefly unavailable). The message must not stay in the inbox for good: the
// move is tried again on the next pass and succeeds, and the handler, which has committed
// the message, is not given it again. A message the server keeps refusing is left in the
// inbox after a few passes, and the mail after it still comes through.
func TestMoveRefusedIsRetried(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg, _, rec := startSettling(t, srv, "Klachten", Move)

		proxy.RefuseOn("MOVE ")
		once := srv.append(t, "INBOX", message("refused-once", 1))
		eventually(t, 10*time.Second, "the refused message moved on a later pass", func() bool {
			return proxy.Refused() == 1 && countMessages(srv, "Klachten") == 1 && countMessages(srv, "INBOX") == 0
		})
		if diff := cmp.Diff([]uint32{once}, rec.uids()); diff != "" {
			t.Errorf("hand-overs (-want +got): the handler has the message already:\n%s", diff)
		}

		for range 1 + maxSettleRetries {
			proxy.RefuseOn("MOVE ")
		}
		stubborn := srv.append(t, "INBOX", message("refused-always", 1))
		eventually(t, 10*time.Second, "every move of the stubborn message refused", func() bool { return proxy.Refused() == 2+maxSettleRetries })
		after := srv.append(t, "INBOX", message("after-stubborn", 1))
		eventually(t, 10*time.Second, "the next message moved", func() bool { return countMessages(srv, "Klachten") == 2 })
		time.Sleep(3 * cfg.PollInterval)
		if diff := cmp.Diff([]uint32{once, stubborn, after}, rec.uids()); diff != "" {
			t.Errorf("hand-overs (-want +got):\n%s", diff)
		}
		if inbox := srv.list(t, "INBOX"); len(inbox) != 1 || inbox[0].UID != stubborn {
			t.Errorf("inbox holds %v, want only the stubborn message %d", inbox, stubborn)
		}
	})
}

// TestFlagRefusedIsRetried: the server refuses to flag a handled message that stays in the
// inbox (NO). Like a refused move, the flag is set on a later pass without handing the
// message over again; a message the server keeps refusing is left unflagged after a few
// passes, and the mail after it is still flagged.
func TestFlagRefusedIsRetried(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg, _, rec := startSettling(t, srv, "", Flag)
		flagged := func(uid uint32) bool {
			for _, m := range srv.list(t, "INBOX") {
				if m.UID == uid {
					return slices.Contains(m.Flags, imap.FlagFlagged)
				}
			}
			return false
		}

		proxy.RefuseOn(`(\Flagged)`)
		once := srv.append(t, "INBOX", message("flag-refused-once", 1))
		eventually(t, 10*time.Second, "the refused message flagged on a later pass", func() bool {
			return proxy.Refused() == 1 && flagged(once)
		})
		for range 1 + maxSettleRetries {
			proxy.RefuseOn(`(\Flagged)`)
		}
		stubborn := srv.append(t, "INBOX", message("flag-refused-always", 1))
		eventually(t, 10*time.Second, "every flag of the stubborn message refused", func() bool { return proxy.Refused() == 2+maxSettleRetries })
		after := srv.append(t, "INBOX", message("flag-after-stubborn", 1))
		eventually(t, 10*time.Second, "the next message flagged", func() bool { return flagged(after) })
		time.Sleep(3 * cfg.PollInterval)
		if diff := cmp.Diff([]uint32{once, stubborn, after}, rec.uids()); diff != "" {
			t.Errorf("hand-overs (-want +got): the handler has each message once:\n%s", diff)
		}
		if flagged(stubborn) || proxy.Refused() != 2+maxSettleRetries {
			t.Errorf("stubborn message flagged %v after %d refusals, want unflagged after %d", flagged(stubborn), proxy.Refused(), 2+maxSettleRetries)
		}
	})
}
