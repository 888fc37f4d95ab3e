package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/textproto"
	"runtime/debug"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/groeimeesters/klachtd/internal/clock"
)

const (
	// minLease is the least time a claimed row waits before it is tried again when the sender
	// dies mid-send; a send takes at most a few Timeouts, so the lease is max(minLease, 4×Timeout).
	minLease = 10 * time.Minute
	// maxIdle bounds the sleep between queue checks, so that rows queued by another process
	// (`klachtd new` while the daemon runs) go out without a Wake.
	maxIdle = time.Minute
	// storeRetry is the pause after the queue itself failed.
	storeRetry = 10 * time.Second
	// recordTimeout bounds writing a send's outcome, which is done even while shutting down.
	recordTimeout = 30 * time.Second
)

// Sender claims due rows from a Queue and delivers them over SMTP.
type Sender struct {
	cfg    Config
	cfgErr error
	q      Queue
	clock  clock.Clock
	log    *slog.Logger
	wake   chan struct{}
	rnd    func() float64
	lease  time.Duration
	// open is the SMTP session kept between the mails of one burst (the sender's goroutine
	// alone uses it); it is closed when the queue is drained.
	open     *conn
	fallback *Fallback // a second route for alarms; nil: none
	journal  Journal   // told of each acceptance before it is recorded; nil: none
}

// Journal keeps, outside the database, the mail a server has accepted whose record is not yet
// written: the sender tells it the moment the server answers a mail's data with 250
// (Accepted) and once the outcome is committed (Recorded). The record waits for the store's
// one writer; a process that dies in that wait would, without a journal, send the mail again
// after its lease. One sender delivers one mail at a time, so a journal holds at most one.
// Its methods are called on the sender's goroutine and must not block.
type Journal interface {
	Accepted(r *Row, at time.Time)
	Recorded()
}

// SetJournal gives the sender a journal; call it before Run.
func (s *Sender) SetJournal(j Journal) { s.journal = j }

// accepted tells the journal, if any, that the server took r.
func (s *Sender) accepted(r *Row) {
	if s.journal != nil {
		s.journal.Accepted(r, s.clock.Now())
	}
}

// New returns a Sender. A configuration problem is reported by Run (and by Check), not here.
func New(cfg Config, q Queue, clk clock.Clock, log *slog.Logger) *Sender {
	ncfg, err := cfg.normalized()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{
		cfg: ncfg, cfgErr: err, q: q, clock: clk, log: log,
		wake:  make(chan struct{}, 1),
		rnd:   rand.Float64,
		lease: max(minLease, 4*ncfg.Timeout),
	}
}

