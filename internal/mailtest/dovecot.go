// Package mailtest holds test helpers only: a real Dovecot IMAP server
// started per test, go-imap's in-memory IMAP server, IMAP client helpers for
// seeding and inspecting mailboxes, a TCP proxy that simulates network
// faults, and an SMTP sink with injected failures. Nothing here is used by
// the daemon itself; importing the package has no side effects.
package mailtest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

const dovecotBinary = "/usr/sbin/dovecot"

// Dovecot is a Dovecot IMAP server run by one test, with its own
// configuration and maildir under Dir, listening in plaintext on Host:Port
// for one user. It is stopped when the test ends.
type Dovecot struct {
	Host     string
	Port     int
	User     string
	Password string
	Dir      string

	conf    string
	logPath string
	oauth2  string // introspection URL of WithOAuth2; "" = no OAuth2
	runDir  string // base_dir and state_dir: short, for unix socket paths

	mu  sync.Mutex
	cmd *exec.Cmd
}

// StartDovecot starts Dovecot for the test. It skips the test when Dovecot
// is not installed or the test does not run as root (Dovecot needs to
// switch users), unless KLACHTD_REQUIRE_DOVECOT=1, when it fails instead.
//
// Options change the configuration; without any it is the plain one above.
func StartDovecot(t testing.TB, opts ...DovecotOption) *Dovecot {
	t.Helper()
	unavailable := t.Skipf
	if os.Getenv("KLACHTD_REQUIRE_DOVECOT") == "1" {
		unavailable = t.Fatalf
	}
	if _, err := os.Stat(dovecotBinary); err != nil {
		unavailable("mailtest: %s not found (apt-get install dovecot-imapd): %v", dovecotBinary, err)
	}
	if os.Geteuid() != 0 {
		unavailable("mailtest: starting Dovecot needs root (it switches to the vmail user)")
	}
	uid, gid := ensureVmail(t)

	d := &Dovecot{Host: "127.0.0.1", User: "klachtd", Password: "dovecot-secret", Dir: t.TempDir()}
	for _, o := range opts {
		o(d)
	}
	runDir, err := os.MkdirTemp("", "dv")
	if err != nil {
		t.Fatalf("mailtest: dovecot run dir: %v", err)
	}
	d.runDir = runDir
	t.Cleanup(func() { _ = os.RemoveAll(runDir) })
	for _, dir := range []string{d.Dir, runDir} {
		makeTraversable(t, dir)
	}
	mailDir := filepath.Join(d.Dir, "mail")
	if err := os.Mkdir(mailDir, 0o755); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	if err := os.Chown(mailDir, uid, gid); err != nil {
		t.Fatalf("mailtest: chown maildir: %v", err)
	}
	d.Port = freePort(t)
	d.logPath = filepath.Join(d.Dir, "dovecot.log")
	d.conf = filepath.Join(d.Dir, "dovecot.conf")
	passwd := filepath.Join(d.Dir, "passwd")
	if err := os.WriteFile(passwd, []byte(d.User+":{PLAIN}"+d.Password+"\n"), 0o644); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	conf := d.config(mailDir, passwd)
	if d.oauth2 != "" {
		conf = d.withOAuth2(t, conf)
	}
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			d.printLog(t)
		}
		d.Stop()
	})
	d.start(t)
	return d
}

