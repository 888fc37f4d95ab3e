package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// RecordAsked records which form fields the outgoing mail messageID of a case asked the
// complainant for, in the order it listed (and numbered) them (migration 0013); a mail
// rendered again records its list again.
func (t *Tx) RecordAsked(messageID, caseID string, fields []string) error {
	b, _ := json.Marshal(nonNil(fields))
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO asked_fields(message_id, case_id, fields) VALUES(?,?,?)
		ON CONFLICT(message_id) DO UPDATE SET fields = excluded.fields WHERE asked_fields.case_id = excluded.case_id`,
		messageID, caseID, string(b)); err != nil {
		return fmt.Errorf("record the questions %s asked: %w", caseID, err)
	}
	return nil
}

// AskedFor returns the questions a complainant's reply answers: those of the first of ids
// (the reply's In-Reply-To, then its References from the nearest) that names a mail klachtd
// sent about the case, when that mail asked any (nil when it asked none, or is not a mail
// that asks: a status update, the staff's own questions); when ids name no mail of the case
// (a new mail with the case number in its subject), those of the case's latest mail that
// asked. known is false when there is no such list.
func (t *Tx) AskedFor(caseID string, ids []string) (fields []string, known bool, err error) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		var raw sql.NullString
		err := t.tx.QueryRowContext(t.ctx, `SELECT a.fields FROM outbox o LEFT JOIN asked_fields a ON a.message_id = o.message_id
			AND a.case_id = o.case_id WHERE o.case_id = ? AND o.message_id = ? LIMIT 1`, caseID, id).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("questions of the mail %s answers: %w", caseID, err)
		}
		if !raw.Valid {
			return nil, false, nil
		}
		return decodeFields(raw.String)
	}
	var raw string
	err = t.tx.QueryRowContext(t.ctx, `SELECT fields FROM asked_fields WHERE case_id = ? ORDER BY rowid DESC LIMIT 1`, caseID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("questions asked of %s: %w", caseID, err)
	}
	return decodeFields(raw)
}

func decodeFields(raw string) ([]string, bool, error) {
	var fields []string
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return nil, false, fmt.Errorf("read the questions asked: %w", err)
	}
	return fields, true, nil
}
