package intake

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// settlement is what a batch owes the server once its messages are handed
// over: the UIDs to move and to flag.
type settlement struct {
	move, flag []uint32
}

// settle flags, then moves, what a batch owes. A refusal by the server (NO)
// is logged and the messages count as done: the handler has committed them,
// and one stubborn message must not stop the intake. A broken connection is
// an error: the messages are handed over again and the handler dedupes.
func (in *Intake) settle(ctx context.Context, s *session, owed settlement) error {
	if len(owed.flag) == 0 && len(owed.move) == 0 {
		return nil
	}
	// What the handler committed must survive a power cut before the mail leaves the
	// mailbox: otherwise a moved complaint could lose its case and never be seen again.
	if sy, ok := in.cp.(Syncer); ok {
		if err := sy.Sync(ctx); err != nil {
			return fmt.Errorf("make the handled messages durable: %w", err)
		}
	}
	if len(owed.flag) > 0 {
		if err := in.apply(ctx, s, "flag", owed.flag, in.flag); err != nil {
			return err
		}
	}
	if len(owed.move) > 0 {
		if err := in.ensureProcessed(ctx, s); err != nil {
			return in.refusal("move", owed.move, err)
		}
		return in.apply(ctx, s, "move", owed.move, in.move)
	}
	return nil
}

// apply runs op on all of uids with one command. When the server refuses,
// it tries them one by one, so that one message it will not touch does not
// hold back the others.
func (in *Intake) apply(ctx context.Context, s *session, what string, uids []uint32, op func(context.Context, *session, []uint32) error) error {
	start := in.now()
	err := op(ctx, s, uids)
	if !refused(err) || len(uids) == 1 {
		if err == nil {
			in.log.Debug("handled messages settled", "action", what, "count", len(uids), "took", in.now().Sub(start))
		}
		return in.refusal(what, uids, err)
	}
	for _, uid := range uids {
		if err := in.refusal(what, []uint32{uid}, op(ctx, s, []uint32{uid})); err != nil {
			return err
		}
	}
	return nil
}

func refused(err error) bool {
	var imapErr *imap.Error
	return errors.As(err, &imapErr)
}

// refusal logs a server's refusal and swallows it; other errors pass.
func (in *Intake) refusal(what string, uids []uint32, err error) error {
	if !refused(err) {
		return err
	}
	in.count(func(st *Stats) { st.Errors++ })
	in.log.Error("server refused to "+what+" handled messages", "uids", uidSet(uids...).String(),
		"uidvalidity", in.state.uidValidity, "err", err)
	in.state.processed = false // the folder may be gone: look again next time
	return nil
}

func (in *Intake) flag(ctx context.Context, s *session, uids []uint32) error {
	return s.await(ctx, fmt.Sprintf("flag %d messages", len(uids)), func() error {
		return s.c.Store(uidSet(uids...), &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged},
		}, nil).Close()
	})
}

// move uses UID MOVE where offered, else UID COPY, \Deleted and UID EXPUNGE
// of exactly these UIDs (UIDPLUS); without UIDPLUS the copies stay marked
// \Deleted rather than expunging other mail.
func (in *Intake) move(ctx context.Context, s *session, uids []uint32) error {
	set := uidSet(uids...)
	to := in.cfg.Processed
	return s.await(ctx, fmt.Sprintf("move %d messages", len(uids)), func() error {
		if s.caps.Has(imap.CapMove) {
			_, err := s.c.Move(set, to).Wait()
			return err
		}
		if _, err := s.c.Copy(set, to).Wait(); err != nil {
			return err
		}
		return s.remove(set)
	})
}

// remove flags exactly the UIDs of set \Deleted and, with UIDPLUS, expunges exactly those;
// without UIDPLUS they stay flagged: a plain EXPUNGE could remove mail a person deleted.
func (s *session) remove(set imap.UIDSet) error {
	err := s.c.Store(set, &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
	}, nil).Close()
	if err != nil || !s.caps.Has(imap.CapUIDPlus) {
		return err
	}
	return s.c.UIDExpunge(set).Close()
}

// ensureProcessed creates the Processed folder if it does not exist, once.
func (in *Intake) ensureProcessed(ctx context.Context, s *session) error {
	if in.state.processed {
		return nil
	}
	to := in.cfg.Processed
	err := s.await(ctx, "create "+to, func() error {
		boxes, err := s.c.List("", to, nil).Collect()
		if err != nil || len(boxes) > 0 {
			return err
		}
		err = s.c.Create(to, nil).Wait()
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	in.log.Debug("processed folder ready", "folder", to)
	in.state.processed = true
	return nil
}
