package store

import "fmt"

// ReceivedSubject is who sent a mail a case received, whether klachtd verified the sender,
// and the mail's subject.
type ReceivedSubject struct {
	From     string
	Verified bool
	Subject  string
}

// ReceivedSubjects lists the mails a case received whose subject holds a '[' (only such a
// subject can hold a tag), oldest first: the daemon asks which tags others wrote in their
// subjects, to tell them from the tags a staff member added.
func (t *Tx) ReceivedSubjects(caseID string) ([]ReceivedSubject, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT from_addr, verified, subject FROM messages
		WHERE case_id = ? AND direction = 'in' AND instr(subject, '[') > 0 ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list the subjects %s received: %w", caseID, err)
	}
	defer rows.Close()
	var out []ReceivedSubject
	for rows.Next() {
		var s ReceivedSubject
		if err := rows.Scan(&s.From, &s.Verified, &s.Subject); err != nil {
			return nil, fmt.Errorf("list the subjects %s received: %w", caseID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the subjects %s received: %w", caseID, err)
	}
	return out, nil
}
