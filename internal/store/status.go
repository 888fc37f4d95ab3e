package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DaemonStatus is what the running daemon last said of itself (table daemon_status).
type DaemonStatus struct {
	PID        int
	Host       string
	StartedAt  time.Time
	BeatAt     time.Time // the last sign of life
	StoppedAt  time.Time // zero while it runs (or when it died without stopping)
	LastPoll   time.Time // the end of the last successful poll of the mailbox
	LastLogin  time.Time
	LoginError string // why the last IMAP login failed; "" after a success
}

// SetDaemonStatus writes the daemon's status row.
func (s *Store) SetDaemonStatus(ctx context.Context, d DaemonStatus) error {
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO daemon_status(id, pid, host, started_at, beat_at, stopped_at,
			last_poll_at, last_login_at, login_error) VALUES(1,?,?,?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, host = excluded.host, started_at = excluded.started_at,
			beat_at = excluded.beat_at, stopped_at = excluded.stopped_at, last_poll_at = excluded.last_poll_at,
			last_login_at = excluded.last_login_at, login_error = excluded.login_error`,
			d.PID, d.Host, ms(d.StartedAt), ms(d.BeatAt), ms(d.StoppedAt), ms(d.LastPoll), ms(d.LastLogin), d.LoginError)
		if err != nil {
			return fmt.Errorf("write daemon status: %w", err)
		}
		return nil
	})
}

// GetDaemonStatus reads the daemon's status row; false when no daemon ever ran on this database.
func (s *Store) GetDaemonStatus(ctx context.Context) (DaemonStatus, bool, error) {
	var d DaemonStatus
	var started, beat sql.NullInt64
	var stopped, poll, login sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT pid, host, started_at, beat_at, stopped_at, last_poll_at, last_login_at, login_error
		FROM daemon_status WHERE id = 1`).Scan(&d.PID, &d.Host, &started, &beat, &stopped, &poll, &login, &d.LoginError)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("read daemon status: %w", err)
	}
	d.StartedAt, d.BeatAt, d.StoppedAt = fromMS(started), fromMS(beat), fromMS(stopped)
	d.LastPoll, d.LastLogin = fromMS(poll), fromMS(login)
	return d, true, nil
}

// OutboxSummary is the state of the outgoing mail, for `klachtd status`.
type OutboxSummary struct {
	Queued       int
	OldestQueued time.Time // the Date of the oldest mail not yet sent; zero when none waits
	Failed       int       // failed for good since the moment asked
	FailedCases  []string  // the cases of those, at most a few
	Sent         int       // sent since the moment asked
}

// Outgoing summarises the outbox: what waits now, and what was sent or failed since since.
func (s *Store) Outgoing(ctx context.Context, since time.Time) (OutboxSummary, error) {
	var o OutboxSummary
	var oldest sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM outbox WHERE status = 'queued'),
		(SELECT min(date) FROM outbox WHERE status = 'queued'),
		(SELECT count(*) FROM outbox WHERE status = 'failed' AND date >= ?),
		(SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?)`, ms(since), ms(since)).
		Scan(&o.Queued, &oldest, &o.Failed, &o.Sent)
	if err != nil {
		return o, fmt.Errorf("summarise the outbox: %w", err)
	}
	o.OldestQueued = fromMS(oldest)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT case_id FROM outbox WHERE status = 'failed' AND date >= ?
		AND case_id IS NOT NULL ORDER BY case_id LIMIT 5`, ms(since))
	if err != nil {
		return o, fmt.Errorf("summarise the outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return o, fmt.Errorf("summarise the outbox: %w", err)
		}
		o.FailedCases = append(o.FailedCases, id)
	}
	return o, rows.Err()
}

// QuarantinedSince counts the incoming mails kept apart since since (they belong to no case).
func (s *Store) QuarantinedSince(ctx context.Context, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE kind = 'quarantine' AND at >= ?`, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count quarantined mail: %w", err)
	}
	return n, nil
}
