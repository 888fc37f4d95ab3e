package intake

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"github.com/groeimeesters/klachtd/internal/oauth"
)

// errTimeout is returned when the server stayed silent longer than Timeout
// while it owed an answer: the connection is taken for dead and closed.
var errTimeout = errors.New("imap server did not answer in time")

// session is one logged-in connection.
type session struct {
	c       *imapclient.Client
	raw     *countingConn
	timeout time.Duration
	caps    imap.CapSet
	newMail chan struct{} // signalled by untagged EXISTS (during IDLE)
	token   string        // the OAuth2 access token the session logged in with
}

// countingConn counts the bytes read, so that a watchdog can tell a slow
// but live transfer from a dead connection.
type countingConn struct {
	net.Conn
	read atomic.Uint64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(uint64(n))
	return n, err
}

// await runs fn, an IMAP exchange, and closes the connection when ctx is
// done or when the server sends nothing for longer than the timeout: a
// connection that died without a FIN or RST cannot hang the intake.
func (s *session) await(ctx context.Context, what string, fn func() error) error {
	stop := make(chan struct{})
	var timedOut atomic.Bool
	go func() {
		defer func() { _ = recover() }() // closing a conn cannot panic; stay safe anyway
		step := max(s.timeout/4, time.Millisecond)
		tick := time.NewTicker(step)
		defer tick.Stop()
		seen, silent := s.raw.read.Load(), time.Duration(0)
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				_ = s.raw.Close()
				return
			case <-tick.C:
				if n := s.raw.read.Load(); n != seen {
					seen, silent = n, 0
					continue
				}
				silent += step
				if silent >= s.timeout {
					timedOut.Store(true)
					_ = s.raw.Close()
					return
				}
			}
		}
	}()
	err := fn()
	close(stop)
	switch {
	case timedOut.Load():
		return fmt.Errorf("%s: silent for %s: %w", what, s.timeout, errTimeout)
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// connect dials, secures and logs in. With OAuth2, a token the server refuses is renewed and
// tried once more, on a new connection.
func connect(ctx context.Context, cfg Config, opts *imapclient.Options) (*session, error) {
	s, err := connectOnce(ctx, cfg, opts)
	var refused *tokenRefusedError
	if err == nil || cfg.Tokens == nil || !errors.As(err, &refused) {
		return s, err
	}
	cfg.Tokens.Refused(refused.token)
	s, err = connectOnce(ctx, cfg, opts)
	if errors.As(err, &refused) {
		return nil, fmt.Errorf("the renewed OAuth2 token was refused too: %w", err)
	}
	return s, err
}

// tokenRefusedError is a server refusing the session's OAuth2 token.
type tokenRefusedError struct {
	token string
	err   error
}

func (e *tokenRefusedError) Error() string { return e.err.Error() }
func (e *tokenRefusedError) Unwrap() error { return e.err }

func connectOnce(ctx context.Context, cfg Config, opts *imapclient.Options) (s *session, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("connect: panic: %v\n%s", v, debug.Stack())
		}
	}()
	var token string
	if cfg.Tokens != nil && isOAuth(cfg.Auth) {
		// Before dialing: a token server that is slow must not keep an IMAP connection silent.
		t, err := cfg.Tokens.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("oauth2 token: %w", err)
		}
		token = t.Access
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	d := net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	raw := &countingConn{Conn: conn}
	s = &session{raw: raw, timeout: cfg.Timeout, newMail: make(chan struct{}, 1), token: token}
	if opts == nil {
		opts = &imapclient.Options{}
	}
	opts.UnilateralDataHandler = &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				select {
				case s.newMail <- struct{}{}:
				default:
				}
			}
		},
	}
	opts.TLSConfig = cfg.tlsConf
	err = s.await(ctx, "imap greeting", func() error {
		switch cfg.TLS {
		case "implicit":
			tc := tls.Client(raw, cfg.tlsConf)
			if err := tc.HandshakeContext(ctx); err != nil {
				return fmt.Errorf("tls handshake: %w", err)
			}
			s.c = imapclient.New(tc, opts)
		case "starttls":
			c, err := imapclient.NewStartTLS(raw, opts)
			if err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
			s.c = c
		default:
			s.c = imapclient.New(raw, opts)
		}
		return s.c.WaitGreeting()
	})
	if err != nil {
		_ = raw.Close()
		return nil, err
	}
	if err := s.login(ctx, cfg); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *session) login(ctx context.Context, cfg Config) error {
	var caps imap.CapSet
	if err := s.await(ctx, "capability", func() error {
		caps = s.c.Caps()
		if caps == nil {
			return errors.New("no capability list")
		}
		return nil
	}); err != nil {
		return err
	}
	if isOAuth(cfg.Auth) {
		if err := s.tokenLogin(ctx, cfg, caps); err != nil {
			return err
		}
		return s.await(ctx, "capability", func() error {
			if s.caps = s.c.Caps(); s.caps == nil {
				return errors.New("no capability list after login")
			}
			return nil
		})
	}
	err := s.await(ctx, "login", func() error {
		switch {
		case caps.Has(imap.Cap("AUTH=PLAIN")):
			return s.c.Authenticate(sasl.NewPlainClient("", cfg.Username, cfg.Password))
		case caps.Has(imap.CapLoginDisabled):
			return errors.New("server offers neither AUTH=PLAIN nor LOGIN")
		default:
			return s.c.Login(cfg.Username, cfg.Password).Wait()
		}
	})
	if err != nil {
		return err
	}
	// Capabilities may change after login.
	return s.await(ctx, "capability", func() error {
		s.caps = s.c.Caps()
		if s.caps == nil {
			return errors.New("no capability list after login")
		}
		return nil
	})
}

