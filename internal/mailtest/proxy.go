package mailtest

import (
	"bytes"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy is a TCP proxy on loopback in front of a server, for simulating
// network faults: a connection that silently stops carrying data (no FIN, no
// RST) and a connection that is cut.
//
// Blackhole freezes the connections that are open at that moment; a
// connection opened afterwards is forwarded normally, so a client that
// notices the dead connection and reconnects gets through.
type Proxy struct {
	ln                 net.Listener
	target             string
	link               Link         // the zero Link: plain loopback
	toServer, toClient line         // the link's two directions, shared by its connections
	up                 atomic.Int64 // bytes carried from clients to the server
	down               atomic.Int64 // and back

	mu       sync.Mutex
	conns    map[*proxyConn]struct{}
	closed   bool
	cutOn    [][]byte                                   // CutOn: patterns that cut a connection when the client sends them
	nCut     int                                        // connections cut by a pattern so far
	refuse   [][]byte                                   // RefuseOn: patterns of IMAP commands the proxy answers NO itself
	nRefused int                                        // commands refused so far
	nConns   int                                        // connections accepted so far
	watch    func(conn int, toServer bool, line string) // WatchLines
	wg       sync.WaitGroup
}

type proxyConn struct {
	client, server net.Conn
	n              int // its number, from 1, in the order accepted

	mu     sync.Mutex
	cond   *sync.Cond
	frozen bool
	closed bool
}

// NewProxy starts a proxy on a free loopback port that forwards to target.
// It is closed when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	return newProxy(t, target, Link{})
}

func newProxy(t testing.TB, target string, link Link) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: proxy listen: %v", err)
	}
	p := &Proxy{ln: ln, target: target, link: link, conns: make(map[*proxyConn]struct{})}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Blackhole stops forwarding in both directions on every open connection,
// without closing them: data sent is held, as on a network that drops
// packets. New connections are not affected.
func (p *Proxy) Blackhole() {
	for _, c := range p.snapshot() {
		c.mu.Lock()
		c.frozen = true
		c.mu.Unlock()
	}
}

// Resume lets blackholed connections carry data again, held data first.
func (p *Proxy) Resume() {
	for _, c := range p.snapshot() {
		c.mu.Lock()
		c.frozen = false
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

// Accepted is the number of connections the proxy has carried so far.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nConns
}

// CloseAll closes every open connection on both sides; the proxy keeps
// accepting new ones.
func (p *Proxy) CloseAll() {
	for _, c := range p.snapshot() {
		c.close()
	}
}

// CutOn makes the proxy cut the next connection on which the client sends data containing
// pattern (a command such as "UID MOVE"), before the server sees it: the connection is lost
// exactly at that command. Each call cuts once.
func (p *Proxy) CutOn(pattern string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutOn = append(p.cutOn, []byte(pattern))
}

// Cuts counts the connections cut by CutOn so far.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nCut
}

// RefuseOn makes the proxy answer the next IMAP command line containing pattern itself, with
// "<tag> NO [UNAVAILABLE]", instead of passing it to the server: a server refusing that
// command. Each call refuses once; call it n times for n refusals.
func (p *Proxy) RefuseOn(pattern string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse = append(p.refuse, []byte(pattern))
}

// WatchLines calls f with every line the proxy carries from now on (without its CRLF, and
// the lines inside literals too), in the order it reads them, with the connection's number
// (from 1, in the order accepted) and its direction. It sees a line when it reads it: a line
// to the client is seen before the link's delay, a line to the server as the client sends it.
// f runs on the proxy's goroutines and must not block.
func (p *Proxy) WatchLines(f func(conn int, toServer bool, line string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.watch = f
}

// lineWatcher cuts one direction's data into lines for WatchLines.
type lineWatcher struct {
	p        *Proxy
	conn     int
	toServer bool
	partial  []byte
}

func (w *lineWatcher) see(data []byte) {
	w.p.mu.Lock()
	f := w.p.watch
	w.p.mu.Unlock()
	if f == nil {
		return
	}
	w.partial = append(w.partial, data...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		f(w.conn, w.toServer, string(bytes.TrimSuffix(w.partial[:i], []byte("\r"))))
		w.partial = w.partial[i+1:]
	}
	w.partial = append([]byte(nil), w.partial...) // what is left of the line, without what came before
}

// Refused counts the commands refused by RefuseOn so far.
func (p *Proxy) Refused() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nRefused
}

