package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// queueConfirmation queues a capped confirmation at now with the turn NextTurn gives it.
func queueConfirmation(t *testing.T, s *Store, n int, now time.Time, perHour int) OutMail {
	t.Helper()
	var m OutMail
	err := s.InTx(context.Background(), func(tx *Tx) error {
		turn, err := tx.NextTurn(now, perHour)
		if err != nil {
			return err
		}
		m = OutMail{Template: "bevestiging", Audience: "complainant", From: mailparse.Address{Email: "info@x.nl"},
			To: []mailparse.Address{{Email: fmt.Sprintf("c%d@x.nl", n)}}, Subject: "s", Text: "old", HTML: "old",
			MessageID: fmt.Sprintf("c%d@x.nl", n), Date: now, AutoSubmitted: "auto-replied", Turn: turn}
		m.ID, err = tx.QueueMail(m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// claimAll claims and marks sent everything ClaimLimited hands out at now.
func claimAll(t *testing.T, s *Store, now time.Time, perHour int) []*OutMail {
	t.Helper()
	var out []*OutMail
	for {
		m, err := s.ClaimLimited(context.Background(), now, time.Minute, perHour)
		if err != nil {
			t.Fatal(err)
		}
		if m == nil {
			return out
		}
		out = append(out, m)
		if err := s.Sent(context.Background(), m.ID, now, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTurnsKeepTheCap: turns handed out in one burst put at most perHour in any hour, the
// ones beyond the cap wait (marked waited and stale), and the sender gives out no more than
// the cap per hour, also after a long downtime when every turn is long past.
func TestTurnsKeepTheCap(t *testing.T) {
	s := open(t)
	const perHour = 3
	var mails []OutMail
	for i := range 8 {
		mails = append(mails, queueConfirmation(t, s, i, t0.Add(time.Duration(i)*time.Second), perHour))
	}
	for i, m := range mails {
		wantTurn := m.Date
		if i >= perHour {
			wantTurn = mails[i-perHour].Turn.Add(time.Hour)
		}
		if !m.Turn.Equal(wantTurn) {
			t.Errorf("mail %d: turn %s, want %s", i, m.Turn, wantTurn)
		}
	}
	rows, err := s.Outbox(context.Background(), "queued")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if want := i >= perHour; r.Waited != want || r.Stale != want {
			t.Errorf("row %d: waited %v stale %v, want %v", i, r.Waited, r.Stale, want)
		}
	}
	var last time.Time
	err = s.InTx(context.Background(), func(tx *Tx) error {
		var ok bool
		last, ok, err = tx.LastWaitedTurn()
		if !ok {
			t.Errorf("LastWaitedTurn: none")
		}
		return err
	})
	if err != nil || !last.Equal(mails[7].Turn) {
		t.Errorf("LastWaitedTurn %s (%v), want %s", last, err, mails[7].Turn)
	}
	if got := claimAll(t, s, t0.Add(time.Minute), perHour); len(got) != perHour {
		t.Errorf("first hour: %d sent, want %d", len(got), perHour)
	}
	// Down for three hours: every turn has passed, still only perHour go out now.
	down := t0.Add(4 * time.Hour)
	if got := claimAll(t, s, down, perHour); len(got) != perHour {
		t.Errorf("after downtime: %d sent at once, want %d", len(got), perHour)
	}
	if got := claimAll(t, s, down.Add(59*time.Minute), perHour); len(got) != 0 {
		t.Errorf("within the hour after downtime: %d more sent, want 0", len(got))
	}
	if got := claimAll(t, s, down.Add(time.Hour), perHour); len(got) != 2 {
		t.Errorf("an hour after downtime: %d sent, want the last 2", len(got))
	}
}

// TestClaimLimitedLeavesOtherMail: mail without a turn (staff notices) is never held by the cap,
// and a capped mail being retried is not held either (it was counted at its first claim).
func TestClaimLimitedLeavesOtherMail(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	queueConfirmation(t, s, 1, t0, 1)
	if got := claimAll(t, s, t0, 1); len(got) != 1 {
		t.Fatalf("first confirmation: %d sent", len(got))
	}
	retry := queueConfirmation(t, s, 2, t0, 1) // waits until t0+1h
	notice := OutMail{Template: "melding", Audience: "staff", From: mailparse.Address{Email: "info@x.nl"},
		To: []mailparse.Address{{Email: "staff@x.nl"}}, Subject: "s", Text: "t", HTML: "h", MessageID: "n@x.nl",
		Date: t0, AutoSubmitted: "auto-generated"}
	if err := s.InTx(ctx, func(tx *Tx) error { _, err := tx.QueueMail(notice); return err }); err != nil {
		t.Fatal(err)
	}
	got := claimAll(t, s, t0.Add(time.Second), 1)
	if len(got) != 1 || got[0].Template != "melding" {
		t.Fatalf("claimed %v, want only the staff notice", got)
	}
	m, err := s.ClaimLimited(ctx, t0.Add(time.Hour+time.Second), time.Minute, 1)
	if err != nil || m == nil || m.ID != retry.ID {
		t.Fatalf("claim at its turn: %v, %v", m, err)
	}
	if err := s.Retry(ctx, m.ID, t0.Add(time.Hour+2*time.Second), "421 try later"); err != nil {
		t.Fatal(err)
	}
	queueConfirmation(t, s, 3, t0.Add(time.Hour+time.Second), 1)
	if again, _ := s.ClaimLimited(ctx, t0.Add(time.Hour+3*time.Second), time.Minute, 1); again == nil || again.ID != retry.ID {
		t.Errorf("retry of a counted confirmation held by the cap: %+v", again)
	}
}

// TestRefreshOnce: a stale mail is rendered again once; then it is no longer stale.
func TestRefreshOnce(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	queueConfirmation(t, s, 1, t0, 1)
	m := queueConfirmation(t, s, 2, t0, 1)
	err := s.InTx(ctx, func(tx *Tx) error {
		st, err := tx.StaleMail("")
		if err != nil || st != nil {
			t.Errorf("StaleMail of no case: %v, %v", st, err)
		}
		nm := m
		nm.Text, nm.HTML, nm.Date = "new", "new", t0.Add(10*time.Minute)
		ok, err := tx.Refresh(m.ID, nm, true)
		if err != nil || !ok {
			t.Errorf("Refresh = %v, %v", ok, err)
		}
		nm.Text = "newer"
		if ok, err := tx.Refresh(m.ID, nm, false); err != nil || ok {
			t.Errorf("second Refresh = %v, %v; want false", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := claimAll(t, s, t0.Add(10*time.Minute), 1) // released: not held by the cap
	if len(got) != 2 {
		t.Fatalf("after the release: %d mails due, want 2", len(got))
	}
	if r := got[1]; r.ID != m.ID || r.Text != "new" || r.Stale || !r.Turn.IsZero() || !r.Date.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("after refresh and release: %+v", *r)
	}
}

// TestAutoReplyCounting: +tags and case make one address; authenticated and unauthenticated
// answers are counted apart.
func TestAutoReplyCounting(t *testing.T) {
	for in, want := range map[string]string{
		"Jan+1@Example.NL": "jan@example.nl", "jan+2@example.nl": "jan@example.nl", "JAN@example.nl.": "jan@example.nl",
		"+x@example.nl": "+x@example.nl", "jan.de.vries@example.nl": "jan.de.vries@example.nl", "nobody": "nobody",
	} {
		if got := AutoReplyKey(in); got != want {
			t.Errorf("AutoReplyKey(%q) = %q, want %q", in, got, want)
		}
	}
	s := open(t)
	err := s.InTx(context.Background(), func(tx *Tx) error {
		for _, a := range []string{"x+1@d.nl", "X+2@D.nl", "x@d.nl"} {
			if err := tx.RecordAutoReply(a, false, t0); err != nil {
				return err
			}
		}
		if n, err := tx.CountAutoReplies("x+3@d.nl", false, t0.Add(-time.Hour)); err != nil || n != 3 {
			t.Errorf("unauthenticated count %d (%v), want 3", n, err)
		}
		if n, err := tx.CountAutoReplies("x@d.nl", true, t0.Add(-time.Hour)); err != nil || n != 0 {
			t.Errorf("authenticated count %d (%v), want 0", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
