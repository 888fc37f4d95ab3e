package intake

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// The intake fetches ahead: while the handler works through one chunk of messages, a fetcher
// goroutine fetches the next ones (and the next batch's sizes and structures), over the same
// connection, so that the handler rarely waits for the network and the network rarely for the
// handler, also across a link of 20 ms. Once the first chunk is in, the next chunk is asked
// for as soon as the one before it is (chunksUnderWay): the server has the command when it
// finishes sending the chunk before, and the link does not stand idle for a round trip
// between two chunks. The first chunk comes alone, and the first chunks are small
// (firstChunkBudget), so that the handler starts soon. What the fetcher holds, the chunks
// under way and the chunk in the handler's hands included, is at most aheadBudget; a chunk
// larger than that (one large message) is fetched only when the handler has finished
// everything before it. So memory stays at about one body budget however far ahead it is.

// aheadBudget bounds the fetched bytes the fetcher holds ahead of and in the handler: a few
// chunks of small mail (500 messages of 3-5 KB are 1.5-2.5 MB).
const aheadBudget = 4 << 20

// aheadChunks bounds the chunks waiting for the handler.
const aheadChunks = 4

// fetchedChunk is one chunk of fetched messages, as the fetcher hands them over.
type fetchedChunk struct {
	batch []uint32            // the batch the chunk belongs to
	uids  []uint32            // the UIDs the chunk covers, ascending
	msgs  map[uint32]*Fetched // a message expunged meanwhile has no entry
	end   bool                // the last chunk of its batch
	err   error               // the fetch failed: nothing more comes
	cost  int64               // what it holds (meta.cost), until the handler is done with it
}

// fetcher fetches the pending UIDs batch by batch, chunk by chunk, ahead of the handler.
type fetcher struct {
	in          *Intake
	s           *session
	uidValidity uint32
	pending     []uint32
	wholeOnly   map[uint32]bool

	out  chan *fetchedChunk
	done chan struct{} // the handler gave up: stop at the next chunk
	over chan struct{} // closed when the fetcher has returned
	held atomic.Int64  // the cost of the chunks handed over that the handler has not finished
	wake chan struct{} // a chunk was finished

	first     chan struct{} // closed once the first chunk is fetched (or the fetcher is over)
	firstOnce sync.Once
	// nextAsked is closed once the second group's sizes are asked for (or nothing more is
	// planned): only then do more chunks than one go under way, so that those sizes do not
	// wait behind them.
	nextAsked     chan struct{}
	nextAskedOnce sync.Once

	budget int64 // the next chunk's budget (firstChunkBudget, doubling up to bodyBudget)
}

// startFetcher starts fetching pending (which it keeps to itself) ahead of the handler.
func (in *Intake) startFetcher(ctx context.Context, s *session, pending []uint32) *fetcher {
	f := &fetcher{in: in, s: s, uidValidity: in.state.uidValidity, pending: pending,
		wholeOnly: maps.Clone(in.state.wholeOnly), out: make(chan *fetchedChunk, aheadChunks), done: make(chan struct{}),
		over: make(chan struct{}), wake: make(chan struct{}, 1), budget: firstChunkBudget, first: make(chan struct{}), nextAsked: make(chan struct{})}
	go f.run(ctx)
	return f
}

// next returns the next chunk; false when all pending UIDs have come.
func (f *fetcher) next() (*fetchedChunk, bool) {
	c, ok := <-f.out
	return c, ok
}

