package intake

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDispositions(t *testing.T) {
	tests := []struct {
		name      string
		processed string
		disp      Disposition
		inbox     []imap.Flag // flags left in INBOX; nil: gone from INBOX
		moved     bool        // found in Processed
	}{
		{name: "leave", processed: "Klachten", disp: Leave, inbox: []imap.Flag{}},
		{name: "move", processed: "Klachten", disp: Move, moved: true},
		{name: "move without folder flags", processed: "", disp: Move, inbox: []imap.Flag{imap.FlagFlagged}},
		{name: "flag", processed: "Klachten", disp: Flag, inbox: []imap.Flag{imap.FlagFlagged}},
	}
	eachServer(t, func(t *testing.T, srv *testServer) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cfg := testConfig(srv)
				cfg.Mailbox = "Box" + string(rune('A'+i)) // a fresh mailbox per case
				srv.append(t, cfg.Mailbox, message("seed", 1))
				cfg.Processed = tt.processed
				cp := newCheckpoints()
				rec := &recorder{decide: func(*Fetched, int) (Disposition, error) { return tt.disp, nil }}
				startIntake(t, cfg, cp, rec.handle)
				eventually(t, 5*time.Second, "first checkpoint", func() bool {
					_, _, ok := cp.get(cfg.Mailbox)
					return ok
				})
				raw := message("m-"+srv.name+"-"+cfg.Mailbox, 3)
				uid := srv.append(t, cfg.Mailbox, raw)
				eventually(t, 5*time.Second, "checkpoint past the new message", func() bool {
					_, last, _ := cp.get(cfg.Mailbox)
					return last >= uid
				})
				got := rec.all()
				if len(got) != 1 {
					t.Fatalf("handler got %d messages, want 1 (the seed is old mail)", len(got))
				}
				want := Fetched{Mailbox: cfg.Mailbox, UIDValidity: got[0].UIDValidity, UID: uid, Raw: raw,
					Header: headerOf(raw), Size: int64(len(raw))}
				if diff := cmp.Diff(want, got[0], cmpopts.IgnoreFields(Fetched{}, "InternalDate")); diff != "" {
					t.Errorf("handler got (-want +got):\n%s", diff)
				}
				if got[0].UIDValidity == 0 || got[0].InternalDate.IsZero() {
					t.Errorf("UIDValidity %d, InternalDate %v: want both set", got[0].UIDValidity, got[0].InternalDate)
				}
				inbox := srv.list(t, cfg.Mailbox)
				if len(inbox) == 0 || !cmp.Equal(inbox[0].Flags, []imap.Flag{}) {
					t.Errorf("seed message flags = %v, want untouched", inbox)
				}
				var left []imap.Flag
				for _, m := range inbox[1:] {
					left = m.Flags
				}
				if diff := cmp.Diff(tt.inbox, left); diff != "" {
					t.Errorf("new message in %s: flags (-want +got):\n%s", cfg.Mailbox, diff)
				}
				if tt.processed == "" {
					return
				}
				moved := srv.list(t, tt.processed)
				found := false
				for _, m := range moved {
					found = found || string(m.Raw) == string(raw)
				}
				if found != tt.moved {
					t.Errorf("message in %s: %v, want %v", tt.processed, found, tt.moved)
				}
			})
		}
	})
}

func TestRestartDeliversNothingTwice(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cp := newCheckpoints()
		cfg := testConfig(srv)
		first := &recorder{}
		ctx, cancel := context.WithCancel(context.Background())
		in := New(cfg, cp, first.handle, nil)
		done := make(chan error, 1)
		go func() { done <- in.Run(ctx) }()
		started(t, cp)
		a := srv.append(t, "INBOX", message("a", 1))
		b := srv.append(t, "INBOX", message("b", 1))
		eventually(t, 5*time.Second, "two messages", func() bool { return len(first.uids()) == 2 })
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if diff := cmp.Diff([]uint32{a, b}, first.uids()); diff != "" {
			t.Fatalf("first intake (-want +got):\n%s", diff)
		}

		second := &recorder{}
		startIntake(t, cfg, cp, second.handle)
		c := srv.append(t, "INBOX", message("c", 1))
		eventually(t, 5*time.Second, "third message", func() bool { return len(second.uids()) >= 1 })
		time.Sleep(3 * cfg.PollInterval) // room for a wrong duplicate to show up
		if diff := cmp.Diff([]uint32{c}, second.uids()); diff != "" {
			t.Errorf("second intake (-want +got):\n%s", diff)
		}
	})
}

