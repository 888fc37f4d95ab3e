package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// OutAttachment is a file sent with an outgoing mail (such as a report's chart).
type OutAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
	Inline      bool   `json:"inline,omitempty"`
}

// OutMail is one outgoing mail as queued: everything needed to send it, fixed when it was
// written, so a retry sends the very same mail.
type OutMail struct {
	ID            int64
	CaseID        string // "" for mails about no case (digest, report)
	Template      string
	Audience      string // complainant, staff, commissaris
	From          mailparse.Address
	To, Cc        []mailparse.Address
	Subject       string
	Text, HTML    string
	MessageID     string
	InReplyTo     string
	References    []string
	Date          time.Time
	AutoSubmitted string
	Attachments   []OutAttachment
	Attempts      int
	Status        string
	LastError     string
	// Turn is set on a confirmation under the mailbox-wide cap (complaints.max_new_per_hour):
	// the moment it may go out, from NextTurn; zero for all other mail. A Turn after Date
	// means the mail waits its turn.
	Turn time.Time
	// Waited is set when the Turn came after the mail was queued; Stale while it has not been
	// rendered again since (see Refresh).
	Waited, Stale bool
	// Priority orders the due mail: PriorityFirst goes before PriorityNormal (the zero value),
	// whatever their due moments; within a priority the mail due first goes first.
	Priority int
}

// Priorities of outgoing mail.
const (
	PriorityNormal = 0 // the rest
	PriorityFirst  = 1 // confirmations and alarms
)

// priorities are the priorities a claim looks at, in order.
var priorities = [...]int{PriorityFirst, PriorityNormal}

