package intake

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// runSession runs one connection: open the mailbox, then poll and wait until
// something fails. healthy reports that at least one poll completed, so that
// the reconnect backoff starts over.
func (in *Intake) runSession(ctx context.Context) (healthy bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("imap session: panic: %v\n%s", v, debug.Stack())
		}
	}()
	s, err := connect(ctx, in.cfg, nil)
	if err != nil {
		in.count(func(st *Stats) { st.LoginError = err.Error() })
		return false, err
	}
	in.count(func(st *Stats) { st.LastLogin, st.LoginError = in.now(), "" })
	defer s.close()
	defer func() {
		// A session the server ended may have ended because its token expired (Microsoft:
		// BYE … AccessTokenExpired): the reconnect must not offer the same token.
		if s.token != "" && s.endedByServer() {
			in.cfg.Tokens.Refused(s.token)
		}
	}()
	if err := in.open(ctx, s); err != nil {
		return false, err
	}
	in.count(func(st *Stats) { st.Connected, st.IDLE = true, in.cfg.IDLE && s.caps.Has(imap.CapIdle) })
	defer in.count(func(st *Stats) { st.Connected, st.IDLE = false, false })
	failures := 0
	for {
		wait, wake := in.cfg.PollInterval, true
		start := in.now()
		err := in.poll(ctx, s)
		if err == nil {
			in.log.Debug("polled", "took", in.now().Sub(start))
			err = in.purgeCopies(ctx, s)
		}
		switch {
		case errors.Is(err, errHandler):
			wait, wake = backoff(failures, in.rand()), false // new mail must not cut the backoff short
			failures++
			in.log.Warn("handler failed, retrying later", "err", err, "delay", wait.Round(time.Millisecond))
		case err != nil:
			return healthy, err
		default:
			failures = 0
			healthy = true
			in.count(func(st *Stats) { st.LastPoll = in.now() })
		}
		if err := in.wait(ctx, s, wait, wake); err != nil {
			return healthy, err
		}
	}
}

// open selects the mailbox and reconciles the checkpoint with the server's
// UIDVALIDITY: first start, known mailbox, or a changed UIDVALIDITY.
func (in *Intake) open(ctx context.Context, s *session) error {
	sel, err := s.selectBox(ctx, in.cfg.Mailbox)
	if err != nil {
		return err
	}
	uidNext := uint32(sel.UIDNext)
	if uidNext == 0 {
		if uidNext, err = in.statusUIDNext(ctx, s); err != nil {
			return err
		}
	}
	st := &in.state
	if !st.loaded {
		v, last, ok, err := in.cp.Load(ctx, in.cfg.Mailbox)
		if err != nil {
			return fmt.Errorf("load checkpoint: %w", err)
		}
		if ok {
			st.loaded, st.uidValidity, st.lastUID = true, v, last
		}
	}
	log := in.log.With("uidvalidity", sel.UIDValidity)
	switch {
	case st.loaded && st.uidValidity == sel.UIDValidity:
		return nil // pending (if any) is still valid
	case st.loaded:
		since := st.anchor.Add(-anchorMargin)
		if st.anchor.IsZero() {
			since = in.now().Add(-lostAnchorWindow)
		}
		log.Warn("uidvalidity changed, searching recent mail again", "old_uidvalidity", st.uidValidity, "since", since.Format(time.DateOnly))
		return in.resync(ctx, s, sel.UIDValidity, uidNext, since)
	case in.cfg.Backfill.IsZero():
		if err := in.save(ctx, sel.UIDValidity, uidNext-1); err != nil {
			return err
		}
		st.loaded, st.pending = true, nil
		log.Info("first start: only mail arriving from now on", "last_uid", uidNext-1)
		return nil
	default:
		log.Info("first start: backfill", "since", in.cfg.Backfill.Format(time.DateOnly))
		return in.resync(ctx, s, sel.UIDValidity, uidNext, in.cfg.Backfill)
	}
}

// resync queues every message received since the given date for the
// handler; the checkpoint is saved once they are all handed over.
func (in *Intake) resync(ctx context.Context, s *session, uidValidity, uidNext uint32, since time.Time) error {
	var data *imap.SearchData
	err := s.await(ctx, "search since", func() (err error) {
		data, err = s.c.UIDSearch(&imap.SearchCriteria{Since: since}, nil).Wait()
		return err
	})
	if err != nil {
		return err
	}
	uids := sortedUIDs(data.AllUIDs(), 0)
	st := &in.state
	st.loaded, st.uidValidity, st.lastUID, st.unmoved, st.unflagged = true, uidValidity, 0, nil, nil
	st.pending, st.recovery, st.floor = uids, true, uidNext-1
	if len(uids) > 0 {
		st.floor = max(st.floor, uids[len(uids)-1])
	}
	if len(uids) == 0 {
		return in.finishRecovery(ctx)
	}
	return nil
}

