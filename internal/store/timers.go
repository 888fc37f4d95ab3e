package store

import (
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

// SetTimers makes the unfired timers of a case exactly want: new ones are added, unfired ones no
// longer wanted are removed, fired ones stay as the record that they fired.
func (t *Tx) SetTimers(caseID string, want []Timer) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM timers WHERE case_id = ? AND fired_at IS NULL`, caseID); err != nil {
		return fmt.Errorf("reset timers of %q: %w", caseID, err)
	}
	for _, tm := range want {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO timers(case_id, kind, at) VALUES(?,?,?)
			ON CONFLICT DO NOTHING`, caseID, tm.Kind, tm.At.UnixMilli()); err != nil {
			return fmt.Errorf("set %s timer of %q: %w", tm.Kind, caseID, err)
		}
	}
	return nil
}

// EnsureTimer adds a timer unless it exists (fired or not).
func (t *Tx) EnsureTimer(tm Timer) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO timers(case_id, kind, at) VALUES(?,?,?) ON CONFLICT DO NOTHING`,
		tm.CaseID, tm.Kind, tm.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("ensure %s timer: %w", tm.Kind, err)
	}
	return nil
}

// DueTimers lists unfired timers due at or before now, oldest first.
func (t *Tx) DueTimers(now time.Time, limit int) ([]Timer, error) {
	return t.timers("due timers", `SELECT case_id, kind, at FROM timers WHERE fired_at IS NULL AND at <= ?
		ORDER BY at, case_id, kind LIMIT ?`, now.UnixMilli(), limit)
}

func (t *Tx) timers(what, query string, args ...any) ([]Timer, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
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

// NextTimer is the moment of the earliest unfired timer.
func (t *Tx) NextTimer() (time.Time, bool, error) {
	var at sql.NullInt64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT min(at) FROM timers WHERE fired_at IS NULL`).Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("next timer: %w", err)
	}
	return fromMS(at), at.Valid, nil
}

// PurgeCase deletes a case with all its correspondence, timers and mailbox records, and queues
// the Message-IDs of its incoming mail so the intake deletes the copies on the IMAP server; its
// anonymous statistics stay, stripped of free text, and so do its command keys, no longer
// naming the case (a replayed command or [nieuw] must not bring it back).
func (t *Tx) PurgeCase(caseID string) error {
	if err := t.queueMailboxPurge(caseID); err != nil {
		return err
	}
	if err := t.forgetCommandCase(caseID); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM timers WHERE case_id = ?`,
		`DELETE FROM incoming WHERE case_id = ?`,
		`DELETE FROM cases WHERE id = ?`, // cascades to messages, events, outbox
		`UPDATE case_stats SET purged = 1, cause = '', measure = '' WHERE id = ?`,
	} {
		if _, err := t.tx.ExecContext(t.ctx, q, caseID); err != nil {
			return fmt.Errorf("purge %s: %w", caseID, err)
		}
	}
	return nil
}
