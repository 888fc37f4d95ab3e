package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// maxExposure is the most `systemd-analyze security` may rate either unit (issue 10 §4).
const maxExposure = 1.5

// units are the repository's unit files.
func units(t *testing.T) []string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return []string{filepath.Join(root, "systemd", "klachtd.service"), filepath.Join(root, "systemd", "klachtd@.service")}
}

// TestUnitExposure: `systemd-analyze security` rates both units at most 1.5.
func TestUnitExposure(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	level := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)
	for _, unit := range units(t) {
		out, err := exec.Command("systemd-analyze", "security", "--offline=true", unit).CombinedOutput()
		m := level.FindSubmatch(out)
		if m == nil {
			t.Fatalf("systemd-analyze security %s: %v\n%s", unit, err, out)
		}
		got, _ := strconv.ParseFloat(string(m[1]), 64)
		t.Logf("%s: exposure %.1f", filepath.Base(unit), got)
		if got > maxExposure {
			t.Errorf("%s: exposure %.1f, want at most %.1f:\n%s", filepath.Base(unit), got, maxExposure, out)
		}
	}
}

// TestUnitSyscalls runs the daemon as an unprivileged user, as the unit does, under strace,
// through a complaint with a PDF that its child process reads and one with a document bomb
// that the child is killed for, and a stop; every system call made (by the daemon, its threads
// and its children) must be one the unit's SystemCallFilter allows. This is the part of the
// sandbox that could break the daemon without systemd noticing at start: a call it refuses
// fails with EPERM at the moment it is made. The rest of the sandbox needs systemd as PID 1
// (TestUnitUnderSystemd).
func TestUnitSyscalls(t *testing.T) {
	for _, tool := range []string{"strace", "setpriv", "systemd-analyze"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if out, err := exec.Command("strace", "-f", "-qq", "-o", os.DevNull, "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here (a sandbox without ptrace): %v %s", err, out)
	}
	allowed := unitAllows(t, units(t)[0])
	e := newEnv(t, options{})
	openTo(t, e.dir, binary) // the unprivileged user reads the config and runs the binary
	trace := filepath.Join(t.TempDir(), "trace")
	logf, err := os.Create(filepath.Join(e.dir, "daemon-strace.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command("strace", "-f", "-qq", "-o", trace, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
		binary, "run", "--config", e.cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFile(t, logf.Name(), "first start", 30*time.Second)
	e.dv.Append(t, "INBOX", documentMail("pdf@example.nl", "formulier.pdf", "application/pdf", bombs.TextPDF("Naam: Eva de Boer", "Dienst: online cursus"), ""))
	e.dv.Append(t, "INBOX", documentMail("bom@example.nl", "bom.pdf", "application/pdf", bombs.FlatePDF(200), ""))
	if _, ok := waitSink(t, e.sink, 60*time.Second, func(m []mailtest.Received) bool {
		c := countTo(m)
		return c["pdf@example.nl"] > 0 && c["bom@example.nl"] > 0
	}); !ok {
		b, _ := os.ReadFile(logf.Name())
		t.Fatalf("the complaints were not confirmed:\n%s", b)
	}
	pid := traced(t, cmd.Process.Pid)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		b, _ := os.ReadFile(logf.Name())
		t.Fatalf("klachtd under strace: %v\n%s", err, b)
	}
	used, children := tracedCalls(t, trace, binary)
	if children == 0 {
		t.Errorf("no document reader was started: the child's system calls were not seen")
	}
	var refused []string
	for name := range used {
		if !allowed[name] {
			refused = append(refused, name)
		}
	}
	sort.Strings(refused)
	t.Logf("%d distinct system calls by the daemon and %d document readers", len(used), children)
	if len(refused) > 0 {
		t.Errorf("the unit's SystemCallFilter refuses system calls klachtd makes: %s", strings.Join(refused, ", "))
	}
}

// TestUnitUnderSystemd runs `klachtd demo --exit` in a transient unit with the sandbox of
// systemd/klachtd.service (systemd-run -p …), where systemd runs this machine.
func TestUnitUnderSystemd(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		t.Skip("systemd is not PID 1 here (a container): systemd-run cannot start a unit; TestUnitSyscalls checks the system call filter, TestUnitExposure the rating")
	}
	args := []string{"--wait", "--pipe", "--quiet", "--collect"}
	for _, p := range sandboxProperties(t, units(t)[0]) {
		args = append(args, "-p", p)
	}
	openTo(t, t.TempDir(), binary)
	args = append(args, binary, "demo", "--exit")
	out, err := exec.Command("systemd-run", args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "registered and confirmed the complaints") {
		t.Fatalf("klachtd demo under the unit's sandbox: %v\n%s", err, out)
	}
}