func TestFirstStart(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name     string
		backfill time.Time
		wantOld  bool
	}{
		{name: "no backfill skips old mail", wantOld: false},
		{name: "backfill since yesterday takes old mail", backfill: now.AddDate(0, 0, -1), wantOld: true},
		{name: "backfill since tomorrow takes none", backfill: now.AddDate(0, 0, 2), wantOld: false},
	}
	eachServer(t, func(t *testing.T, srv *testServer) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cfg := testConfig(srv)
				cfg.Mailbox = "First" + string(rune('A'+i))
				cfg.Backfill = tt.backfill
				old := srv.append(t, cfg.Mailbox, message("old", 1))
				cp := newCheckpoints()
				rec := &recorder{}
				startIntake(t, cfg, cp, rec.handle)
				eventually(t, 5*time.Second, "first checkpoint", func() bool {
					_, _, ok := cp.get(cfg.Mailbox)
					return ok
				})
				fresh := srv.append(t, cfg.Mailbox, message("new", 1))
				eventually(t, 5*time.Second, "new mail", func() bool {
					u := rec.uids()
					return len(u) > 0 && u[len(u)-1] == fresh
				})
				want := []uint32{fresh}
				if tt.wantOld {
					want = []uint32{old, fresh}
				}
				if diff := cmp.Diff(want, rec.uids()); diff != "" {
					t.Errorf("handled UIDs (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestTooLarge(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cfg := testConfig(srv)
		cfg.MaxSize = 1000
		cp := newCheckpoints()
		rec := &recorder{}
		startIntake(t, cfg, cp, rec.handle)
		started(t, cp)
		small, big := message("small", 2), message("big", 100)
		srv.append(t, "INBOX", small)
		uid := srv.append(t, "INBOX", big)
		eventually(t, 5*time.Second, "two messages", func() bool { return len(rec.uids()) == 2 })
		got := rec.all()
		if got[0].TooLarge || string(got[0].Raw) != string(small) {
			t.Errorf("small message: TooLarge %v, %d raw bytes; want whole", got[0].TooLarge, len(got[0].Raw))
		}
		want := Fetched{Mailbox: "INBOX", UIDValidity: got[1].UIDValidity, UID: uid, Raw: nil,
			Header: headerOf(big), Size: int64(len(big)), TooLarge: true, InternalDate: got[1].InternalDate}
		if diff := cmp.Diff(want, got[1]); diff != "" {
			t.Errorf("big message (-want +got):\n%s", diff)
		}
	})
}

func TestHandlerErrorRedelivers(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cfg := testConfig(srv)
		cp := newCheckpoints()
		failed := make(chan uint32, 1)
		var checkpointAtFailure uint32
		rec := &recorder{decide: func(f *Fetched, call int) (Disposition, error) {
			if call == 1 {
				_, checkpointAtFailure, _ = cp.get("INBOX")
				failed <- f.UID
				return Leave, errors.New("database is locked")
			}
			return Leave, nil
		}}
		in := startIntake(t, cfg, cp, rec.handle)
		started(t, cp)
		a := srv.append(t, "INBOX", message("a", 1))
		b := srv.append(t, "INBOX", message("b", 1))
		<-failed
		if checkpointAtFailure >= a {
			t.Errorf("checkpoint %d at failure, want below %d", checkpointAtFailure, a)
		}
		eventually(t, 10*time.Second, "redelivery", func() bool {
			_, last, _ := cp.get("INBOX")
			return last == b
		})
		if diff := cmp.Diff([]uint32{a, a, b}, rec.uids()); diff != "" {
			t.Errorf("handler calls (-want +got):\n%s", diff)
		}
		if st := in.Stats(); st.Handled != 2 || st.Fetched != 3 || st.Errors < 1 {
			t.Errorf("stats %+v, want Handled 2, Fetched 3, Errors >= 1", st)
		}
	})
}