// QueueMail writes a mail to the outbox, due at once, or at its Turn when that is later.
func (t *Tx) QueueMail(m OutMail) (int64, error) {
	from, _ := json.Marshal(m.From)
	to, _ := json.Marshal(nonNilAddrs(m.To))
	cc, _ := json.Marshal(nonNilAddrs(m.Cc))
	refs, _ := json.Marshal(nonNil(m.References))
	atts, _ := json.Marshal(m.Attachments)
	if m.Attachments == nil {
		atts = []byte("[]")
	}
	var caseID any
	if m.CaseID != "" {
		caseID = m.CaseID
	}
	due, waits := m.Date, m.Turn.After(m.Date)
	if waits {
		due = m.Turn
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO outbox(case_id, template, audience, from_addr, to_addrs,
		cc_addrs, subject, message_id, in_reply_to, refs, date, auto_submitted,
		next_attempt_at, turn_at, waited, stale, priority) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		caseID, m.Template, m.Audience, string(from), string(to), string(cc), m.Subject,
		m.MessageID, m.InReplyTo, string(refs), m.Date.UnixMilli(), m.AutoSubmitted, due.UnixMilli(),
		ms(m.Turn), boolInt(waits), boolInt(waits), min(max(m.Priority, PriorityNormal), PriorityFirst))
	if err != nil {
		return 0, fmt.Errorf("queue %s mail: %w", m.Template, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("queue %s mail: %w", m.Template, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO outbox_bodies(outbox_id, text, html, attachments) VALUES(?,?,?,?)`,
		id, m.Text, m.HTML, string(atts)); err != nil {
		return 0, fmt.Errorf("queue %s mail's body: %w", m.Template, err)
	}
	return id, nil
}

func nonNilAddrs(a []mailparse.Address) []mailparse.Address {
	if a == nil {
		return []mailparse.Address{}
	}
	return a
}

// outColumns are the columns scanOut reads, from outFrom: a mail's row and its body.
const (
	outColumns = `id, COALESCE(case_id, ''), template, audience, from_addr, to_addrs, cc_addrs, subject, text,
	html, message_id, in_reply_to, refs, date, auto_submitted, attachments, attempts, status, last_error,
	turn_at, waited, stale, priority`
	outFrom = `outbox JOIN outbox_bodies ON outbox_bodies.outbox_id = outbox.id`
)

// scanOut reads a row of outColumns; extra receives the columns selected after them.
func scanOut(r rowScanner, extra ...any) (*OutMail, error) {
	var m OutMail
	var from, to, cc, refs, atts string
	var date int64
	var turn sql.NullInt64
	var waited, stale int
	if err := r.Scan(append([]any{&m.ID, &m.CaseID, &m.Template, &m.Audience, &from, &to, &cc, &m.Subject, &m.Text,
		&m.HTML, &m.MessageID, &m.InReplyTo, &refs, &date, &m.AutoSubmitted, &atts, &m.Attempts,
		&m.Status, &m.LastError, &turn, &waited, &stale, &m.Priority}, extra...)...); err != nil {
		return nil, err
	}
	m.Date = time.UnixMilli(date).UTC()
	m.Turn, m.Waited, m.Stale = fromMS(turn), waited == 1, stale == 1
	for _, p := range []struct {
		js  string
		dst any
	}{{from, &m.From}, {to, &m.To}, {cc, &m.Cc}, {refs, &m.References}, {atts, &m.Attachments}} {
		if err := json.Unmarshal([]byte(p.js), p.dst); err != nil {
			return nil, fmt.Errorf("decode outgoing mail %d: %w", m.ID, err)
		}
	}
	return &m, nil
}

// Claim returns the next mail due at or before now, and in the same write pushes its next
// attempt to now+lease and counts the attempt, so a crash during the send never spins.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration) (*OutMail, error) {
	return s.ClaimLimited(ctx, now, lease, 0)
}

// ClaimLimited is Claim under the mailbox-wide cap on confirmations: a mail with a Turn is
// claimed for the first time only while fewer than perHour such mails were first claimed in
// the hour before now; otherwise its next attempt moves to the moment one more may go, and
// the next mail due is looked at. So mail held up by downtime or an outage does not go out
// in a burst. perHour 0 means no cap.
func (s *Store) ClaimLimited(ctx context.Context, now time.Time, lease time.Duration, perHour int) (*OutMail, error) {
	var out *OutMail
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = claimNext(ctx, tx, now, lease, perHour)
		return err
	})
	return out, err
}

// claimNext is ClaimLimited's work inside a write; nil when nothing is due. The mail due of
// the first priority that has any is taken, the one due first.
func claimNext(ctx context.Context, tx *sql.Tx, now time.Time, lease time.Duration, perHour int) (*OutMail, error) {
	for {
		var claimedAt sql.NullInt64
		var m *OutMail
		err := sql.ErrNoRows
		for _, p := range priorities {
			m, err = scanOut(tx.QueryRowContext(ctx, `SELECT `+outColumns+`, claimed_at FROM `+outFrom+`
				WHERE status = 'queued' AND priority = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`,
				p, now.UnixMilli()), &claimedAt)
			if !errors.Is(err, sql.ErrNoRows) {
				break
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("claim outgoing mail: %w", err)
		}
		if perHour > 0 && !m.Turn.IsZero() && !claimedAt.Valid {
			later, err := capReached(ctx, tx, now, perHour)
			if err != nil {
				return nil, err
			}
			if !later.IsZero() {
				if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE id = ?`, later.UnixMilli(), m.ID); err != nil {
					return nil, fmt.Errorf("postpone outgoing mail %d: %w", m.ID, err)
				}
				continue
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1,
			claimed_at = COALESCE(claimed_at, ?) WHERE id = ?`, now.Add(lease).UnixMilli(), now.UnixMilli(), m.ID); err != nil {
			return nil, fmt.Errorf("claim outgoing mail %d: %w", m.ID, err)
		}
		m.Attempts++
		return m, nil
	}
}

// OutHead is the addressing of an outgoing mail without its bodies: what recording the
// outcome of a send needs.
type OutHead struct {
	ID       int64
	CaseID   string // "" for mails about no case
	Template string
	Audience string
	To       []mailparse.Address
}

// Sent marks a mail accepted by the server; onSent (may be nil) records on the case what
// that means, in the same transaction (an accepted confirmation confirms its case).
func (s *Store) Sent(ctx context.Context, id int64, at time.Time, onSent func(tx *Tx, m *OutHead) error) error {
	return s.inTxPrompt(ctx, func(tx *Tx) error { return markSent(tx, id, at, onSent) })
}

// SentAndClaim is Sent followed by ClaimLimited in one write, as a sender in a burst of mail
// records one send and takes the next: one commit a mail instead of two. A crash after the
// commit leaves what a crash after Sent and then Claim leaves: one mail recorded, one leased.
func (s *Store) SentAndClaim(ctx context.Context, id int64, at time.Time, onSent func(tx *Tx, m *OutHead) error,
	now time.Time, lease time.Duration, perHour int) (*OutMail, error) {
	var next *OutMail
	err := s.inTxPrompt(ctx, func(tx *Tx) error {
		if err := markSent(tx, id, at, onSent); err != nil {
			return err
		}
		var err error
		next, err = claimNext(ctx, tx.tx, now, lease, perHour)
		return err
	})
	return next, err
}

// SentBefore records as sent at at a mail that a previous process saw accepted but did not
// record (the sender's journal), with onSent as Sent has it. Only a row still queued, once
// claimed, and with that Message-ID is marked: a journal left beside another database, or one
// naming a mail recorded after all, changes nothing. It reports whether a row was marked.
func (s *Store) SentBefore(ctx context.Context, id int64, messageID string, at time.Time, onSent func(tx *Tx, m *OutHead) error) (bool, error) {
	marked := false
	err := s.InTx(ctx, func(tx *Tx) error {
		var n int
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM outbox WHERE id = ? AND message_id = ?
			AND status = 'queued' AND attempts > 0`, id, messageID).Scan(&n)
		if err != nil {
			return fmt.Errorf("look up mail %d: %w", id, err)
		}
		if n == 0 {
			return nil
		}
		marked = true
		return markSent(tx, id, at, onSent)
	})
	if err != nil {
		return false, err
	}
	return marked, nil
}

