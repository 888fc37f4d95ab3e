package e2e

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

const (
	orgAddress   = "info@intervisie-begeleiding.nl"
	staffAddress = "milou@intervisie-begeleiding.nl"
)

// options shape one test's configuration; the zero value is the common case.
type options struct {
	imapAddr     string // "" = straight to Dovecot; else host:port (a proxy)
	backfill     string // "" = only new mail; else a date
	maxSize      string // "" = the default
	pollInterval string // "" = "1s"
	imapTimeout  string // "" = "2s"
	idle         *bool  // nil = true
	extra        string // appended TOML (whole sections)
	// maxNewPerHour is complaints.max_new_per_hour; 0 = the default (30). Tests that push
	// hundreds of complaints through on the real clock raise it: the cap would make their
	// confirmations wait hours.
	maxNewPerHour int
	logLevel      string // "" = "debug"
}

// env is one test's world: Dovecot, the SMTP sink, a folder and the configuration.
type env struct {
	t    testing.TB
	dv   *mailtest.Dovecot
	sink *mailtest.SMTPSink
	dir  string
	cfg  string
	db   string

	procs []*proc // every daemon started, oldest first
	bin   string  // the klachtd to run; "" = the one TestMain built
}

func newEnv(t testing.TB, o options) *env {
	t.Helper()
	return newEnvWith(t, mailtest.StartDovecot(t), o)
}

// newEnvWith is newEnv with a Dovecot the test started itself.
func newEnvWith(t testing.TB, dv *mailtest.Dovecot, o options) *env {
	t.Helper()
	e := &env{t: t, dv: dv, sink: mailtest.StartSMTPSink(t), dir: t.TempDir()}
	e.db = filepath.Join(e.dir, "klachtd.db")
	e.cfg = e.writeConfig("config.toml", o)
	t.Cleanup(e.printLogs)
	return e
}

// writeConfig writes a configuration for this env into its folder and returns its path.
func (e *env) writeConfig(name string, o options) string {
	e.t.Helper()
	pw := filepath.Join(e.dir, "imap-password")
	if err := os.WriteFile(pw, []byte(e.dv.Password+"\n"), 0o600); err != nil {
		e.t.Fatalf("write password file: %v", err)
	}
	host, port := e.dv.Host, e.dv.Port
	if o.imapAddr != "" {
		h, p, err := net.SplitHostPort(o.imapAddr)
		if err != nil {
			e.t.Fatalf("imap address %q: %v", o.imapAddr, err)
		}
		host = h
		port, _ = strconv.Atoi(p)
	}
	idle := true
	if o.idle != nil {
		idle = *o.idle
	}
	var b strings.Builder
	fmt.Fprintf(&b, `[organisation]
name     = "Groeimeesters"
address  = %q
officer  = "Milou Meijer"

[imap]
host          = %q
port          = %d
tls           = "none"
timeout       = %q
username      = %q
password_file = %q
idle          = %t
poll_interval = %q
backfill      = %q
`, orgAddress, host, port, or(o.imapTimeout, "2s"), e.dv.User, pw, idle, or(o.pollInterval, "1s"), o.backfill)
	if o.maxSize != "" {
		fmt.Fprintf(&b, "max_size      = %q\n", o.maxSize)
	}
	fmt.Fprintf(&b, `
[smtp]
host     = %q
port     = %d
tls         = "none"
timeout     = "5s"
retry_first = "1s"
username    = ""

[staff]
addresses      = [%q]
authentication = "none"

[commissaris]
name  = "Kathleen Naber"
email = "info@ivak.nl"

[complaints]
services = ["intervisie-begeleiding", "(in company) training", "online cursus"]
max_new_per_hour = %d

[storage]
path = %q

[log]
level = %q
`, e.sink.Host(), e.sink.Port(), staffAddress, cmp.Or(o.maxNewPerHour, 30), e.db, or(o.logLevel, "debug"))
	b.WriteString(o.extra)
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		e.t.Fatalf("write config: %v", err)
	}
	return path
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// proc is one running `klachtd run`.
type proc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // set when done is closed
}

// startDaemon starts `klachtd run` with the env's configuration. Its output goes to a file that
// is printed when the test fails; the process is killed when the test ends.
func (e *env) startDaemon() *proc {
	e.t.Helper()
	return e.run("daemon", "")
}

// run starts `klachtd run` with the env's configuration and NOTIFY_SOCKET set to notify, its
// output in the next file name-NNN.log of the env's folder; it is killed when the test ends.
func (e *env) run(name, notify string) *proc {
	e.t.Helper()
	matches, _ := filepath.Glob(filepath.Join(e.dir, name+"-*.log"))
	p := &proc{log: filepath.Join(e.dir, fmt.Sprintf("%s-%03d.log", name, len(matches)+1)), done: make(chan struct{})}
	f, err := os.Create(p.log)
	if err != nil {
		e.t.Fatalf("daemon log: %v", err)
	}
	p.cmd = exec.Command(or(e.bin, binary), "run", "--config", e.cfg)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	p.cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+notify)
	if err := p.cmd.Start(); err != nil {
		f.Close()
		e.t.Fatalf("start klachtd run: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		f.Close()
		close(p.done)
	}()
	e.procs = append(e.procs, p)
	e.t.Cleanup(p.kill)
	return p
}

