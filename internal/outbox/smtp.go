package outbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/groeimeesters/klachtd/internal/oauth"
)

// connectError is a failure before any mail transaction: the connection, TLS, EHLO or login.
// It is always temporary — it says nothing about the mail, and an operator can fix it.
type connectError struct {
	addr string
	err  error
}

func (e *connectError) Error() string { return fmt.Sprintf("connect to %s: %v", e.addr, e.err) }
func (e *connectError) Unwrap() error { return e.err }

// rejectError is the server refusing a mail transaction: MAIL FROM, one or more RCPT TO, or
// DATA. Code is the most severe reply code (any 5xx wins over 4xx).
type rejectError struct {
	stage   string   // "mail from", "rcpt to", "data"
	code    int      // 4xx or 5xx
	status  string   // enhanced status code, "5.1.1", when given
	replies []string // the server's replies, with the recipient they concern (may hold addresses)
}

func (e *rejectError) Error() string {
	return fmt.Sprintf("server refused %s: %s", e.stage, strings.Join(e.replies, "; "))
}

// summary is what may be logged: no addresses, no server text.
func (e *rejectError) summary() string {
	return strings.TrimSpace(fmt.Sprintf("%s %d %s", e.stage, e.code, e.status))
}

// Classify reports whether err is temporary, so that the mail is tried again later. The server's
// reply code decides (4xx temporary, 5xx permanent); failures to connect, to verify TLS or to log
// in are temporary (an operator fixes the configuration; mail must not be dropped meanwhile), as
// are network errors, timeouts and errors this function does not know. A row that cannot become
// a mail (ErrInvalidRow) is permanent. Strings are never matched.
func Classify(err error) (temporary bool) {
	var (
		ce *connectError
		re *rejectError
		se *mail.SendError
		te *textproto.Error
	)
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrInvalidRow):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &ce):
		return true
	case errors.As(err, &re):
		return re.code < 500
	case errors.As(err, &se):
		switch code := se.ErrorCode(); {
		case code >= 500 && code < 600:
			return false
		case code >= 400 && code < 500:
			return true
		}
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			return false // the message itself is wrong
		}
		return true // a connection lost mid-transaction
	case errors.As(err, &te):
		return te.Code < 500
	}
	return true
}

// isTLSVerification reports whether err is a certificate that could not be verified.
func isTLSVerification(err error) bool {
	var (
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// conn is an open, authenticated SMTP session and the raw connection under it, which can be
// closed from another goroutine to abort a blocked read (smtp.Client.Close would wait for it).
type conn struct {
	client *smtp.Client
	mu     sync.Mutex
	raw    net.Conn
	// done is when the session last completed a transaction (the zero time: never); the
	// sender's goroutine alone reads and writes it.
	done time.Time
}

// mailFromError is the failure of a transaction's first command, MAIL FROM: nothing of the
// mail was sent yet.
type mailFromError struct{ err error }

func (e *mailFromError) Error() string { return e.err.Error() }
func (e *mailFromError) Unwrap() error { return e.err }

// sessionGone reports whether err says a kept session was gone before the transaction began:
// MAIL FROM failed on the network, or with 421 (the server closing the session).
func sessionGone(err error) bool {
	var mf *mailFromError
	if !errors.As(err, &mf) {
		return false
	}
	var rej *rejectError
	return !errors.As(err, &rej) || rej.code == 421
}

func (c *conn) abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raw != nil {
		_ = c.raw.Close()
	}
}

// dial connects, says EHLO, secures the connection and logs in. cfg must be normalized. With
// OAuth2 a token the server refuses is renewed and tried once more, on a new connection.
func dial(ctx context.Context, cfg Config) (*conn, error) {
	if cfg.Username == "" || cfg.Tokens == nil || !isOAuth(cfg.Auth) {
		return dialWith(ctx, cfg, nil)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	for attempt := 0; ; attempt++ {
		t, err := cfg.Tokens.Token(ctx)
		if err != nil {
			return nil, &connectError{addr: addr, err: fmt.Errorf("oauth2 token: %w", err)}
		}
		auth := oauth.SMTPAuth(cfg.Auth, cfg.Username, t.Access, cfg.Host, cfg.Port)
		c, err := dialWith(ctx, cfg, auth)
		if err == nil || attempt > 0 || (!authRefused(err) && auth.Refusal() == nil) {
			return c, err
		}
		cfg.Tokens.Refused(t.Access)
	}
}

func isOAuth(auth string) bool { return auth == oauth.MechXOAuth2 || auth == oauth.MechOAuthBearer }

// authRefused reports whether the server refused the credentials (535, or 534 and 530 which
// some servers send for a token they will not take).
func authRefused(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && (te.Code == 535 || te.Code == 534 || te.Code == 530)
}

// dialWith is dial with the given OAuth2 login (nil for a password or no login).
func dialWith(ctx context.Context, cfg Config, auth smtp.Auth) (*conn, error) {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	fail := func(err error) (*conn, error) { return nil, &connectError{addr: addr, err: err} }

	c := &conn{}
	// Our own dialer, for implicit TLS too: it keeps the raw connection so that a cancelled
	// context can close it.
	dialFn := func(ctx context.Context, network, address string) (net.Conn, error) {
		d := net.Dialer{Timeout: cfg.Timeout}
		raw, err := d.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.raw = raw
		c.mu.Unlock()
		if cfg.TLS != "implicit" {
			return raw, nil
		}
		tc := tls.Client(raw, cfg.tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		return tc, nil
	}
	opts := []mail.Option{
		mail.WithPort(cfg.Port), mail.WithTimeout(cfg.Timeout), mail.WithTLSConfig(cfg.tlsConf),
		mail.WithDialContextFunc(dialFn),
	}
	switch cfg.TLS {
	case "implicit":
		opts = append(opts, mail.WithSSL()) // skips STARTTLS; dialFn did the handshake
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithUsername(cfg.Username))
		switch cfg.Auth {
		case oauth.MechXOAuth2, oauth.MechOAuthBearer:
			opts = append(opts, mail.WithSMTPAuthCustom(auth))
		case "login":
			opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthLogin), mail.WithPassword(cfg.Password))
		default:
			opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithPassword(cfg.Password))
		}
	}
	mc, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return fail(fmt.Errorf("smtp client: %w", err))
	}
	stop := context.AfterFunc(ctx, c.abort)
	defer stop()
	client, err := mc.DialToSMTPClientWithContext(ctx)
	if err != nil {
		c.abort()
		return fail(err)
	}
	c.client = client
	return c, nil
}