// Wake nudges Run to look at the queue now; it never blocks. Call it after a commit that queued mail.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends everything due, then sleeps until the next row is due, Wake is called or a minute
// has passed, until ctx is done; then it returns nil. It returns an error at once for an
// unusable configuration, and a panic inside becomes an error.
func (s *Sender) Run(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox sender panic: %v\n%s", p, debug.Stack())
		}
	}()
	if s.cfgErr != nil {
		return s.cfgErr
	}
	s.log.Info("outbox sender started", "host", s.cfg.Host, "port", s.cfg.Port, "tls", s.cfg.TLS)
	for {
		wait := s.drain(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if wait == 0 {
			wait = s.untilNextDue(ctx)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// drain claims and sends rows until none is due. It returns a pause when the queue failed, else 0.
func (s *Sender) drain(ctx context.Context) time.Duration {
	defer s.hangUp()
	var row *Row // claimed with the previous mail's record, or nil
	for ctx.Err() == nil || row != nil {
		if row == nil {
			var err error
			if row, err = s.q.Claim(ctx, s.clock.Now(), s.lease); err != nil {
				if ctx.Err() == nil {
					s.log.Error("claim outgoing mail", "err", err)
				}
				return storeRetry
			}
			if row == nil {
				return 0
			}
		}
		// A claimed row is delivered also when the shutdown has begun (deliver knows how).
		row = s.deliver(ctx, row)
	}
	return 0
}

func (s *Sender) untilNextDue(ctx context.Context) time.Duration {
	next, ok, err := s.q.NextDue(ctx)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			s.log.Error("next due outgoing mail", "err", err)
		}
		return storeRetry
	case !ok:
		return maxIdle
	}
	// A row due now that Claim did not return is leased elsewhere or just queued: look again soon,
	// never spin.
	return min(max(next.Sub(s.clock.Now()), time.Second), maxIdle)
}

// deliver sends one claimed row and records the outcome. A shutdown (ctx cancelled) lets a
// send under way finish, within the send timeout, and records it: stopping in the middle
// could leave a mail the server accepted unrecorded, and so sent twice. Only when the send
// fails during the shutdown is nothing recorded: the claim's lease keeps the row from being resent
// before now+lease.
//
// A sent mail is recorded with the claim of the next row due, in one write, unless the
// shutdown has begun; deliver returns that row (nil when none was claimed).
func (s *Sender) deliver(ctx context.Context, r *Row) (next *Row) {
	attempt := r.Attempts + 1
	// The row's attributes go with every line about it; the line of a mail sent, one for each
	// mail, gets them as its own, not through a logger made for the row (slog formats those
	// attributes when it makes one: 0.05 s of 3 s for a backlog's 2,000 mails).
	attrs := []any{"case_id", r.CaseID, "row_id", r.ID, "template", r.Template, "attempt", attempt}
	rowLog := func() *slog.Logger { return s.log.With(attrs...) }
	// The send is not cut off by the shutdown itself (each SMTP command has its own timeout),
	// only by a grace period of one Timeout after it began.
	sctx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	stopGrace := context.AfterFunc(ctx, func() {
		t := time.NewTimer(s.cfg.Timeout)
		defer t.Stop()
		select {
		case <-t.C:
			cancelSend()
		case <-sctx.Done(): // the send ended by itself
		}
	})
	defer stopGrace()
	err := s.send(sctx, r)
	if err != nil && Classify(err) && s.urgent(r) && sctx.Err() == nil {
		err = s.sendFallback(sctx, r, err)
	}
	if err != nil && ctx.Err() != nil {
		// A send that failed during a shutdown (most likely cut off by it) has an uncertain
		// outcome: record nothing, and let the lease decide when it is tried again.
		rowLog().Info("send interrupted by shutdown; the row is tried again after its lease", "lease", s.lease)
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := s.clock.Now()
	var recErr error
	switch {
	case err == nil:
		s.log.Info("mail sent", attrs...)
		recErr = record(rctx, func(c context.Context) error {
			if ctx.Err() != nil { // shutting down: claim nothing more
				return s.q.Sent(c, r.ID, now)
			}
			var err error
			next, err = s.q.SentClaim(c, r.ID, now, now, s.lease)
			return err
		})
	case !Classify(err):
		l := rowLog()
		l.Warn("mail refused permanently", "reason", logReason(err))
		l.Debug("mail refused permanently", "err", err)
		recErr = record(rctx, func(c context.Context) error { return s.q.Failed(c, r.ID, now, err.Error()) })
	case !now.Before(r.Date.Add(s.cfg.RetryFor)) && !s.urgent(r):
		rowLog().Error("mail not delivered in time; giving up", "reason", logReason(err), "retry_for", s.cfg.RetryFor)
		reason := fmt.Sprintf("not delivered within %s after %d attempts: %v", s.cfg.RetryFor, attempt, err)
		recErr = record(rctx, func(c context.Context) error { return s.q.Failed(c, r.ID, now, reason) })
	default:
		next := now.Add(BackoffFrom(s.cfg.RetryFirst, attempt, s.rnd))
		s.logTemporary(rowLog(), err, next)
		recErr = record(rctx, func(c context.Context) error { return s.q.Retry(c, r.ID, next, err.Error()) })
	}
	if recErr != nil {
		// The lease still holds the row back, so it is neither lost nor resent in a loop; a
		// mail the server took stays in the journal, for the next start.
		rowLog().Error("record outcome of outgoing mail", "err", recErr)
	} else if err == nil && s.journal != nil {
		s.journal.Recorded()
	}
	return next
}

// record writes an outcome, trying again while the database is busy (within rctx): a sent
// mail whose outcome is lost would be sent again after its lease.
func record(rctx context.Context, write func(context.Context) error) error {
	var err error
	for i := 0; i < 5; i++ {
		if err = write(rctx); err == nil || rctx.Err() != nil {
			return err
		}
		select {
		case <-rctx.Done():
			return err
		case <-time.After(time.Duration(i+1) * 200 * time.Millisecond):
		}
	}
	return err
}

func (s *Sender) logTemporary(log *slog.Logger, err error, next time.Time) {
	var (
		ce *connectError
		te *textproto.Error
	)
	switch {
	case isTLSVerification(err):
		log.Error("smtp server's TLS certificate not trusted; mail waits until the configuration is fixed (ca_file for a private CA)",
			"reason", logReason(err), "next", next)
	case errors.As(err, &ce) && errors.As(err, &te) && te.Code >= 500:
		log.Error("smtp server refused the login or greeting; mail waits until the configuration is fixed",
			"reason", logReason(err), "next", next)
	case errors.As(err, &ce):
		log.Warn("smtp server unreachable; will retry", "reason", logReason(err), "next", next)
	default:
		log.Warn("mail deferred; will retry", "reason", logReason(err), "next", next)
	}
}

// send builds and delivers one row, on the session of the current burst or a new one. When a
// kept session that was not checked turns out to be gone at MAIL FROM (nothing of the mail
// sent), the mail is sent at once on a new session.
func (s *Sender) send(ctx context.Context, r *Row) error {
	msg, err := Build(r)
	if err != nil {
		return fmt.Errorf("build row %d: %w", r.ID, err)
	}
	c, unchecked, err := s.session(ctx)
	if err != nil {
		return err
	}
	err = s.transact(ctx, c, r, msg)
	if err != nil && unchecked && sessionGone(err) {
		s.log.Debug("kept smtp session gone; sending on a new one", "row_id", r.ID, "err", err)
		if c, err = dial(ctx, s.cfg); err != nil {
			return err
		}
		s.open = c
		err = s.transact(ctx, c, r, msg)
	}
	return err
}

// transact sends msg on c; after a failure the session is closed, its state being uncertain.
func (s *Sender) transact(ctx context.Context, c *conn, r *Row, msg *mail.Msg) error {
	stop := context.AfterFunc(ctx, c.abort)
	defer stop()
	if err := c.transact(r.From.Email, recipients(r), msg, s.cfg.Timeout); err != nil {
		s.open = nil
		c.abort()
		return err
	}
	s.accepted(r)
	return nil
}

// freshFor is how long after its last transaction a kept session is used without a NOOP
// first: within a burst the session is alive, and should it be gone all the same, send finds
// so at MAIL FROM and sends on a new one.
const freshFor = 5 * time.Second

// session returns the SMTP session of the current burst, or a new one. A kept session idle for
// longer than freshFor is checked with NOOP first (servers close idle sessions); unchecked
// tells that a kept session was used without that check.
func (s *Sender) session(ctx context.Context) (c *conn, unchecked bool, err error) {
	if c := s.open; c != nil {
		if !c.done.IsZero() && time.Since(c.done) < freshFor {
			return c, true, nil
		}
		if err := c.client.UpdateDeadline(s.cfg.Timeout); err == nil && c.client.Noop() == nil {
			return c, false, nil
		}
		s.open = nil
		c.abort()
	}
	c, err = dial(ctx, s.cfg)
	if err != nil {
		return nil, false, err
	}
	s.open = c
	return c, false, nil
}

// hangUp ends the kept session politely.
func (s *Sender) hangUp() {
	c := s.open
	if c == nil {
		return
	}
	s.open = nil
	if err := c.client.UpdateDeadline(s.cfg.Timeout); err == nil {
		if err := c.client.Quit(); err != nil {
			s.log.Debug("smtp quit", "err", err)
		}
	}
	c.abort()
}

// logReason describes err without addresses or server text, for logs at info level and up.
func logReason(err error) string {
	var re *rejectError
	if errors.As(err, &re) {
		return re.summary()
	}
	return err.Error() // connect, network and row errors name no address or subject
}
