package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPSink is an in-process SMTP server on a free loopback port that keeps every message it
// accepts, for tests and the demo. It speaks plain SMTP, accepts any login (PLAIN or LOGIN) and
// any recipient, and can be told to fail (at RCPT or after DATA), hold or go down.
type SMTPSink struct {
	port int

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener // closed by Stop too: Close misses a listener Serve has not registered yet
	msgs     []Received
	changed  chan struct{} // closed and replaced whenever msgs or held grows
	failN    int
	failCode int
	failMsg  string
	dataN    int             // FailNextData: DATA commands still to refuse
	dataErr  *smtp.SMTPError // … with this answer
	rejects  map[string]*smtp.SMTPError
	hold     chan struct{} // non-nil: DATA waits for it to close before answering
	held     int           // DATA commands that have waited on a hold so far
	dir      string
	written  int
	sessions int // SMTP sessions opened so far
	// dropAt set: a session that delivered a message is closed at its next MAIL (see DropKept)
	dropAt   bool
	dropCode int
	oauth    sinkOAuth
}

// Received is one message the sink accepted.
type Received struct {
	From string   // envelope sender
	To   []string // envelope recipients
	Raw  []byte
	At   time.Time
}

// StartSMTPSink starts a sink on 127.0.0.1 and a free port; t's Cleanup stops it.
func StartSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	s := &SMTPSink{changed: make(chan struct{}), rejects: make(map[string]*smtp.SMTPError)}
	s.Start(t)
	t.Cleanup(s.Stop)
	return s
}

// Start (re)starts the sink on its port, after Stop; outage tests use Stop and Start.
func (s *SMTPSink) Start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)))
	if err != nil {
		t.Fatalf("smtp sink: listen: %v", err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		return &sinkSession{sink: s, conn: c}, nil
	}))
	srv.Domain = "sink.localhost"
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = 64 << 20
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = nopLogger{}
	s.srv, s.ln = srv, l
	go func() { _ = srv.Serve(l) }()
}

// Stop closes the listener and every open connection; Start brings the sink back on the same port.
func (s *SMTPSink) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		_ = ln.Close()
		_ = srv.Close()
	}
}

// Addr is "127.0.0.1:port".
func (s *SMTPSink) Addr() string { return net.JoinHostPort(s.Host(), strconv.Itoa(s.Port())) }

// Host is the loopback address the sink listens on.
func (s *SMTPSink) Host() string { return "127.0.0.1" }

// Port is the sink's port; it stays the same across Stop and Start.
func (s *SMTPSink) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// Sessions counts the SMTP sessions (connections) opened so far.
func (s *SMTPSink) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Messages returns a copy of what the sink has accepted so far, oldest first.
func (s *SMTPSink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits until the sink holds at least n messages and returns them; it fails t after timeout.
func (s *SMTPSink) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("smtp sink: got %d messages after %s, want %d", got, timeout, n)
			return nil
		}
	}
}

// FailNext makes the next n mail transactions fail with code (421 or 451: temporary, 550:
// permanent) and msg, at RCPT: every recipient of such a transaction is refused, and the
// transaction counts once however many recipients it has.
func (s *SMTPSink) FailNext(n int, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode, s.failMsg = n, code, msg
}

// FailNextData makes the next n mail transactions fail after the whole message was sent: the
// sink reads it to the final dot and answers code (451: temporary, 554: permanent) and msg
// instead of 250, and keeps nothing. A client that takes that answer for acceptance records
// a mail as sent that no server has.
func (s *SMTPSink) FailNextData(n int, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataN, s.dataErr = n, smtpError(code, msg)
}

// takeDataFailure returns the answer for a DATA to refuse, if one is due.
func (s *SMTPSink) takeDataFailure() *smtp.SMTPError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dataN <= 0 {
		return nil
	}
	s.dataN--
	return s.dataErr
}

// Reject makes the sink refuse the recipient addr with code and msg from now on (partial
// rejection tests); code 0 accepts it again.
func (s *SMTPSink) Reject(addr string, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.rejects, addr)
		return
	}
	s.rejects[addr] = smtpError(code, msg)
}

