package store

import (
	"context"
	"database/sql"
	"fmt"
)

// chunkSize is both the largest raw message stored inline in messages.raw and the largest
// piece of a bigger one in message_chunks. The driver copies every bound blob into C memory
// and SQLite builds a record from it, so a 25 MB message inserted as one blob briefly costs
// two more copies of itself; in chunks it costs two copies of a chunk.
const chunkSize = 256 << 10

// inlineRaw is what goes into messages.raw: the raw bytes themselves, or NULL when they are
// stored as chunks.
func inlineRaw(raw []byte) any {
	if len(raw) > chunkSize {
		return nil
	}
	return raw
}

// insertChunks stores raw (longer than chunkSize) as the chunks of message id. Each chunk is
// bound as a slice of raw: nothing is copied on the Go side.
func (t *Tx) insertChunks(id int64, raw []byte) error {
	if len(raw) <= chunkSize {
		return nil
	}
	stmt, err := t.tx.PrepareContext(t.ctx, `INSERT INTO message_chunks(message_id, seq, data) VALUES(?,?,?)`)
	if err != nil {
		return fmt.Errorf("store message chunks: %w", err)
	}
	defer stmt.Close()
	for seq, i := 0, 0; i < len(raw); seq, i = seq+1, i+chunkSize {
		j := min(i+chunkSize, len(raw))
		if _, err := stmt.ExecContext(t.ctx, id, seq, raw[i:j]); err != nil {
			return fmt.Errorf("store message chunk %d: %w", seq, err)
		}
	}
	return nil
}

// readChunks puts together the raw bytes of a message stored in chunks; nil when it has none.
func readChunks(ctx context.Context, q querier, id int64) ([]byte, error) {
	var total sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT sum(length(data)) FROM message_chunks WHERE message_id = ?`, id).Scan(&total); err != nil {
		return nil, fmt.Errorf("read message %d: %w", id, err)
	}
	if !total.Valid {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT data FROM message_chunks WHERE message_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("read message %d: %w", id, err)
	}
	defer rows.Close()
	out := make([]byte, 0, total.Int64)
	for rows.Next() {
		var data sql.RawBytes // valid until Next: appended, not cloned first
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("read message %d: %w", id, err)
		}
		out = append(out, data...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read message %d: %w", id, err)
	}
	return out, nil
}
