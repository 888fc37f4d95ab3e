package intake

import "sync"

// The handler's first work on a message, parsing it, needs nothing but the message. While the
// handler works on one message of a chunk, a goroutine of the intake does that work for the
// next few (SetPrepare), on the other core. The handler gets the result from
// Fetched.Prepared: done ahead, or done by the handler itself when it comes to a message
// first, never twice.

// prepareLead is how many messages the preparer may be ahead of the handler, and prepareUpTo
// the largest message it prepares: a larger one is left to the handler. What is parsed ahead
// and not yet handled is so at most 32 messages of 64 KiB (what is fetched whole), 2 MiB,
// however hostile the mail; a large message is parsed only when the handler comes to it.
const (
	prepareLead = 32
	prepareUpTo = 64 << 10
)

// Prepare is the handler's work on a fetched message that needs nothing but the message (it
// must not block, write anything, keep f, or change it). The intake runs it ahead of the
// handler, on another goroutine; its result reaches the handler through Fetched.Prepared.
type Prepare func(f *Fetched) any

// SetPrepare gives the intake the handler's Prepare; call it before Run. Without it no work
// is done ahead, and Fetched.Prepared is nil.
func (in *Intake) SetPrepare(p Prepare) { in.prepare = p }

// preparer prepares the messages of one chunk in UID order, at most prepareLead ahead of the
// handler.
type preparer struct {
	room chan struct{} // a token for each message it may prepare before the handler finishes one
	stop chan struct{} // the handler is done with the chunk
	over chan struct{} // closed when the preparer has returned
}

// startPreparer gives every message of c its Prepared and starts preparing them ahead; nil
// when the intake has no Prepare. It reads the messages here, on the handler's goroutine: the
// preparer itself touches a message only through its Prepared.
func (in *Intake) startPreparer(c *fetchedChunk) *preparer {
	if in.prepare == nil {
		return nil
	}
	var ahead []func() any
	for _, uid := range c.uids {
		f := c.msgs[uid]
		if f == nil {
			continue
		}
		f.Prepared = once(in.prepare, f)
		if len(f.Raw)+len(f.Partial) <= prepareUpTo {
			ahead = append(ahead, f.Prepared)
		} else {
			ahead = append(ahead, nil)
		}
	}
	p := &preparer{room: make(chan struct{}, prepareLead), stop: make(chan struct{}), over: make(chan struct{})}
	for range prepareLead {
		p.room <- struct{}{}
	}
	go p.run(ahead)
	return p
}

// once returns a function that gives prepare(f), running prepare at most once, for whoever
// calls first; a second caller meanwhile waits for the first. A panic reaches the caller that
// ran it, and the result is then nil.
func once(prepare Prepare, f *Fetched) func() any {
	var (
		do sync.Once
		v  any
	)
	return func() any {
		do.Do(func() { v = prepare(f) })
		return v
	}
}

func (p *preparer) run(ahead []func() any) {
	defer close(p.over)
	for i, prepared := range ahead {
		select {
		case <-p.room:
		case <-p.stop:
			return
		}
		if prepared != nil {
			prepareQuietly(prepared)
		}
		ahead[i] = nil // the message keeps its result, and the handler lets go of both
	}
}

// prepareQuietly runs prepared on the preparer's goroutine. A panic is dropped there: the
// result stays nil, and the handler, which then prepares the message itself, meets it on its
// own goroutine, where a failure is the message's.
func prepareQuietly(prepared func() any) {
	defer func() { _ = recover() }()
	prepared()
}

// handled tells the preparer that the handler has finished a message: it may go one further.
func (p *preparer) handled() {
	if p == nil {
		return
	}
	select {
	case p.room <- struct{}{}:
	default:
	}
}

// close stops the preparer and waits until it has.
func (p *preparer) close() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.over
}
