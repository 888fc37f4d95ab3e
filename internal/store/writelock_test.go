package store

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestSentRecordGoesFirst: while a write is under way and another writer waits in line, the
// record of a mail the server accepted waits for the write under way only, not for the other
// writer too (writeLock). Until that record commits, a crash would send the mail again. Both
// of the outbox's records of a sent mail are checked: Sent, and SentAndClaim in a burst.
func TestSentRecordGoesFirst(t *testing.T) {
	for _, name := range []string{"Sent", "SentAndClaim"} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			var id int64
			err := s.InTx(ctx, func(tx *Tx) error {
				var err error
				id, err = tx.QueueMail(OutMail{Template: "bevestiging", Audience: "complainant", From: mailparse.Address{Email: "info@x.nl"},
					To: []mailparse.Address{{Email: "a@x.nl"}}, Subject: "s", Text: "t", HTML: "h", MessageID: "first@x.nl",
					Date: time.Now(), AutoSubmitted: "auto-replied"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			var mu sync.Mutex
			var order []string
			note := func(who string) {
				mu.Lock()
				defer mu.Unlock()
				order = append(order, who)
			}
			release := make(chan struct{})
			under := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(3)
			go func() { // the write under way, a complaint's registration say
				defer wg.Done()
				_ = s.InTx(ctx, func(tx *Tx) error {
					close(under)
					<-release
					note("under way")
					return nil
				})
			}()
			<-under
			go func() { // another writer, already in line: the timer loop, say
				defer wg.Done()
				_ = s.InTx(ctx, func(tx *Tx) error { note("in line"); return nil })
			}()
			time.Sleep(20 * time.Millisecond) // in line before the record comes
			go func() {
				defer wg.Done()
				onSent := func(tx *Tx, m *OutHead) error { note("sent"); return nil }
				var err error
				if name == "Sent" {
					err = s.Sent(ctx, id, time.Now(), onSent)
				} else {
					_, err = s.SentAndClaim(ctx, id, time.Now(), onSent, time.Now(), time.Minute, 0)
				}
				if err != nil {
					t.Error(err)
				}
			}()
			if !eventually(func() bool { return held(&s.wmu.next) }) {
				t.Error("the record of the sent mail does not stand in line")
			}
			time.Sleep(5 * time.Millisecond)
			close(release)
			wg.Wait()
			want := []string{"under way", "sent", "in line"}
			if !slices.Equal(order, want) {
				t.Errorf("writes in the order %v, want %v", order, want)
			}
		})
	}
}

// held tells whether m is locked (by someone else: it is left as found).
func held(m *sync.Mutex) bool {
	if m.TryLock() {
		m.Unlock()
		return false
	}
	return true
}

// eventually polls cond for up to two seconds.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}
