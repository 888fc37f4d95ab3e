package mailtest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// Link is the network path a Proxy puts between client and server: Delay each way (10 ms
// each way is a round trip of 20 ms, as to a hoster or Microsoft 365) and Rate, the bytes a
// second each way can carry (100 Mbit/s is 12.5e6). The zero Link is loopback as it is.
type Link struct {
	Delay time.Duration
	Rate  float64 // bytes per second; 0: unlimited
}

// NewLinkProxy is NewProxy whose connections cross link: data leaves in order, no faster
// than Rate, and arrives Delay after it left. What the path holds in flight (the bytes a
// router would queue) is bounded, so a sender that outruns the link is held back as TCP
// would hold it. Bytes tells how much crossed.
func NewLinkProxy(t testing.TB, target string, link Link) *Proxy {
	t.Helper()
	return newProxy(t, target, link)
}

// Bytes returns the bytes carried so far from clients to the server (up) and back (down):
// a figure that does not depend on the machine's load.
func (p *Proxy) Bytes() (up, down int64) { return p.up.Load(), p.down.Load() }

// linkInFlight bounds the bytes on their way across a link: about two round trips of a
// 100 Mbit/s path of 20 ms, enough to keep it full.
const linkInFlight = 1 << 20

// line is one direction of a link, shared by every connection across it: a link of 100
// Mbit/s carries 100 Mbit/s in all, however many connections a client opens.
type line struct {
	mu   sync.Mutex
	free time.Time // when the line has sent everything before
}

// take reserves the line for n bytes at rate and returns when they have left.
func (l *line) take(n int, rate float64) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := time.Now()
	if l.free.After(start) {
		start = l.free
	}
	sent := start
	if rate > 0 {
		sent = start.Add(time.Duration(float64(n) / rate * float64(time.Second)))
	}
	l.free = sent
	return sent
}

// linkWriter writes one direction of a connection across a link.
type linkWriter struct {
	link  Link
	line  *line
	dst   net.Conn
	q     chan timed    // data in flight, in order
	room  chan struct{} // a token per linkChunk of room in flight
	done  chan struct{} // the delivering goroutine has returned
	dead  chan struct{} // closed when dst failed
	plain bool
}

type timed struct {
	data   []byte
	arrive time.Time
}

const linkChunk = 16 << 10

func (l Link) writer(dst net.Conn, ln *line) *linkWriter {
	w := &linkWriter{link: l, line: ln, dst: dst, plain: l.Delay == 0 && l.Rate == 0}
	if w.plain {
		return w
	}
	slots := linkInFlight / linkChunk
	w.q, w.room = make(chan timed, slots), make(chan struct{}, slots)
	w.done, w.dead = make(chan struct{}), make(chan struct{})
	for range slots {
		w.room <- struct{}{}
	}
	go w.deliver()
	return w
}

// write sends p across the link: it returns once p is on its way (or at once on loopback).
func (w *linkWriter) write(p []byte) error {
	if w.plain {
		_, err := w.dst.Write(p)
		return err
	}
	select {
	case <-w.dead:
		return net.ErrClosed
	case <-w.room:
	}
	sent := w.line.take(len(p), w.link.Rate)
	w.q <- timed{data: append([]byte(nil), p...), arrive: sent.Add(w.link.Delay)}
	return nil
}

// deliver writes each chunk to dst when it arrives.
func (w *linkWriter) deliver() {
	defer close(w.done)
	for c := range w.q {
		if d := time.Until(c.arrive); d > 0 {
			time.Sleep(d)
		}
		if _, err := w.dst.Write(c.data); err != nil {
			close(w.dead)
			for range w.q { // drain until close, so that write never blocks
			}
			return
		}
		w.room <- struct{}{}
	}
}

// close lets what is in flight arrive, then stops.
func (w *linkWriter) close() {
	if w.plain {
		return
	}
	close(w.q)
	<-w.done
}
