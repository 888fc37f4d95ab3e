package intake

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
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
