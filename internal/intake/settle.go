package intake

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// settlement is what a batch owes the server once its messages are handed
// over: the UIDs to move and to flag.
type settlement struct {
	move, flag []uint32
}

// settle flags, then moves, what a batch owes. A refusal by the server (NO)
// is logged and the messages count as done for the checkpoint: the handler has
// committed them, and one stubborn message must not stop the intake; a refused
// move or flag is tried again on the next passes (retrySettle). A broken connection is
// an error: the messages are handed over again and the handler dedupes.
// Where each message was filed is reported to the Filer afterwards, also for
// the part done before an error.
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
	var filed []Filing
	defer func() { in.recordFiled(ctx, filed) }()
	if len(owed.flag) > 0 {
		if err := in.apply(ctx, s, "flag", owed.flag, in.flag, &filed); err != nil {
			return err
		}
	}
	if len(owed.move) > 0 {
		if err := in.ensureProcessed(ctx, s); err != nil {
			return in.refusal("move", owed.move, err)
		}
		return in.apply(ctx, s, "move", owed.move, in.move, &filed)
	}
	return nil
}

// settleOp flags or moves uids with one command and says where they were filed.
type settleOp func(ctx context.Context, s *session, uids []uint32) ([]Filing, error)

// apply runs op on all of uids with one command. When the server refuses,
// it tries them one by one, so that one message it will not touch does not
// hold back the others. What was filed is added to filed.
func (in *Intake) apply(ctx context.Context, s *session, what string, uids []uint32, op settleOp, filed *[]Filing) error {
	start := in.now()
	f, err := op(ctx, s, uids)
	*filed = append(*filed, f...)
	if !refused(err) || len(uids) == 1 {
		if err == nil {
			in.log.Debug("handled messages settled", "action", what, "count", len(uids), "took", in.now().Sub(start))
		}
		return in.refusal(what, uids, err)
	}
	for _, uid := range uids {
		f, err := op(ctx, s, []uint32{uid})
		*filed = append(*filed, f...)
		if err := in.refusal(what, []uint32{uid}, err); err != nil {
			return err
		}
	}
	return nil
}

// refused reports whether err is the server's NO or BAD rather than a broken connection.
func refused(err error) bool {
	var imapErr *imap.Error
	return errors.As(err, &imapErr)
}

// refusal logs a server's refusal and swallows it; other errors pass. A refused move or flag
// is tried again on the next passes (retrySettle).
func (in *Intake) refusal(what string, uids []uint32, err error) error {
	if !refused(err) {
		return err
	}
	owed := &in.state.unmoved
	if what == "flag" {
		owed = &in.state.unflagged
	}
	if *owed == nil {
		*owed = map[uint32]int{}
	}
	for _, uid := range uids {
		(*owed)[uid]++
	}
	in.count(func(st *Stats) { st.Errors++ })
	in.log.Error("server refused to "+what+" handled messages", "uids", uidSet(uids...).String(),
		"uidvalidity", in.state.uidValidity, "err", err)
	in.state.processed = false // the folder may be gone: look again next time
	return nil
}

// maxSettleRetries is how many later passes move or flag again a handled message whose move
// or flag the server refused. After that it is left as it is, logged: one message the server
// will not touch must not cost a command on every pass for ever.
const maxSettleRetries = 3

// retrySettle moves and flags again, once per pass, the handled messages whose move or flag
// the server refused before. The handler has committed them: they are not handed over
// again. A broken connection is an error, and the retries wait for the next session.
func (in *Intake) retrySettle(ctx context.Context, s *session) error {
	st := &in.state
	if len(st.unmoved) == 0 && len(st.unflagged) == 0 {
		return nil
	}
	moves, flags := maps.Clone(st.unmoved), maps.Clone(st.unflagged)
	owed := settlement{move: slices.Sorted(maps.Keys(moves)), flag: slices.Sorted(maps.Keys(flags))}
	if err := in.settle(ctx, s, owed); err != nil {
		return err
	}
	in.forgetSettled("move", st.unmoved, moves)
	in.forgetSettled("flag", st.unflagged, flags)
	return nil
}

// forgetSettled drops from owed the messages settled now (no new refusal since before) and
// those refused too often.
func (in *Intake) forgetSettled(what string, owed, before map[uint32]int) {
	for uid, was := range before {
		switch n := owed[uid]; {
		case n == was:
			delete(owed, uid) // settled now
		case n > maxSettleRetries:
			in.log.Error("server keeps refusing to "+what+" a handled message; it stays as it is",
				"uid", uid, "uidvalidity", in.state.uidValidity, "refusals", n)
			delete(owed, uid)
		}
	}
}

func (in *Intake) flag(ctx context.Context, s *session, uids []uint32) ([]Filing, error) {
	err := s.await(ctx, fmt.Sprintf("flag %d messages", len(uids)), func() error {
		return s.c.Store(uidSet(uids...), &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged},
		}, nil).Close()
	})
	if err != nil {
		return nil, err
	}
	return in.flagged(uids), nil
}

// move uses UID MOVE where offered, else UID COPY, \Deleted and UID EXPUNGE
// of exactly these UIDs (UIDPLUS); without UIDPLUS the copies stay marked
// \Deleted rather than expunging other mail. The server's COPYUID answer says
// where the messages went; without UIDPLUS it says nothing and the filings
// name the folder only.
func (in *Intake) move(ctx context.Context, s *session, uids []uint32) ([]Filing, error) {
	set := uidSet(uids...)
	to := in.cfg.Processed
	var filed []Filing
	err := s.await(ctx, fmt.Sprintf("move %d messages", len(uids)), func() error {
		if s.caps.Has(imap.CapMove) {
			data, err := s.c.Move(set, to).Wait()
			if err != nil {
				return err
			}
			filed = in.moved(uids, to, data.UIDValidity, uidSetOf(data.SourceUIDs), uidSetOf(data.DestUIDs))
			return nil
		}
		data, err := s.c.Copy(set, to).Wait()
		if err != nil {
			return err
		}
		filed = in.moved(uids, to, data.UIDValidity, data.SourceUIDs, data.DestUIDs)
		return s.remove(set)
	})
	return filed, err
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
