package intake

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
)

// handlePending hands every pending UID to the handler, in UID order, as the fetcher brings
// them, batch by batch. When the handler has seen a batch (or failed on one of its messages)
// the batch's dispositions are applied with one command per kind and only then does the
// checkpoint move past the handled messages. A crash in between hands them over again; the
// handler is idempotent and answers with the same disposition.
func (in *Intake) handlePending(ctx context.Context, s *session) error {
	f := in.startFetcher(ctx, s, slices.Clone(in.state.pending)) // advance() shifts the queue under us
	defer f.stop()
	var owed settlement
	var batch []uint32
	handled := 0 // batch[:handled] needs nothing more than its disposition
	settle := func(err error) error {
		if handled == 0 {
			return err
		}
		if serr := in.settle(ctx, s, owed); serr != nil {
			return errors.Join(err, serr) // not advanced: handed over again, same disposition
		}
		err = errors.Join(err, in.advance(ctx, handled, batch[handled-1]))
		owed, handled = settlement{}, 0
		return err
	}
	for {
		c, ok := f.next()
		if !ok {
			if len(in.state.pending) == 0 {
				in.state.wholeOnly = nil // every message they were kept for is handled
			}
			return settle(nil)
		}
		if c.err != nil {
			in.noteStructureFailure(c.err)
			return settle(c.err)
		}
		batch = c.batch
		for _, uid := range c.uids {
			if err := in.handOver(ctx, c.msgs[uid], &owed); err != nil {
				return settle(fmt.Errorf("uid %d: %w", uid, err))
			}
			delete(c.msgs, uid) // let the garbage collector have it
			handled++
		}
		f.handled()
		if c.end {
			if err := settle(nil); err != nil {
				return err
			}
		}
	}
}

// handOver gives one fetched message to the handler and notes its disposition; f is nil for
// a message expunged before it could be fetched.
func (in *Intake) handOver(ctx context.Context, f *Fetched, owed *settlement) error {
	if f == nil {
		in.log.Debug("message gone before fetch")
		return nil
	}
	log := in.log.With("uidvalidity", f.UIDValidity, "uid", f.UID)
	in.count(func(st *Stats) { st.Fetched++ })
	disp, err := in.call(ctx, f)
	if err != nil {
		in.count(func(st *Stats) { st.Errors++ })
		return fmt.Errorf("%w: %w", errHandler, err)
	}
	in.count(func(st *Stats) { st.Handled++ })
	switch {
	case disp == Leave:
	case disp == Flag, disp == Move && in.cfg.Processed == "":
		owed.flag = append(owed.flag, f.UID)
	case disp == Move:
		owed.move = append(owed.move, f.UID)
	default:
		log.Warn("unknown disposition, leaving the message", "disposition", int(disp))
	}
	log.Debug("message handed over", "disposition", disp, "too_large", f.TooLarge, "partial", f.Partial != nil && f.Raw == nil)
	return nil
}

func (in *Intake) call(ctx context.Context, f *Fetched) (d Disposition, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return in.h(ctx, f)
}