// sandboxProperties are the [Service] settings of a unit that confine it (not how it is
// started or restarted), as systemd-run -p takes them.
func sandboxProperties(t *testing.T, unit string) []string {
	t.Helper()
	f, err := os.Open(unit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	skip := map[string]bool{"Type": true, "NotifyAccess": true, "ExecStart": true, "Restart": true, "RestartSec": true,
		"RestartPreventExitStatus": true, "WatchdogSec": true, "TimeoutStopSec": true, "LoadCredential": true, "User": true}
	var props []string
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		key, _, ok := strings.Cut(line, "=")
		if section != "[Service]" || !ok || strings.HasPrefix(line, "#") || skip[key] {
			continue
		}
		props = append(props, line)
	}
	return props
}

// unitAllows is the set of system calls the unit's SystemCallFilter lines allow: the allow
// lists, then the deny lists (~) taken out, groups expanded by systemd-analyze itself.
func unitAllows(t *testing.T, unit string) map[string]bool {
	t.Helper()
	groups := syscallGroups(t)
	var expand func(name string, into map[string]bool)
	expand = func(name string, into map[string]bool) {
		if !strings.HasPrefix(name, "@") {
			into[name] = true
			return
		}
		members, ok := groups[name]
		if !ok {
			t.Fatalf("systemd-analyze knows no group %s", name)
		}
		for _, m := range members {
			expand(m, into)
		}
	}
	allow, deny := map[string]bool{}, map[string]bool{}
	for _, p := range sandboxProperties(t, unit) {
		v, ok := strings.CutPrefix(p, "SystemCallFilter=")
		if !ok {
			continue
		}
		into := allow
		if rest, neg := strings.CutPrefix(v, "~"); neg {
			into, v = deny, rest
		}
		for _, name := range strings.Fields(v) {
			expand(name, into)
		}
	}
	if len(allow) == 0 {
		t.Fatalf("%s has no SystemCallFilter allow list", unit)
	}
	for name := range deny {
		delete(allow, name)
	}
	return allow
}

// syscallGroups reads every group of `systemd-analyze syscall-filter`: name → members.
func syscallGroups(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("systemd-analyze", "syscall-filter").Output()
	if err != nil {
		t.Fatalf("systemd-analyze syscall-filter: %v", err)
	}
	groups := map[string][]string{}
	group := ""
	for _, line := range strings.Split(string(out), "\n") {
		switch s := strings.TrimSpace(line); {
		case s == "" || strings.HasPrefix(s, "#"):
		case !strings.HasPrefix(line, " "):
			group = s
		default:
			groups[group] = append(groups[group], s)
		}
	}
	return groups
}

// callLine is one line of strace -f: the process and the call's name.
var callLine = regexp.MustCompile(`^(\d+)\s+([a-z0-9_]+)\(`)

// tracedCalls are the system calls in an strace -f log from the moment bin was executed (the
// calls of strace's helpers before are not the daemon's), and how many processes executed
// bin's document reader.
func tracedCalls(t *testing.T, trace, bin string) (map[string]bool, int) {
	t.Helper()
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	started, children := false, 0
	for _, line := range strings.Split(string(b), "\n") {
		m := callLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[2] == "execve" && strings.Contains(line, strconv.Quote(bin)) {
			if started {
				children++
			}
			started = true
			continue
		}
		if started {
			used[m[2]] = true
		}
	}
	if !started {
		t.Fatalf("no execve of %s in the trace", bin)
	}
	return used, children
}

// traced is the process strace runs (setpriv executed into klachtd, so its pid).
func traced(t *testing.T, stracePID int) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(stracePID), "task", strconv.Itoa(stracePID), "children"))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		t.Fatal("strace has no child")
	}
	pid, _ := strconv.Atoi(f[0])
	return pid
}

// openTo lets an unprivileged user reach dir (and the folders above it up to /tmp) and run
// the binary: t.TempDir and the e2e build folder are the test's alone.
func openTo(t *testing.T, dir, bin string) {
	t.Helper()
	for _, d := range []string{dir, filepath.Dir(dir), filepath.Dir(bin)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, 65534, 65534)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitFile waits until a file holds s.
func waitFile(t *testing.T, path, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(path); strings.Contains(string(b), s) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	t.Fatalf("%s does not say %q after %s:\n%s", path, s, timeout, b)
}
