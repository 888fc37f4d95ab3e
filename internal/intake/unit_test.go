package intake

import (
	"context"
	"crypto/tls"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt  int
		jitter   float64
		min, max time.Duration
	}{
		{0, 0, time.Second, time.Second},
		{0, 0.999, time.Second, 1250 * time.Millisecond},
		{1, 0, 2 * time.Second, 2 * time.Second},
		{5, 0.5, 32 * time.Second, 36 * time.Second},
		{9, 0, 5 * time.Minute, 5 * time.Minute},
		{9, 0.999, 5 * time.Minute, 5 * time.Minute},
		{1000, 0.5, 5 * time.Minute, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := backoff(tt.attempt, tt.jitter); got < tt.min || got > tt.max {
			t.Errorf("backoff(%d, %v) = %s, want %s..%s", tt.attempt, tt.jitter, got, tt.min, tt.max)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Host: "imap.example.nl", Port: 993, TLS: "implicit", Username: "info@example.nl", Auth: "plain"}
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // substring of the error; "" = valid
	}{
		{"valid", func(*Config) {}, ""},
		{"none on loopback ip", func(c *Config) { c.TLS, c.Host = "none", "127.0.0.1" }, ""},
		{"none on localhost", func(c *Config) { c.TLS, c.Host = "none", "localhost" }, ""},
		{"none on ipv6 loopback", func(c *Config) { c.TLS, c.Host = "none", "::1" }, ""},
		{"none refused elsewhere", func(c *Config) { c.TLS = "none" }, "loopback only"},
		{"unknown tls", func(c *Config) { c.TLS = "ssl" }, `tls "ssl"`},
		{"bad port", func(c *Config) { c.Port = 0 }, "port 0"},
		{"xoauth2 without tokens", func(c *Config) { c.Auth = "xoauth2" }, "needs an OAuth2 token source"},
		{"unknown auth", func(c *Config) { c.Auth = "cram-md5" }, `auth "cram-md5"`},
		{"no host", func(c *Config) { c.Host = "" }, "host is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := validate(c)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("validate: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("validate: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	in := New(Config{Host: "imap.example.nl", Port: 143, TLS: "none", Username: "u"}, newCheckpoints(), nil, nil)
	if err := in.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("Run = %v, want the tls none refusal", err)
	}
}

func TestSortedUIDs(t *testing.T) {
	tests := []struct {
		in    []imap.UID
		floor uint32
		want  []uint32
	}{
		{nil, 0, []uint32{}},
		{[]imap.UID{7}, 9, []uint32{}}, // "10:*" answered with the highest UID, 7
		{[]imap.UID{12, 10, 11, 11}, 9, []uint32{10, 11, 12}},
		{[]imap.UID{3, 1, 2}, 0, []uint32{1, 2, 3}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, sortedUIDs(tt.in, tt.floor)); diff != "" {
			t.Errorf("sortedUIDs(%v, %d) (-want +got):\n%s", tt.in, tt.floor, diff)
		}
	}
}

// TestTLS checks implicit TLS and STARTTLS with a private CA from CAFile, and
// that a server whose certificate is not trusted is refused.
func TestTLS(t *testing.T) {
	ca := mailtest.NewTestCA(t)
	caFile, tlsConf := ca.File, ca.ServerConfig()
	tests := []struct {
		mode   string
		caFile string
		wantOK bool
	}{
		{"implicit", caFile, true},
		{"starttls", caFile, true},
		{"implicit", "", false},
		{"starttls", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/ca="+filepath.Base(tt.caFile), func(t *testing.T) {
			host, port := tlsServer(t, tt.mode, tlsConf)
			cfg := Config{Host: host, Port: port, TLS: tt.mode, CAFile: tt.caFile,
				Username: "u", Password: "p", Mailbox: "INBOX", Timeout: 2 * time.Second}
			caps, err := Check(context.Background(), cfg)
			if tt.wantOK && (err != nil || caps.UIDValidity == 0) {
				t.Errorf("Check = %+v, %v; want a working login", caps, err)
			}
			if !tt.wantOK && err == nil {
				t.Errorf("Check succeeded with an untrusted certificate")
			}
		})
	}
}

func tlsServer(t *testing.T, mode string, conf *tls.Config) (string, int) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("u", "p")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		TLSConfig:    conf,
		InsecureAuth: mode == "implicit", // the listener itself is TLS
		Logger:       nopLogger{},
	})
	var ln net.Listener
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode == "implicit" {
		ln = tls.NewListener(ln, conf)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return splitAddr(t, ln.Addr().String())
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// testCA makes a self-signed certificate for 127.0.0.1 that is its own CA.
