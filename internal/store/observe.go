package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IncomingKind is what an incoming message was recorded as (the kind and case of its row in
// incoming); found is false for mail that was left as it was without a record (ordinary
// mail, our own).
func (s *Store) IncomingKind(ctx context.Context, mailbox string, uidValidity, uid uint32) (kind, caseID string, found bool, err error) {
	var c sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT kind, case_id FROM incoming WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`,
		mailbox, uidValidity, uid).Scan(&kind, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("look up incoming uid %d: %w", uid, err)
	}
	return kind, c.String, true, nil
}

// LastEventID is the id of the newest event of any case, 0 when there is none: a mark from
// which EventsSince tells what a message caused.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(id) FROM events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("last event: %w", err)
	}
	return id.Int64, nil
}

// EventsSince lists a case's events added after the event with id after, in order.
func (s *Store) EventsSince(ctx context.Context, caseID string, after int64) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, kind, by, text FROM events WHERE case_id = ? AND id > ? ORDER BY id`, caseID, after)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.By, &e.Text); err != nil {
			return nil, fmt.Errorf("events of %s: %w", caseID, err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