func (in *Intake) finishRecovery(ctx context.Context) error {
	st := &in.state
	if err := in.save(ctx, st.uidValidity, max(st.floor, st.lastUID)); err != nil {
		return err
	}
	st.recovery, st.pending = false, nil
	return nil
}

func (in *Intake) save(ctx context.Context, uidValidity, lastUID uint32) error {
	if err := in.cp.Save(ctx, in.cfg.Mailbox, uidValidity, lastUID); err != nil {
		return fmt.Errorf("save checkpoint uidvalidity %d uid %d: %w", uidValidity, lastUID, err)
	}
	st := &in.state
	st.uidValidity, st.lastUID, st.anchor = uidValidity, lastUID, in.now()
	return nil
}

func (in *Intake) statusUIDNext(ctx context.Context, s *session) (uint32, error) {
	var data *imap.StatusData
	err := s.await(ctx, "status "+in.cfg.Mailbox, func() (err error) {
		data, err = s.c.Status(in.cfg.Mailbox, &imap.StatusOptions{UIDNext: true}).Wait()
		return err
	})
	if err != nil {
		return 0, err
	}
	if data.UIDNext == 0 {
		return 0, errors.New("server reports no UIDNEXT")
	}
	return uint32(data.UIDNext), nil
}

// poll hands over what is new. With nothing new it costs one command, the
// same on a mailbox of 100 or 100,000 messages.
func (in *Intake) poll(ctx context.Context, s *session) error {
	st := &in.state
	if err := in.retrySettle(ctx, s); err != nil {
		return err
	}
	if len(st.pending) == 0 {
		var data *imap.SearchData
		err := s.await(ctx, "search new", func() (err error) {
			set := imap.UIDSet{{Start: imap.UID(st.lastUID + 1), Stop: 0}}
			data, err = s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
			return err
		})
		if err != nil {
			return err
		}
		// "n:*" includes the highest UID even when it is below n.
		st.pending, st.recovery = sortedUIDs(data.AllUIDs(), st.lastUID), false
		if len(st.pending) == 0 {
			st.anchor = in.now()
			return nil
		}
	}
	for len(st.pending) > 0 {
		if err := in.handlePending(ctx, s); err != nil {
			return err
		}
	}
	if st.recovery {
		return in.finishRecovery(ctx)
	}
	st.anchor = in.now()
	return nil
}

// advance records that the first n pending UIDs, the last of them last,
// need nothing more: they leave the queue and, outside recovery, last
// becomes the checkpoint.
func (in *Intake) advance(ctx context.Context, n int, last uint32) error {
	st := &in.state
	if !st.recovery {
		if err := in.save(ctx, st.uidValidity, last); err != nil {
			return err
		}
	} else {
		st.lastUID = max(st.lastUID, last)
	}
	st.pending = st.pending[n:]
	return nil
}

// sortedUIDs returns the UIDs above floor, ascending and without duplicates.
func sortedUIDs(uids []imap.UID, floor uint32) []uint32 {
	out := make([]uint32, 0, len(uids))
	for _, u := range uids {
		if uint32(u) > floor {
			out = append(out, uint32(u))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wait returns after d, or with wake sooner when the server announces new
// mail during IDLE. IDLE is never trusted alone: it always ends after d (at most 25
// minutes) so that the next poll, under a deadline, proves the connection
// alive.
func (in *Intake) wait(ctx context.Context, s *session, d time.Duration, wake bool) error {
	if !wake || !in.cfg.IDLE || !s.caps.Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.Closed():
			return errors.New("connection closed by server")
		case <-time.After(d):
			return nil
		}
	}
	select {
	case <-s.newMail: // mail arrived while we were busy: poll at once
		return nil
	default:
	}
	var idle *imapclient.IdleCommand
	if err := s.await(ctx, "idle", func() (err error) {
		idle, err = s.c.Idle()
		return err
	}); err != nil {
		return err
	}
	timer := time.NewTimer(min(d, maxIdle))
	defer timer.Stop()
	var closed bool
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-s.newMail:
	case <-s.c.Closed():
		closed = true
	}
	if closed {
		_ = idle.Close()
		return errors.New("connection closed by server during idle")
	}
	return s.await(ctx, "stop idle", func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	})
}
