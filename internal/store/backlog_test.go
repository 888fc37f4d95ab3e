package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestBacklog: the outbox depth counts queued mail only, the oldest is the earliest queued,
// and overdue timers are the unfired ones before the cut-off.
func TestBacklog(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	got := func() Backlog {
		t.Helper()
		b, err := s.Backlog(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := got(); b != (Backlog{}) {
		t.Fatalf("empty store: %+v, want nothing waiting", b)
	}
	var ids []int64
	err := s.InTx(ctx, func(tx *Tx) error {
		for i, at := range []time.Time{t0.Add(-time.Hour), t0.Add(-3 * time.Hour), t0.Add(-2 * time.Hour)} {
			id, err := tx.QueueMail(OutMail{Template: "melding", Audience: "staff", From: mailparse.Address{Email: "info@example.nl"},
				To: []mailparse.Address{{Email: "milou@example.nl"}}, Subject: "s", Text: "t",
				MessageID: fmt.Sprintf("m%d@example.nl", i), Date: at, AutoSubmitted: "auto-generated"})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		for _, tm := range []Timer{
			{Kind: "digest", At: t0.Add(-time.Minute)},                 // overdue
			{Kind: "report", At: t0.Add(-time.Millisecond)},            // overdue
			{Kind: "purge", At: t0},                                    // at the cut-off: not yet
			{CaseID: "KL-2026-0001", Kind: "x", At: t0.Add(time.Hour)}, // later
		} {
			if err := tx.EnsureTimer(tm); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b := got(); b.Queued != 3 || !b.OldestQueued.Equal(t0.Add(-3*time.Hour)) || b.TimersOverdue != 2 {
		t.Errorf("backlog %+v, want 3 queued, the oldest at %s, 2 timers overdue", b, t0.Add(-3*time.Hour))
	}
	if err := s.Sent(ctx, ids[1], t0, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Failed(ctx, ids[2], t0, "refused", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.FireTimer(Timer{Kind: "digest", At: t0.Add(-time.Minute)}, t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b := got(); b.Queued != 1 || !b.OldestQueued.Equal(t0.Add(-time.Hour)) || b.TimersOverdue != 1 {
		t.Errorf("after one sent, one failed, one fired: %+v, want 1 queued at %s, 1 timer overdue", b, t0.Add(-time.Hour))
	}
}

// TestBacklogUsesIndexes: the scrape's statement searches indexes, never scans a table or a
// whole index: a scrape costs the same beside a year of sent mail.
func TestBacklogUsesIndexes(t *testing.T) {
	plan := searchesOnly(t, open(t), backlogQuery, t0.UnixMilli())
	if len(plan) < 3 {
		t.Fatalf("query plan %q: want a step for each of the three subqueries", plan)
	}
}

// searchesOnly returns the query plan of query and fails t for each step that scans a table
// or a whole index.
func searchesOnly(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
		if strings.HasPrefix(detail, "SCAN ") && detail != "SCAN CONSTANT ROW" { // a SEARCH on an index only
			t.Errorf("full scan: %s", detail)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("plan: %q", plan)
	return plan
}