// handled tells the fetcher that the handler is done with a chunk.
func (f *fetcher) handled(c *fetchedChunk) {
	f.held.Add(-c.cost)
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// stop tells the fetcher to stop and waits until it has: its last command is read to the end,
// so the connection is free for the next.
func (f *fetcher) stop() {
	close(f.done)
	<-f.over
}

func (f *fetcher) run(ctx context.Context) {
	plans := make(chan planned, planGroup)
	planner := make(chan struct{})
	go f.planAll(ctx, plans, planner)
	defer close(f.over)
	defer close(f.out)
	// The planner's commands are read to the end before the fetcher is over, so that the
	// connection is free after stop. It stops when everything is planned or the handler gave
	// up (stop), which the handler does once it has the fetcher's last chunk, an error included.
	defer func() { <-planner }()
	defer f.fetchedFirst()
	var flights []*flight
	defer func() {
		for _, fl := range flights { // read to the end, so that the connection is free
			<-fl.done
		}
	}()
	defer func() {
		if v := recover(); v != nil {
			f.send(&fetchedChunk{err: fmt.Errorf("fetch ahead: panic: %v\n%s", v, debug.Stack())})
		}
	}()
	for p := range plans {
		if !f.batch(ctx, p, &flights) {
			return
		}
	}
	for len(flights) > 0 {
		if !f.land(&flights) {
			return
		}
	}
}

// planGroup is how many batches are planned together, after the first. A batch's plan is
// three commands one after the other (sizes; the headers of the larger messages; their
// structures), and the server answers each only after the chunk it is already sending: planned
// one by one, the plans would fall behind the chunks. Planned four at a time, three answers
// come for every four chunks, and the planner stays ahead; while the fetcher takes one group,
// the next is planned.
const planGroup = 4

// planned is a batch with what its first FETCH told and how each message is fetched (or the
// error that stopped that).
type planned struct {
	batch []uint32
	metas map[uint32]meta
	err   error
}

// fetchedFirst tells the planner that the first chunk is fetched.
func (f *fetcher) fetchedFirst() { f.firstOnce.Do(func() { close(f.first) }) }

// closed reports whether c is closed.
func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// askedNext tells the fetcher that the second group's sizes are asked for.
func (f *fetcher) askedNext() { f.nextAskedOnce.Do(func() { close(f.nextAsked) }) }

// waitFirst waits until the first chunk is fetched; false when the handler gave up.
func (f *fetcher) waitFirst() bool {
	select {
	case <-f.first:
		return true
	case <-f.done:
		return false
	}
}

// planAll plans the pending batches in order, ahead of the fetcher, one group after the
// other: the first group alone (one batch, so that the handler starts soon), then planGroup
// batches at a time, each group's sizes and structures asked for while the chunks of the group
// before it come, so that their round trips do not stand between two batches. The second
// group is asked for once the first chunk is in: the server answers what it is sent partly in
// order, and the first chunk would otherwise wait for four batches' sizes and structures that
// the handler does not need yet. Its sizes go out before more than one chunk is under way
// (askedNext), so that they do not wait behind the chunks: the first batch is fetched in
// less time than the second group takes to plan. It stops at the first error (handed on as
// the plan of the batches it concerns), when everything is planned, or when the handler gave
// up; then closes plans and done.
func (f *fetcher) planAll(ctx context.Context, plans chan<- planned, done chan<- struct{}) {
	defer close(done)
	defer close(plans)
	defer f.askedNext()
	for group := 0; len(f.pending) > 0; group++ {
		n := batchSize
		sent := func() {}
		if group > 0 {
			n = planGroup * batchSize
		}
		if group == 1 {
			if !f.waitFirst() {
				return
			}
			sent = f.askedNext
		}
		n = min(n, len(f.pending))
		uids := f.pending[:n]
		f.pending = f.pending[n:]
		metas, err := f.plan(ctx, uids, sent)
		sent()
		for len(uids) > 0 {
			batch := uids[:min(batchSize, len(uids))]
			uids = uids[len(batch):]
			select {
			case plans <- planned{batch: batch, metas: metas, err: err}:
			case <-f.done:
				return
			}
			if err != nil {
				return
			}
		}
	}
}

// plan fetches the sizes and plan of the messages of one or more batches.
func (f *fetcher) plan(ctx context.Context, uids []uint32, sent func()) (metas map[uint32]meta, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("plan a batch: panic: %v\n%s", v, debug.Stack())
		}
	}()
	in := f.in
	if metas, err = in.fetchMeta(ctx, f.s, uids, sent); err == nil {
		err = in.planBatch(ctx, f.s, uids, metas, f.wholeOnly)
	}
	return metas, err
}

// chunksUnderWay is how many chunks are asked for and not yet in. The next chunk's FETCH goes
// out while the chunks before it are still coming, so that the server has it when it finishes
// them: one chunk at a time, the link stood idle for a round trip between every two chunks
// (across 20 ms / 100 Mbit/s the intake alone took 3.7 s for 32 MB, which the link carries in
// 2.6 s; BenchmarkBacklogLink). Dovecot answers commands that are under way together partly
// interleaved, so a chunk asked for beside others comes somewhat later than alone: that is
// why the first chunk comes alone, and why no more than three are under way (two gained
// 0.3 s, three 0.1 s more, four nothing). Each is within the fetcher's aheadBudget.
const chunksUnderWay = 3

// flight is a chunk asked for and not yet handed over.
type flight struct {
	chunk *fetchedChunk
	done  chan struct{} // closed when its answers are in (chunk.msgs, chunk.err)
}

// land waits for the oldest chunk under way and hands it over; false when the fetcher must
// stop (the handler gave up, or the chunk failed: then the rest is waited for, not handed).
func (f *fetcher) land(flights *[]*flight) bool {
	fl := (*flights)[0]
	*flights = (*flights)[1:]
	<-fl.done
	if fl.chunk.err != nil {
		f.held.Add(-fl.chunk.cost)
		fl.chunk.cost = 0
		f.send(fl.chunk)
		return false
	}
	return f.send(fl.chunk)
}

