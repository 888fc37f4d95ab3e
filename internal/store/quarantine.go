package store

import (
	"context"
	"fmt"
	"time"
)

// Quarantined lists the messages kept in quarantine (on no case), oldest first, with their
// reasons and raw bytes.
func (s *Store) Quarantined(ctx context.Context) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, reason, raw FROM messages
		WHERE kind = 'quarantine' AND case_id IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("quarantined messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m := Message{Direction: "in", Kind: "quarantine"}
		var at int64
		if err := rows.Scan(&m.ID, &at, &m.Reason, &m.Raw); err != nil {
			return nil, fmt.Errorf("quarantined messages: %w", err)
		}
		m.At = time.UnixMilli(at).UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("quarantined messages: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].Raw == nil {
			raw, err := readChunks(ctx, s.db, out[i].ID)
			if err != nil {
				return nil, fmt.Errorf("quarantined messages: %w", err)
			}
			out[i].Raw = raw
		}
	}
	return out, nil
}
