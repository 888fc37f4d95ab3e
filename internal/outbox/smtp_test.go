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
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/wneessen/go-mail"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		rnd     func() float64
		want    time.Duration
	}{
		{0, nil, 30 * time.Second},
		{1, nil, 30 * time.Second},
		{2, nil, time.Minute},
		{3, nil, 2 * time.Minute},
		{4, nil, 4 * time.Minute},
		{8, nil, time.Hour}, // 64m capped
		{1000, nil, time.Hour},
		{1, func() float64 { return 0 }, 24 * time.Second},
		{1, func() float64 { return 1 }, 36 * time.Second},
		{1000, func() float64 { return 0.5 }, time.Hour},
		{3, func() float64 { return 7 }, 144 * time.Second}, // out-of-range rnd is clamped
	}
	for _, tt := range tests {
		if got := Backoff(tt.attempt, tt.rnd); got != tt.want {
			t.Errorf("Backoff(%d) = %s, want %s", tt.attempt, got, tt.want)
		}
	}
}

// sendErrorFrom returns the error go-mail's own client gives when the sink answers code.
func sendErrorFrom(t *testing.T, code int) error {
	t.Helper()
	sink := mailtest.StartSMTPSink(t)
	sink.FailNext(1, code, "refused")
	c, err := mail.NewClient(sink.Host(), mail.WithPort(sink.Port()), mail.WithTLSPolicy(mail.NoTLS))
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	r := testRow(1)
	m, err := Build(&r)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	err = c.DialAndSend(m)
	var se *mail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("DialAndSend = %v, want a SendError", err)
	}
	return err
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"invalid row", fmt.Errorf("build row 3: %w", invalid("subject contains a line break")), false},
		{"refused 451", &rejectError{stage: "rcpt to", code: 451}, true},
		{"refused 550", fmt.Errorf("send: %w", &rejectError{stage: "data", code: 554}), false},
		{"login refused", &connectError{"x:587", &textproto.Error{Code: 535, Msg: "5.7.8 bad credentials"}}, true},
		{"tls not trusted", &connectError{"x:465", x509.UnknownAuthorityError{}}, true},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"raw 421", &textproto.Error{Code: 421, Msg: "closing"}, true},
		{"raw 552", &textproto.Error{Code: 552, Msg: "too big"}, false},
		{"deadline", context.DeadlineExceeded, true},
		{"unknown", io.ErrUnexpectedEOF, true},
		{"go-mail 451", sendErrorFrom(t, 451), true},
		{"go-mail 550", sendErrorFrom(t, 550), false},
	}
	for _, tt := range tests {
		if got := Classify(tt.err); got != tt.want {
			t.Errorf("%s: Classify(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// tlsServer is an SMTP server with a certificate from a private CA; caFile holds that CA.
type tlsServer struct {
	port     int
	caFile   string
	received atomic.Int32
}

func startTLSServer(t *testing.T, implicit bool) *tlsServer {
	t.Helper()
	ca := mailtest.NewTestCA(t)
	ts := &tlsServer{caFile: ca.File}
	tlsConfig := ca.ServerConfig()

	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &countSession{n: &ts.received}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = discardLog{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		l = tls.NewListener(l, tlsConfig)
	} else {
		srv.TLSConfig = tlsConfig // offers STARTTLS
	}
	ts.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = l.Close(); _ = srv.Close() })
	return ts
}

type countSession struct{ n *atomic.Int32 }

func (s *countSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *countSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "info@intervisie-begeleiding.nl" || pass != "geheim" {
			return smtp.ErrAuthFailed
		}
		return nil
	}), nil
}
func (s *countSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *countSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *countSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	s.n.Add(1)
	return err
}
func (s *countSession) Reset()        {}
func (s *countSession) Logout() error { return nil }

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

func TestTLSAndLogin(t *testing.T) {
	plain := mailtest.StartSMTPSink(t)
	tests := []struct {
		name      string
		implicit  bool
		edit      func(*Config, *tlsServer)
		wantErr   bool
		wantState string
	}{
		{"implicit with private CA", true, func(*Config, *tlsServer) {}, false, "sent"},
		{"starttls with private CA", false, func(*Config, *tlsServer) {}, false, "sent"},
		{"implicit, CA not trusted", true, func(c *Config, _ *tlsServer) { c.CAFile = "" }, true, "queued"},
		{"starttls, CA not trusted", false, func(c *Config, _ *tlsServer) { c.CAFile = "" }, true, "queued"},
		{"wrong password", true, func(c *Config, _ *tlsServer) { c.Password = "fout" }, true, "queued"},
		{"starttls required, server has none", false, func(c *Config, _ *tlsServer) {
			c.Port = plain.Port()
		}, true, "queued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startTLSServer(t, tt.implicit)
			cfg := Config{
				Host: "127.0.0.1", Port: ts.port, TLS: map[bool]string{true: "implicit", false: "starttls"}[tt.implicit],
				CAFile: ts.caFile, Username: "info@intervisie-begeleiding.nl", Password: "geheim",
				Timeout: 5 * time.Second,
			}
			tt.edit(&cfg, ts)
			err := Check(t.Context(), cfg)
			t.Logf("Check: %v", err)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Check = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !Classify(err) {
				t.Errorf("Classify(%v) = permanent; a configuration problem must not drop mail", err)
			}
			q := newMemQueue(t0, testRow(1))
			s, _ := newTestSender(t, cfg, q, t0)
			s.drain(t.Context())
			if got := q.get(1); got.state != tt.wantState {
				t.Errorf("row state %q (reasons %q), want %q", got.state, got.reasons, tt.wantState)
			}
			if want := map[string]int32{"sent": 1}[tt.wantState]; ts.received.Load() != want {
				t.Errorf("server received %d, want %d", ts.received.Load(), want)
			}
		})
	}
}

func TestTLSVerificationIsRecognised(t *testing.T) {
	ts := startTLSServer(t, true)
	err := Check(t.Context(), Config{Host: "127.0.0.1", Port: ts.port, TLS: "implicit", Timeout: 5 * time.Second})
	if !isTLSVerification(err) {
		t.Fatalf("Check = %v, want a certificate verification error", err)
	}
}
