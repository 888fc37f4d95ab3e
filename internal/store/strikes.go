package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Strikes are kept against messages that were being handled when klachtd died (migration
// 0007). The daemon records one at start for the message its in-flight marker names, and
// quarantines a message that has too many without reading it again.

// MessageKey is a message's IMAP identity.
type MessageKey struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
}

// Strike is what is held against one message.
type Strike struct {
	MessageKey
	Count int    // deaths while handling the message
	Fatal int    // of which the process reported itself (a runtime fatal error, a panic)
	Cause string // what the last death said of itself
	At    time.Time
}

// AddStrike records a strike against a message (fatal: the dying process reported itself) and
// returns what is now held against it.
func (s *Store) AddStrike(ctx context.Context, k MessageKey, cause string, fatal bool, at time.Time) (Strike, error) {
	st := Strike{MessageKey: k, Cause: cause, At: at}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO strikes(mailbox, uidvalidity, uid, count, fatal, cause, at) VALUES(?,?,?,1,?,?,?)
			ON CONFLICT(mailbox, uidvalidity, uid) DO UPDATE SET count = count + 1, fatal = fatal + excluded.fatal,
			cause = excluded.cause, at = excluded.at
			RETURNING count, fatal`, k.Mailbox, k.UIDValidity, k.UID, boolInt(fatal), cause, at.UnixMilli()).Scan(&st.Count, &st.Fatal)
	})
	if err != nil {
		return Strike{}, fmt.Errorf("record a strike against uid %d: %w", k.UID, err)
	}
	return st, nil
}

// Strikes returns every strike held, after forgetting those older than before.
func (s *Store) Strikes(ctx context.Context, before time.Time) ([]Strike, error) {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM strikes WHERE at < ?`, before.UnixMilli())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("prune strikes: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT mailbox, uidvalidity, uid, count, fatal, cause, at FROM strikes`)
	if err != nil {
		return nil, fmt.Errorf("read strikes: %w", err)
	}
	defer rows.Close()
	var out []Strike
	for rows.Next() {
		var st Strike
		var at int64
		if err := rows.Scan(&st.Mailbox, &st.UIDValidity, &st.UID, &st.Count, &st.Fatal, &st.Cause, &at); err != nil {
			return nil, fmt.Errorf("read strikes: %w", err)
		}
		st.At = time.UnixMilli(at)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read strikes: %w", err)
	}
	return out, nil
}

// ClearStrike forgets the strikes against a message (it was handled, or quarantined).
func (s *Store) ClearStrike(ctx context.Context, k MessageKey) error {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM strikes WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`,
			k.Mailbox, k.UIDValidity, k.UID)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear the strikes against uid %d: %w", k.UID, err)
	}
	return nil
}
