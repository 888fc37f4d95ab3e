package store

import (
	"testing"
)

// TestTimerQueriesUseIndexes: every statement on the timers searches an index, never scans the
// table or a whole index, with only the indexes the schema keeps (timers_due is gone: each
// index is a page more to write with every timer set).
func TestTimerQueriesUseIndexes(t *testing.T) {
	s := open(t)
	var indexes []string
	rows, err := s.db.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'timers' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	rows.Close()
	if want := []string{"sqlite_autoindex_timers_1", "timers_pending"}; len(indexes) != len(want) || indexes[0] != want[0] || indexes[1] != want[1] {
		t.Errorf("indexes on timers: %q, want %q", indexes, want)
	}
	ms := t0.UnixMilli()
	for _, q := range []struct {
		query string
		args  []any
	}{
		{`SELECT case_id, kind, at FROM timers WHERE case_id = ? AND fired_at IS NULL`, []any{"KL-2026-0001"}},
		{`DELETE FROM timers WHERE case_id = ? AND kind = ? AND at = ? AND fired_at IS NULL`, []any{"KL-2026-0001", "due", ms}},
		{dueTimers, []any{ms, 10}},
		{`UPDATE timers SET fired_at = ? WHERE case_id = ? AND kind = ? AND at = ? AND fired_at IS NULL`, []any{ms, "KL-2026-0001", "due", ms}},
		{`SELECT min(due_at) FROM timers WHERE fired_at IS NULL`, nil},
	} {
		searchesOnly(t, s, q.query, q.args...)
	}
}
