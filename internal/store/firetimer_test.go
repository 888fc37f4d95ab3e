package store

import (
	"context"
	"testing"
	"time"
)

// TestFireTimerClaimsOnce: FireTimer is the claim that makes a timer fire exactly once. Two
// runs that both listed the timer as due (a wake-up and the minute tick, or the daemon and a
// command) each try to fire it; only the first may, and a timer fired before says false
// however it is asked, until it is postponed (put back as pending).
func TestFireTimerClaimsOnce(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	tm := Timer{CaseID: "", Kind: "digest", At: t0}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.EnsureTimer(tm) }); err != nil {
		t.Fatal(err)
	}
	var listedA, listedB []Timer
	for _, l := range []*[]Timer{&listedA, &listedB} {
		if err := s.InTx(ctx, func(tx *Tx) (err error) { *l, err = tx.DueTimers(t0.Add(time.Minute), 10); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if len(listedA) != 1 || len(listedB) != 1 {
		t.Fatalf("due lists %v and %v, want the timer in both", listedA, listedB)
	}
	var results []bool
	for _, due := range [][]Timer{listedA, listedB, {tm}} {
		if err := s.InTx(ctx, func(tx *Tx) error {
			ok, err := tx.FireTimer(due[0], t0.Add(time.Minute))
			results = append(results, ok)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if results[0] != true || results[1] != false || results[2] != false {
		t.Errorf("FireTimer by the first run, the second, and once more = %v, want [true false false]", results)
	}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.PostponeTimer(tm, t0.Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *Tx) error {
		ok, err := tx.FireTimer(tm, t0.Add(time.Hour))
		if err == nil && !ok {
			t.Errorf("FireTimer after PostponeTimer = false, want the postponed timer to fire again")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
