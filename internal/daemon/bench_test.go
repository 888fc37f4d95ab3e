package daemon

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// Run: go test -run '^$' -bench Handle -benchmem ./internal/daemon (add -memprofile or
// -cpuprofile to see where it goes).

// BenchmarkHandleLarge hands one 25 MB complaint (a base64 attachment: a .pdf, which form
// extraction needs, or a .bin, which nothing needs) to Handle and reports the peak heap and
// RSS during the call besides the bytes allocated.
func BenchmarkHandleLarge(b *testing.B) {
	for _, ext := range []string{"bin", "pdf"} {
		b.Run(ext, func(b *testing.B) { benchmarkHandleLarge(b, ext) })
	}
}

func benchmarkHandleLarge(b *testing.B, ext string) {
	d, _ := newTestDaemon(b, testConfig(b, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	b.ReportAllocs()
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(48 << 20)) // as klachtd run does
	var peak, rssBase, rssPeak uint64
	for i := 0; i < b.N; i++ {
		raw := largeMail(fmt.Sprintf("groot-%d@example.nl", i), ext, 25<<20)
		debug.FreeOSMemory()
		resetPeakRSS()
		rssBase = max(rssBase, procStatus("VmRSS"))
		stop := sampleHeap(&peak)
		f := &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: raw,
			Header: headerOf(raw), Size: int64(len(raw))}
		disp, err := d.Handle(context.Background(), f)
		stop()
		rssPeak = max(rssPeak, procStatus("VmHWM"))
		if err != nil || disp != intake.Move {
			b.Fatalf("Handle = %v, %v; want Move (a complaint)", disp, err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	if rssPeak > 0 {
		b.ReportMetric(float64(rssBase)/1024, "RSS-before-MiB")
		b.ReportMetric(float64(rssPeak)/1024, "peak-RSS-MiB")
	}
}

// BenchmarkHandleBacklog hands ordinary mail and complaints (1 in 10) to Handle, as a backlog.
func BenchmarkHandleBacklog(b *testing.B) {
	d, _ := newTestDaemon(b, testConfig(b, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	filler := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40)
	now := time.Now()
	ctx, cancel := context.WithCancel(context.Background()) // as the daemon's: one that a shutdown ends
	defer cancel()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var raw []byte
		if i%10 == 9 {
			raw = rawMail(fmt.Sprintf("Klant %d <klant-%d@example.nl>", i, i), orgAddr, "Klacht over de training",
				fmt.Sprintf("klacht-%d@example.nl", i), now, "Ik wil een klacht indienen over de training van vorige week.\n")
		} else {
			raw = rawMail(fmt.Sprintf("Relatie %d <relatie-%d@example.org>", i, i), orgAddr, fmt.Sprintf("Afspraak %d", i),
				fmt.Sprintf("backlog-%d@example.org", i), now, strings.Repeat(filler+"\n", 1+i%3))
		}
		f := &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: raw,
			Header: headerOf(raw), Size: int64(len(raw))}
		if _, err := d.Handle(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

// largeMail is a complaint with a base64 attachment that makes it about size bytes.
func largeMail(addr, ext string, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Klant <%s>\r\nTo: %s\r\nSubject: Klacht met bijlage\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"grens\"\r\n\r\n--grens\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Ik wil een klacht indienen over de training van vorige week.\r\n"+
		"--grens\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"opname.%s\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n", addr, orgAddr, time.Now().Format(time.RFC1123Z), addr, ext)
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0", 3)[:76] + "\r\n"
	b.Grow(size + 100)
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString("--grens--\r\n")
	return b.Bytes()
}

// sampleHeap records the largest HeapInuse seen until the returned stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}

// resetPeakRSS resets the kernel's high-water mark of this process (Linux; else a no-op).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// procStatus reads a kB figure from /proc/self/status (Linux; else 0).
func procStatus(key string) uint64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	return 0
}
