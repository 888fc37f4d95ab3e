package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// imapServer is go-imap's in-memory IMAP server on a loopback port.
type imapServer struct {
	srv  *imapserver.Server
	ln   net.Listener
	addr string
}

func startIMAP(user, pass string) (*imapServer, error) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, pass)
	if err := u.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("create INBOX: %w", err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for IMAP: %w", err)
	}
	go func() { _ = srv.Serve(ln) }()
	return &imapServer{srv: srv, ln: ln, addr: ln.Addr().String()}, nil
}

func (s *imapServer) Close() { _ = s.srv.Close() }

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// smtpReceiver accepts every mail on a loopback port and writes it as NNNN.eml into a folder.
type smtpReceiver struct {
	srv   *smtp.Server
	addr  string
	dir   string
	mu    sync.Mutex
	n     int
	mails []received
}

type received struct {
	File string
	To   []string
	Raw  []byte
}

func startSMTP(dir string) (*smtpReceiver, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create outbox folder: %w", err)
	}
	r := &smtpReceiver{dir: dir}
	s := smtp.NewServer(r)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	s.MaxMessageBytes = 50 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for SMTP: %w", err)
	}
	r.srv, r.addr = s, ln.Addr().String()
	go func() { _ = s.Serve(ln) }()
	return r, nil
}

func (r *smtpReceiver) Close() { _ = r.srv.Close() }

func (r *smtpReceiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.mails...)
}

func (r *smtpReceiver) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{r: r}, nil }

type session struct {
	r  *smtpReceiver
	to []string
}

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *session) Reset()        { s.to = nil }
func (s *session) Logout() error { return nil }

func (s *session) Data(rd io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, rd); err != nil {
		return err
	}
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	name := filepath.Join(r.dir, fmt.Sprintf("%04d.eml", r.n))
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		return errors.New("cannot store the mail")
	}
	r.mails = append(r.mails, received{File: name, To: s.to, Raw: buf.Bytes()})
	return nil
}
