package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// faultBinary builds, once, a klachtd with the test-only fault hooks (-tags klachtd_faults): a
// mail with "X-Klachtd-Fault: stack-overflow" in its header kills it with a runtime fatal
// error, one with "X-Klachtd-Fault: parser-stack-overflow" does so in the parser, one with
// "X-Klachtd-Fault: panic" makes its handler panic. TestMain removes it (removeFaultBinary).
var faultBinary = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "klachtd-e2e-faults-")
	if err != nil {
		return "", err
	}
	faultDir.Store(&dir)
	bin := filepath.Join(dir, "klachtd-faults")
	cmd := exec.Command("go", "build", "-tags", "klachtd_faults", "-o", bin, "./cmd/klachtd")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build -tags klachtd_faults: %v\n%s", err, out)
	}
	return bin, nil
})

// faultDir is the folder of the fault binary, once built.
var faultDir atomic.Pointer[string]

// removeFaultBinary removes the fault binary, if one was built.
func removeFaultBinary() {
	if dir := faultDir.Load(); dir != nil {
		os.RemoveAll(*dir)
	}
}

// faultEnv is newEnv running the fault binary.
func faultEnv(t *testing.T, opt options) *env {
	t.Helper()
	bin, err := faultBinary()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, opt)
	e.bin = bin
	return e
}

