package store

import (
	"context"
	"strings"
	"testing"
)

// TestCaseNumbersPerYear: each year has its own sequence: the first case of a new year is
// -0001, and the old year's sequence goes on where it stopped (a late registration).
func TestCaseNumbersPerYear(t *testing.T) {
	s := open(t)
	var got []string
	for _, year := range []int{2026, 2026, 2026, 2027, 2027, 2026, 2028} {
		err := s.InTx(context.Background(), func(tx *Tx) error {
			id, err := tx.NextCaseID(year)
			got = append(got, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	want := "KL-2026-0001 KL-2026-0002 KL-2026-0003 KL-2027-0001 KL-2027-0002 KL-2026-0004 KL-2028-0001"
	if strings.Join(got, " ") != want {
		t.Errorf("case numbers %v, want %s", got, want)
	}
}