// transact runs one mail transaction. Every recipient is tried; when any is refused nothing is
// sent, so a row reaches all its recipients or none and a retry never duplicates mail to the
// ones that accepted. A server that offers PIPELINING (RFC 2920: Postfix, Exchange Online
// and Gmail do) gets the commands before their replies are in (pipelined): a mail takes two
// round trips to the server instead of four. After an error the session is out of step
// (replies to pipelined commands may be unread, a message unfinished): the caller drops the
// connection, and the server the transaction with it.
func (c *conn) transact(from string, rcpts []string, msg *mail.Msg, timeout time.Duration) error {
	if err := c.client.UpdateDeadline(timeout); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	for _, addr := range append([]string{from}, rcpts...) {
		if strings.ContainsAny(addr, "<>\r\n") {
			return fmt.Errorf("%w: address %q cannot go in an SMTP command", ErrInvalidRow, addr)
		}
	}
	var w io.WriteCloser
	var err error
	if ok, _ := c.client.Extension("PIPELINING"); ok {
		w, err = c.pipelined(from, rcpts)
	} else {
		w, err = c.stepwise(from, rcpts)
	}
	if err != nil {
		return err
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fmt.Errorf("write message: %w", err) // the caller drops the connection, and the unfinished mail with it
	}
	if err := w.Close(); err != nil {
		return refused("data", err, "")
	}
	c.done = time.Now()
	return nil
}

// stepwise sends MAIL, each RCPT and DATA one at a time, each after the reply to the one
// before, and returns the writer for the message.
func (c *conn) stepwise(from string, rcpts []string) (io.WriteCloser, error) {
	if err := c.client.Mail("<" + from + ">"); err != nil {
		return nil, &mailFromError{refused("mail from", err, "")}
	}
	var rej refusals
	for _, rcpt := range rcpts {
		if err := rej.add(c.client.Rcpt("<"+rcpt+">"), rcpt); err != nil {
			return nil, err
		}
	}
	if rej.err != nil {
		_ = c.client.Reset()
		return nil, rej.err
	}
	w, err := c.client.Data()
	if err != nil {
		return nil, refused("data", err, "")
	}
	return w, nil
}