// takeRefusal splits data from a client into the lines to forward and, for a line a pending
// RefuseOn matches, the answer to give instead (consuming the RefuseOn).
func (p *Proxy) takeRefusal(data []byte) (forward, answer []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.refuse) == 0 {
		return data, nil
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		refused := false
		for i, pat := range p.refuse {
			if len(answer) == 0 && bytes.Contains(line, pat) {
				tag, _, _ := bytes.Cut(line, []byte(" "))
				answer = append(append(answer, tag...), " NO [UNAVAILABLE] refused by the test proxy\r\n"...)
				p.refuse = append(p.refuse[:i], p.refuse[i+1:]...)
				p.nRefused++
				refused = true
				break
			}
		}
		if !refused {
			forward = append(forward, line...)
		}
	}
	return forward, answer
}

// takeCut reports whether data from a client triggers a pending CutOn, consuming it.
func (p *Proxy) takeCut(data []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, pat := range p.cutOn {
		if bytes.Contains(data, pat) {
			p.cutOn = append(p.cutOn[:i], p.cutOn[i+1:]...)
			p.nCut++
			return true
		}
	}
	return false
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.CloseAll()
	p.wg.Wait()
}

func (p *Proxy) snapshot() []*proxyConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*proxyConn, 0, len(p.conns))
	for c := range p.conns {
		out = append(out, c)
	}
	return out
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		c := &proxyConn{client: client, server: server}
		c.cond = sync.NewCond(&c.mu)
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.close()
			return
		}
		p.conns[c] = struct{}{}
		p.nConns++
		c.n = p.nConns
		p.wg.Add(2)
		p.mu.Unlock()
		done := make(chan struct{}, 2)
		go p.pump(c, c.server, c.client, done, &p.up)
		go p.pump(c, c.client, c.server, done, &p.down)
		go func() {
			<-done
			<-done
			p.mu.Lock()
			delete(p.conns, c)
			p.mu.Unlock()
		}()
	}
}

// pump copies src to dst, holding data while the connection is frozen, across the link, and
// counts what it carried.
func (p *Proxy) pump(c *proxyConn, dst, src net.Conn, done chan<- struct{}, carried *atomic.Int64) {
	defer p.wg.Done()
	defer func() { done <- struct{}{} }()
	defer c.close()
	ln := &p.toClient
	if src == c.client {
		ln = &p.toServer
	}
	w := p.link.writer(dst, ln)
	defer w.close()
	lines := &lineWatcher{p: p, conn: c.n, toServer: src == c.client}
	buf := make([]byte, 16*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			data := buf[:n]
			if src == c.client {
				if p.takeCut(data) {
					return // the deferred close cuts both sides
				}
				var answer []byte
				if data, answer = p.takeRefusal(data); answer != nil {
					if _, werr := src.Write(answer); werr != nil {
						return
					}
				}
			}
			if !c.waitThawed() {
				return
			}
			if len(data) > 0 {
				lines.see(data)
				carried.Add(int64(len(data)))
				if werr := w.write(data); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return // EOF or a closed connection: the proxied connection ends
		}
	}
}

// waitThawed blocks while the connection is frozen; false once it is closed.
func (c *proxyConn) waitThawed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.frozen && !c.closed {
		c.cond.Wait()
	}
	return !c.closed
}

func (c *proxyConn) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	_ = c.client.Close()
	_ = c.server.Close()
}
