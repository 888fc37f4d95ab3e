package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// Run: go test -run '^$' -bench . -benchtime 1x ./internal/e2e (as root, Dovecot and isync
// installed). Every iteration builds its own world, so -benchtime 1x is the useful setting.
// docs/BENCHMARKS.md has one command for each benchmark.

// BenchmarkBacklog: 10,000 messages (1 in 10 a complaint) already in INBOX when the daemon
// starts with a backfill date; timed until every complaint is confirmed, beside mbsync copying
// the same mailbox to a local maildir.
func BenchmarkBacklog(b *testing.B) {
	const total, every = 10000, 10
	raws, complainants := backlog(total, every)
	for i := 0; i < b.N; i++ {
		benchBacklog(b, raws, complainants, mailtest.Link{})
	}
}

// benchBacklog loads raws into a fresh Dovecot, times mbsync copying them and klachtd
// confirming every complainant, both across link (the zero Link: loopback, no proxy), and
// reports the figures.
func benchBacklog(b *testing.B, raws [][]byte, complainants []string, link mailtest.Link) {
	b.Helper()
	if _, err := exec.LookPath("mbsync"); err != nil {
		b.Skip("mbsync not installed (apt-get install isync)")
	}
	b.StopTimer()
	dv := mailtest.StartDovecot(b)
	loadStart := time.Now()
	dv.LoadMaildir(b, "INBOX", raws)
	if got := len(dv.List(b, "INBOX")); got != len(raws) {
		b.Fatalf("INBOX holds %d messages after loading, want %d", got, len(raws))
	}
	b.Logf("loaded %d messages (%.1f MB) in %s", len(raws), float64(size(raws))/1e6, time.Since(loadStart).Round(time.Millisecond))
	shaped := link != mailtest.Link{}
	addr := dv.Addr()
	var mbProxy *mailtest.Proxy
	if shaped {
		mbProxy = mailtest.NewLinkProxy(b, dv.Addr(), link)
		addr = mbProxy.Addr()
	}
	mb := runMbsync(b, dv, addr)
	if n := countFiles(b, filepath.Join(mb.dir, "INBOX")); n != len(raws) {
		b.Fatalf("mbsync copied %d messages, want %d", n, len(raws))
	}
	o := options{backfill: time.Now().AddDate(0, 0, -1).Format(time.DateOnly), maxNewPerHour: len(raws), logLevel: benchLogLevel()}
	var proxy *mailtest.Proxy
	if shaped {
		proxy = mailtest.NewLinkProxy(b, dv.Addr(), link)
		o.imapAddr, o.imapTimeout = proxy.Addr(), "30s"
	}
	e := newEnvWith(b, dv, o)
	r := e.runUntilConfirmed(b, complainants)
	if n := len(e.cases()); n != len(complainants) {
		b.Errorf("%d cases, want %d", n, len(complainants))
	}
	b.ReportMetric(r.took.Seconds(), "klachtd-s")
	b.ReportMetric(mb.took.Seconds(), "mbsync-s")
	b.ReportMetric(r.took.Seconds()/mb.took.Seconds(), "ratio")
	b.ReportMetric(float64(r.rss)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(r.anon)/1024, "peak-anon-MiB")
	b.ReportMetric(r.cpu.Seconds(), "klachtd-cpu-s")
	b.ReportMetric(float64(r.cpu.Microseconds())/1000/float64(len(raws)), "cpu-ms/msg")
	b.ReportMetric(r.first.Seconds(), "first-confirmation-s")
	load := loadAverage()
	if shaped {
		up, down := proxy.Bytes()
		mbUp, mbDown := mbProxy.Bytes()
		b.ReportMetric(float64(down)/1e6, "klachtd-down-MB")
		b.ReportMetric(float64(mbDown)/1e6, "mbsync-down-MB")
		b.Logf("bytes across the link: klachtd %.1f MB down, %.2f MB up; mbsync %.1f MB down, %.2f MB up",
			float64(down)/1e6, float64(up)/1e6, float64(mbDown)/1e6, float64(mbUp)/1e6)
	}
	b.Logf("klachtd: %d messages, %d complaints confirmed in %s (first after %s; %s CPU, peak RSS %.1f MiB: anonymous up to %.1f, file-backed up to %.1f); mbsync: %s; ratio %.2f; load average %s",
		len(raws), len(complainants), r.took.Round(time.Millisecond), r.first.Round(time.Millisecond), r.cpu.Round(time.Millisecond),
		float64(r.rss)/1024, float64(r.anon)/1024, float64(r.file)/1024, mb.took.Round(time.Millisecond), r.took.Seconds()/mb.took.Seconds(), load)
}

// confirmedRun is what runUntilConfirmed measured.
type confirmedRun struct {
	took, first time.Duration // start to the last and the first complainant's confirmation
	cpu         time.Duration // the daemon's user and system time
	rss         int64         // its peak RSS, KiB
	anon, file  int64         // the largest anonymous and file-backed parts of its RSS seen, KiB
}

