package intake

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
)

// handlePending hands every pending UID to the handler, in UID order, as the fetcher brings
// them, batch by batch. When the handler has seen a batch, the batch's dispositions are applied
// with one command per kind, in the background while the handler goes on with the next batch,
// and only when that is done does the checkpoint move past the batch. When the handler fails
// on a message, what it handled before is settled and checkpointed before the error returns.
// A crash in between hands the messages over again; the handler is idempotent and answers with
// the same disposition.
func (in *Intake) handlePending(ctx context.Context, s *session) (err error) {
	f := in.startFetcher(ctx, s, slices.Clone(in.state.pending)) // advance() shifts the queue under us
	defer f.stop()
	var prev *settling // the batch settling in the background
	finish := func() error {
		if prev == nil {
			return nil
		}
		p := prev
		prev = nil
		if err := <-p.done; err != nil {
			return err // not advanced: handed over again, same disposition
		}
		return in.advance(ctx, p.n, p.last)
	}
	defer func() { err = errors.Join(err, finish()) }()
	var owed settlement
	var batch []uint32
	handled := 0 // batch[:handled] needs nothing more than its disposition
	settle := func(wait bool) error {
		if err := finish(); err != nil {
			return err
		}
		if handled == 0 {
			return nil
		}
		prev = in.settleAsync(ctx, s, owed, handled, batch[handled-1])
		owed, handled = settlement{}, 0
		if wait {
			return finish()
		}
		return nil
	}
	for {
		c, ok := f.next()
		if !ok {
			err := settle(true)
			if err == nil && len(in.state.pending) == 0 {
				in.state.wholeOnly = nil // every message they were kept for is handled
			}
			return err
		}
		if c.err != nil {
			in.noteStructureFailure(c.err)
			return errors.Join(c.err, settle(true))
		}
		batch = c.batch
		for _, uid := range c.uids {
			if err := in.handOver(ctx, c.msgs[uid], &owed); err != nil {
				return errors.Join(fmt.Errorf("uid %d: %w", uid, err), settle(true))
			}
			delete(c.msgs, uid) // let the garbage collector have it
			handled++
		}
		f.handled(c)
		if c.end {
			if err := settle(false); err != nil {
				return err
			}
		}
	}
}

// settling is a batch's settlement under way: its first n pending UIDs, the last of them
// last, are made durable and moved or flagged in a goroutine of its own.
type settling struct {
	done chan error
	n    int
	last uint32
}

// settleAsync starts settling owed (settle) in the background. The session and the state it
// reads are not changed meanwhile: the handler only hands over, and advance waits for done.
func (in *Intake) settleAsync(ctx context.Context, s *session, owed settlement, n int, last uint32) *settling {
	p := &settling{done: make(chan error, 1), n: n, last: last}
	go func() {
		defer func() {
			if v := recover(); v != nil {
				p.done <- fmt.Errorf("settle handled messages: panic: %v\n%s", v, debug.Stack())
			}
		}()
		p.done <- in.settle(ctx, s, owed)
	}()
	return p
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
