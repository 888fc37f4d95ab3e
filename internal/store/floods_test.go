package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestFloods: a flood is on from StartFlood until EndFlood, which succeeds once; the cases it
// holds are listed in the order they were registered, each once; a purged case leaves the
// list; after the end a new flood starts afresh. The state lives in the database: a store
// opened again sees the same.
func TestFloods(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	ids := []string{"KL-2026-0001", "KL-2026-0002", "KL-2026-0003"}
	var flood Flood
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, on, err := tx.OpenFlood(); err != nil || on {
			t.Errorf("a new database has a flood on (%v)", err)
		}
		var err error
		if flood, err = tx.StartFlood(t0); err != nil {
			return err
		}
		for i, id := range ids {
			c := complaint.Case{ID: id, Status: complaint.StatusNieuw, ReceivedAt: t0, DueAt: t0}
			if err := tx.InsertCase(c, "", t0); err != nil {
				return err
			}
			// Out of id order, and one held twice.
			at := t0.Add(time.Duration(len(ids)-i) * time.Second)
			if err := tx.HoldForFlood(flood.ID, id, at); err != nil {
				return err
			}
			if err := tx.HoldForFlood(flood.ID, id, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.InTx(ctx, func(tx *Tx) error {
		f, on, err := tx.OpenFlood()
		if err != nil || !on || f.ID != flood.ID || !f.Started.Equal(t0) {
			t.Errorf("after reopening: flood %+v on %v (%v), want %+v", f, on, err, flood)
		}
		got, err := tx.FloodCases(flood.ID)
		if err != nil {
			return err
		}
		if want := ids[2] + "," + ids[1] + "," + ids[0]; strings.Join(got, ",") != want {
			t.Errorf("flood cases %v, want %s", got, want)
		}
		if err := tx.PurgeCase(ids[1]); err != nil {
			return err
		}
		if got, _ := tx.FloodCases(flood.ID); strings.Join(got, ",") != ids[2]+","+ids[0] {
			t.Errorf("after purging %s: flood cases %v", ids[1], got)
		}
		if ended, err := tx.EndFlood(flood.ID, t0.Add(time.Hour)); err != nil || !ended {
			t.Errorf("EndFlood = %v (%v), want true", ended, err)
		}
		if ended, err := tx.EndFlood(flood.ID, t0.Add(2*time.Hour)); err != nil || ended {
			t.Errorf("EndFlood a second time = %v (%v), want false", ended, err)
		}
		if _, on, _ := tx.OpenFlood(); on {
			t.Error("a flood is still on after its end")
		}
		next, err := tx.StartFlood(t0.Add(3 * time.Hour))
		if err != nil {
			return err
		}
		if f, on, _ := tx.OpenFlood(); !on || f.ID != next.ID || next.ID == flood.ID {
			t.Errorf("the next flood: %+v on %v, want a new one %+v", f, on, next)
		}
		if got, _ := tx.FloodCases(next.ID); len(got) != 0 {
			t.Errorf("the next flood holds %v already", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
