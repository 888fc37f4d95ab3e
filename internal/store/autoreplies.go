package store

import (
	"fmt"
	"strings"
	"time"
)

// AutoReplyKey is the address as auto_reply_limit counts it: lower case, without the +tag of
// sub-addressing ("Jan+1@Example.nl" and "jan+2@example.nl" are both "jan@example.nl"), so
// that one mailbox cannot collect a day's answers under every tag.
func AutoReplyKey(address string) string {
	a := strings.ToLower(strings.TrimSpace(address))
	local, domain, ok := strings.Cut(a, "@")
	if !ok {
		return a
	}
	local = strings.Trim(local, `"`)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return local + "@" + strings.TrimSuffix(domain, ".")
}

// CountAutoReplies counts automatic answers since a moment to address (by its AutoReplyKey)
// in answer to mail that was authenticated, or not: the two are counted apart, so forged mail
// in someone's name cannot use up the answers their own mail is owed.
func (t *Tx) CountAutoReplies(address string, authenticated bool, since time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM auto_replies WHERE address = ? AND authenticated = ? AND at >= ?`,
		AutoReplyKey(address), boolInt(authenticated), since.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count automatic answers: %w", err)
	}
	return n, nil
}

// RecordAutoReply notes an automatic answer to address, in answer to authenticated mail or not.
func (t *Tx) RecordAutoReply(address string, authenticated bool, at time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO auto_replies(address, authenticated, at) VALUES(?,?,?)`,
		AutoReplyKey(address), boolInt(authenticated), at.UnixMilli()); err != nil {
		return fmt.Errorf("record automatic answer: %w", err)
	}
	return nil
}
