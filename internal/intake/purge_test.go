package intake

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// memPurges is a purge queue in memory that records what was marked done.
type memPurges struct {
	mu      sync.Mutex
	pending []Purge
	done    map[int64]int
}

func (m *memPurges) Pending(_ context.Context, limit int) ([]Purge, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Purge
	for i := range m.pending {
		if _, ok := m.done[m.pending[i].ID]; ok || len(out) == limit {
			continue
		}
		m.pending[i].Attempts++
		out = append(out, m.pending[i])
	}
	return out, nil
}

func (m *memPurges) Done(_ context.Context, id int64, found int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[id] = found
	return nil
}

func (m *memPurges) doneSnapshot() map[int64]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64]int{}
	for k, v := range m.done {
		out[k] = v
	}
	return out
}

// withMessageID is a message whose Message-ID header line is exactly value.
func withMessageID(name, value string) []byte {
	return fmt.Appendf(nil, "From: Klager <klager@example.org>\r\nTo: info@example.nl\r\nSubject: %s\r\n"+
		"Message-ID: %s\r\nDate: Thu, 26 Nov 2026 10:00:00 +0100\r\n\r\nBericht %s.\r\n", name, value, name)
}

// TestPurgeDeletesExactlyTheMailboxCopies: after a poll cycle the copies of a
// purged mail are gone from the processed folder and the main mailbox, and
// every other message — including ones whose Message-ID merely contains the
// purged id, or differs from it in case only — keeps its bytes and flags.
func TestPurgeDeletesExactlyTheMailboxCopies(t *testing.T) {
	const id = "purge-me@example.org"
	tests := []struct {
		name      string
		processed bool // processed folder configured; else it is a folder the intake must not touch
		wantFound int  // copies deleted
	}{
		{name: "moved to processed", processed: true, wantFound: 2},
		{name: "flagged in the mailbox", processed: false, wantFound: 1},
	}
	eachServer(t, func(t *testing.T, srv *testServer) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cfg := testConfig(srv)
				cfg.Mailbox = fmt.Sprintf("Purge%c", 'A'+i)
				folder := "Klachten" + cfg.Mailbox
				if tt.processed {
					cfg.Processed = folder
				}
				keep := map[string][]byte{
					"keep-1":   withMessageID("keep-1", "<keep-1@example.org>"),
					"keep-2":   withMessageID("keep-2", "<keep-2@example.org>"),
					"contains": withMessageID("contains", "<"+id+"> (kopie)"),
					"case":     withMessageID("case", "<PURGE-ME@example.org>"),
					"nested":   withMessageID("nested", "<re-<"+id+">>"),
				}
				purged := withMessageID("purged", "<"+id+">")
				c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
				for _, name := range []string{"keep-1", "purged", "contains", "keep-2", "case"} {
					raw := keep[name]
					if name == "purged" {
						raw = purged
					}
					mailtest.AppendTo(t, c, folder, raw)
				}
				mailtest.AppendTo(t, c, cfg.Mailbox, keep["nested"])
				mailtest.AppendTo(t, c, cfg.Mailbox, purged)
				mailtest.AppendTo(t, c, cfg.Mailbox, keep["keep-1"])
				setFlags(t, c, folder, imap.FlagSeen, imap.FlagFlagged)
				setFlags(t, c, cfg.Mailbox, imap.FlagFlagged)
				before := map[string][]mailtest.MailboxMessage{
					folder: srv.list(t, folder), cfg.Mailbox: srv.list(t, cfg.Mailbox),
				}

				q := &memPurges{done: map[int64]int{}, pending: []Purge{
					{ID: 1, MessageID: id},
					{ID: 2, MessageID: "absent@example.org"},
					{ID: 3, MessageID: "not an id"},
				}}
				cp := newCheckpoints()
				rec := &recorder{}
				in := New(cfg, cp, rec.handle, nil)
				in.SetPurges(q)
				runIntake(t, in)
				eventually(t, 10*time.Second, "all purges done", func() bool { return len(q.doneSnapshot()) == 3 })

				if diff := cmp.Diff(map[int64]int{1: tt.wantFound, 2: 0, 3: 0}, q.doneSnapshot()); diff != "" {
					t.Errorf("purges done with found (-want +got):\n%s", diff)
				}
				for box, msgs := range before {
					var want []mailtest.MailboxMessage
					for _, m := range msgs {
						gone := string(m.Raw) == string(purged) && (box == cfg.Mailbox || tt.processed)
						if !gone {
							want = append(want, m)
						}
					}
					if diff := cmp.Diff(want, srv.list(t, box)); diff != "" {
						t.Errorf("%s after the purge (-want +got):\n%s", box, diff)
					}
				}
				if got := rec.all(); len(got) != 0 {
					t.Errorf("handler got %d messages, want 0 (all mail is old)", len(got))
				}
				// The intake still works on its mailbox after visiting the processed folder.
				uid := srv.append(t, cfg.Mailbox, message("after-"+srv.name+cfg.Mailbox, 1))
				eventually(t, 5*time.Second, "mail after the purge", func() bool { return slices.Contains(rec.uids(), uid) })
			})
		}
	})
}

// setFlags adds flags to every message in mailbox.
func setFlags(t *testing.T, c *imapclient.Client, mailbox string, flags ...imap.Flag) {
	t.Helper()
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	err := c.Store(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
	if err != nil {
		t.Fatalf("flag %s: %v", mailbox, err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatalf("unselect %s: %v", mailbox, err)
	}
}

func TestExactMessageID(t *testing.T) {
	const want = "<a.b@example.org>"
	tests := []struct {
		header string
		match  bool
	}{
		{"Message-ID: <a.b@example.org>\r\n\r\n", true},
		{"message-id:<a.b@example.org>  \r\n\r\n", true},
		{"Message-Id:\r\n <a.b@example.org>\r\n\r\n", true},
		{"Message-ID: <a.b@example.org>\n\n", true},
		{"Message-ID: <A.B@example.org>\r\n\r\n", false},
		{"Message-ID: <a.b@example.org> (copy)\r\n\r\n", false},
		{"Message-ID: <x<a.b@example.org>>\r\n\r\n", false},
		{"Message-ID: <a.b@example.org.evil>\r\n\r\n", false},
		{"Message-ID: a.b@example.org\r\n\r\n", false},
		{"Message-ID: <a.b@example.org>\r\nMessage-ID: <other@example.org>\r\n\r\n", false},
		{"Message-ID: <a.b@example.org>\r\n <tail@example.org>\r\n\r\n", false},
		{"X-Message-ID: <a.b@example.org>\r\n\r\n", false},
		{"\r\n", false},
		{"", false},
		{" <a.b@example.org>\r\n\r\n", false},
	}
	for _, tt := range tests {
		if got := exactMessageID([]byte(tt.header), want); got != tt.match {
			t.Errorf("exactMessageID(%q) = %v, want %v", tt.header, got, tt.match)
		}
	}
}

func TestValidMessageID(t *testing.T) {
	tests := map[string]bool{
		"a@example.org":        true,
		"CAF=x+y_z@mail.gmail": true,
		"":                     false,
		"a b@example.org":      false,
		"a@example.org\r\nX:":  false,
		"<a@example.org>":      false,
		"a\x00@example.org":    false,
	}
	for id, want := range tests {
		if got := validMessageID(id); got != want {
			t.Errorf("validMessageID(%q) = %v, want %v", id, got, want)
		}
	}
}
