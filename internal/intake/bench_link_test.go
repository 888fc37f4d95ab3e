package intake

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// BenchmarkBacklogLink measures the intake alone, with a handler that does nothing, across a
// link of 10 ms each way and 100 Mbit/s: how soon 10,000 messages (5 % of them with a PDF of
// 20-400 KB) are all handed over. This is the fetch pipeline's share of the daemon's backlog
// benchmarks, without the handler's work and the machine's load in it: what the link and the
// round trips between chunks cost. Run: go test -run '^$' -bench BacklogLink -benchtime 1x
// ./internal/intake (Dovecot installed).
func BenchmarkBacklogLink(b *testing.B) {
	raws := linkBacklog(10000)
	for range b.N {
		b.StopTimer()
		d := mailtest.StartDovecot(b)
		d.LoadMaildir(b, "INBOX", raws)
		proxy := mailtest.NewLinkProxy(b, d.Addr(), mailtest.Link{Delay: 10 * time.Millisecond, Rate: 100e6 / 8})
		host, port := splitAddr(b, proxy.Addr())
		cfg := Config{Host: host, Port: port, TLS: "none", Username: d.User, Password: d.Password, Mailbox: "INBOX",
			IDLE: true, PollInterval: time.Minute, Timeout: 30 * time.Second, Backfill: time.Now().AddDate(0, 0, -1)}
		var handed atomic.Int64
		var first atomic.Int64
		start := time.Now()
		all := make(chan struct{})
		in := New(cfg, newCheckpoints(), func(_ context.Context, f *Fetched) (Disposition, error) {
			n := handed.Add(1)
			if n == 1 {
				first.Store(int64(time.Since(start)))
			}
			if n == int64(len(raws)) {
				close(all)
			}
			if f.UID%10 == 0 {
				return Move, nil
			}
			return Leave, nil
		}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		b.StartTimer()
		start = time.Now()
		go func() { done <- in.Run(ctx) }()
		select {
		case <-all:
		case <-time.After(2 * time.Minute):
			b.Fatalf("%d of %d messages handed over after 2 minutes", handed.Load(), len(raws))
		}
		took := time.Since(start)
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		_, down := proxy.Bytes()
		b.ReportMetric(took.Seconds(), "handed-over-s")
		b.ReportMetric(time.Duration(first.Load()).Seconds(), "first-s")
		b.ReportMetric(float64(down)/1e6, "down-MB")
		b.Logf("%d messages handed over in %s (the first after %s), %.1f MB down: the link alone needs %.2f s for those bytes",
			len(raws), took.Round(time.Millisecond), time.Duration(first.Load()).Round(time.Millisecond),
			float64(down)/1e6, float64(down)/(100e6/8))
	}
}

// linkBacklog is n messages of 3 KB, one in twenty with a PDF of 20-400 KB beside its text.
func linkBacklog(n int) [][]byte {
	rnd := rand.New(rand.NewPCG(11, 2026))
	pdf := make([]byte, 400<<10)
	for i := range pdf {
		pdf[i] = byte(rnd.Uint32())
	}
	text := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40) + "\r\n"
	raws := make([][]byte, n)
	for i := range raws {
		var b bytes.Buffer
		fmt.Fprintf(&b, "From: Relatie %d <relatie-%d@example.org>\r\nTo: info@example.nl\r\nSubject: Afspraak %d\r\n"+
			"Date: %s\r\nMessage-ID: <link-%d@example.org>\r\nMIME-Version: 1.0\r\n", i, i, i, time.Now().Format(time.RFC1123Z), i)
		if rnd.IntN(20) != 0 {
			b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n" + text)
			raws[i] = b.Bytes()
			continue
		}
		size := 20<<10 + rnd.IntN(380<<10)
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"g%d\"\r\n\r\n--g%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
			"--g%d\r\nContent-Type: application/pdf; name=\"f%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i, i, text, i, i)
		enc := base64.StdEncoding.EncodeToString(pdf[:size])
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		fmt.Fprintf(&b, "%s\r\n--g%d--\r\n", enc, i)
		raws[i] = b.Bytes()
	}
	return raws
}
