package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Alarm is an alarm about the mailbox itself (migration 0012).
type Alarm struct {
	Kind    string
	Raised  time.Time
	Cleared time.Time // zero while the alarm holds
	Detail  string
}

// RaiseAlarm records that the alarm kind holds, with detail, and reports whether it is new:
// false when it already held (then nothing changes and no mail is due).
func (t *Tx) RaiseAlarm(kind, detail string, at time.Time) (raised bool, err error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO alarms(kind, raised_at, cleared_at, detail) VALUES(?,?,NULL,?)
		ON CONFLICT(kind) DO UPDATE SET raised_at = excluded.raised_at, cleared_at = NULL, detail = excluded.detail
		WHERE alarms.cleared_at IS NOT NULL`, kind, at.UnixMilli(), detail)
	if err != nil {
		return false, fmt.Errorf("raise alarm %s: %w", kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("raise alarm %s: %w", kind, err)
	}
	return n > 0, nil
}

// ClearAlarm records that the alarm kind passed; it reports whether it held.
func (t *Tx) ClearAlarm(kind string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE alarms SET cleared_at = ? WHERE kind = ? AND cleared_at IS NULL`, at.UnixMilli(), kind)
	if err != nil {
		return false, fmt.Errorf("clear alarm %s: %w", kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("clear alarm %s: %w", kind, err)
	}
	return n > 0, nil
}

// Alarms returns the alarms that hold now, oldest first.
func (s *Store) Alarms(ctx context.Context) ([]Alarm, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, raised_at, detail FROM alarms WHERE cleared_at IS NULL ORDER BY raised_at, kind`)
	if err != nil {
		return nil, fmt.Errorf("read alarms: %w", err)
	}
	defer rows.Close()
	var out []Alarm
	for rows.Next() {
		var a Alarm
		var raised int64
		if err := rows.Scan(&a.Kind, &raised, &a.Detail); err != nil {
			return nil, fmt.Errorf("read alarms: %w", err)
		}
		a.Raised = time.UnixMilli(raised)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AlarmHolds reports whether the alarm kind holds now.
func (s *Store) AlarmHolds(ctx context.Context, kind string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM alarms WHERE kind = ? AND cleared_at IS NULL`, kind).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read alarm %s: %w", kind, err)
	}
	return true, nil
}
