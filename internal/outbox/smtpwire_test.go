package outbox

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// wireServer is an SMTP server of the tests' own that keeps the command lines as they came:
// in batches, each the lines that were in before it replied (it waits 100 ms for more after
// each line). A client that pipelines sends several commands in one batch; one that does not
// sends one a batch. Its replies can be set per command.
type wireServer struct {
	addr       *net.TCPAddr
	pipelining bool              // offer PIPELINING
	replies    map[string]string // a command line → the reply to it instead of the usual one

	mu       sync.Mutex
	batches  [][]string // the command lines, in batches
	messages []string   // the messages whose data ended with "."
	cut      int        // messages whose data never ended
}

func startWire(t *testing.T, pipelining bool, replies map[string]string) *wireServer {
	t.Helper()
	w := &wireServer{pipelining: pipelining, replies: replies}
	w.addr = mailtest.Serve(t, w.serve)
	return w
}

func (w *wireServer) config() Config {
	return Config{Host: "127.0.0.1", Port: w.addr.Port, TLS: "none", Timeout: 5 * time.Second, RetryFor: time.Hour}
}

func (w *wireServer) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	say("220 wire ESMTP")
	for {
		batch, err := readBatch(c, br)
		if len(batch) > 0 {
			w.mu.Lock()
			w.batches = append(w.batches, batch)
			w.mu.Unlock()
		}
		if err != nil {
			return
		}
		for _, line := range batch {
			verb := strings.ToUpper(strings.Fields(line + " x")[0])
			reply, set := w.replies[line]
			switch {
			case set:
			case verb == "EHLO" && w.pipelining:
				reply = "250-wire\r\n250-PIPELINING\r\n250 8BITMIME"
			case verb == "EHLO":
				reply = "250-wire\r\n250 8BITMIME"
			case verb == "DATA":
				reply = "354 go ahead"
			case verb == "QUIT":
				say("221 bye")
				return
			case verb == "MAIL" || verb == "RCPT" || verb == "RSET" || verb == "NOOP":
				reply = "250 ok"
			default:
				reply = "500 what"
			}
			say(reply)
			if verb == "DATA" && strings.HasPrefix(reply, "354") {
				if !w.readData(c, br) {
					return
				}
				say("250 queued")
			}
		}
	}
}

// readData reads a message up to its "." line; false when the client went first.
func (w *wireServer) readData(c net.Conn, br *bufio.Reader) bool {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			w.mu.Lock()
			w.cut++
			w.mu.Unlock()
			return false
		}
		if line == ".\r\n" {
			w.mu.Lock()
			w.messages = append(w.messages, b.String())
			w.mu.Unlock()
			return true
		}
		b.WriteString(line)
	}
}

// readBatch reads one line, then every line that comes within 100 ms of the one before.
func readBatch(c net.Conn, br *bufio.Reader) ([]string, error) {
	var batch []string
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return batch, err
		}
		batch = append(batch, strings.TrimRight(line, "\r\n"))
		if br.Buffered() == 0 {
			_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if _, err := br.Peek(1); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					return batch, nil
				}
				return batch, err
			}
		}
	}
}

// commands is what the server received, the EHLO and QUIT left out.
func (w *wireServer) commands() [][]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out [][]string
	for _, b := range w.batches {
		var keep []string
		for _, l := range b {
			if v := strings.ToUpper(strings.Fields(l + " x")[0]); v != "EHLO" && v != "QUIT" {
				keep = append(keep, l)
			}
		}
		if len(keep) > 0 {
			out = append(out, keep)
		}
	}
	return out
}

func (w *wireServer) received() (messages []string, cut int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.messages...), w.cut
}

// wireRow is testRow to one recipient or two.
func wireRow(recipients int) Row {
	r := testRow(1)
	if recipients == 1 {
		r.Cc = nil
	}
	return r
}

