package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// MailboxPurge is one mailbox copy that must leave the IMAP server because its case was
// purged: exactly a message the intake filed for the case (see intake.Purge for what each
// field means to the intake).
type MailboxPurge struct {
	ID          int64
	Folder      string // "" : the processed folder, place not recorded
	UIDValidity uint32
	UID         uint32 // 0: not known
	MessageID   string // without angle brackets; "" : not to be looked for by Message-ID
	Hash        string // hex SHA-256 of the bytes handled (incoming.hash); "" : a row from before 0008
	Attempts    int    // including the attempt this row was handed out for
	QueuedAt    time.Time
}

// queueMailboxPurge queues, inside the purge's transaction, the mailbox copies of the mail the
// intake moved or flagged for the case, each by place: where it was handed over (by UID: the
// message itself if it is still there, nothing if it moved on; a UID is never reused), and
// where the intake filed it (by UID, and by Message-ID and content when the UID is not known
// or no longer valid). A mail moved whose place was never recorded (handled before 0008, or a
// crash between the move and the record) is looked for in the processed folder by Message-ID
// and content. No mail is queued by Message-ID alone: another mail may share it. It runs
// before the case's rows are deleted. The queue time is SQLite's clock: the purge has no
// moment of its own, and nothing is decided on it.
func (t *Tx) queueMailboxPurge(caseID string) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO mailbox_purge(folder, uidvalidity, uid, message_id, hash, queued_at)
		SELECT folder, uidvalidity, uid, message_id, hash, CAST(unixepoch('subsec') * 1000 AS INTEGER) FROM (
			SELECT mailbox AS folder, uidvalidity, uid, '' AS message_id, '' AS hash FROM incoming
				WHERE case_id = ?1 AND disposition <> 0
				AND NOT (filed_folder = mailbox AND filed_uidvalidity = uidvalidity AND filed_uid = uid)
			UNION
			SELECT filed_folder, filed_uidvalidity, filed_uid, message_id, hash FROM incoming
				WHERE case_id = ?1 AND disposition <> 0 AND filed_folder <> ''
			UNION
			SELECT '', 0, 0, message_id, hash FROM incoming
				WHERE case_id = ?1 AND disposition = 1 AND filed_folder = ''
		) ORDER BY folder, uid, message_id`, caseID)
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
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT id, folder, uidvalidity, uid, message_id, hash, attempts, queued_at
			FROM mailbox_purge WHERE done_at IS NULL ORDER BY attempts, id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p MailboxPurge
			var at int64
			if err := rows.Scan(&p.ID, &p.Folder, &p.UIDValidity, &p.UID, &p.MessageID, &p.Hash, &p.Attempts, &at); err != nil {
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
// forgets what named the mail.
func (s *Store) MailboxPurgeDone(ctx context.Context, id int64, found int, now time.Time) error {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mailbox_purge SET done_at = ?, found = ?, message_id = '', hash = '',
			folder = '', uidvalidity = 0, uid = 0 WHERE id = ? AND done_at IS NULL`, now.UnixMilli(), found, id)
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
