package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestPurgeQueuesMailboxCopies: purging a case queues the Message-IDs of its incoming mail
// (stored messages and mail the intake moved for it), not its outgoing mail, mail it left alone,
// or another case's mail; done rows leave the queue and forget their id.
func TestPurgeQueuesMailboxCopies(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	purged := complaint.Case{ID: "KL-2024-0001", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	other := complaint.Case{ID: "KL-2024-0002", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	err := s.InTx(ctx, func(tx *Tx) error {
		for _, c := range []complaint.Case{purged, other} {
			if err := tx.InsertCase(c, "", t0); err != nil {
				return err
			}
		}
		msgs := []Message{
			{CaseID: purged.ID, Direction: "in", Kind: "complaint", MessageID: "complaint@example.org"},
			{CaseID: purged.ID, Direction: "in", Kind: "reply-complainant", MessageID: "reply@example.org"},
			{CaseID: purged.ID, Direction: "in", Kind: "reply-staff", MessageID: ""},
			{CaseID: purged.ID, Direction: "out", Kind: "bevestiging", MessageID: "ours@klachtd.example.nl"},
			{CaseID: other.ID, Direction: "in", Kind: "complaint", MessageID: "other@example.org"},
		}
		for _, m := range msgs {
			m.At = t0
			if _, err := tx.InsertMessage(m); err != nil {
				return err
			}
		}
		ins := []Incoming{
			{UID: 1, MessageID: "complaint@example.org", Disposition: 1, CaseID: purged.ID},
			{UID: 2, MessageID: "bounce@mailer.example.org", Disposition: 1, CaseID: purged.ID},
			{UID: 3, MessageID: "left-alone@example.org", Disposition: 0, CaseID: purged.ID},
			{UID: 4, MessageID: "other@example.org", Disposition: 1, CaseID: other.ID},
		}
		for _, in := range ins {
			in.Mailbox, in.UIDValidity, in.Hash, in.Kind, in.At = "INBOX", 7, "h", "k", t0
			in.Hash = in.MessageID
			if err := tx.RecordIncoming(in); err != nil {
				return err
			}
		}
		return tx.PurgeCase(purged.ID)
	})
	if err != nil {
		t.Fatal(err)
	}

	pending, err := s.PendingMailboxPurges(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pending {
		ids = append(ids, p.MessageID)
		if p.Attempts != 1 {
			t.Errorf("%s: attempts %d, want 1", p.MessageID, p.Attempts)
		}
	}
	want := []string{"bounce@mailer.example.org", "complaint@example.org", "reply@example.org"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("queued Message-IDs (-want +got):\n%s", diff)
	}
	var incoming int
	if err := s.db.QueryRow(`SELECT count(*) FROM incoming WHERE case_id = ?`, purged.ID).Scan(&incoming); err != nil {
		t.Fatal(err)
	}
	if incoming != 0 {
		t.Errorf("%d incoming rows of the purged case remain, want 0", incoming)
	}

	// The first is done; the other two were tried once more and come after fresh ones.
	if err := s.MailboxPurgeDone(ctx, pending[0].ID, 2, t0); err != nil {
		t.Fatal(err)
	}
	again, err := s.PendingMailboxPurges(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].MessageID != "complaint@example.org" || again[0].Attempts != 2 {
		t.Errorf("second round: %+v, want complaint@example.org at attempt 2", again)
	}
	var msgID string
	var found int
	if err := s.db.QueryRow(`SELECT message_id, found FROM mailbox_purge WHERE id = ?`, pending[0].ID).Scan(&msgID, &found); err != nil {
		t.Fatal(err)
	}
	if msgID != "" || found != 2 {
		t.Errorf("done row: message_id %q found %d, want \"\" and 2", msgID, found)
	}
	// Marking done twice changes nothing.
	if err := s.MailboxPurgeDone(ctx, pending[0].ID, 9, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT found FROM mailbox_purge WHERE id = ?`, pending[0].ID).Scan(&found); err != nil || found != 2 {
		t.Errorf("found after a second done: %d (%v), want 2", found, err)
	}
	for range 2 {
		if _, err := s.PendingMailboxPurges(ctx, 10); err != nil {
			t.Fatal(err)
		}
	}
	rest, err := s.PendingMailboxPurges(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 2 || rest[0].MessageID != "reply@example.org" {
		t.Errorf("least tried first: got %+v, want reply@example.org (tried 3 times) before complaint@example.org (4)", rest)
	}
}
