// Package memimap runs go-imap's in-memory IMAP server on a loopback port: the mailbox of
// `klachtd demo` and of tests that need no Dovecot. It offers IMAP4rev2 (so IDLE, MOVE and
// UIDPLUS), plaintext login, one user whose INBOX exists and is empty.
package memimap

import (
	"errors"
	"fmt"
	"net"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is a running in-memory IMAP server.
type Server struct {
	Addr string // host:port on 127.0.0.1
	srv  *imapserver.Server
	done chan error
}

// Start starts a server with one user.
func Start(user, pass string) (*Server, error) {
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
	s := &Server{Addr: ln.Addr().String(), srv: srv, done: make(chan error, 1)}
	go func() {
		var err error
		defer func() { // a panic ends serving with an error, not the process (klachtd demo)
			if v := recover(); v != nil {
				err = fmt.Errorf("serve IMAP: panic: %v", v)
			}
			s.done <- err
		}()
		if err = srv.Serve(ln); errors.Is(err, net.ErrClosed) {
			err = nil
		}
	}()
	return s, nil
}

// Close stops the server and returns what serving ended with.
func (s *Server) Close() error {
	_ = s.srv.Close()
	return <-s.done
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}