// selectBox selects the folder box.
func (s *session) selectBox(ctx context.Context, box string) (sel *imap.SelectData, err error) {
	err = s.await(ctx, "select "+box, func() (err error) {
		sel, err = s.c.Select(box, nil).Wait()
		return err
	})
	return sel, err
}

// close logs out (best effort, briefly) and closes the connection.
func (s *session) close() {
	if s.c == nil {
		_ = s.raw.Close()
		return
	}
	select {
	case <-s.c.Closed():
	default:
		ctx, cancel := context.WithTimeout(context.Background(), min(s.timeout, 2*time.Second))
		_ = s.await(ctx, "logout", func() error { return s.c.Logout().Wait() })
		cancel()
	}
	_ = s.c.Close()
	_ = s.raw.Close()
}

func isOAuth(auth string) bool { return auth == oauth.MechXOAuth2 || auth == oauth.MechOAuthBearer }

// errLoginRefused marks a server that refused the credentials (NO to AUTHENTICATE or LOGIN).
var errLoginRefused = errors.New("login refused")

// tokenLogin authenticates with the session's OAuth2 token; a refusal is a
// *tokenRefusedError, so that connect renews the token and tries again.
func (s *session) tokenLogin(ctx context.Context, cfg Config, caps imap.CapSet) error {
	mechName := strings.ToUpper(cfg.Auth)
	if !caps.Has(imap.Cap("AUTH=" + mechName)) {
		return fmt.Errorf("the server does not offer AUTH=%s (it offers %s)", mechName, authCaps(caps))
	}
	mech := oauth.IMAPClient(cfg.Auth, cfg.Username, s.token, cfg.Host, cfg.Port)
	err := s.await(ctx, "authenticate "+cfg.Auth, func() error { return s.c.Authenticate(mech) })
	var ie *imap.Error
	if errors.Is(err, oauth.ErrTokenRefused) || errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
		return &tokenRefusedError{token: s.token, err: fmt.Errorf("%w: %w", errLoginRefused, err)}
	}
	return err
}

func authCaps(caps imap.CapSet) string {
	var out []string
	for c := range caps {
		if strings.HasPrefix(string(c), "AUTH=") {
			out = append(out, string(c))
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return "no AUTH mechanism"
	}
	return strings.Join(out, " ")
}

// endedByServer reports whether the connection is already closed: the server ended the
// session (Microsoft sends BYE when the token expires) or the network dropped it.
func (s *session) endedByServer() bool {
	if s.c == nil {
		return false
	}
	select {
	case <-s.c.Closed():
		return true
	default:
		return false
	}
}

// Capabilities is what `klachtd check` reports about the IMAP server.
type Capabilities struct {
	IDLE, MOVE, UIDPLUS bool
	ProcessedExists     bool // the Processed folder exists (false when Processed is "")
	Messages            uint32
	UIDValidity         uint32
}

// Check logs in, looks at the mailbox without changing anything (STATUS,
// LIST) and reports what the server offers.
func Check(ctx context.Context, cfg Config) (Capabilities, error) {
	cfg, err := ready(New(cfg, nil, nil, nil).cfg)
	if err != nil {
		return Capabilities{}, err
	}
	s, err := connect(ctx, cfg, nil)
	if err != nil {
		return Capabilities{}, err
	}
	defer s.close()
	c := Capabilities{
		IDLE:    s.caps.Has(imap.CapIdle),
		MOVE:    s.caps.Has(imap.CapMove),
		UIDPLUS: s.caps.Has(imap.CapUIDPlus),
	}
	var data *imap.StatusData
	err = s.await(ctx, "status "+cfg.Mailbox, func() (err error) {
		data, err = s.c.Status(cfg.Mailbox, &imap.StatusOptions{NumMessages: true, UIDValidity: true}).Wait()
		return err
	})
	if err != nil {
		return c, fmt.Errorf("mailbox %q: %w", cfg.Mailbox, err)
	}
	if data.NumMessages != nil {
		c.Messages = *data.NumMessages
	}
	c.UIDValidity = data.UIDValidity
	if cfg.Processed == "" {
		return c, nil
	}
	err = s.await(ctx, "list "+cfg.Processed, func() error {
		boxes, err := s.c.List("", cfg.Processed, nil).Collect()
		c.ProcessedExists = len(boxes) > 0
		return err
	})
	return c, err
}
