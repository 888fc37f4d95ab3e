package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Timer is a durable deadline: (CaseID, Kind, At) fires exactly once. CaseID "" is a global timer.
type Timer struct {
	CaseID string
	Kind   string
	At     time.Time
}

// TimerRow is a stored timer as it stands: pending until it fires, and due at DueAt (its own
// moment, or later when its action was postponed).
type TimerRow struct {
	Timer
	DueAt   time.Time
	FiredAt time.Time // zero while pending
}

// SetTimers makes the unfired timers of a case exactly want: new ones are added, unfired ones no
// longer wanted are removed, unfired ones still wanted are kept as they are (a postponement
// stays), fired ones stay as the record that they fired.
func (t *Tx) SetTimers(caseID string, want []Timer) error {
	wanted := make(map[timerKey]bool, len(want))
	for _, tm := range want {
		wanted[keyOf(tm)] = true
	}
	pending, err := t.timers("pending timers", `SELECT case_id, kind, at FROM timers WHERE case_id = ? AND fired_at IS NULL`, caseID)
	if err != nil {
		return err
	}
	have := make(map[timerKey]bool, len(pending))
	for _, tm := range pending {
		if wanted[keyOf(tm)] {
			have[keyOf(tm)] = true
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM timers WHERE case_id = ? AND kind = ? AND at = ? AND fired_at IS NULL`,
			caseID, tm.Kind, tm.At.UnixMilli()); err != nil {
			return fmt.Errorf("remove %s timer of %q: %w", tm.Kind, caseID, err)
		}
	}
	for _, tm := range want {
		if have[keyOf(tm)] {
			continue // pending already
		}
		tm.CaseID = caseID
		if err := t.EnsureTimer(tm); err != nil {
			return err
		}
	}
	return nil
}

// timerKey is a timer's identity at the stored precision.
type timerKey struct {
	kind string
	at   int64
}

func keyOf(tm Timer) timerKey { return timerKey{tm.Kind, tm.At.UnixMilli()} }

// EnsureTimer adds a timer unless it exists (fired or not).
func (t *Tx) EnsureTimer(tm Timer) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO timers(case_id, kind, at, due_at) VALUES(?,?,?,?) ON CONFLICT DO NOTHING`,
		tm.CaseID, tm.Kind, tm.At.UnixMilli(), tm.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("ensure %s timer of %q: %w", tm.Kind, tm.CaseID, err)
	}
	t.due(tm.At)
	return nil
}

// due notes that a timer due at at was added or postponed in the transaction.
func (t *Tx) due(at time.Time) {
	if t.timerDue.IsZero() || at.Before(t.timerDue) {
		t.timerDue = at
	}
}

// TimerDue is the earliest moment a timer added or postponed in the transaction so far is
// due (one that existed already counts too); false when none was.
func (t *Tx) TimerDue() (time.Time, bool) { return t.timerDue, !t.timerDue.IsZero() }

// DueTimers lists unfired timers due at or before now, the earliest due first.
func (t *Tx) DueTimers(now time.Time, limit int) ([]Timer, error) {
	return queryTimers(t.ctx, t.tx, "due timers", dueTimers, now.UnixMilli(), limit)
}

// DueTimers is Tx.DueTimers without a write transaction: a look that does not wait for the
// writer nor hold it up. Each timer it lists is fired in a transaction of its own
// (FireTimer), which is what makes it fire once.
func (s *Store) DueTimers(ctx context.Context, now time.Time, limit int) ([]Timer, error) {
	return queryTimers(ctx, s.db, "due timers", dueTimers, now.UnixMilli(), limit)
}

const dueTimers = `SELECT case_id, kind, at FROM timers WHERE fired_at IS NULL AND due_at <= ?
	ORDER BY due_at, at, case_id, kind LIMIT ?`

func (t *Tx) timers(what, query string, args ...any) ([]Timer, error) {
	return queryTimers(t.ctx, t.tx, what, query, args...)
}

func queryTimers(ctx context.Context, q querier, what, query string, args ...any) ([]Timer, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []Timer
	for rows.Next() {
		var tm Timer
		var at int64
		if err := rows.Scan(&tm.CaseID, &tm.Kind, &at); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		tm.At = time.UnixMilli(at).UTC()
		out = append(out, tm)
	}
	return out, rows.Err()
}

// FireTimer marks a timer fired; false if it was already fired or no longer exists.
func (t *Tx) FireTimer(tm Timer, now time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE timers SET fired_at = ? WHERE case_id = ? AND kind = ? AND at = ? AND fired_at IS NULL`,
		now.UnixMilli(), tm.CaseID, tm.Kind, tm.At.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("fire %s timer: %w", tm.Kind, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// PostponeTimer puts a timer back as pending, due again at until: a timer whose action cannot
// happen yet is postponed, never consumed without its effect. It undoes a FireTimer of the same
// transaction.
func (t *Tx) PostponeTimer(tm Timer, until time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE timers SET fired_at = NULL, due_at = ? WHERE case_id = ? AND kind = ? AND at = ?`,
		until.UnixMilli(), tm.CaseID, tm.Kind, tm.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("postpone %s timer of %q: %w", tm.Kind, tm.CaseID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("postpone %s timer of %q at %d: %w", tm.Kind, tm.CaseID, tm.At.UnixMilli(), ErrNotFound)
	}
	t.due(until)
	return nil
}

// NextTimer is the moment the earliest unfired timer is due.
func (t *Tx) NextTimer() (time.Time, bool, error) { return nextTimer(t.ctx, t.tx) }

// NextTimer is Tx.NextTimer without a write transaction.
func (s *Store) NextTimer(ctx context.Context) (time.Time, bool, error) { return nextTimer(ctx, s.db) }

func nextTimer(ctx context.Context, q querier) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT min(due_at) FROM timers WHERE fired_at IS NULL`).Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("next timer: %w", err)
	}
	return fromMS(at), at.Valid, nil
}

// CaseTimers lists every timer of a case, fired or pending, by moment.
func (s *Store) CaseTimers(ctx context.Context, caseID string) ([]TimerRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT case_id, kind, at, due_at, fired_at FROM timers WHERE case_id = ?
		ORDER BY at, kind`, caseID)
	if err != nil {
		return nil, fmt.Errorf("timers of %q: %w", caseID, err)
	}
	defer rows.Close()
	var out []TimerRow
	for rows.Next() {
		var r TimerRow
		var at int64
		var due, fired sql.NullInt64
		if err := rows.Scan(&r.CaseID, &r.Kind, &at, &due, &fired); err != nil {
			return nil, fmt.Errorf("timers of %q: %w", caseID, err)
		}
		r.At, r.DueAt, r.FiredAt = time.UnixMilli(at).UTC(), fromMS(due), fromMS(fired)
		out = append(out, r)
	}
	return out, rows.Err()
}
