package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Flood is a flood of new complaints (migration 0013): it began when a new-case confirmation
// first had to wait its turn under complaints.max_new_per_hour; while it is on, the new-case
// notices of the cases registered from mail are left for one summary to staff.
type Flood struct {
	ID      int64
	Started time.Time
}

// OpenFlood returns the flood that is on (its summary not yet sent); ok false when none is.
func (t *Tx) OpenFlood() (f Flood, ok bool, err error) {
	var started int64
	err = t.tx.QueryRowContext(t.ctx, `SELECT id, started_at FROM floods WHERE summary_at IS NULL
		ORDER BY id LIMIT 1`).Scan(&f.ID, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return Flood{}, false, nil
	}
	if err != nil {
		return Flood{}, false, fmt.Errorf("read the flood that is on: %w", err)
	}
	f.Started = time.UnixMilli(started).UTC()
	return f, true, nil
}

// StartFlood records a flood that begins at.
func (t *Tx) StartFlood(at time.Time) (Flood, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO floods(started_at) VALUES(?)`, at.UnixMilli())
	if err != nil {
		return Flood{}, fmt.Errorf("record a flood: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Flood{}, fmt.Errorf("record a flood: %w", err)
	}
	return Flood{ID: id, Started: at.UTC()}, nil
}

// HoldForFlood records that a case's new-case notice is left for flood's summary.
func (t *Tx) HoldForFlood(flood int64, caseID string, at time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO flood_cases(flood_id, case_id, at) VALUES(?,?,?)
		ON CONFLICT DO NOTHING`, flood, caseID, at.UnixMilli()); err != nil {
		return fmt.Errorf("leave the notice of %s for the flood's summary: %w", caseID, err)
	}
	return nil
}

// FloodCases lists the cases whose notices a flood holds, in the order they were registered;
// purged cases are no longer listed.
func (t *Tx) FloodCases(flood int64) ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT case_id FROM flood_cases WHERE flood_id = ? ORDER BY at, rowid`, flood)
	if err != nil {
		return nil, fmt.Errorf("cases of flood %d: %w", flood, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cases of flood %d: %w", flood, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// EndFlood records that flood's summary was sent at; false when it had been already.
func (t *Tx) EndFlood(flood int64, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE floods SET summary_at = ? WHERE id = ? AND summary_at IS NULL`, at.UnixMilli(), flood)
	if err != nil {
		return false, fmt.Errorf("end flood %d: %w", flood, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("end flood %d: %w", flood, err)
	}
	return n == 1, nil
}
