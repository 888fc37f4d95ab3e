package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestCommandKeys: an applied key is found with its case whatever other keys are asked with,
// keeps its first case, and outlives a purge without naming the case.
func TestCommandKeys(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	a := complaint.Case{ID: "KL-2024-0001", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	b := complaint.Case{ID: "KL-2024-0002", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	type answer struct {
		Case    string
		Applied bool
	}
	ask := func(keys ...string) answer {
		t.Helper()
		var got answer
		if err := s.InTx(ctx, func(tx *Tx) error {
			var err error
			got.Case, got.Applied, err = tx.AppliedCommand(keys...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		for _, c := range []complaint.Case{a, b} {
			if err := tx.InsertCase(c, "", t0); err != nil {
				return err
			}
		}
		if err := tx.AddCommandKeys(a.ID, t0, "dkim:1", "", "content:1"); err != nil {
			return err
		}
		if err := tx.AddCommandKeys(b.ID, t0, "content:2", "dkim:1"); err != nil { // dkim:1 stays a's
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		keys []string
		want answer
	}{
		{name: "first key applied", keys: []string{"dkim:1"}, want: answer{a.ID, true}},
		{name: "second key applied", keys: []string{"dkim:new", "content:2"}, want: answer{b.ID, true}},
		{name: "none applied", keys: []string{"dkim:2", "content:3"}},
		{name: "empty keys are never applied", keys: []string{"", ""}},
		{name: "no keys", keys: nil},
	}
	for _, tt := range tests {
		if got := ask(tt.keys...); got != tt.want {
			t.Errorf("%s: %s", tt.name, cmp.Diff(tt.want, got))
		}
	}

	if err := s.InTx(ctx, func(tx *Tx) error { return tx.PurgeCase(a.ID) }); err != nil {
		t.Fatal(err)
	}
	if got, want := ask("content:1"), (answer{"", true}); got != want {
		t.Errorf("after purge: %s", cmp.Diff(want, got))
	}
	if got, want := ask("content:2"), (answer{b.ID, true}); got != want {
		t.Errorf("other case after purge: %s", cmp.Diff(want, got))
	}
}
