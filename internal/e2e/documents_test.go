package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// documentMail is a complaint from addr whose text points to an attached document.
func documentMail(addr, filename, ctype string, doc []byte, extra string) []byte {
	var b bytes.Buffer
	b.WriteString(header("Bijlage Sturer <"+addr+">", "Klacht, zie bijlage", extra))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"grens\"\r\n\r\n--grens\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + complaintText + "Het formulier zit in de bijlage.\r\n" +
		"--grens\r\nContent-Type: " + ctype + "; name=\"" + filename + "\"\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n")
	writeBase64(&b, doc)
	b.WriteString("\r\n--grens--\r\n")
	return b.Bytes()
}

// TestDocumentBombs sends the document bombs of issue 6, each followed by an ordinary
// complaint, to the real binary on a real Dovecot: the complaint after each bomb is confirmed
// within 30 s, the complaint carrying the bomb is registered from its text (with a staff notice
// naming the skipped document; the docx is read, its text cut at 1 MiB), the daemon's peak resident set stays under 128 MiB, and 10 s
// after the last one the daemon is idle (its CPU time from /proc does not grow) with no child
// left.
func TestDocumentBombs(t *testing.T) {
	docs := []struct {
		name, file, ctype string
		doc               []byte
		skipped           bool
	}{
		{"flate bomb (600 MiB of content)", "formulier.pdf", "application/pdf", bombs.FlatePDF(600), true},
		{"page tree listing itself 50 times", "lijst.pdf", "application/pdf", bombs.SelfListingPDF(50), true},
		{"object stream extending itself", "stroom.pdf", "application/pdf", bombs.SelfExtendingPDF(), true},
		{"docx with ten 10 MiB XML parts", "formulier.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			bombs.PartsDocx(10, 10<<20), false},
	}
	e := newEnv(t, options{})
	p := e.startFresh()
	pid := p.cmd.Process.Pid
	for i, d := range docs {
		bomber := fmt.Sprintf("bom-%d@example.nl", i)
		after := newComplaint("nabom", i)
		start := time.Now()
		e.dv.Append(t, "INBOX", documentMail(bomber, d.file, d.ctype, d.doc, ""))
		e.dv.Append(t, "INBOX", after.raw())
		if _, ok := waitSink(t, e.sink, 30*time.Second, func(m []mailtest.Received) bool {
			return countTo(m)[after.Email] > 0
		}); !ok {
			t.Fatalf("%s: the complaint after it was not confirmed within 30 s", d.name)
		}
		t.Logf("%s (%d bytes): the complaint after it confirmed %.1f s after both arrived", d.name, len(d.doc), time.Since(start).Seconds())
		if !p.running() {
			t.Fatalf("%s: klachtd exited: %v", d.name, p.err)
		}
	}
	hwm := procStatus(t, pid, "VmHWM:")
	t.Logf("daemon peak resident set (VmHWM): %.1f MiB", float64(hwm)/(1<<20))
	if hwm >= 128<<20 {
		t.Errorf("daemon VmHWM %d bytes, want under 128 MiB", hwm)
	}

	// Every complaint carrying a bomb is registered and confirmed, and staff are told which
	// document was not read.
	if _, ok := waitSink(t, e.sink, 30*time.Second, func(m []mailtest.Received) bool {
		n := countTo(m)
		for i := range docs {
			if n[fmt.Sprintf("bom-%d@example.nl", i)] == 0 {
				return false
			}
		}
		return true
	}); !ok {
		t.Errorf("not every complaint carrying a bomb was confirmed")
	}
	staff := ""
	for _, m := range to(parseSent(t, e.sink.Messages()), staffAddress) {
		staff += bodyText(t, m.Raw) + "\n"
	}
	staff = strings.Join(strings.Fields(staff), " ")
	for _, d := range docs {
		if got := strings.Contains(staff, fmt.Sprintf("De bijlage \"%s\" is niet gelezen", d.file)); got != d.skipped {
			t.Errorf("%s: a staff notice names %s as not read: %v, want %v", d.name, d.file, got, d.skipped)
		}
	}

	cpu0 := procCPU(t, pid)
	time.Sleep(10 * time.Second)
	cpu1 := procCPU(t, pid)
	t.Logf("daemon CPU time over the 10 s after the last bomb: %v (total %v)", cpu1-cpu0, cpu1)
	if cpu1-cpu0 > time.Second {
		t.Errorf("daemon used %v of CPU in the 10 s after the bombs: something still runs", cpu1-cpu0)
	}
	if kids := procChildren(pid); len(kids) > 0 {
		t.Errorf("daemon has children left: %v", kids)
	}
	b, _ := os.ReadFile(p.log)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "document reader done") {
			t.Logf("child: %s", l[strings.Index(l, "kind="):])
		}
	}
}

// procStatus reads a "Name:  123 kB" field of /proc/PID/status, in bytes.
func procStatus(t testing.TB, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/status: %v", pid, err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				t.Fatalf("%s %q: %v", field, rest, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// procCPU is the user and system time of a process from /proc/PID/stat.
func procCPU(t testing.TB, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/stat: %v", pid, err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		t.Fatalf("/proc/%d/stat: %q", pid, s)
	}
	// After the command: state is field 3 of stat, utime and stime are 14 and 15.
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/%d/stat: %q", pid, s)
	}
	const ticks = 100 // USER_HZ
	return time.Duration(ut+st) * time.Second / ticks
}

// procChildren lists the children of a process.
func procChildren(pid int) []string {
	var kids []string
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		kids = append(kids, strings.Fields(string(b))...)
	}
	return kids
}

// TestReadDocumentCommand: the hidden command reads a document from stdin and answers in
// JSON; it is not listed in the usage.
func TestReadDocumentCommand(t *testing.T) {
	out, _, _ := klachtd(t, "help")
	if strings.Contains(out, "read-document") {
		t.Errorf("klachtd help lists the hidden command:\n%s", out)
	}
	cmd := exec.Command(binary, "read-document", "-kind", "pdf")
	cmd.Stdin = bytes.NewReader(bombs.TextPDF("Naam: Eva de Boer", "Dienst: online cursus"))
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("klachtd read-document: %v", err)
	}
	var rep struct {
		V      int    `json:"v"`
		Status string `json:"status"`
		Text   string `json:"text"`
	}
	if err := json.Unmarshal(got, &rep); err != nil || rep.V != 1 || rep.Status != "ok" || rep.Text != "Naam: Eva de Boer\nDienst: online cursus" {
		t.Errorf("klachtd read-document = %s (%v)", got, err)
	}
}
