package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// capWindow is the period complaints.max_new_per_hour counts over.
const capWindow = time.Hour

// NextTurn is the moment a confirmation queued now may go out under a cap of perHour an hour
// for the whole mailbox: now, unless perHour turns already lie within the hour before it;
// then one hour after the perHour-th latest turn. Any hour then holds at most perHour turns,
// whatever order the turns were handed out in. It reads the turns already given in the
// caller's transaction, so two confirmations never get the same place.
func (t *Tx) NextTurn(now time.Time, perHour int) (time.Time, error) {
	if perHour <= 0 {
		return now, nil
	}
	var at int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT turn_at FROM outbox WHERE turn_at IS NOT NULL
		ORDER BY turn_at DESC LIMIT 1 OFFSET ?`, perHour-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return now, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("next confirmation turn: %w", err)
	}
	if next := time.UnixMilli(at).UTC().Add(capWindow); next.After(now) {
		return next, nil
	}
	return now, nil
}

// LastWaitedTurn is the latest turn of a confirmation that had to wait (ok false: none ever did).
func (t *Tx) LastWaitedTurn() (time.Time, bool, error) {
	var at sql.NullInt64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT max(turn_at) FROM outbox WHERE waited = 1`).Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("last waiting confirmation: %w", err)
	}
	return fromMS(at), at.Valid, nil
}

// capReached reports, when perHour capped mails were first claimed in the hour before now,
// the moment one more may go; zero when one may go now.
func capReached(ctx context.Context, tx *sql.Tx, now time.Time, perHour int) (time.Time, error) {
	var at int64
	err := tx.QueryRowContext(ctx, `SELECT claimed_at FROM outbox WHERE turn_at IS NOT NULL AND claimed_at > ?
		ORDER BY claimed_at DESC LIMIT 1 OFFSET ?`, now.Add(-capWindow).UnixMilli(), perHour-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("count confirmations sent in the last hour: %w", err)
	}
	return time.UnixMilli(at).UTC().Add(capWindow), nil
}

// StaleMail returns a case's queued mail that waits its turn and has not been claimed yet
// (rendered before its turn), or nil.
func (t *Tx) StaleMail(caseID string) (*OutMail, error) {
	m, err := scanOut(t.tx.QueryRowContext(t.ctx, `SELECT `+outColumns+` FROM `+outFrom+`
		WHERE case_id = ? AND stale = 1 AND status = 'queued' AND attempts = 0 ORDER BY id LIMIT 1`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("waiting mail of %s: %w", caseID, err)
	}
	return m, nil
}

// Refresh replaces the recipients, subject, text, HTML and Date of a stale queued mail (one
// that waited its turn) with m's, rendered with the case as it is now; its Message-ID and
// threading stay. With release, the mail is due at m.Date and leaves the cap (staff caused
// it to go now: it neither waits nor counts). It reports false when the mail was no longer
// stale (refreshed before, or sent).
func (t *Tx) Refresh(id int64, m OutMail, release bool) (bool, error) {
	to, _ := json.Marshal(nonNilAddrs(m.To))
	cc, _ := json.Marshal(nonNilAddrs(m.Cc))
	res, err := t.tx.ExecContext(t.ctx, `UPDATE outbox SET to_addrs = ?, cc_addrs = ?, subject = ?,
		date = ?, stale = 0,
		next_attempt_at = CASE WHEN ? THEN ? ELSE next_attempt_at END,
		turn_at = CASE WHEN ? THEN NULL ELSE turn_at END
		WHERE id = ? AND stale = 1 AND status = 'queued'`,
		string(to), string(cc), m.Subject, m.Date.UnixMilli(), release, m.Date.UnixMilli(), release, id)
	if err != nil {
		return false, fmt.Errorf("render waiting mail %d again: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE outbox_bodies SET text = ?, html = ? WHERE outbox_id = ?`, m.Text, m.HTML, id); err != nil {
		return false, fmt.Errorf("render waiting mail %d again: %w", id, err)
	}
	return true, nil
}