// Hold makes every DATA wait, after the message is read and before the sink answers, until
// release is called (crash-mid-send tests). A message whose connection closes while held is
// still kept, as a real server that accepted it would.
func (s *SMTPSink) Hold() (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.hold = ch
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.hold == ch {
				s.hold = nil
			}
			s.mu.Unlock()
			close(ch)
		})
	}
}

// WaitHeld waits until n DATA commands in all have been held by Hold; it fails t after timeout.
func (s *SMTPSink) WaitHeld(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := s.held, s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("smtp sink: %d held after %s, want %d", got, timeout, n)
			return
		}
	}
}

// SetDir makes the sink also write every message it accepts as NNNN.eml into dir (the demo uses this).
func (s *SMTPSink) SetDir(dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dir = dir
}

// takeFailure returns the error for a new failing transaction, if one is due.
func (s *SMTPSink) takeFailure() *smtp.SMTPError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN <= 0 {
		return nil
	}
	s.failN--
	return smtpError(s.failCode, s.failMsg)
}

func (s *SMTPSink) rejectFor(addr string) *smtp.SMTPError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejects[addr]
}

// holdChan returns the hold to wait on, counting the wait, or nil.
func (s *SMTPSink) holdChan() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		s.held++
		s.broadcast()
	}
	return s.hold
}

func (s *SMTPSink) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *SMTPSink) keep(r Received) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	s.broadcast()
	if s.dir == "" {
		return nil
	}
	s.written++
	name := filepath.Join(s.dir, fmt.Sprintf("%04d.eml", s.written))
	if err := os.WriteFile(name, r.Raw, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func smtpError(code int, msg string) *smtp.SMTPError {
	class := 5
	if code < 500 {
		class = 4
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: msg}
}

// DropKept makes the sink close every session that has delivered a message at its next MAIL
// FROM, as a server does that ends idle or used-up sessions: with code 0 without a word,
// else after a reply with that code (421: closing).
func (s *SMTPSink) DropKept(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropAt, s.dropCode = true, code
}

// sinkSession is one SMTP connection's state.
type sinkSession struct {
	sink      *SMTPSink
	conn      *smtp.Conn
	delivered bool // a message of this session was accepted
	from      string
	to        []string
	fail      *smtp.SMTPError // set for a transaction chosen by FailNext
	seen      bool            // a RCPT of this transaction has been handled
	user      string          // who logged in with a token (RequireOAuth)
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.sink.oauthVerifier() != nil {
		return oauthMechanisms()
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *sinkSession) Auth(mech string) (sasl.Server, error) {
	if v := ss.sink.oauthVerifier(); v != nil {
		return ss.oauthServer(mech, v)
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, _, _ string) error { return nil }), nil
	case sasl.Login:
		return newLoginServer(), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.oauthVerifier() != nil && ss.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	ss.sink.mu.Lock()
	drop, code := ss.sink.dropAt && ss.delivered, ss.sink.dropCode
	ss.sink.mu.Unlock()
	if drop {
		if code == 0 {
			_ = ss.conn.Close()
			return errors.New("session dropped")
		}
		time.AfterFunc(50*time.Millisecond, func() { _ = ss.conn.Close() })
		return smtpError(code, "closing the session")
	}
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !ss.seen {
		ss.seen = true
		ss.fail = ss.sink.takeFailure()
	}
	if ss.fail != nil {
		return ss.fail
	}
	if e := ss.sink.rejectFor(to); e != nil {
		return e
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read data: %w", err)
	}
	if hold := ss.sink.holdChan(); hold != nil {
		<-hold
	}
	if e := ss.sink.takeDataFailure(); e != nil {
		return e
	}
	rcv := Received{From: ss.from, To: append([]string(nil), ss.to...), Raw: bytes.Clone(raw), At: time.Now()}
	if err := ss.sink.keep(rcv); err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: err.Error()}
	}
	ss.delivered = true
	return nil
}

func (ss *sinkSession) Reset() {
	ss.from, ss.to, ss.fail, ss.seen = "", nil, nil, false
}

func (ss *sinkSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN (go-sasl only ships the client): it asks for a
// user name and a password and accepts any.
type loginServer struct{ step int }

func newLoginServer() *loginServer { return &loginServer{} }

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	l.step++
	switch l.step {
	case 1:
		if len(response) > 0 { // initial response carried the user name
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, nil
	}
	return nil, false, errors.New("unexpected LOGIN response")
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}
