package intake

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// testServer is an IMAP server a test runs the intake against.
type testServer struct {
	name       string
	host       string
	port       int
	user, pass string
	dovecot    *mailtest.Dovecot // nil for the in-memory server
}

func (s *testServer) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

func (s *testServer) append(t testing.TB, mailbox string, raw []byte) uint32 {
	t.Helper()
	c := mailtest.Dial(t, s.addr(), s.user, s.pass)
	defer c.Close()
	return mailtest.AppendTo(t, c, mailbox, raw)
}

func (s *testServer) list(t testing.TB, mailbox string) []mailtest.MailboxMessage {
	t.Helper()
	c := mailtest.Dial(t, s.addr(), s.user, s.pass)
	defer c.Close()
	return mailtest.ListOf(t, c, mailbox)
}

func memServer(t testing.TB) *testServer {
	addr, user, pass := mailtest.StartMemIMAP(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return &testServer{name: "mem", host: host, port: p, user: user, pass: pass}
}

func dovecotServer(t testing.TB) *testServer {
	d := mailtest.StartDovecot(t)
	return &testServer{name: "dovecot", host: d.Host, port: d.Port, user: d.User, pass: d.Password, dovecot: d}
}

// eachServer runs f against the in-memory server and against Dovecot (when
// installed).
func eachServer(t *testing.T, f func(t *testing.T, srv *testServer)) {
	t.Run("mem", func(t *testing.T) { f(t, memServer(t)) })
	t.Run("dovecot", func(t *testing.T) { f(t, dovecotServer(t)) })
}

func testConfig(srv *testServer) Config {
	return Config{
		Host: srv.host, Port: srv.port, TLS: "none",
		Username: srv.user, Password: srv.pass,
		Mailbox: "INBOX", IDLE: true,
		PollInterval: 300 * time.Millisecond, Timeout: 2 * time.Second,
	}
}

// behindProxy is a Config for srv reached through a proxy the test can cut, make refuse
// commands or silence.
func behindProxy(t *testing.T, srv *testServer) (*mailtest.Proxy, Config) {
	t.Helper()
	proxy := mailtest.NewProxy(t, srv.addr())
	cfg := testConfig(srv)
	cfg.Host, cfg.Port = splitAddr(t, proxy.Addr())
	return proxy, cfg
}

// memCheckpoints is a Checkpoints in memory that remembers every save.
type memCheckpoints struct {
	mu    sync.Mutex
	saved map[string][2]uint32
	saves int
	syncs int
	// onSync, when set, runs at each Sync (under the lock), to look at the server then.
	onSync func()
}

// Sync counts the calls: the intake must make the handler's commits durable before it moves.
func (m *memCheckpoints) Sync(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.syncs++
	if m.onSync != nil {
		m.onSync()
	}
	return nil
}

func newCheckpoints() *memCheckpoints { return &memCheckpoints{saved: map[string][2]uint32{}} }

func (m *memCheckpoints) Load(_ context.Context, mailbox string) (uint32, uint32, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.saved[mailbox]
	return v[0], v[1], ok, nil
}

func (m *memCheckpoints) Save(_ context.Context, mailbox string, uidValidity, lastUID uint32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saved[mailbox] = [2]uint32{uidValidity, lastUID}
	m.saves++
	return nil
}

func (m *memCheckpoints) get(mailbox string) (uidValidity, lastUID uint32, ok bool) {
	v, l, ok, _ := m.Load(context.Background(), mailbox)
	return v, l, ok
}

// recorder is a handler that records what it is given. decide, when set,
// chooses the disposition or fails.
type recorder struct {
	mu     sync.Mutex
	got    []Fetched
	decide func(f *Fetched, call int) (Disposition, error)
}

func (r *recorder) handle(_ context.Context, f *Fetched) (Disposition, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := *f
	cp.Raw, cp.Header = bytes.Clone(f.Raw), bytes.Clone(f.Header)
	r.got = append(r.got, cp)
	if r.decide != nil {
		return r.decide(&cp, len(r.got))
	}
	return Leave, nil
}

func (r *recorder) all() []Fetched {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Fetched(nil), r.got...)
}

func (r *recorder) uids() []uint32 {
	var out []uint32
	for _, f := range r.all() {
		out = append(out, f.UID)
	}
	return out
}

// startIntake runs an intake until the test ends and checks that it stops
// promptly when cancelled.
func startIntake(t *testing.T, cfg Config, cp Checkpoints, h Handler) *Intake {
	t.Helper()
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: level}))
	in := New(cfg, cp, h, log)
	runIntake(t, in)
	return in
}

// runIntake runs in until the test ends and checks that it stops promptly when cancelled.
func runIntake(t *testing.T, in *Intake) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancel, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return within 5s of cancel")
		}
	})
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// eventually waits up to d for cond.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// started waits for the intake's first checkpoint, after which mail counts
// as new.
func started(t *testing.T, cp *memCheckpoints) {
	t.Helper()
	eventually(t, 5*time.Second, "first checkpoint", func() bool {
		_, _, ok := cp.get("INBOX")
		return ok
	})
}

func message(id string, bodyLines int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Klager <klager@example.org>\r\nTo: info@example.nl\r\n"+
		"Subject: klacht %s\r\nMessage-ID: <%s@example.org>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0100\r\n\r\n", id, id)
	for i := range bodyLines {
		fmt.Fprintf(&b, "Regel %d van bericht %s.\r\n", i, id)
	}
	return b.Bytes()
}

func headerOf(raw []byte) []byte {
	i := bytes.Index(raw, []byte("\r\n\r\n"))
	return raw[:i+4]
}

func splitAddr(t testing.TB, addr string) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return host, p
}