// sampleRSS watches the anonymous and file-backed parts of the daemon's RSS (/proc/PID/status
// every 20 ms) until the returned function is called, which gives the largest of each seen.
func sampleRSS(p *proc) func() (anon, file int64) {
	done := make(chan struct{})
	var anon, file int64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			a, f := rssParts(p.cmd.Process.Pid)
			anon, file = max(anon, a), max(file, f)
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() (int64, int64) {
		close(done)
		<-finished
		return anon, file
	}
}

// rssParts reads RssAnon and RssFile (KiB) of a process; 0 when unreadable.
func rssParts(pid int) (anon, file int64) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		for key, dst := range map[string]*int64{"RssAnon:": &anon, "RssFile:": &file} {
			if v, ok := strings.CutPrefix(line, key); ok {
				*dst, _ = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			}
		}
	}
	return anon, file
}

// runUntilConfirmed starts the daemon, times it until every complainant has a mail at the
// sink, reads its CPU time and peak RSS, and stops it.
func (e *env) runUntilConfirmed(b *testing.B, complainants []string) confirmedRun {
	b.Helper()
	b.StartTimer()
	start := time.Now()
	p := e.startDaemon()
	sampler := sampleRSS(p)
	msgs, ok := waitSink(b, e.sink, 15*time.Minute, func(m []mailtest.Received) bool {
		n := countTo(m)
		for _, c := range complainants {
			if n[c] == 0 {
				return false
			}
		}
		return true
	})
	r := confirmedRun{took: time.Since(start)}
	b.StopTimer()
	if !ok {
		b.Fatalf("not every complaint confirmed within 15 minutes")
	}
	want := map[string]bool{}
	for _, c := range complainants {
		want[c] = true
	}
	r.first = r.took
	for _, m := range msgs {
		if len(m.To) == 1 && want[strings.ToLower(m.To[0])] {
			r.first = min(r.first, m.At.Sub(start))
		}
	}
	r.rss, r.cpu = peakRSS(b, p), cpuTime(b, p)
	r.anon, r.file = sampler()
	p.stop(b)
	keepLog(b, p)
	return r
}

// backlog returns total messages, every every-th a complaint, and the complainants' addresses.
func backlog(total, every int) ([][]byte, []string) {
	raws := make([][]byte, 0, total)
	var complainants []string
	filler := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40) // ~2.7 KB
	for i := 0; i < total; i++ {
		if i%every == every-1 {
			c := newComplaint("backlog", i)
			raws = append(raws, c.raw())
			complainants = append(complainants, c.Email)
			continue
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "From: Relatie %d <relatie-%d@example.org>\r\nTo: %s\r\nSubject: Afspraak %d\r\n", i, i, orgAddress, i)
		fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <backlog-%d@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
			time.Now().Format(time.RFC1123Z), i)
		for j := 0; j <= i%3; j++ {
			b.WriteString(filler + "\r\n")
		}
		raws = append(raws, b.Bytes())
	}
	return raws, complainants
}

func size(raws [][]byte) int {
	n := 0
	for _, r := range raws {
		n += len(r)
	}
	return n
}

type mbsyncRun struct {
	dir  string
	took time.Duration
}

// runMbsync copies the Dovecot INBOX, reached at addr, to a local maildir with mbsync and
// times it.
func runMbsync(b *testing.B, dv *mailtest.Dovecot, addr string) mbsyncRun {
	b.Helper()
	dir := b.TempDir()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		b.Fatal(err)
	}
	rc := filepath.Join(dir, "mbsyncrc")
	conf := fmt.Sprintf(`IMAPAccount dovecot
Host %s
Port %s
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account dovecot

MaildirStore local
Path %s/
Inbox %s/INBOX

Channel pull
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
`, host, port, dv.User, dv.Password, dir, dir)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	out, err := exec.Command("mbsync", "-q", "-c", rc, "-a").CombinedOutput()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("mbsync: %v\n%s", err, out)
	}
	return mbsyncRun{dir: dir, took: took}
}

func countFiles(b *testing.B, maildir string) int {
	b.Helper()
	n := 0
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(maildir, sub))
		if err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
		n += len(entries)
	}
	return n
}

// peakRSS reads VmHWM (KiB) of the running daemon.
func peakRSS(b *testing.B, p *proc) int64 { return procStatus(b, p.cmd.Process.Pid, "VmHWM:") >> 10 }

// cpuTime reads the user and system time of the running daemon.
func cpuTime(b *testing.B, p *proc) time.Duration { return procCPU(b, p.cmd.Process.Pid) }