func markSent(tx *Tx, id int64, at time.Time, onSent func(tx *Tx, m *OutHead) error) error {
	return finish(tx, id, "sent", onSent, `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, at.UnixMilli(), id)
}

// Retry sets the next attempt of a mail after a temporary failure.
func (s *Store) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?`,
			next.UnixMilli(), reason, id)
		if err != nil {
			return fmt.Errorf("reschedule mail %d: %w", id, err)
		}
		return nil
	})
}

// Failed marks a mail as permanently failed and lets onFailed (may be nil) record it on the
// case, in the same transaction.
func (s *Store) Failed(ctx context.Context, id int64, at time.Time, reason string, onFailed func(tx *Tx, m *OutHead) error) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return finish(tx, id, "failed", onFailed, `UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`, reason, id)
	})
}

// finish records the outcome of a mail with update, then hands the mail's head to then.
func finish(tx *Tx, id int64, outcome string, then func(tx *Tx, m *OutHead) error, update string, args ...any) error {
	if _, err := tx.tx.ExecContext(tx.ctx, update, args...); err != nil {
		return fmt.Errorf("mark mail %d %s: %w", id, outcome, err)
	}
	if then == nil {
		return nil
	}
	h := OutHead{ID: id}
	var to string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT COALESCE(case_id, ''), template, audience, to_addrs FROM outbox WHERE id = ?`, id).
		Scan(&h.CaseID, &h.Template, &h.Audience, &to)
	if err != nil {
		return fmt.Errorf("read mail %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(to), &h.To); err != nil {
		return fmt.Errorf("decode outgoing mail %d: %w", id, err)
	}
	return then(tx, &h)
}

// NextDue is the moment the next queued mail is due.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'`).Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("next outgoing mail: %w", err)
	}
	return fromMS(at), at.Valid, nil
}

// Outbox lists outgoing mails with a status ("" = all), oldest first.
func (s *Store) Outbox(ctx context.Context, status string) ([]*OutMail, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+outColumns+` FROM `+outFrom+` WHERE ? = '' OR status = ? ORDER BY id`, status, status)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []*OutMail
	for rows.Next() {
		m, err := scanOut(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// UnsentFor reports whether a case still has an unsent mail of a template.
func (t *Tx) UnsentFor(caseID, template string) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM outbox WHERE case_id = ? AND template = ? AND status != 'sent'`,
		caseID, template).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check unsent %s of %s: %w", template, caseID, err)
	}
	return n > 0, nil
}

// HasQueued reports whether mail about a case still waits to be sent.
func (t *Tx) HasQueued(caseID string) (bool, error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM outbox WHERE case_id = ? AND status = 'queued'`, caseID).Scan(&n); err != nil {
		return false, fmt.Errorf("check queued mail of %s: %w", caseID, err)
	}
	return n > 0, nil
}

// CountOut counts queued and sent mails of a case with a template (for message numbering).
func (t *Tx) CountOut(caseID string) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM outbox WHERE COALESCE(case_id, '') = ?`, caseID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count mails of %s: %w", caseID, err)
	}
	return n, nil
}

// ReleaseLeases makes mail that a previous process claimed but never finished due again at
// start-up, so a crash delays it by a restart rather than a lease. A mail claimed maxClaims
// times or more keeps its lease: if sending it is what kills the process, it must not spin.
func (s *Store) ReleaseLeases(ctx context.Context, now time.Time, maxClaims int) (int64, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE status = 'queued'
			AND attempts > 0 AND attempts < ? AND next_attempt_at > ? AND last_error = ''`, now.UnixMilli(), maxClaims, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("release leases: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