// printLogs prints the last two daemons' logs when the test failed.
func (e *env) printLogs() {
	if !e.t.Failed() {
		return
	}
	for _, p := range e.procs[max(0, len(e.procs)-2):] {
		p.kill()
		b, _ := os.ReadFile(p.log)
		const limit = 64 << 10
		if len(b) > limit {
			b = append([]byte("…\n"), b[len(b)-limit:]...)
		}
		e.t.Logf("klachtd log %s (of %d started):\n%s", filepath.Base(p.log), len(e.procs), b)
	}
}

// running reports whether the process is still alive.
func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	if p.running() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// stop sends SIGTERM and waits up to 10 s, then kills.
func (p *proc) stop(t testing.TB) {
	t.Helper()
	if !p.running() {
		t.Errorf("klachtd had already exited: %v", p.err)
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("klachtd run after SIGTERM: %v, want exit 0", p.err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("klachtd did not stop within 10s of SIGTERM")
		p.kill()
	}
}

// waitLog waits until the daemon's log contains s.
func (p *proc) waitLog(t testing.TB, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(p.log)
		if bytes.Contains(b, []byte(s)) {
			return
		}
		if !p.running() {
			t.Fatalf("klachtd exited (%v) before logging %q:\n%s", p.err, s, b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("klachtd did not log %q within %s", s, timeout)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// logCount counts occurrences of s in the daemon's log.
func (p *proc) logCount(s string) int {
	b, _ := os.ReadFile(p.log)
	return bytes.Count(b, []byte(s))
}

// startFresh starts the daemon for the first time and waits until its intake has set its
// checkpoint, so that mail appended afterwards is new mail.
func (e *env) startFresh() *proc {
	e.t.Helper()
	p := e.startDaemon()
	p.waitLog(e.t, "first start", 20*time.Second)
	return p
}

// klachtd runs a command of the binary and returns stdout, stderr and the exit code.
func klachtd(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var o, eb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &eb
	cmd.Env = append(os.Environ(), "KLACHTD_CONFIG=")
	err := cmd.Run()
	code = 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run klachtd %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return o.String(), eb.String(), code
}

// caseNames are the stable names of a case in `list --json` and `show --json` (README,
// "Commands": names are added, never renamed). The tests read the CLI's JSON by these names
// written out, never through the CLI's own types, so that a name renamed there fails here.
var caseNames = []string{"id", "status", "verdict", "extended", "received_at", "confirmed_at", "due_at", "closed_at",
	"complainant", "service", "fields", "missing"}

// caseView is the part of a case the tests read, by the names of caseNames.
type caseView struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Verdict     string            `json:"verdict"`
	Extended    bool              `json:"extended"`
	ReceivedAt  *time.Time        `json:"received_at"`
	ConfirmedAt *time.Time        `json:"confirmed_at"`
	DueAt       *time.Time        `json:"due_at"`
	Service     string            `json:"service"`
	Fields      map[string]string `json:"fields"`
	Missing     []string          `json:"missing"`
	Complainant struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"complainant"`
}

// cases runs `klachtd list --json`; every case must carry every name of caseNames.
func (e *env) cases() []caseView {
	e.t.Helper()
	out, errOut, code := klachtd(e.t, "list", "--json", "--config", e.cfg)
	if code != 0 {
		e.t.Fatalf("klachtd list --json: exit %d: %s", code, errOut)
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &objs); err != nil {
		e.t.Fatalf("klachtd list --json: %v\n%s", err, out)
	}
	for i, o := range objs {
		for _, k := range caseNames {
			if _, ok := o[k]; !ok {
				e.t.Fatalf("klachtd list --json: case %d lacks %q\n%s", i, k, out)
			}
		}
	}
	var cs []caseView
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		e.t.Fatalf("klachtd list --json: %v\n%s", err, out)
	}
	return cs
}

// waitCases polls `list --json` until ok holds, failing after timeout.
func (e *env) waitCases(timeout time.Duration, what string, ok func([]caseView) bool) []caseView {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		cs := e.cases()
		if ok(cs) {
			return cs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("after %s: %s not reached; cases: %+v", timeout, what, cs)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// sinkWait is WaitFor that reports rather than hangs; it returns the messages it has.
func waitSink(t testing.TB, s *mailtest.SMTPSink, timeout time.Duration, ok func([]mailtest.Received) bool) ([]mailtest.Received, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if ok(msgs) {
			return msgs, true
		}
		if time.Now().After(deadline) {
			return msgs, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}