// pipelined sends MAIL, every RCPT and, for a single recipient, DATA before it reads a reply,
// then reads the replies in order, and returns the writer for the message. With more
// recipients DATA waits for their replies: a server that refused one of them still answers a
// pipelined DATA with 354, and the mail would reach the others. With one, a refused recipient
// leaves none, and the server refuses DATA (RFC 2920, section 3.1); should it answer 354 all
// the same, the caller drops the connection before the message ends, and nothing is sent.
func (c *conn) pipelined(from string, rcpts []string) (io.WriteCloser, error) {
	t := c.client.Text
	cmds := []string{"MAIL FROM:<" + from + ">" + c.mailParams()}
	for _, rcpt := range rcpts {
		cmds = append(cmds, "RCPT TO:<"+rcpt+">")
	}
	withData := len(rcpts) == 1
	if withData {
		cmds = append(cmds, "DATA")
	}
	ids := make([]uint, len(cmds))
	for i, cmd := range cmds { // in one write
		ids[i] = t.Next()
		t.StartRequest(ids[i])
		_, _ = t.W.WriteString(cmd + "\r\n") // a bufio.Writer's error comes again at Flush
		t.EndRequest(ids[i])
	}
	if err := t.W.Flush(); err != nil {
		return nil, &mailFromError{fmt.Errorf("mail from: %w", err)} // nothing of the mail reached the server
	}
	reply := func(i, expect int) error {
		t.StartResponse(ids[i])
		defer t.EndResponse(ids[i])
		_, _, err := t.ReadResponse(expect)
		return err
	}
	if err := reply(0, 250); err != nil {
		return nil, &mailFromError{refused("mail from", err, "")}
	}
	var rej refusals
	for i, rcpt := range rcpts {
		if err := rej.add(reply(1+i, 25), rcpt); err != nil {
			return nil, err
		}
	}
	if withData {
		if err := reply(len(cmds)-1, 354); rej.err == nil && err != nil {
			return nil, refused("data", err, "")
		}
	}
	if rej.err != nil {
		return nil, rej.err
	}
	if !withData {
		w, err := c.client.Data()
		if err != nil {
			return nil, refused("data", err, "")
		}
		return w, nil
	}
	return &dataWriter{w: t.DotWriter(), t: t}, nil
}

// mailParams are the parameters go-mail's Client.Mail gives MAIL FROM, for the pipelined
// command: BODY=8BITMIME and SMTPUTF8 when the server offers them.
func (c *conn) mailParams() string {
	var p string
	if ok, _ := c.client.Extension("8BITMIME"); ok {
		p += " BODY=8BITMIME"
	}
	if ok, _ := c.client.Extension("SMTPUTF8"); ok {
		p += " SMTPUTF8"
	}
	return p
}

// dataWriter writes a message after a pipelined DATA; Close ends it and reads the server's
// reply, as go-mail's writer after Client.Data does.
type dataWriter struct {
	w io.WriteCloser // the dot-stuffing writer
	t *textproto.Conn
}

func (d *dataWriter) Write(p []byte) (int, error) { return d.w.Write(p) }

func (d *dataWriter) Close() error {
	if err := d.w.Close(); err != nil {
		return err
	}
	_, _, err := d.t.ReadResponse(250)
	return err
}

// refusals gathers the replies to a transaction's RCPT commands: all refused recipients, the
// most severe code deciding.
type refusals struct{ err *rejectError }

// add notes the reply err to RCPT TO rcpt; it returns err when the connection failed.
func (r *refusals) add(err error, rcpt string) error {
	if err == nil {
		return nil
	}
	var one *rejectError
	if e := refused("rcpt to", err, rcpt); !errors.As(e, &one) {
		return e
	}
	if r.err == nil {
		r.err = one
		return nil
	}
	r.err.replies = append(r.err.replies, one.replies...)
	if one.code > r.err.code {
		r.err.code, r.err.status = one.code, one.status
	}
	return nil
}

// refused turns a server reply into a rejectError; other errors (network) pass through.
func refused(stage string, err error, rcpt string) error {
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code < 400 || te.Code > 599 {
		return fmt.Errorf("%s: %w", stage, err)
	}
	reply := fmt.Sprintf("%d %s", te.Code, strings.Join(strings.Fields(te.Msg), " "))
	if rcpt != "" {
		reply = "<" + rcpt + ">: " + reply
	}
	status, _, _ := strings.Cut(strings.TrimSpace(te.Msg), " ")
	if !isEnhancedStatus(status) {
		status = ""
	}
	return &rejectError{stage: stage, code: te.Code, status: status, replies: []string{reply}}
}

func isEnhancedStatus(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || (parts[0] != "4" && parts[0] != "5") {
		return false
	}
	for _, p := range parts[1:] {
		if _, err := strconv.Atoi(p); err != nil || len(p) > 3 {
			return false
		}
	}
	return true
}

// Check connects to the SMTP server, secures the connection, logs in and quits, for
// `klachtd check`. The error says which step failed.
func Check(ctx context.Context, cfg Config) error {
	cfg, err := cfg.normalized()
	if err != nil {
		return err
	}
	c, err := dial(ctx, cfg)
	if err != nil {
		if isTLSVerification(err) {
			return fmt.Errorf("tls certificate of %s not trusted (set ca_file for a private CA): %w", cfg.Host, err)
		}
		return err
	}
	if err := c.client.Quit(); err != nil {
		c.abort()
		return fmt.Errorf("quit: %w", err)
	}
	return nil
}
