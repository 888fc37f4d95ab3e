package store

import (
	"context"
	"testing"
	"time"
)

// TestSeenIncomingByHash: a message handled before is recognised by its IMAP identity, and
// under another identity (a new UID, a new UIDVALIDITY, another mailbox) by the hash of its
// bytes or by its content key (the same mail with other trace fields); a different message
// under a new identity is not, and an empty content key matches nothing.
func TestSeenIncomingByHash(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	first := Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: 7, MessageID: "a@example.nl", Hash: "h-complaint", Content: "c-complaint",
		Disposition: 2, Kind: "complaint", At: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	if err := st.InTx(ctx, func(tx *Tx) error { return tx.RecordIncoming(first) }); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		mailbox  string
		validity uint32
		uid      uint32
		hash     string
		content  string
		want     bool
	}{
		{"same identity", "INBOX", 1, 7, "h-other", "", true},
		{"new UID, same bytes", "INBOX", 1, 8, "h-complaint", "", true},
		{"new UIDVALIDITY, same bytes", "INBOX", 2, 1, "h-complaint", "", true},
		{"another mailbox, same bytes", "Archief", 5, 7, "h-complaint", "", true},
		{"new UID, other trace fields, same content", "INBOX", 1, 10, "h-retraced", "c-complaint", true},
		{"new UID, other bytes", "INBOX", 1, 9, "h-other", "c-other", false},
		{"new UIDVALIDITY, other bytes", "INBOX", 2, 7, "h-other", "", false},
	} {
		var got Incoming
		var seen bool
		if err := st.InTx(ctx, func(tx *Tx) (err error) {
			got, seen, err = tx.SeenIncoming(tt.mailbox, tt.validity, tt.uid, tt.hash, tt.content)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if seen != tt.want {
			t.Errorf("%s: seen %v, want %v", tt.name, seen, tt.want)
		}
		if seen && (got.Kind != "complaint" || got.Disposition != 2 || got.UID != 7) {
			t.Errorf("%s: %+v, want the first handling (complaint, disposition 2, uid 7)", tt.name, got)
		}
	}
}

// TestSeenIncomingUsesIndexes: the look-up run for every message searches indexes (the
// primary key, the hash, the content key), never scans the incoming table of two years.
func TestSeenIncomingUsesIndexes(t *testing.T) {
	searchesOnly(t, open(t), seenIncomingQuery, "INBOX", 1, 7, "h", "c", "INBOX", 1, 7, "h")
}
