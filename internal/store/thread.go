package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ThreadCase finds the case an incoming mail from sender answers, by the Message-IDs it
// names (In-Reply-To, then References): a Message-ID klachtd generated (a mail in
// the outbox, or the thread root it assigned to a complaint that had none) threads anyone's
// mail; a Message-ID that a sender gave their own mail threads only that same sender's later
// mail. A complaint sent under a Message-ID the organisation once used (its newsletter's)
// must not catch everyone's replies to that newsletter. "" when none matches.
func (s *Store) ThreadCase(ctx context.Context, sender string, ids []string) (string, error) {
	sender = strings.ToLower(strings.TrimSpace(sender))
	for _, id := range ids {
		if id == "" {
			continue
		}
		var caseID string
		err := s.db.QueryRowContext(ctx, `SELECT case_id FROM outbox WHERE message_id = ?1 AND case_id IS NOT NULL
			UNION ALL
			SELECT id FROM cases WHERE thread_root = ?1 AND NOT EXISTS (SELECT 1 FROM messages
				WHERE messages.direction = 'in' AND messages.message_id = ?1)
			UNION ALL
			SELECT case_id FROM messages WHERE message_id = ?1 AND direction = 'in' AND case_id IS NOT NULL
				AND ?2 <> '' AND lower(from_addr) = ?2
			LIMIT 1`, id, sender).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("find the case a mail answers: %w", err)
		}
		return caseID, nil
	}
	return "", nil
}

// AnsweredMail is the mail of a case that an incoming mail answers (its In-Reply-To).
type AnsweredMail struct {
	Direction string // "in" or "out"
	From      string
	Subject   string
}

// AnsweredMail finds, among a case's own mails in both directions (what it received and what
// klachtd sent), the one with one of these Message-IDs; nil when the case holds none of them.
func (t *Tx) AnsweredMail(caseID string, ids []string) (*AnsweredMail, error) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		var a AnsweredMail
		err := t.tx.QueryRowContext(t.ctx, `SELECT 'out', COALESCE(json_extract(from_addr, '$.email'), ''), subject FROM outbox
				WHERE case_id = ?1 AND message_id = ?2
			UNION ALL
			SELECT 'in', from_addr, subject FROM messages WHERE case_id = ?1 AND message_id = ?2 AND direction = 'in'
			LIMIT 1`, caseID, id).Scan(&a.Direction, &a.From, &a.Subject)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("find the mail %s answers: %w", caseID, err)
		}
		return &a, nil
	}
	return nil, nil
}