// TestIdleDeliversLongBeforeThePoll: with a poll only every minute, new mail still arrives
// within seconds, so IDLE brought it. (The latency itself is a benchmark, not a timed test:
// BenchmarkArrivalToConfirmation.)
func TestIdleDeliversLongBeforeThePoll(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cfg := testConfig(srv)
		cfg.PollInterval = time.Minute // only IDLE can be this quick
		cp := newCheckpoints()
		rec := &recorder{}
		startIntake(t, cfg, cp, rec.handle)
		started(t, cp)
		time.Sleep(500 * time.Millisecond) // let the intake enter IDLE
		uid := srv.append(t, "INBOX", message("idle", 1))
		start := time.Now()
		eventually(t, 10*time.Second, "delivery via IDLE", func() bool { return len(rec.uids()) == 1 })
		t.Logf("delivered in %s", time.Since(start))
		if got := rec.uids(); got[0] != uid {
			t.Errorf("got uid %d, want %d", got[0], uid)
		}
	})
}

// TestSilentDeath: the connection stops carrying data without any FIN or
// RST. The health check's deadline must notice and reconnect.
func TestSilentDeath(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg := behindProxy(t, srv)
		cfg.PollInterval, cfg.Timeout = time.Second, time.Second
		cp := newCheckpoints()
		rec := &recorder{}
		in := startIntake(t, cfg, cp, rec.handle)
		started(t, cp)
		time.Sleep(100 * time.Millisecond)
		proxy.Blackhole()
		start := time.Now()
		uid := srv.append(t, "INBOX", message("after-blackhole", 1))
		limit := cfg.PollInterval + cfg.Timeout + 3*time.Second
		eventually(t, limit, "delivery after silent death", func() bool { return len(rec.uids()) == 1 })
		t.Logf("delivered %s after the blackhole", time.Since(start))
		if got := rec.uids(); got[0] != uid {
			t.Errorf("got uid %d, want %d", got[0], uid)
		}
		if st := in.Stats(); st.Reconnects < 1 {
			t.Errorf("Reconnects = %d, want >= 1", st.Reconnects)
		}
	})
}

func TestCheck(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		srv.append(t, "INBOX", message("one", 1))
		srv.append(t, "Klachten", message("two", 1))
		cfg := testConfig(srv)
		for _, tt := range []struct {
			processed string
			exists    bool
		}{{"Klachten", true}, {"Nergens", false}, {"", false}} {
			cfg.Processed = tt.processed
			caps, err := Check(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if !caps.IDLE || !caps.MOVE || !caps.UIDPLUS || caps.Messages != 1 || caps.UIDValidity == 0 ||
				caps.ProcessedExists != tt.exists {
				t.Errorf("Check with processed %q = %+v", tt.processed, caps)
			}
		}
	})
}

// TestServerDropsConnection: a cut connection is noticed at once and the
// intake reconnects; mail keeps arriving.
func TestServerDropsConnection(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg := behindProxy(t, srv)
		cp := newCheckpoints()
		rec := &recorder{}
		in := startIntake(t, cfg, cp, rec.handle)
		started(t, cp)
		for i, id := range []string{"before", "after"} {
			uid := srv.append(t, "INBOX", message(id+"-drop", 1))
			eventually(t, 5*time.Second, id+" the drop", func() bool { return len(rec.uids()) == i+1 })
			if got := rec.uids()[i]; got != uid {
				t.Errorf("message %s: uid %d, want %d", id, got, uid)
			}
			proxy.CloseAll()
		}
		if st := in.Stats(); st.Reconnects < 1 || st.LastPoll.IsZero() {
			t.Errorf("stats %+v, want Reconnects >= 1 and LastPoll set", st)
		}
	})
}
