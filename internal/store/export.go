package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// OutMail reads one outgoing mail, as queued, with its attachments (for an export of the case:
// the very mail that was sent); ErrNotFound when there is none with that id.
func (s *Store) OutMail(ctx context.Context, id int64) (*OutMail, error) {
	m, err := scanOut(s.db.QueryRowContext(ctx, `SELECT `+outColumns+` FROM `+outFrom+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read outgoing mail %d: %w", id, err)
	}
	return m, nil
}
