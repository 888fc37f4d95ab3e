package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// MailboxPurge is the Message-ID of a mail whose copy on the IMAP server must go because its
// case was purged.
type MailboxPurge struct {
	ID        int64
	MessageID string // without angle brackets
	Attempts  int    // including the attempt this row was handed out for
	QueuedAt  time.Time
}

// queueMailboxPurge queues, inside the purge's transaction, the Message-IDs of the case's
// incoming mail: its stored correspondence and every mail the intake moved or flagged for it.
// It runs before the case's rows are deleted. The queue time is SQLite's clock: the purge has
// no moment of its own, and nothing is decided on it.
func (t *Tx) queueMailboxPurge(caseID string) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO mailbox_purge(message_id, queued_at)
		SELECT DISTINCT message_id, CAST(unixepoch('subsec') * 1000 AS INTEGER) FROM (
			SELECT message_id FROM messages WHERE case_id = ? AND direction = 'in' AND message_id <> ''
			UNION
			SELECT message_id FROM incoming WHERE case_id = ? AND disposition <> 0 AND message_id <> ''
		) ORDER BY message_id`, caseID, caseID)
	if err != nil {
		return fmt.Errorf("queue mailbox copies of %s for deletion: %w", caseID, err)
	}
	return nil
}

// PendingMailboxPurges hands out at most limit undone rows, least tried first, and counts the
// attempt before it is made: a Message-ID the server keeps refusing sinks to the back of the
// queue instead of blocking it.
func (s *Store) PendingMailboxPurges(ctx context.Context, limit int) ([]MailboxPurge, error) {
	// The intake asks on every poll; an empty queue costs a read, not the writer's lock.
	var pending bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM mailbox_purge WHERE done_at IS NULL)`).Scan(&pending); err != nil {
		return nil, fmt.Errorf("pending mailbox purges: %w", err)
	}
	if !pending {
		return nil, nil
	}
	var out []MailboxPurge
	err := s.write(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT id, message_id, attempts, queued_at FROM mailbox_purge
			WHERE done_at IS NULL ORDER BY attempts, id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p MailboxPurge
			var at int64
			if err := rows.Scan(&p.ID, &p.MessageID, &p.Attempts, &at); err != nil {
				return err
			}
			p.Attempts++
			p.QueuedAt = time.UnixMilli(at).UTC()
			out = append(out, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]string, len(out))
		for i, p := range out {
			ids[i] = fmt.Sprint(p.ID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE mailbox_purge SET attempts = attempts + 1 WHERE id IN (`+
			strings.Join(ids, ",")+`)`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pending mailbox purges: %w", err)
	}
	return out, nil
}

// MailboxPurgeDone marks a row done with the number of copies deleted (0: none was left) and
// forgets its Message-ID.
func (s *Store) MailboxPurgeDone(ctx context.Context, id int64, found int, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mailbox_purge SET done_at = ?, found = ?, message_id = ''
			WHERE id = ? AND done_at IS NULL`, now.UnixMilli(), found, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark mailbox purge %d done: %w", id, err)
	}
	return nil
}

// MailboxPurgesLeft counts the mailbox purges not yet done (read only, for checks and tests).
func (s *Store) MailboxPurgesLeft(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM mailbox_purge WHERE done_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count mailbox purges: %w", err)
	}
	return n, nil
}
