package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// BenchmarkPollNothingNewDaemon: the running daemon's poll when nothing is new, on a mailbox
// of 1,000 and of 100,000 messages (the same cost at 100 or 100,000 messages). The daemon
// polls every 100 ms without IDLE for three seconds; the figure is the median of the "polled"
// lines of its debug log (intake: from the poll's start to its end) and its CPU time per poll.
func BenchmarkPollNothingNewDaemon(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			raws := make([][]byte, n)
			for i := range raws {
				raws[i] = ordinaryMail(fmt.Sprintf("poll-%d", i))
			}
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dv := mailtest.StartDovecot(b)
				dv.LoadMaildir(b, "INBOX", raws)
				no := false
				e := newEnvWith(b, dv, options{pollInterval: "100ms", idle: &no})
				p := e.startFresh()
				time.Sleep(time.Second) // past the first polls after the start
				cpu0, from := cpuTime(b, p), p.logCount("msg=polled")
				b.StartTimer()
				time.Sleep(3 * time.Second)
				b.StopTimer()
				cpu, polls := cpuTime(b, p)-cpu0, p.logCount("msg=polled")-from
				took := pollDurations(b, p)
				p.stop(b)
				if polls == 0 || len(took) == 0 {
					b.Fatalf("no polls logged")
				}
				took = took[len(took)-polls:]
				slices.Sort(took)
				med := took[len(took)/2]
				b.ReportMetric(float64(med.Microseconds())/1000, "poll-median-ms")
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(polls), "cpu-ms/poll")
				b.Logf("%d messages: %d polls, median %s, max %s, CPU %s a poll; load average %s", n, polls, med,
					took[len(took)-1], cpu/time.Duration(polls), loadAverage())
			}
		})
	}
}

// pollDurations reads the took= of every "polled" line of the daemon's log.
func pollDurations(b *testing.B, p *proc) []time.Duration {
	b.Helper()
	raw, err := os.ReadFile(p.log)
	if err != nil {
		b.Fatal(err)
	}
	var out []time.Duration
	s := bufio.NewScanner(bytes.NewReader(raw))
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := s.Text()
		if !strings.Contains(line, "msg=polled") {
			continue
		}
		_, v, ok := strings.Cut(line, " took=")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(v, " ")
		if d, err := time.ParseDuration(v); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// BenchmarkStartToFirstConfirmation: from `klachtd run` to the confirmation of a complaint
// that was waiting in the mailbox (backfill set), five fresh starts an iteration: what a
// restart costs the first complainant.
func BenchmarkStartToFirstConfirmation(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dv := mailtest.StartDovecot(b)
		var took []time.Duration
		for round := range 5 {
			c := newComplaint("start", i*10+round)
			dv.Append(b, "INBOX", c.raw())
			e := newEnvWith(b, dv, options{backfill: time.Now().AddDate(0, 0, -1).Format(time.DateOnly), logLevel: benchLogLevel()})
			b.StartTimer()
			start := time.Now()
			p := e.startDaemon()
			msgs, ok := waitSink(b, e.sink, 30*time.Second, func(m []mailtest.Received) bool { return countTo(m)[c.Email] > 0 })
			b.StopTimer()
			if !ok {
				b.Fatalf("round %d: no confirmation within 30s", round)
			}
			for _, m := range msgs {
				if len(m.To) == 1 && m.To[0] == c.Email {
					took = append(took, m.At.Sub(start))
				}
			}
			p.stop(b)
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
		b.ReportMetric(float64(took[0].Microseconds())/1000, "min-ms")
		b.Logf("start to first confirmation over %d starts: min %s, median %s, max %s; load average %s", len(took),
			took[0].Round(time.Millisecond), took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), loadAverage())
	}
}
