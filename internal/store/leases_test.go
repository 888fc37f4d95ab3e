package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestReleaseLeases: at start-up the leases of a dead process are released, so that mail
// interrupted mid-send goes out at once instead of after its lease: a row claimed and never
// finished. Not released: a row that failed with a reason (it waits for its backoff), and a
// row claimed maxClaims times already (it killed the process each time: it must not spin).
func TestReleaseLeases(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	queue := func(n int, date time.Time) int64 {
		var id int64
		err := s.InTx(ctx, func(tx *Tx) error {
			var err error
			id, err = tx.QueueMail(OutMail{Template: "bevestiging", Audience: "complainant", From: mailparse.Address{Email: "info@x.nl"},
				To: []mailparse.Address{{Email: "a@x.nl"}}, Subject: "s", Text: "t", HTML: "h", MessageID: fmt.Sprintf("lease-%d@x.nl", n),
				Date: date, AutoSubmitted: "auto-generated"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	const lease = time.Hour
	claim := func(at time.Time, want int64) {
		t.Helper()
		m, err := s.Claim(ctx, at, lease)
		if err != nil || m == nil || m.ID != want {
			t.Fatalf("claim at %s: %+v, %v; want row %d", at, m, err, want)
		}
	}
	poison := queue(1, t0)
	at := t0
	for range 5 {
		claim(at, poison)
		at = at.Add(lease + time.Second)
	}
	at = at.Add(-lease) // the poison row's fifth lease still runs
	interrupted, deferred := queue(2, at), queue(3, at)
	claim(at, interrupted)
	claim(at, deferred)
	if err := s.Retry(ctx, deferred, at.Add(30*time.Minute), "451 later"); err != nil {
		t.Fatal(err)
	}
	restart := at.Add(time.Minute)
	n, err := s.ReleaseLeases(ctx, restart, 5)
	if err != nil || n != 1 {
		t.Fatalf("ReleaseLeases released %d rows (err %v), want 1: only the interrupted one", n, err)
	}
	if m, _ := s.Claim(ctx, restart, lease); m == nil || m.ID != interrupted {
		t.Errorf("after the release: claimed %+v, want the interrupted row %d at once", m, interrupted)
	}
	if m, _ := s.Claim(ctx, restart, lease); m != nil {
		t.Errorf("after the release: claimed row %d too, want only the interrupted one", m.ID)
	}
}