// loadAverage is the machine's load average over 1, 5 and 15 minutes, for the record.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// BenchmarkArrivalToConfirmation: with IDLE, the median time from APPEND to the confirmation at
// the sink, over 30 complaints appended one after another.
func BenchmarkArrivalToConfirmation(b *testing.B) {
	const n = 30
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, options{pollInterval: "60s", logLevel: benchLogLevel()}) // IDLE does the work; the poll is only a health check
		p := e.startFresh()
		var lat []time.Duration
		b.StartTimer()
		for j := 0; j < n; j++ {
			c := newComplaint("latency", j)
			start := time.Now()
			e.dv.Append(b, "INBOX", c.raw())
			msgs, ok := waitSink(b, e.sink, 30*time.Second, func(m []mailtest.Received) bool { return countTo(m)[c.Email] > 0 })
			if !ok {
				b.Fatalf("complaint %d not confirmed within 30s", j)
			}
			for _, m := range msgs {
				if len(m.To) == 1 && m.To[0] == c.Email {
					lat = append(lat, m.At.Sub(start))
				}
			}
		}
		b.StopTimer()
		slices.Sort(lat)
		med := lat[len(lat)/2]
		base := idleBaseline(b, e.dv, 10)
		b.ReportMetric(float64(base.Microseconds())/1000, "dovecot-idle-median-ms")
		b.Logf("Dovecot alone, APPEND → EXISTS to an idling client: median %s", base.Round(time.Millisecond))
		b.ReportMetric(float64(med.Microseconds())/1000, "median-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		b.Logf("APPEND → confirmation over %d complaints: min %s, median %s, max %s", n,
			lat[0].Round(time.Millisecond), med.Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
		p.stop(b)
	}
}

// BenchmarkLargeMessage: peak RSS of the daemon handling one 25 MB complaint (max_size above it).
func BenchmarkLargeMessage(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, options{maxSize: "40MB", logLevel: benchLogLevel()})
		p := e.startFresh()
		time.Sleep(500 * time.Millisecond)
		base := peakRSS(b, p)
		idleAnon, _ := rssParts(p.cmd.Process.Pid)
		sampler := sampleRSS(p)
		c := newComplaint("groot", i)
		raw := largeComplaint(c, 25<<20)
		b.StartTimer()
		start := time.Now()
		e.dv.Append(b, "INBOX", raw)
		if _, ok := waitSink(b, e.sink, 120*time.Second, func(m []mailtest.Received) bool { return countTo(m)[c.Email] > 0 }); !ok {
			b.Fatalf("the 25 MB complaint was not confirmed within 120s")
		}
		took := time.Since(start)
		b.StopTimer()
		rss := peakRSS(b, p)
		anon, file := sampler()
		p.stop(b)
		keepLog(b, p)
		b.ReportMetric(float64(base)/1024, "idle-peak-RSS-MiB")
		b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		b.ReportMetric(float64(idleAnon)/1024, "idle-anon-MiB")
		b.ReportMetric(float64(anon)/1024, "peak-anon-MiB")
		b.ReportMetric(took.Seconds(), "s")
		b.Logf("%.1f MB complaint confirmed in %s; peak RSS %.1f MiB (%.1f MiB before it; anonymous %.1f MiB idle, up to %.1f with it; file-backed up to %.1f)",
			float64(len(raw))/1e6, took.Round(time.Millisecond), float64(rss)/1024, float64(base)/1024,
			float64(idleAnon)/1024, float64(anon)/1024, float64(file)/1024)
	}
}

// largeComplaint is c's complaint with a base64 attachment that makes the message about size bytes.
func largeComplaint(c complaint, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: %s\r\nSubject: Klacht met bijlage\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"grens\"\r\n\r\n--grens\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
		"--grens\r\nContent-Type: application/octet-stream; name=\"opname.bin\"\r\nContent-Disposition: attachment; filename=\"opname.bin\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n", c.Name, c.Email, orgAddress, c.Date.Format(time.RFC1123Z), c.MessageID, complaintText)
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0", 3)[:76] + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString("--grens--\r\n")
	return b.Bytes()
}

// benchLogLevel is the log level the benchmarks run klachtd at: the one deployments run with
// (config.example.toml), so that the figures are theirs; KLACHTD_E2E_LOG=debug gives the
// log a message a line (for a timeline of the run, with KLACHTD_E2E_KEEP), at some cost.
func benchLogLevel() string { return or(os.Getenv("KLACHTD_E2E_LOG"), "info") }

// keepLog copies the daemon's log into $KLACHTD_E2E_KEEP, when set, for a closer look.
func keepLog(b *testing.B, p *proc) {
	dir := os.Getenv("KLACHTD_E2E_KEEP")
	if dir == "" {
		return
	}
	raw, err := os.ReadFile(p.log)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, b.Name()+".log"), raw, 0o644)
	}
	if err != nil {
		b.Logf("keep log: %v", err)
	}
}