// A server that offers PIPELINING gets MAIL, the RCPTs and, for a single recipient, DATA in one
// go; one that does not gets each command after the reply to the one before. The addresses go
// in angle brackets (RFC 5321, section 4.1.2: Gmail refuses them bare).
func TestPipelining(t *testing.T) {
	const from, to, cc = "MAIL FROM:<info@intervisie-begeleiding.nl> BODY=8BITMIME", "RCPT TO:<joelle@example.nl>", "RCPT TO:<info@ivak.nl>"
	tests := []struct {
		name       string
		pipelining bool
		recipients int
		want       [][]string
	}{
		{"no pipelining, one recipient", false, 1, [][]string{{from}, {to}, {"DATA"}}},
		{"no pipelining, two recipients", false, 2, [][]string{{from}, {to}, {cc}, {"DATA"}}},
		{"pipelining, one recipient", true, 1, [][]string{{from, to, "DATA"}}},
		{"pipelining, two recipients", true, 2, [][]string{{from, to, cc}, {"DATA"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := startWire(t, tt.pipelining, nil)
			s, _ := newTestSender(t, w.config(), newMemQueue(t0), t0)
			r := wireRow(tt.recipients)
			if err := s.send(t.Context(), &r); err != nil {
				t.Fatalf("send: %v", err)
			}
			s.hangUp()
			if diff := cmp.Diff(tt.want, w.commands()); diff != "" {
				t.Errorf("commands by batch (-want +got):\n%s", diff)
			}
			msgs, cut := w.received()
			if len(msgs) != 1 || cut != 0 || !strings.Contains(msgs[0], "Message-ID: <"+r.MessageID+">") {
				t.Errorf("server received %d messages (%d cut off), want this one once:\n%s", len(msgs), cut, strings.Join(msgs, "\n---\n"))
			}
		})
	}
}

// A pipelined mail to a recipient the server refuses is not sent: the server refuses the DATA
// that came with it, or, should it answer 354 all the same, the connection is dropped before
// the message ends. The refusal is the recipient's, and permanent.
func TestPipelinedRefusedRecipient(t *testing.T) {
	for _, data := range []string{"554 5.5.1 no valid recipients", "354 go ahead all the same"} {
		t.Run(data, func(t *testing.T) {
			w := startWire(t, true, map[string]string{
				"RCPT TO:<joelle@example.nl>": "550 5.1.1 no such user", "DATA": data})
			s, _ := newTestSender(t, w.config(), newMemQueue(t0), t0)
			r := wireRow(1)
			err := s.send(t.Context(), &r)
			var rej *rejectError
			if !errors.As(err, &rej) || rej.stage != "rcpt to" || rej.code != 550 || Classify(err) {
				t.Fatalf("send: %v, want a permanent refusal of the recipient", err)
			}
			if msgs, _ := w.received(); len(msgs) != 0 {
				t.Errorf("server received %d messages, want none", len(msgs))
			}
		})
	}
}

// A pipelined MAIL refused with 421 (the server closing a kept session) counts as a session
// that was gone, so the mail is tried at once on a new one; a refusal with 550 does not.
func TestPipelinedMailRefused(t *testing.T) {
	for _, tt := range []struct {
		reply string
		gone  bool
	}{{"421 4.3.2 closing", true}, {"550 5.7.1 not you", false}} {
		w := startWire(t, true, map[string]string{"MAIL FROM:<info@intervisie-begeleiding.nl> BODY=8BITMIME": tt.reply})
		s, _ := newTestSender(t, w.config(), newMemQueue(t0), t0)
		c, err := dial(t.Context(), s.cfg)
		if err != nil {
			t.Fatal(err)
		}
		r := wireRow(1)
		msg, err := Build(&r)
		if err != nil {
			t.Fatal(err)
		}
		err = c.transact(r.From.Email, recipients(&r), msg, time.Second)
		c.abort()
		if err == nil || sessionGone(err) != tt.gone {
			t.Errorf("MAIL answered %q: %v, session gone %v, want %v", tt.reply, err, sessionGone(err), tt.gone)
		}
	}
}

// An address that would end or break the SMTP command is refused before anything is sent.
func TestTransactRefusesBadAddress(t *testing.T) {
	for _, addr := range []string{"a>b@example.nl", "x@example.nl>\r\nRCPT TO:<y@example.nl", "a@example.nl\n"} {
		w := startWire(t, true, nil)
		s, _ := newTestSender(t, w.config(), newMemQueue(t0), t0)
		r := wireRow(1)
		msg, err := Build(&r) // a good mail: only the envelope is bad
		if err != nil {
			t.Fatal(err)
		}
		c, err := dial(t.Context(), s.cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = c.transact(r.From.Email, []string{addr}, msg, time.Second)
		c.abort()
		if !errors.Is(err, ErrInvalidRow) {
			t.Errorf("to %q: %v, want ErrInvalidRow", addr, err)
		}
		if got := w.commands(); len(got) != 0 {
			t.Errorf("to %q: server received %q", addr, got)
		}
	}
}
