package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "db", "klachtd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func TestOpenModeAndVersion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(context.Background(), func(tx *Tx) error { _, err := tx.NextCaseID(2026); return err }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if _, err := s.db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(context.Background(), path); !errors.Is(err, ErrTooNew) {
		t.Fatalf("Open of a newer database: err %v, want ErrTooNew", err)
	}
}

func TestCaseSequenceHasNoGapsUnderConcurrency(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := s.InTx(ctx, func(tx *Tx) error {
				id, err := tx.NextCaseID(2026)
				if err != nil {
					return err
				}
				if i%4 == 0 { // a rolled back transaction must not use up a number
					return errors.New("roll back")
				}
				mu.Lock()
				seen[id] = true
				mu.Unlock()
				c := complaint.Case{ID: id, Status: complaint.StatusNieuw, ReceivedAt: t0, DueAt: t0.Add(28 * 24 * time.Hour)}
				return tx.InsertCase(c, "", t0)
			})
			if err != nil && err.Error() != "roll back" {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if len(seen) != 15 {
		t.Fatalf("got %d cases, want 15", len(seen))
	}
	for i := 1; i <= 15; i++ {
		if id := fmt.Sprintf("KL-2026-%04d", i); !seen[id] {
			t.Errorf("missing %s: the sequence has a gap", id)
		}
	}
}

func TestCaseRoundTrip(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	want := complaint.Case{ID: "KL-2026-0001", Status: complaint.StatusBevestigd, Verdict: complaint.VerdictGegrond,
		Extended: true, Language: "en", ReceivedAt: t0, ConfirmedAt: t0.Add(time.Second), DueAt: t0.Add(time.Hour),
		RemedyDueAt: t0.Add(2 * time.Hour), MeasureAt: t0.Add(3 * time.Hour), EscalatedAt: t0.Add(4 * time.Hour),
		Name: "Jan", Email: "jan@example.nl", Phone: "06", Service: "online cursus",
		Fields: complaint.Fields{"naam": "Jan", "omschrijving": "regel 1\nregel 2"}, Cause: "c", Measure: "m", Advice: "a"}
	err := s.InTx(ctx, func(tx *Tx) error { return tx.InsertCase(want, "root@example.nl", t0) })
	if err != nil {
		t.Fatal(err)
	}
	got, root, err := s.Case(ctx, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if root != "root@example.nl" || got.Fields["omschrijving"] != "regel 1\nregel 2" || !got.EscalatedAt.Equal(want.EscalatedAt) ||
		got.Verdict != want.Verdict || !got.Extended || got.Language != "en" || !got.MeasureAt.Equal(want.MeasureAt) {
		t.Errorf("round trip: got %+v root %q", got, root)
	}
	if _, _, err := s.Case(ctx, "KL-2026-0099"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown case: err %v, want ErrNotFound", err)
	}
}

func TestOutboxClaimPushesNextAttempt(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.QueueMail(OutMail{Template: "overzicht", Audience: "staff", From: mailparse.Address{Email: "info@x.nl"},
			To: []mailparse.Address{{Email: "a@x.nl"}}, Subject: "s", Text: "t", HTML: "h", MessageID: "m1@x.nl", Date: t0, AutoSubmitted: "auto-generated"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Claim(ctx, t0, time.Minute)
	if err != nil || m == nil {
		t.Fatalf("Claim = %v, %v", m, err)
	}
	if m.Attempts != 1 || m.To[0].Email != "a@x.nl" || m.MessageID != "m1@x.nl" {
		t.Errorf("claimed %+v", m)
	}
	if again, _ := s.Claim(ctx, t0.Add(30*time.Second), time.Minute); again != nil {
		t.Fatalf("claimed twice within the lease")
	}
	if again, _ := s.Claim(ctx, t0.Add(61*time.Second), time.Minute); again == nil || again.Attempts != 2 {
		t.Fatalf("not claimable after the lease: %+v", again)
	}
	if err := s.Sent(ctx, m.ID, t0, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Claim(ctx, t0.Add(time.Hour), time.Minute); again != nil {
		t.Fatalf("sent mail claimed again")
	}
}

func TestTimersFireOnce(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	tm := Timer{CaseID: "", Kind: "digest", At: t0}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.EnsureTimer(tm) }); err != nil {
		t.Fatal(err)
	}
	fired := 0
	for i := 0; i < 3; i++ {
		err := s.InTx(ctx, func(tx *Tx) error {
			due, err := tx.DueTimers(t0.Add(time.Hour), 10)
			if err != nil {
				return err
			}
			for _, d := range due {
				ok, err := tx.FireTimer(d, t0)
				if err != nil {
					return err
				}
				if ok {
					fired++
				}
			}
			// Re-adding a fired timer must not make it fire again.
			return tx.SetTimers("", []Timer{tm})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if fired != 1 {
		t.Errorf("fired %d times, want 1", fired)
	}
}

func TestPurgeKeepsOnlyStatistics(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	c := complaint.Case{ID: "KL-2024-0001", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0, Cause: "naam in oorzaak", Service: "online cursus"}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.InsertCase(c, "", t0); err != nil {
			return err
		}
		if _, err := tx.InsertMessage(Message{CaseID: c.ID, Direction: "in", At: t0, Kind: "complaint", Raw: []byte("raw")}); err != nil {
			return err
		}
		if err := tx.AddEvent(c.ID, Event{At: t0, Kind: "status"}); err != nil {
			return err
		}
		if _, err := tx.QueueMail(OutMail{CaseID: c.ID, Template: "bevestiging", Audience: "complainant", MessageID: "x@y", Date: t0}); err != nil {
			return err
		}
		return tx.PurgeCase(c.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"cases", "messages", "events", "outbox"} {
		var n int
		s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
		if n != 0 {
			t.Errorf("%s still has %d rows after purge", table, n)
		}
	}
	var service, cause string
	var purged int
	if err := s.db.QueryRow("SELECT service, cause, purged FROM case_stats WHERE id = ?", c.ID).Scan(&service, &cause, &purged); err != nil {
		t.Fatal(err)
	}
	if service != "online cursus" || cause != "" || purged != 1 {
		t.Errorf("stats after purge: %q %q %d", service, cause, purged)
	}
}

// TestSyncCommitsWithAFullSync: without a log file Sync writes through a connection set to
// synchronous=FULL (so the commit syncs the log) and leaves the pool's connections at NORMAL;
// it works while another connection is reading.
func TestSyncCommitsWithAFullSync(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM cases") // a reader holds the log
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; i < 3; i++ {
		if err := s.syncByCommit(ctx); err != nil {
			t.Fatalf("Sync with a reader open: %v", err)
		}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sync_marker").Scan(&n); err != nil || n != 1 {
		t.Fatalf("sync marker rows %d (%v), want 1: Sync wrote nothing", n, err)
	}
	for i := 0; i < 4; i++ { // every pooled connection is back at NORMAL (1)
		var mode int
		if err := s.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&mode); err != nil || mode != 1 {
			t.Fatalf("PRAGMA synchronous = %d (%v) after Sync, want 1 (NORMAL)", mode, err)
		}
	}
}

// TestSyncSyncsTheLog: Sync fsyncs the write-ahead log file, and the folder the first time it
// sees that file, without waiting for the writer: a transaction under way does not hold it up.
func TestSyncSyncsTheLog(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	var mu sync.Mutex
	var synced []string
	s.fsync = func(f *os.File) error {
		mu.Lock()
		synced = append(synced, filepath.Base(f.Name()))
		mu.Unlock()
		return f.Sync()
	}
	inTx, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.InTx(ctx, func(tx *Tx) error {
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	for i := 0; i < 2; i++ {
		finished := make(chan error, 1)
		go func() { finished <- s.Sync(ctx) }()
		select {
		case err := <-finished:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Sync waited for the transaction under way")
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(s.Path())
	if want := base + "-wal " + filepath.Base(filepath.Dir(s.Path())) + " " + base + "-wal"; strings.Join(synced, " ") != want {
		t.Errorf("synced %v, want %s (the log twice, the folder once)", synced, want)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sync_marker").Scan(&n); err != nil || n != 0 {
		t.Errorf("sync marker rows %d (%v): Sync wrote, which waits for the writer", n, err)
	}
}

// SentAndClaim records one mail as Sent does and claims the next as Claim does, in one write:
// the head handed to onSent is the sent mail's, the next is leased, and a failing onSent
// leaves both as they were.
func TestOutboxSentAndClaim(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *Tx) error {
		for i, tmpl := range []string{"bevestiging", "melding-nieuw"} {
			if _, err := tx.QueueMail(OutMail{Template: tmpl, Audience: []string{"complainant", "staff"}[i], From: mailparse.Address{Email: "info@x.nl"},
				To: []mailparse.Address{{Email: fmt.Sprintf("a%d@x.nl", i)}}, Subject: "s", Text: "t", HTML: "h",
				MessageID: fmt.Sprintf("m%d@x.nl", i), Date: t0, AutoSubmitted: "auto-generated"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Claim(ctx, t0, time.Minute)
	if err != nil || first == nil || first.Template != "bevestiging" {
		t.Fatalf("Claim = %+v, %v", first, err)
	}
	boom := errors.New("boom")
	if _, err := s.SentAndClaim(ctx, first.ID, t0, func(*Tx, *OutHead) error { return boom }, t0, time.Minute, 0); !errors.Is(err, boom) {
		t.Fatalf("SentAndClaim with a failing onSent: %v", err)
	}
	if out, _ := s.Outbox(ctx, "sent"); len(out) != 0 {
		t.Fatalf("a failed SentAndClaim recorded %d sent mails", len(out))
	}
	var head OutHead
	next, err := s.SentAndClaim(ctx, first.ID, t0, func(_ *Tx, h *OutHead) error { head = *h; return nil }, t0, time.Minute, 0)
	if err != nil || next == nil {
		t.Fatalf("SentAndClaim = %+v, %v", next, err)
	}
	if head.ID != first.ID || head.Template != "bevestiging" || head.Audience != "complainant" || len(head.To) != 1 || head.To[0].Email != "a0@x.nl" {
		t.Errorf("onSent got %+v", head)
	}
	if next.Template != "melding-nieuw" || next.Attempts != 1 || next.Text != "t" || next.To[0].Email != "a1@x.nl" {
		t.Errorf("claimed next %+v", next)
	}
	if again, _ := s.Claim(ctx, t0.Add(30*time.Second), time.Minute); again != nil {
		t.Errorf("the next mail claimable again within its lease: %+v", again)
	}
	if sent, _ := s.Outbox(ctx, "sent"); len(sent) != 1 || sent[0].ID != first.ID {
		t.Errorf("sent: %+v", sent)
	}
	last, err := s.SentAndClaim(ctx, next.ID, t0, nil, t0, time.Minute, 0)
	if err != nil || last != nil {
		t.Errorf("SentAndClaim with nothing due = %+v, %v", last, err)
	}
}

// The due mail of the first priority goes first, whatever the due moments; mail of the first
// priority that is not due yet holds nothing up.
func TestOutboxClaimByPriority(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	queue := func(id string, prio int, due time.Time) {
		t.Helper()
		err := s.InTx(ctx, func(tx *Tx) error {
			_, err := tx.QueueMail(OutMail{Template: id, Audience: "staff", From: mailparse.Address{Email: "info@x.nl"},
				To: []mailparse.Address{{Email: "a@x.nl"}}, Subject: "s", Text: "t", HTML: "h", MessageID: id + "@x.nl",
				Date: due, AutoSubmitted: "auto-generated", Priority: prio})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	queue("notice-1", PriorityNormal, t0)
	queue("notice-2", PriorityNormal, t0.Add(time.Second))
	queue("confirm-1", PriorityFirst, t0.Add(2*time.Second))
	queue("confirm-later", PriorityFirst, t0.Add(time.Hour))
	queue("confirm-2", PriorityFirst, t0.Add(3*time.Second))
	var got []string
	for {
		m, err := s.Claim(ctx, t0.Add(time.Minute), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if m == nil {
			break
		}
		got = append(got, m.Template)
	}
	if want := "confirm-1 confirm-2 notice-1 notice-2"; strings.Join(got, " ") != want {
		t.Errorf("claimed %v, want %s", got, want)
	}
}

// A mail queued without a priority is of the normal one: only what asks for it goes first.
func TestOutboxPriorityZeroIsNormal(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	for _, m := range []OutMail{
		{Template: "melding", MessageID: "n@x.nl", Date: t0},
		{Template: "bevestiging", MessageID: "f@x.nl", Date: t0.Add(time.Second), Priority: PriorityFirst},
	} {
		m.Audience, m.From, m.To, m.Subject, m.AutoSubmitted = "staff", mailparse.Address{Email: "info@x.nl"}, []mailparse.Address{{Email: "a@x.nl"}}, "s", "auto-generated"
		if err := s.InTx(ctx, func(tx *Tx) error { _, err := tx.QueueMail(m); return err }); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for m, _ := s.Claim(ctx, t0.Add(time.Minute), time.Hour); m != nil; m, _ = s.Claim(ctx, t0.Add(time.Minute), time.Hour) {
		got = append(got, fmt.Sprintf("%s:%d", m.Template, m.Priority))
	}
	if want := "bevestiging:1 melding:0"; strings.Join(got, " ") != want {
		t.Errorf("claimed %v, want %s", got, want)
	}
}
