package intake

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// dedupe is a handler that, like the real one, recognises a message it has
// seen before by its Message-ID.
type dedupe struct {
	mu    sync.Mutex
	seen  map[string]bool
	fresh []string // message ids in the order first seen
	calls int
}

func (d *dedupe) handle(_ context.Context, f *Fetched) (Disposition, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	msg, err := mail.ReadMessage(bytes.NewReader(append(f.Header, '\n')))
	if err != nil {
		return Leave, fmt.Errorf("parse header of uid %d: %w", f.UID, err)
	}
	id := msg.Header.Get("Message-ID")
	if !d.seen[id] {
		d.seen[id] = true
		d.fresh = append(d.fresh, id)
	}
	return Leave, nil
}

func (d *dedupe) snapshot() ([]string, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.fresh...), d.calls
}

// TestUIDValidityChange: after the server renumbers the mailbox, every
// message reaches the handler at most once as new, and mail arriving after
// the change still arrives — whether the intake kept running (it remembers
// when its checkpoint was last confirmed) or was restarted (it looks back 14
// days).
func TestUIDValidityChange(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run("restart="+strconv.FormatBool(restart), func(t *testing.T) {
			srv := dovecotServer(t)
			cfg := testConfig(srv)
			cp := newCheckpoints()
			h := &dedupe{seen: map[string]bool{}}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- New(cfg, cp, h.handle, nil).Run(ctx) }()
			started(t, cp)
			srv.append(t, "INBOX", message("a", 1))
			srv.append(t, "INBOX", message("b", 1))
			eventually(t, 5*time.Second, "a and b", func() bool { f, _ := h.snapshot(); return len(f) == 2 })
			oldValidity, _, _ := cp.get("INBOX")
			if restart {
				cancel()
				<-done
			}

			srv.dovecot.ResetUIDValidity(t, "INBOX")
			if restart {
				startIntake(t, cfg, cp, h.handle)
			}
			c := srv.append(t, "INBOX", message("c", 1))
			eventually(t, 10*time.Second, "c after the reset", func() bool { f, _ := h.snapshot(); return len(f) == 3 })
			time.Sleep(3 * cfg.PollInterval)

			fresh, calls := h.snapshot()
			want := []string{"<a@example.org>", "<b@example.org>", "<c@example.org>"}
			if diff := cmp.Diff(want, fresh); diff != "" {
				t.Errorf("new message ids (-want +got):\n%s", diff)
			}
			t.Logf("handler calls: %d (a and b handed over again after the reset, deduped)", calls)
			if calls > 5 {
				t.Errorf("handler called %d times, want at most 5", calls)
			}
			eventually(t, 5*time.Second, "checkpoint under the new uidvalidity", func() bool {
				v, last, _ := cp.get("INBOX")
				return v != oldValidity && last == c
			})
			if !restart {
				cancel()
				<-done
			}
		})
	}
}

// BenchmarkPollNothingNew measures a poll that finds nothing new: one UID
// SEARCH, whatever the size of the mailbox.
func BenchmarkPollNothingNew(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			d := mailtest.StartDovecot(b)
			raws := make([][]byte, n)
			for i := range raws {
				raws[i] = message("bulk-"+strconv.Itoa(i), 5)
			}
			d.Seed(b, "INBOX", raws)
			calls := 0
			cfg := Config{Host: d.Host, Port: d.Port, TLS: "none", Username: d.User, Password: d.Password,
				Mailbox: "INBOX", Timeout: 5 * time.Second}
			in := New(cfg, newCheckpoints(), func(context.Context, *Fetched) (Disposition, error) {
				calls++
				return Leave, nil
			}, nil)
			ctx := context.Background()
			s, err := connect(ctx, in.cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.close()
			if err := in.open(ctx, s); err != nil {
				b.Fatal(err)
			}
			if in.state.lastUID != uint32(n) {
				b.Fatalf("checkpoint %d after first start, want %d", in.state.lastUID, n)
			}
			for b.Loop() {
				if err := in.poll(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
			if calls != 0 {
				b.Fatalf("handler called %d times, want 0", calls)
			}
		})
	}
}
