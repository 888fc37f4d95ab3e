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

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

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
func (s *session) Reset() { s.to = nil }

// AuthMechanisms offers a login, as a real mailbox's server does, so that a configuration made
// for a real one (klachtd init) works against the demo too.
func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth accepts the demo mailbox's own login.
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != imapUser || password != imapPass {
			return errors.New("wrong user name or password")
		}
		return nil
	}), nil
}
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