// TestPoisonMail: a mail that really kills the daemon (a stack overflow: a runtime fatal
// error, as a parser without a depth limit would die) kills it twice, as systemd restarts it;
// at the third start it is quarantined without being read, with its reason, and staff are
// told; a mail that makes the handler panic is quarantined at once; the complaint behind them
// is registered and confirmed, and the daemon keeps running.
func TestPoisonMail(t *testing.T) {
	e := faultEnv(t, options{})
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

// TestPoisonMailParsedAhead: a mail that kills the parser, waiting in a backlog, is parsed
// ahead of the handler the first time, while the handler is on a mail before it. That death
// is marked against the wrong mail; the restarted daemon parses nothing ahead, so the next
// deaths are marked against the mail that causes them. It is quarantined after two of those,
// no other mail is quarantined, and every other complaint is confirmed once (a death in the
// SMTP exchange of a confirmation may send that same mail once more).
func TestPoisonMailParsedAhead(t *testing.T) {
	e := faultEnv(t, options{backfill: time.Now().AddDate(0, 0, -1).Format(time.DateOnly)})
	var others []complaint
	uids := map[uint32]string{}
	var poison uint32
	for i := range 6 {
		if i == 2 {
			poison = e.dv.Append(t, "INBOX", []byte(header("Gif <gif@example.nl>", "Klacht over de cursus",
				"X-Klachtd-Fault: parser-stack-overflow\r\n")+"Content-Type: text/plain; charset=utf-8\r\n\r\n"+complaintText))
			continue
		}
		c := newComplaint("vooruit", i)
		uids[e.dv.Append(t, "INBOX", c.raw())] = c.Email
		others = append(others, c)
	}
	p := e.startDaemon()
	deaths := 0
	confirmed := func(m []mailtest.Received) bool {
		n := countTo(m)
		for _, c := range others {
			if n[c.Email] == 0 {
				return false
			}
		}
		return true
	}
	staffText := func() string {
		staff := ""
		for _, m := range to(parseSent(t, e.sink.Messages()), staffAddress) {
			staff += strings.Join(strings.Fields(bodyText(t, m.Raw)), " ") + "\n"
		}
		return staff
	}
	quarantined := fmt.Sprintf("uid %d in INBOX: klachtd stopte 2 keer tijdens het verwerken van dit bericht (fatal error: stack overflow)", poison)
	deadline := time.After(60 * time.Second)
	for !confirmed(e.sink.Messages()) || !strings.Contains(staffText(), quarantined) {
		select {
		case <-p.done:
			deaths++
			b, _ := os.ReadFile(p.log)
			if !strings.Contains(string(b), "fatal error: stack overflow") {
				t.Fatalf("death %d: klachtd exited with %v, want a stack overflow:\n%s", deaths, p.err, b)
			}
			if deaths > 3 {
				t.Fatalf("klachtd died %d times on one poison mail; want it quarantined after at most 3", deaths)
			}
			p = e.startDaemon() // as systemd would
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("after %d deaths, within 60 s, the complaints are not all confirmed or staff not told of the quarantine:\n%s", deaths, staffText())
		}
	}
	time.Sleep(settle)
	if !p.running() {
		t.Fatalf("klachtd exited after quarantining: %v", p.err)
	}
	t.Logf("klachtd died %d times", deaths)
	if deaths < 2 {
		t.Errorf("klachtd died %d times; want the poison mail to kill it twice at least before quarantine", deaths)
	}
	staff := staffText()
	if !strings.Contains(staff, quarantined) {
		t.Errorf("staff were not told that uid %d was quarantined after two deaths:\n%s", poison, staff)
	}
	for uid, addr := range uids {
		if strings.Contains(staff, fmt.Sprintf("uid %d in INBOX: klachtd", uid)) {
			t.Errorf("uid %d (the complaint of %s) was quarantined; only uid %d kills klachtd:\n%s", uid, addr, poison, staff)
		}
	}
	// One confirmation each. A death in the SMTP exchange of a confirmation, after the server
	// took its data and before its 250 reached klachtd, cannot be told from one before: that
	// mail goes again, the same mail with the same Message-ID (outbox: at least once, at most
	// one copy a death). A second mail of its own would be a doubled confirmation.
	sentMail := parseSent(t, e.sink.Messages())
	copies := 0
	for _, c := range others {
		mine := to(sentMail, c.Email)
		ids := map[string]bool{}
		for _, m := range mine {
			ids[m.Header.Get("Message-Id")] = true
		}
		if len(mine) == 0 || len(ids) != 1 {
			t.Errorf("%s got %d mails with %d Message-IDs, want one confirmation", c.Email, len(mine), len(ids))
		}
		copies += len(mine) - len(ids) // the same mail again
	}
	if copies > deaths {
		t.Errorf("%d copies of confirmations after %d deaths; at most one a death", copies, deaths)
	}
	if copies > 0 {
		t.Logf("%d confirmation(s) went twice, each the same mail: a death fell in its SMTP exchange", copies)
	}
	for _, v := range e.cases() {
		if strings.EqualFold(v.Complainant.Email, "gif@example.nl") {
			t.Errorf("the quarantined mail became case %s", v.ID)
		}
	}
}

// TestDeathAfterTheServerAccepted: klachtd dies (SIGKILL) the moment the SMTP server has
// accepted a confirmation, before its record is written. The next start finds the mail in the
// sent journal and records it as sent instead of sending it again: the complainant has one
// confirmation, the case is confirmed, staff get their notice, and the daemon keeps running.
func TestDeathAfterTheServerAccepted(t *testing.T) {
	e := faultEnv(t, options{})
	p := e.startFresh()
	c := newComplaint("sterf-na-verzending", 0)
	e.dv.Append(t, "INBOX", c.raw())
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("klachtd still runs 30 s after the complaint arrived; the fault build dies once its confirmation is accepted")
	}
	if ws, _ := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("klachtd exited with %v, want SIGKILL after the confirmation was accepted", p.err)
	}
	if n := countTo(e.sink.Messages())[c.Email]; n != 1 {
		t.Fatalf("before the restart %s got %d mails, want the one confirmation", c.Email, n)
	}
	p = e.startDaemon() // as systemd would
	if _, ok := waitSink(t, e.sink, 20*time.Second, func(m []mailtest.Received) bool {
		return countTo(m)[staffAddress] > 0 || !p.running()
	}); !ok {
		t.Fatalf("staff were not told of the complaint within 20 s of the restart")
	}
	if !p.running() {
		t.Fatalf("klachtd died again after the restart (%v): it sent the confirmation again; %s got %d mails",
			p.err, c.Email, countTo(e.sink.Messages())[c.Email])
	}
	time.Sleep(settle)
	if !p.running() {
		t.Fatalf("klachtd exited after the restart: %v", p.err)
	}
	n := countTo(e.sink.Messages())
	if n[c.Email] != 1 {
		t.Errorf("%s got %d mails, want one confirmation: it was sent again after the restart", c.Email, n[c.Email])
	}
	if n[staffAddress] != 1 {
		t.Errorf("staff got %d mails, want the one notice of the complaint", n[staffAddress])
	}
	if got := p.logCount("recorded as sent, not sent again"); got != 1 {
		t.Errorf("the restarted daemon logged %d mails recorded from the journal, want 1", got)
	}
	cs := e.cases()
	if len(cs) != 1 || cs[0].ConfirmedAt == nil {
		t.Fatalf("cases %+v, want one, confirmed", cs)
	}
	if len(e.dv.List(t, "INBOX")) != 0 {
		t.Errorf("the complaint is still in INBOX")
	}
}
