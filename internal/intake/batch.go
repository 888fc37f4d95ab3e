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
// with one command per kind, in the background while the handler goes on with the next
// batches (settlesUnderWay, in order), and only when that is done does the checkpoint move
// past the batch. When the handler fails on a message, what it handled before is settled and
// checkpointed before the error returns. A crash in between hands the messages over again;
// the handler is idempotent and answers with the same disposition.
func (in *Intake) handlePending(ctx context.Context, s *session) (err error) {
	settler := in.startSettler(ctx, s)
	defer settler.close()
	f := in.startFetcher(ctx, s, slices.Clone(in.state.pending)) // advance() shifts the queue under us
	defer f.stop()
	var under []*settling // the batches settling in the background, oldest first
	var failed error      // the first batch that failed to settle or to move the checkpoint
	// finish waits for the oldest batch settling and moves the checkpoint past it, unless a
	// batch before it failed: the checkpoint moves past the batches in order, or not at all.
	finish := func() error {
		p := under[0]
		under = under[1:]
		<-p.done
		if failed != nil {
			return failed
		}
		if failed = p.err; failed == nil {
			failed = in.advance(ctx, p.n, p.last)
		}
		return failed // not advanced: handed over again, same disposition
	}
	// finishAll waits for every batch settling; an error is told once.
	finishAll := func() error {
		for len(under) > 0 {
			finish()
		}
		return failed
	}
	defer func() {
		if ferr := finishAll(); ferr != nil && !errors.Is(err, ferr) {
			err = errors.Join(err, ferr)
		}
	}()
	var owed settlement
	var batch []uint32
	handled := 0 // batch[:handled] needs nothing more than its disposition
	settle := func(wait bool) error {
		for len(under) > 0 && (len(under) >= settlesUnderWay || closed(under[0].done)) {
			if err := finish(); err != nil {
				return err
			}
		}
		if handled > 0 {
			var after *settling
			if len(under) > 0 {
				after = under[len(under)-1]
			}
			under = append(under, in.settleAsync(ctx, settler.session(), owed, handled, batch[handled-1], after))
			owed, handled = settlement{}, 0
		}
		if wait {
			return finishAll()
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
		if err := in.handOverChunk(ctx, c, &owed, &handled); err != nil {
			return errors.Join(err, settle(true))
		}
		f.handled(c)
		if c.end {
			if err := settle(false); err != nil {
				return err
			}
		}
	}
}

// settleApartFrom is the number of pending messages from which the batches are settled on a
// second session: the server answers one command of a session at a time, and a batch's MOVE
// (tens of milliseconds at Dovecot) would otherwise hold up the FETCH of the next chunks on
// the first, which across a slow link is time the link stands idle.
const settleApartFrom = 2 * batchSize

// settler is the session handled messages are settled on.
type settler struct {
	main  *session
	ready chan struct{} // closed when apart is known
	apart *session      // a second session on the same mailbox; nil: settle on main
}

// startSettler opens, in the background, a second session to settle on when much is
// pending; until it is there, or when it cannot be had, settling is done on s.
func (in *Intake) startSettler(ctx context.Context, s *session) *settler {
	st := &settler{main: s, ready: make(chan struct{})}
	if len(in.state.pending) < settleApartFrom {
		close(st.ready)
		return st
	}
	uidValidity := in.state.uidValidity
	go func() {
		defer close(st.ready)
		defer func() { // a second session is an optimisation only: settle on the first
			if v := recover(); v != nil {
				in.log.Error("opening a second session to settle on panicked; settling on the first", "panic", v)
			}
		}()
		ss, err := in.openApart(ctx, uidValidity)
		if err != nil {
			in.log.Debug("no second session to settle on; settling on the first", "err", err)
			return
		}
		st.apart = ss
	}()
	return st
}

// openApart logs in once more and selects the mailbox, which must have the same UIDVALIDITY.
func (in *Intake) openApart(ctx context.Context, uidValidity uint32) (*session, error) {
	ss, err := connect(ctx, in.cfg, nil)
	if err != nil {
		return nil, err
	}
	sel, err := ss.selectBox(ctx, in.cfg.Mailbox)
	if err == nil && sel.UIDValidity != uidValidity {
		err = fmt.Errorf("select %s: uidvalidity %d, not %d", in.cfg.Mailbox, sel.UIDValidity, uidValidity)
	}
	if err != nil {
		ss.close()
		return nil, err
	}
	return ss, nil
}

// session is the second session once it is open, else the first (it does not wait).
func (st *settler) session() *session {
	select {
	case <-st.ready:
		if st.apart != nil {
			return st.apart
		}
	default:
	}
	return st.main
}

// close logs the second session out, once it is known.
func (st *settler) close() {
	<-st.ready
	if st.apart != nil {
		st.apart.close()
	}
}

// settlesUnderWay bounds the batches settling in the background at once. They settle one
// after the other, each when the one before it is done; the handler waits only when this many
// are under way. Waiting for the batch before to settle at the end of every batch held the
// handler of a backlog for 0.4 s across a link of 20 ms: a settlement syncs the database and
// moves the batch's mail, a few round trips, and a batch of small ordinary mail is handled in
// less.
const settlesUnderWay = 3

// settling is a batch's settlement under way: its first n pending UIDs, the last of them
// last, are made durable and moved or flagged in a goroutine of its own. err is set when done
// is closed.
type settling struct {
	done chan struct{}
	err  error
	n    int
	last uint32
}

// errSettledBefore is the error of a batch not settled because the batch before it failed to.
var errSettledBefore = errors.New("the batch before failed to settle")

// settleAsync starts settling owed (settle) in the background, once after (may be nil), the
// batch before, is settled; when after failed, owed is not settled (errSettledBefore).
// The session and the state settle reads are not changed meanwhile: the handler only hands
// over, and advance (which changes only the pending queue and the checkpoint) waits for done.
func (in *Intake) settleAsync(ctx context.Context, s *session, owed settlement, n int, last uint32, after *settling) *settling {
	p := &settling{done: make(chan struct{}), n: n, last: last}
	go func() {
		defer close(p.done)
		defer func() {
			if v := recover(); v != nil {
				p.err = fmt.Errorf("settle handled messages: panic: %v\n%s", v, debug.Stack())
			}
		}()
		if after != nil {
			if <-after.done; after.err != nil {
				p.err = errSettledBefore
				return
			}
		}
		p.err = in.settle(ctx, s, owed)
	}()
	return p
}

// handOverChunk hands the messages of c over in UID order, the next ones prepared ahead
// (prepare.go), counting those handled.
func (in *Intake) handOverChunk(ctx context.Context, c *fetchedChunk, owed *settlement, handled *int) error {
	p := in.startPreparer(c)
	defer p.close()
	for _, uid := range c.uids {
		if err := in.handOver(ctx, c.msgs[uid], owed); err != nil {
			return fmt.Errorf("uid %d: %w", uid, err)
		}
		delete(c.msgs, uid) // let the garbage collector have it
		*handled++
		p.handled()
	}
	return nil
}

// handOver gives one fetched message to the handler and notes its disposition; f is nil for
// a message expunged before it could be fetched.
func (in *Intake) handOver(ctx context.Context, f *Fetched, owed *settlement) error {
	if f == nil {
		in.log.Debug("message gone before fetch")
		return nil
	}
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
		in.log.Warn("unknown disposition, leaving the message", "uidvalidity", f.UIDValidity, "uid", f.UID, "disposition", int(disp))
	}
	in.log.Debug("message handed over", "uidvalidity", f.UIDValidity, "uid", f.UID, "disposition", disp,
		"too_large", f.TooLarge, "partial", f.Partial != nil && f.Raw == nil)
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
