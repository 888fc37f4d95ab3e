package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// rawOfSize is a recognisable message of n bytes: every 16-byte line names its offset, so a
// chunk out of place or missing changes the bytes.
func rawOfSize(n int) []byte {
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, "%014x\r\n", b.Len())
	}
	return b.Bytes()[:n]
}

func TestRawArchiveCopyRoundTrip(t *testing.T) {
	tests := []struct {
		name       string
		size       int
		wantInline bool
		wantChunks int
	}{
		{name: "none stays NULL", size: 0},
		{name: "small message unchanged", size: 2000, wantInline: true},
		{name: "exactly one chunk stays inline", size: chunkSize, wantInline: true},
		{name: "one byte over", size: chunkSize + 1, wantChunks: 2},
		{name: "3 MB", size: 3 << 20, wantChunks: 12},
		{name: "3 MB and a bit", size: 3<<20 + 777, wantChunks: 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			c := complaint.Case{ID: "KL-2026-0001", Status: complaint.StatusNieuw, ReceivedAt: t0, DueAt: t0}
			raw := rawOfSize(tt.size)
			var id int64
			err := s.InTx(ctx, func(tx *Tx) error {
				if err := tx.InsertCase(c, "", t0); err != nil {
					return err
				}
				var err error
				id, err = tx.InsertMessage(Message{CaseID: c.ID, Direction: "in", At: t0, Kind: "complaint", Raw: raw})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var inline, chunks, biggest int
			if err := s.db.QueryRow(`SELECT raw IS NOT NULL FROM messages WHERE id = ?`, id).Scan(&inline); err != nil {
				t.Fatal(err)
			}
			if err := s.db.QueryRow(`SELECT count(*), coalesce(max(length(data)), 0) FROM message_chunks WHERE message_id = ?`, id).Scan(&chunks, &biggest); err != nil {
				t.Fatal(err)
			}
			if (inline == 1) != tt.wantInline || chunks != tt.wantChunks || biggest > chunkSize {
				t.Errorf("inline %v, %d chunks of at most %d bytes; want inline %v, %d chunks of at most %d",
					inline == 1, chunks, biggest, tt.wantInline, tt.wantChunks, chunkSize)
			}
			msgs, err := s.Messages(ctx, c.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 || !bytes.Equal(msgs[0].Raw, raw) {
				t.Fatalf("raw read back differs: %d messages, first %d bytes; want %d bytes", len(msgs), rawLen(msgs), len(raw))
			}
			msgs, err = s.Messages(ctx, c.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 || msgs[0].Raw != nil {
				t.Errorf("without raw: %d messages, first %d bytes; want 1 without raw", len(msgs), rawLen(msgs))
			}
		})
	}
}

func rawLen(msgs []Message) int {
	if len(msgs) == 0 {
		return -1
	}
	return len(msgs[0].Raw)
}

func TestPurgeRemovesChunks(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	keep := complaint.Case{ID: "KL-2026-0001", Status: complaint.StatusNieuw, ReceivedAt: t0, DueAt: t0}
	gone := complaint.Case{ID: "KL-2024-0001", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	big := rawOfSize(1 << 20)
	err := s.InTx(ctx, func(tx *Tx) error {
		for _, c := range []complaint.Case{keep, gone} {
			if err := tx.InsertCase(c, "", t0); err != nil {
				return err
			}
			if _, err := tx.InsertMessage(Message{CaseID: c.ID, Direction: "in", At: t0, Kind: "complaint", Raw: big}); err != nil {
				return err
			}
		}
		return tx.PurgeCase(gone.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	var orphans, kept int
	if err := s.db.QueryRow(`SELECT count(*) FROM message_chunks WHERE message_id NOT IN (SELECT id FROM messages)`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM message_chunks`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 || kept != 4 {
		t.Errorf("after purge: %d chunks of purged messages, %d in all; want 0 and the other case's 4", orphans, kept)
	}
	msgs, err := s.Messages(ctx, keep.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !bytes.Equal(msgs[0].Raw, big) {
		t.Errorf("the other case's message: %d messages, first %d bytes; want its %d bytes", len(msgs), rawLen(msgs), len(big))
	}
}