func (d *Dovecot) config(mailDir, passwd string) string {
	return fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/base
state_dir = %[1]s/state
log_path = %[2]s
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:%[3]s/%%u
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[4]s
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=%[3]s/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[5]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`, d.runDir, d.logPath, mailDir, passwd, d.Port)
}

func (d *Dovecot) start(t testing.TB) {
	t.Helper()
	cmd := exec.Command(dovecotBinary, "-F", "-c", d.conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("mailtest: start dovecot: %v", err)
	}
	d.mu.Lock()
	d.cmd = cmd
	d.mu.Unlock()
	addr := d.Addr()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if greeted(addr) {
			return
		}
		if time.Now().After(deadline) {
			d.printLog(t)
			t.Fatalf("mailtest: dovecot did not greet on %s within 10s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func greeted(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "* OK")
}

// Addr is Host:Port.
func (d *Dovecot) Addr() string { return net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) }

// Stop stops the server (and every IMAP session); the data stays.
func (d *Dovecot) Stop() {
	d.mu.Lock()
	cmd := d.cmd
	d.cmd = nil
	d.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	// Dovecot's children may outlive the master by a moment: kill what is left
	// of its process group so that the port is free for a restart.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// Restart stops and starts the server on the same port with the same data.
func (d *Dovecot) Restart(t testing.TB) {
	t.Helper()
	d.Stop()
	d.start(t)
}

// Client returns a logged-in client, closed when the test ends.
func (d *Dovecot) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	return Dial(t, d.Addr(), d.User, d.Password)
}

func (d *Dovecot) client(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := dial(d.Addr(), d.User, d.Password)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	return c
}

// Append appends raw to mailbox (created if missing) and returns its UID.
func (d *Dovecot) Append(t testing.TB, mailbox string, raw []byte) uint32 {
	t.Helper()
	c := d.client(t)
	defer closeClient(c)
	return AppendTo(t, c, mailbox, raw)
}

// Seed writes raws straight into mailbox's maildir (which it creates if
// missing), owned by vmail: thousands of messages in a fraction of a second.
// Dovecot assigns their UIDs, in order, when a session next looks.
func (d *Dovecot) Seed(t testing.TB, mailbox string, raws [][]byte) {
	t.Helper()
	uid, gid := ensureVmail(t)
	dir := d.maildir(mailbox)
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		p := filepath.Join(dir, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatalf("mailtest: seed: %v", err)
		}
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatalf("mailtest: seed: %v", err)
		}
	}
	if !strings.EqualFold(mailbox, "INBOX") {
		// Maildir++ marks a folder with this file.
		p := filepath.Join(dir, "maildirfolder")
		if err := os.WriteFile(p, nil, 0o600); err != nil || os.Chown(p, uid, gid) != nil {
			t.Fatalf("mailtest: seed: %v", err)
		}
	}
	base := time.Now().Unix()
	for i, raw := range raws {
		name := fmt.Sprintf("%d.M%06dP%d.klachtd,S=%d", base, i, os.Getpid(), len(raw))
		p := filepath.Join(dir, "new", name)
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Fatalf("mailtest: seed: %v", err)
		}
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatalf("mailtest: seed: %v", err)
		}
	}
}

// SeedAt writes one message straight into mailbox's maildir (which must exist) with the
// given internal date (the file's time, which Dovecot reports as INTERNALDATE).
func (d *Dovecot) SeedAt(t testing.TB, mailbox string, raw []byte, at time.Time) {
	t.Helper()
	uid, gid := ensureVmail(t)
	name := fmt.Sprintf("%d.M%06dP%d.klachtd-at,S=%d", at.Unix(), at.Nanosecond()/1000, os.Getpid(), len(raw))
	p := filepath.Join(d.maildir(mailbox), "new", name)
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatalf("mailtest: seed: %v", err)
	}
	if err := os.Chown(p, uid, gid); err != nil {
		t.Fatalf("mailtest: seed: %v", err)
	}
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatalf("mailtest: seed: %v", err)
	}
}

func (d *Dovecot) maildir(mailbox string) string {
	root := filepath.Join(d.Dir, "mail", d.User)
	if strings.EqualFold(mailbox, "INBOX") {
		return root
	}
	return filepath.Join(root, "."+mailbox)
}

// List returns the messages in mailbox, without changing their flags; nil
// when the mailbox does not exist.
func (d *Dovecot) List(t testing.TB, mailbox string) []MailboxMessage {
	t.Helper()
	c := d.client(t)
	defer closeClient(c)
	return ListOf(t, c, mailbox)
}

// ResetUIDValidity makes the server give mailbox a new UIDVALIDITY with the
// same messages (and flags), as after a server migration or a rebuilt index:
// it stops Dovecot, removes the mailbox's UID list and indexes, and starts it
// again. Sessions are cut. It fails the test if the UIDVALIDITY did not change.
func (d *Dovecot) ResetUIDValidity(t testing.TB, mailbox string) {
	t.Helper()
	d.ResetUIDValidityWith(t, mailbox, nil)
}

// ResetUIDValidityWith is ResetUIDValidity, calling whileStopped (when not nil) while the
// server is down: mail put in the maildir then (SeedAt) is there when the mailbox comes back
// renumbered, as after a server move, and no session saw it arrive before.
func (d *Dovecot) ResetUIDValidityWith(t testing.TB, mailbox string, whileStopped func()) {
	t.Helper()
	before := d.uidValidity(t, mailbox)
	d.Stop()
	if whileStopped != nil {
		whileStopped()
	}
	root := filepath.Join(d.Dir, "mail", d.User)
	dir := d.maildir(mailbox)
	for _, pattern := range []string{"dovecot-uidlist", "dovecot.index*"} {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, m := range matches {
			if err := os.Remove(m); err != nil {
				t.Fatalf("mailtest: reset uidvalidity: %v", err)
			}
		}
	}
	lists, _ := filepath.Glob(filepath.Join(root, "dovecot.list.index*"))
	for _, m := range lists {
		_ = os.Remove(m)
	}
	d.start(t)
	if after := d.uidValidity(t, mailbox); after == before {
		t.Fatalf("mailtest: reset uidvalidity of %s: still %d", mailbox, after)
	}
}

func (d *Dovecot) uidValidity(t testing.TB, mailbox string) uint32 {
	t.Helper()
	c := d.client(t)
	defer closeClient(c)
	data, err := c.Select(mailbox, nil).Wait()
	if err != nil {
		t.Fatalf("mailtest: select %s: %v", mailbox, err)
	}
	return data.UIDValidity
}

func (d *Dovecot) printLog(t testing.TB) {
	b, err := os.ReadFile(d.logPath)
	if err != nil {
		return
	}
	t.Logf("dovecot log (%s):\n%s", d.logPath, b)
}

// ensureVmail returns the uid and gid of the vmail user, creating it as a
// system user when it does not exist.
func ensureVmail(t testing.TB) (int, int) {
	t.Helper()
	u, err := user.Lookup("vmail")
	if err != nil {
		out, cerr := exec.Command("useradd", "--system", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "vmail").CombinedOutput()
		u, err = user.Lookup("vmail")
		if err != nil {
			t.Fatalf("mailtest: create vmail user: %v %s (%v)", cerr, out, err)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return uid, gid
}

// makeTraversable opens dir and its parents below / for other users (mode
// o+x), so that Dovecot's unprivileged processes can reach their files.
func makeTraversable(t testing.TB, dir string) {
	t.Helper()
	for p := dir; p != "/" && p != "."; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		if fi.Mode().Perm()&0o055 != 0o055 {
			if err := os.Chmod(p, fi.Mode().Perm()|0o055); err != nil {
				t.Fatalf("mailtest: chmod %s: %v", p, err)
			}
		}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
