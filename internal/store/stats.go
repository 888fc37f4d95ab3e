package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CaseStat is the anonymous record of one case, kept after the purge for trend reports.
type CaseStat struct {
	ID          string
	ReceivedAt  time.Time
	ConfirmedAt time.Time
	ClosedAt    time.Time
	DueAt       time.Time
	Service     string
	Verdict     string
	Status      string
	Extended    bool
	Escalated   bool
	Cause       string
	Measure     string
	Purged      bool
	VerdictAt   time.Time
	ExtendedBy  string // "staff", "auto" or "" (unknown or not extended)
}

// Stats lists the statistics of cases received in [start, end).
func (t *Tx) Stats(start, end time.Time) ([]CaseStat, error) { return stats(t.ctx, t.tx, start, end) }

// Stats lists the statistics of cases received in [start, end).
func (s *Store) Stats(ctx context.Context, start, end time.Time) ([]CaseStat, error) {
	return stats(ctx, s.db, start, end)
}

func stats(ctx context.Context, q querier, start, end time.Time) ([]CaseStat, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, received_at, confirmed_at, closed_at, due_at, service, verdict,
		status, extended, escalated, cause, measure, purged, verdict_at, extended_by FROM case_stats
		WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id`, start.UnixMilli(), end.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read statistics: %w", err)
	}
	defer rows.Close()
	var out []CaseStat
	for rows.Next() {
		var s CaseStat
		var rec, conf, closed, due, verdictAt sql.NullInt64
		var ext, esc, purged int
		if err := rows.Scan(&s.ID, &rec, &conf, &closed, &due, &s.Service, &s.Verdict, &s.Status, &ext, &esc,
			&s.Cause, &s.Measure, &purged, &verdictAt, &s.ExtendedBy); err != nil {
			return nil, fmt.Errorf("read statistics: %w", err)
		}
		s.ReceivedAt, s.ConfirmedAt, s.ClosedAt, s.DueAt = fromMS(rec), fromMS(conf), fromMS(closed), fromMS(due)
		s.Extended, s.Escalated, s.Purged = ext == 1, esc == 1, purged == 1
		s.VerdictAt = fromMS(verdictAt)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Expired lists the ids of cases received before the limit (for the retention purge).
func (s *Store) Expired(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM cases WHERE received_at < ? ORDER BY received_at`, before.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("list expired cases: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
