package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestReceivedSubjects: the subjects a case received that may hold a tag, with their sender
// and whether it was verified, oldest first; not what it sent, not another case's.
func TestReceivedSubjects(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	a := complaint.Case{ID: "KL-2026-0001", Status: complaint.StatusBevestigd, ReceivedAt: t0, DueAt: t0}
	b := complaint.Case{ID: "KL-2026-0002", Status: complaint.StatusBevestigd, ReceivedAt: t0, DueAt: t0}
	msgs := []Message{
		{CaseID: a.ID, Direction: "in", At: t0.Add(2 * time.Minute), Kind: "reply-complainant", From: "jan@example.nl", Verified: true, Subject: "Re: [KL-2026-0001] [gegrond]"},
		{CaseID: a.ID, Direction: "in", At: t0, Kind: "complaint", From: "jan@example.nl", Verified: true, Subject: "Klacht over de training"},
		{CaseID: a.ID, Direction: "in", At: t0.Add(time.Minute), Kind: "reply-unverified", From: "milou@intervisie-begeleiding.nl", Subject: "[KL-2026-0001] [afgehandeld]"},
		{CaseID: a.ID, Direction: "out", At: t0, Kind: "bevestiging", From: "info@intervisie-begeleiding.nl", Verified: true, Subject: "[KL-2026-0001] Bevestiging"},
		{CaseID: b.ID, Direction: "in", At: t0, Kind: "complaint", From: "piet@example.nl", Verified: true, Subject: "[ongegrond]"},
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		for _, c := range []complaint.Case{a, b} {
			if err := tx.InsertCase(c, "root-"+c.ID, t0); err != nil {
				return err
			}
		}
		for _, m := range msgs {
			if _, err := tx.InsertMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []ReceivedSubject
	err = s.InTx(ctx, func(tx *Tx) error {
		var err error
		got, err = tx.ReceivedSubjects(a.ID)
		return err
	})
	want := []ReceivedSubject{
		{From: "milou@intervisie-begeleiding.nl", Verified: false, Subject: "[KL-2026-0001] [afgehandeld]"},
		{From: "jan@example.nl", Verified: true, Subject: "Re: [KL-2026-0001] [gegrond]"},
	}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ReceivedSubjects = %+v, %v; want %+v", got, err, want)
	}
}
