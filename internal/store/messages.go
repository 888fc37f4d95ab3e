package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Message is one mail on a case, incoming or outgoing.
type Message struct {
	ID        int64     `json:"-"`
	CaseID    string    `json:"-"`
	Direction string    `json:"direction"` // "in" or "out"
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"` // triage kind for incoming, template for outgoing
	From      string    `json:"from"`
	To        []string  `json:"to"`
	Cc        []string  `json:"cc"`
	Subject   string    `json:"subject"`
	MessageID string    `json:"message_id"`
	Template  string    `json:"template,omitempty"`
	Text      string    `json:"-"`
	Verified  bool      `json:"verified"`
	Reason    string    `json:"reason,omitempty"`
	Status    string    `json:"status,omitempty"` // outgoing: queued, sent, failed
	Raw       []byte    `json:"-"`
}

// InsertMessage stores an incoming message (with its raw bytes, the archive copy) on a case.
// caseID may be "" for quarantined mail that belongs to no case. Raw bytes above 256 KiB are
// stored in chunks (message_chunks), which Messages puts together again.
func (t *Tx) InsertMessage(m Message) (int64, error) {
	to, _ := json.Marshal(nonNil(m.To))
	cc, _ := json.Marshal(nonNil(m.Cc))
	var caseID any
	if m.CaseID != "" {
		caseID = m.CaseID
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO messages(case_id, direction, at, kind, from_addr,
		to_addrs, cc_addrs, subject, message_id, text, verified, reason, raw)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		caseID, m.Direction, m.At.UnixMilli(), m.Kind, m.From, string(to), string(cc), m.Subject,
		m.MessageID, m.Text, boolInt(m.Verified), m.Reason, inlineRaw(m.Raw))
	if err != nil {
		return 0, fmt.Errorf("store message: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store message: %w", err)
	}
	return id, t.insertChunks(id, m.Raw)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Messages lists a case's correspondence in order: incoming mail and every queued or sent mail.
// withRaw adds the archive copies of incoming mail (put together from chunks where needed).
func (s *Store) Messages(ctx context.Context, caseID string, withRaw bool) ([]Message, error) {
	rawCol, chunkedCol := "NULL", "0"
	if withRaw {
		rawCol = "raw"
		chunkedCol = "raw IS NULL AND EXISTS(SELECT 1 FROM message_chunks WHERE message_id = messages.id)"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, direction, at, kind, from_addr, to_addrs, cc_addrs,
		subject, message_id, text, verified, reason, `+rawCol+`, `+chunkedCol+`, '' FROM messages WHERE case_id = ?
		UNION ALL
		SELECT id, 'out', date, template, json_extract(from_addr, '$.email'), to_addrs, cc_addrs, subject,
		message_id, text, 1, last_error, NULL, 0, status FROM `+outFrom+` WHERE case_id = ?
		ORDER BY 3, 1`, caseID, caseID)
	if err != nil {
		return nil, fmt.Errorf("messages of %s: %w", caseID, err)
	}
	defer rows.Close()
	out := []Message{}
	var chunked []int // indexes into out
	for rows.Next() {
		var m Message
		var at int64
		var to, cc string
		var ver, inChunks int
		if err := rows.Scan(&m.ID, &m.Direction, &at, &m.Kind, &m.From, &to, &cc, &m.Subject,
			&m.MessageID, &m.Text, &ver, &m.Reason, &m.Raw, &inChunks, &m.Status); err != nil {
			return nil, fmt.Errorf("messages of %s: %w", caseID, err)
		}
		if inChunks == 1 {
			chunked = append(chunked, len(out))
		}
		m.CaseID, m.At, m.Verified = caseID, time.UnixMilli(at).UTC(), ver == 1
		if m.Direction == "out" {
			m.Template = m.Kind
			m.To = addrEmails(to)
			m.Cc = addrEmails(cc)
		} else {
			_ = json.Unmarshal([]byte(to), &m.To)
			_ = json.Unmarshal([]byte(cc), &m.Cc)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("messages of %s: %w", caseID, err)
	}
	rows.Close()
	for _, i := range chunked {
		raw, err := readChunks(ctx, s.db, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("messages of %s: %w", caseID, err)
		}
		out[i].Raw = raw
	}
	return out, nil
}

// addrEmails reads a JSON list that holds either strings or {name,email} objects.
func addrEmails(js string) []string {
	var objs []struct{ Email string }
	if err := json.Unmarshal([]byte(js), &objs); err == nil {
		out := make([]string, 0, len(objs))
		for _, o := range objs {
			out = append(out, o.Email)
		}
		return out
	}
	var strs []string
	_ = json.Unmarshal([]byte(js), &strs)
	return nonNil(strs)
}

// CaseByMessageID finds the case that holds a mail (sent or received) with one of these
// Message-IDs, whoever sent it: for tools and tests that ask where a mail went. It is not
// for threading incoming mail: anyone can put any Message-ID in their own mail; ThreadCase is.
func (s *Store) CaseByMessageID(ctx context.Context, ids ...string) (string, error) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		var caseID sql.NullString
		err := s.db.QueryRowContext(ctx, `SELECT case_id FROM outbox WHERE message_id = ? AND case_id IS NOT NULL
			UNION ALL SELECT case_id FROM messages WHERE message_id = ? AND case_id IS NOT NULL
			UNION ALL SELECT id FROM cases WHERE thread_root = ? LIMIT 1`, id, id, id).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("find case of message: %w", err)
		}
		return caseID.String, nil
	}
	return "", nil
}

// HasMessage reports whether a case already holds an incoming message with this Message-ID
// and kind (a staff command is never applied twice).
func (t *Tx) HasMessage(caseID, messageID, kind string) (bool, error) {
	if messageID == "" {
		return false, nil
	}
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM messages WHERE case_id = ? AND message_id = ? AND kind = ?`,
		caseID, messageID, kind).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up message: %w", err)
	}
	return n > 0, nil
}

// OutgoingByMessageID finds a mail klachtd sent, for matching a bounce to it; nil when there
// is none with that Message-ID.
func (t *Tx) OutgoingByMessageID(id string) (*OutMail, error) {
	if id == "" {
		return nil, nil
	}
	m, err := scanOut(t.tx.QueryRowContext(t.ctx, `SELECT `+outColumns+` FROM `+outFrom+` WHERE message_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find outgoing message: %w", err)
	}
	return m, nil
}
