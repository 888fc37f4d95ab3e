package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Checkpoints is the intake's checkpoint storage on the store (intake.Checkpoints, and
// intake.Syncer for the durability sync before a move): per mailbox, the UIDVALIDITY and the
// last UID that needs nothing more, in table checkpoints.
type Checkpoints struct{ S *Store }

// Load returns the checkpoint of a mailbox.
func (c Checkpoints) Load(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, ok bool, err error) {
	err = c.S.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid FROM checkpoints WHERE mailbox = ?`, mailbox).
		Scan(&uidValidity, &lastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("load checkpoint of %s: %w", mailbox, err)
	}
	return uidValidity, lastUID, true, nil
}

// Sync makes every commit so far durable, also against a power cut.
func (c Checkpoints) Sync(ctx context.Context) error { return c.S.Sync(ctx) }

// Save stores the checkpoint of a mailbox.
func (c Checkpoints) Save(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	return c.S.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO checkpoints(mailbox, uidvalidity, last_uid, updated_at)
			VALUES(?,?,?,?) ON CONFLICT(mailbox) DO UPDATE SET uidvalidity=excluded.uidvalidity,
			last_uid=excluded.last_uid, updated_at=excluded.updated_at`,
			mailbox, uidValidity, lastUID, time.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("save checkpoint of %s: %w", mailbox, err)
		}
		return nil
	})
}
