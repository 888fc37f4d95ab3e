package store

import "fmt"

// PurgeCase deletes a case with all its correspondence, timers and mailbox records, and queues
// the Message-IDs of its incoming mail so the intake deletes the copies on the IMAP server; its
// anonymous statistics stay, stripped of free text, and so do its command keys, no longer
// naming the case (a replayed command or [nieuw] must not bring it back).
func (t *Tx) PurgeCase(caseID string) error {
	if err := t.queueMailboxPurge(caseID); err != nil {
		return err
	}
	if err := t.forgetCommandCase(caseID); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM timers WHERE case_id = ?`,
		`DELETE FROM incoming WHERE case_id = ?`,
		`DELETE FROM cases WHERE id = ?`, // cascades to messages, events, outbox
		`UPDATE case_stats SET purged = 1, cause = '', measure = '' WHERE id = ?`,
	} {
		if _, err := t.tx.ExecContext(t.ctx, q, caseID); err != nil {
			return fmt.Errorf("purge %s: %w", caseID, err)
		}
	}
	return nil
}
