package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// faultBinary builds, once, a klachtd with the test-only fault hook (-tags klachtd_faults): a
// mail with "X-Klachtd-Fault: stack-overflow" in its header kills it with a runtime fatal
// error, one with "X-Klachtd-Fault: panic" makes its handler panic.
var faultBinary = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "klachtd-e2e-faults-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "klachtd-faults")
	cmd := exec.Command("go", "build", "-tags", "klachtd_faults", "-o", bin, "./cmd/klachtd")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build -tags klachtd_faults: %v\n%s", err, out)
	}
	return bin, nil
})

// TestPoisonMail: a mail that really kills the daemon (a stack overflow: a runtime fatal
// error, as a parser without a depth limit would die) kills it twice, as systemd restarts it;
// at the third start it is quarantined without being read, with its reason, and staff are
// told; a mail that makes the handler panic is quarantined at once; the complaint behind them
// is registered and confirmed, and the daemon keeps running.
func TestPoisonMail(t *testing.T) {
	bin, err := faultBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(bin)) })
	e := newEnv(t, options{})
	e.bin = bin
	p := e.startFresh()
	poison := e.dv.Append(t, "INBOX", documentMail("gif@example.nl", "formulier.pdf", "application/pdf", []byte("%PDF-1.4"),
		"X-Klachtd-Fault: stack-overflow\r\n"))
	panicky := e.dv.Append(t, "INBOX", []byte(header("Paniek <paniek@example.nl>", "Klacht", "X-Klachtd-Fault: panic\r\n")+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"+complaintText))
	after := newComplaint("nagif", 1)
	e.dv.Append(t, "INBOX", after.raw())

	for death := 1; death <= 2; death++ {
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("death %d: klachtd still runs 30 s after the poison mail arrived", death)
		}
		ws, _ := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
		b, _ := os.ReadFile(p.log)
		if ws.ExitStatus() != 2 || !strings.Contains(string(b), "fatal error: stack overflow") {
			t.Fatalf("death %d: klachtd exited with %v, want exit 2 from a stack overflow:\n%s", death, p.err, b)
		}
		p = e.startDaemon() // as systemd would
	}
	if _, ok := waitSink(t, e.sink, 30*time.Second, func(m []mailtest.Received) bool {
		return countTo(m)[after.Email] > 0
	}); !ok {
		t.Fatalf("the complaint after the poison mail was not confirmed within 30 s of the last restart")
	}
	waitSink(t, e.sink, 10*time.Second, func(m []mailtest.Received) bool { return countTo(m)[staffAddress] >= 3 })
	time.Sleep(settle)
	if !p.running() {
		t.Fatalf("klachtd exited after quarantining: %v", p.err)
	}
	staff := ""
	for _, m := range to(parseSent(t, e.sink.Messages()), staffAddress) {
		staff += strings.Join(strings.Fields(bodyText(t, m.Raw)), " ") + "\n"
	}
	if !strings.Contains(staff, fmt.Sprintf("uid %d in INBOX: klachtd stopte 2 keer tijdens het verwerken van dit bericht (fatal error: stack overflow)", poison)) {
		t.Errorf("staff were not told that uid %d was quarantined after two deaths:\n%s", poison, staff)
	}
	if !strings.Contains(staff, fmt.Sprintf("uid %d in INBOX: klachtd liep vast op dit bericht (assignment to entry in nil map)", panicky)) {
		t.Errorf("staff were not told that uid %d was quarantined after a panic:\n%s", panicky, staff)
	}
	for _, v := range e.cases() {
		if addr := strings.ToLower(v.Complainant.Email); addr == "gif@example.nl" || addr == "paniek@example.nl" {
			t.Errorf("the quarantined mail of %s became case %s", addr, v.ID)
		}
	}
	inbox := map[uint32]bool{}
	for _, m := range e.dv.List(t, "INBOX") {
		inbox[m.UID] = true
	}
	if !inbox[poison] || !inbox[panicky] {
		t.Errorf("quarantined mail left the inbox: INBOX holds %v, want uids %d and %d", inbox, poison, panicky)
	}
	if n := p.logCount("klachtd stopped while handling a message"); n != 1 {
		t.Errorf("the last start logged %d strikes, want 1", n)
	}
}
