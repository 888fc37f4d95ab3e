package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Command keys are the replay keys of staff commands carried out (migration 0005): what the
// command's authentication protects, hashed by the caller. A command whose key was applied
// before is a replay, whatever its Message-ID.

// AppliedCommand reports whether any of keys was applied before, and to which case ("" once
// that case was purged). Empty keys are ignored.
func (t *Tx) AppliedCommand(keys ...string) (caseID string, applied bool, err error) {
	for _, k := range keys {
		if k == "" {
			continue
		}
		var c sql.NullString
		err := t.tx.QueryRowContext(t.ctx, `SELECT case_id FROM command_keys WHERE key = ?`, k).Scan(&c)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", false, fmt.Errorf("look up command key: %w", err)
		}
		return c.String, true, nil
	}
	return "", false, nil
}

// AddCommandKeys records keys as applied to caseID at at; a key recorded before keeps its
// first case. Empty keys are ignored.
func (t *Tx) AddCommandKeys(caseID string, at time.Time, keys ...string) error {
	var c any
	if caseID != "" {
		c = caseID
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO command_keys(key, case_id, at) VALUES(?,?,?)
			ON CONFLICT(key) DO NOTHING`, k, c, at.UnixMilli()); err != nil {
			return fmt.Errorf("record command key of %q: %w", caseID, err)
		}
	}
	return nil
}

// forgetCommandCase keeps a purged case's command keys but removes the case they name: the
// keys are hashes that hold no content, and keeping them means a captured command or [nieuw]
// forward of the purged case cannot be replayed to bring its data back.
func (t *Tx) forgetCommandCase(caseID string) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE command_keys SET case_id = NULL WHERE case_id = ?`, caseID); err != nil {
		return fmt.Errorf("purge %s: forget its command keys: %w", caseID, err)
	}
	return nil
}
