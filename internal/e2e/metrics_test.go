package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMetricsListener runs `klachtd run` with [metrics] listen and scrapes it as Prometheus
// would: IDLE up, then a complaint and an ordinary mail counted by kind and the mails the
// complaint causes by template; SIGTERM closes the listener.
func TestMetricsListener(t *testing.T) {
	addr := freeLoopbackAddr(t)
	e := newEnv(t, options{extra: fmt.Sprintf("\n[metrics]\nlisten = %q\n", addr)})
	p := e.startFresh()
	p.waitLog(t, "metrics listening", 10*time.Second)
	url := "http://" + addr + "/metrics"
	waitScrape(t, url, map[string]float64{"klachtd_imap_connected": 1, "klachtd_imap_idle": 1})

	e.dv.Append(t, "INBOX", ordinaryMail("metrics-1"))
	e.dv.Append(t, "INBOX", newComplaint("metrics", 1).raw())
	got := waitScrape(t, url, map[string]float64{
		`klachtd_mail_handled_total{kind="complaint"}`:      1,
		`klachtd_mail_handled_total{kind="other"}`:          1,
		`klachtd_mail_sent_total{template="bevestiging"}`:   1,
		`klachtd_mail_sent_total{template="melding-nieuw"}`: 1,
		`klachtd_mail_failed_total{template="bevestiging"}`: 0,
		`klachtd_outbox_queued`:                             0,
		`klachtd_timers_overdue`:                            0,
	})
	if got["klachtd_imap_last_poll_timestamp_seconds"] < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("last poll %v, want within the last minute", got["klachtd_imap_last_poll_timestamp_seconds"])
	}
	if _, ok := got["process_resident_memory_bytes"]; !ok {
		t.Errorf("no process metrics")
	}
	p.stop(t)
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("metrics listener %s still open after SIGTERM", addr)
	}
}

// TestMetricsPortTakenStopsTheStart: with the metrics port in use, `klachtd run` exits at
// once with an error naming the address and the key; it does not run without its metrics.
func TestMetricsPortTakenStopsTheStart(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	e := newEnv(t, options{extra: fmt.Sprintf("\n[metrics]\nlisten = %q\n", held.Addr().String())})
	p := e.startDaemon()
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatal("klachtd still runs with its metrics port taken")
	}
	if p.err == nil {
		t.Errorf("klachtd run exited 0 with its metrics port taken")
	}
	log, _ := os.ReadFile(p.log)
	for _, want := range []string{held.Addr().String(), "metrics.listen", "address already in use"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("output does not say %q:\n%s", want, log)
		}
	}
	t.Logf("klachtd run said:\n%s", log)
	if strings.Contains(string(log), "klachtd running") {
		t.Errorf("klachtd said it was running before it failed:\n%s", log)
	}
}

// freeLoopbackAddr is a loopback port free a moment ago (the binary's config needs a fixed
// port, as an operator's does).
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitScrape scrapes url until every wanted sample has its value and returns the last scrape.
func waitScrape(t *testing.T, url string, want map[string]float64) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := scrapeText(url)
		var wrong []string
		for k, v := range want {
			if g, ok := got[k]; !ok || g != v {
				wrong = append(wrong, fmt.Sprintf("%s = %v (present %v), want %v", k, g, ok, v))
			}
		}
		if err == nil && len(wrong) == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("scrape %s after 20s (err %v):\n%s", url, err, strings.Join(wrong, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scrapeText reads the text exposition format line by line: `name{labels} value`.
func scrapeText(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("%s: %s", resp.Status, b)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			return nil, fmt.Errorf("bad sample line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("bad sample line %q: %w", line, err)
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}