// landOrRoom waits until the handler has finished a chunk or the oldest chunk under way is
// in, and hands that one over; false when the fetcher must stop. The next chunk needs room
// beside what the fetcher holds, and whichever comes first makes it. Landing the oldest chunk
// alone, as the fetcher did, waited for it to be in whole while the handler had made room
// already: the chunks under way then ended together, and the link stood idle for the round
// trip until the next chunk's FETCH was in (20 ms every two chunks of a backlog,
// BenchmarkBacklogLink).
func (f *fetcher) landOrRoom(flights *[]*flight) bool {
	select {
	case <-f.wake:
		return true
	case <-(*flights)[0].done:
		return f.land(flights)
	case <-f.done:
		return false
	}
}

// batch fetches one planned batch chunk by chunk; false when the fetcher must stop.
func (f *fetcher) batch(ctx context.Context, p planned, flights *[]*flight) bool {
	in, batch, metas := f.in, p.batch, p.metas
	if p.err != nil {
		for len(*flights) > 0 {
			if !f.land(flights) {
				return false
			}
		}
		f.send(&fetchedChunk{batch: batch, err: p.err})
		return false
	}
	for done := 0; done < len(batch); {
		n, headerOnly := in.chunk(batch[done:], metas, f.budget)
		f.budget = min(2*f.budget, bodyBudget)
		uids := batch[done : done+n]
		done += n
		var cost int64
		for _, uid := range uids {
			cost += metas[uid].cost()
		}
		limit := 1
		if closed(f.first) && closed(f.nextAsked) {
			limit = chunksUnderWay
		}
		for len(*flights) >= limit {
			if !f.land(flights) {
				return false
			}
		}
		for len(*flights) > 0 && !f.fits(cost) {
			if !f.landOrRoom(flights) {
				return false
			}
		}
		if !f.room(cost) {
			return false
		}
		c := &fetchedChunk{batch: batch, uids: uids, end: done == len(batch), cost: cost}
		*flights = append(*flights, f.ask(ctx, c, metas, headerOnly))
	}
	return true
}

// ask asks for chunk c and returns once its commands are out, so that the next chunk's go out
// after them; its answers are read in a goroutine of its own, and the flight is done when they
// are in. What c holds counts as held from now on.
func (f *fetcher) ask(ctx context.Context, c *fetchedChunk, metas map[uint32]meta, headerOnly bool) *flight {
	f.held.Add(c.cost)
	fl := &flight{chunk: c, done: make(chan struct{})}
	sent := make(chan struct{})
	var once sync.Once
	out := func() { once.Do(func() { close(sent) }) }
	go func() {
		defer close(fl.done)
		defer out() // also when the commands never went out
		defer func() {
			if v := recover(); v != nil {
				c.err = fmt.Errorf("fetch ahead: panic: %v\n%s", v, debug.Stack())
			}
		}()
		c.msgs, c.err = f.in.fetchChunk(ctx, f.s, f.uidValidity, c.uids, metas, headerOnly, out)
		f.fetchedFirst()
	}()
	<-sent
	return fl
}

// send hands a chunk over (its cost is held already); false when the handler gave up.
func (f *fetcher) send(c *fetchedChunk) bool {
	select {
	case f.out <- c:
		return true
	case <-f.done:
		f.held.Add(-c.cost)
		return false
	}
}

// fits reports whether a chunk of cost fits beside what the fetcher holds.
func (f *fetcher) fits(cost int64) bool {
	held := f.held.Load()
	return held == 0 || held+cost <= aheadBudget
}

// room waits until a chunk of cost fits beside what the fetcher holds (or nothing is held);
// false when the handler gave up.
func (f *fetcher) room(cost int64) bool {
	for !f.fits(cost) {
		select {
		case <-f.wake:
		case <-f.done:
			return false
		}
	}
	return true
}

// noteStructureFailure remembers the messages whose fetch by structure failed, so that the
// next try fetches them whole.
func (in *Intake) noteStructureFailure(err error) {
	var se *structureError
	if !errors.As(err, &se) {
		return
	}
	if in.state.wholeOnly == nil {
		in.state.wholeOnly = map[uint32]bool{}
	}
	for _, uid := range se.uids {
		in.state.wholeOnly[uid] = true
	}
	in.log.Warn("fetching by structure failed; these messages are fetched whole next", "count", len(se.uids),
		"first_uid", se.uids[0], "err", se.err)
}
