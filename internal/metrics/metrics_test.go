package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// fakeState is what the collectors read; tests change it between scrapes.
type fakeState struct {
	mu      sync.Mutex
	clock   mailtest.Clock
	imap    IMAP
	backlog Backlog
	err     error
}

func (f *fakeState) set(fn func(f *fakeState)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}

func (f *fakeState) options() Options {
	return Options{
		Clock: &f.clock,
		IMAP: func() IMAP {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.imap
		},
		Backlog: func(ctx context.Context, now time.Time) (Backlog, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.backlog, f.err
		},
		Templates: []string{"bevestiging", "melding-nieuw"},
	}
}

// serve runs m's listener on a free loopback port until the test ends and returns its address.
func serve(t *testing.T, m *Metrics) string {
	t.Helper()
	ln, err := Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// scrape fetches /metrics and returns every sample as `name{label="value"}` → value, and the
// families.
func scrape(t *testing.T, addr string) (map[string]float64, map[string]*dto.MetricFamily) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return flatten(fams), fams
}

func TestNamesUnitsHelpAndLabels(t *testing.T) {
	f := &fakeState{}
	f.clock.Set(time.Unix(1_800_000_000, 0))
	m := New(f.options())
	if err := m.WatchToken(func() Token {
		return Token{Expiry: f.clock.Now().Add(time.Hour), RefreshExpiry: f.clock.Now().Add(90 * 24 * time.Hour)}
	}); err != nil {
		t.Fatal(err)
	}
	m.Handled("complaint")
	m.Sent("bevestiging")
	_, fams := scrape(t, serve(t, m))
	var own []string
	for name, fam := range fams {
		if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
			continue // the runtime's and the process's own, by their conventions
		}
		own = append(own, name)
		if !strings.HasPrefix(name, "klachtd_") {
			t.Errorf("%s: want the prefix klachtd_", name)
		}
		if fam.GetHelp() == "" {
			t.Errorf("%s: no help text", name)
		}
		if fam.GetType() == dto.MetricType_COUNTER && !strings.HasSuffix(name, "_total") {
			t.Errorf("%s: a counter's name must end in _total", name)
		}
		if strings.Contains(name, "timestamp") || strings.Contains(name, "age") {
			if !strings.HasSuffix(name, "_seconds") {
				t.Errorf("%s: a time must be in seconds and say so", name)
			}
		}
		for _, s := range fam.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() != "kind" && l.GetName() != "template" {
					t.Errorf("%s: label %q; only kind and template are bounded", name, l.GetName())
				}
			}
		}
	}
	slices.Sort(own)
	want := []string{
		"klachtd_imap_connected", "klachtd_imap_errors_total", "klachtd_imap_fetched_total", "klachtd_imap_idle",
		"klachtd_imap_last_poll_timestamp_seconds", "klachtd_imap_reconnects_total",
		"klachtd_mail_deferred_total", "klachtd_mail_failed_total", "klachtd_mail_handled_total", "klachtd_mail_sent_total",
		"klachtd_oauth2_access_token_expiry_timestamp_seconds", "klachtd_oauth2_refresh_token_expiry_timestamp_seconds",
		"klachtd_oauth2_refused", "klachtd_outbox_oldest_queued_age_seconds", "klachtd_outbox_queued", "klachtd_timers_overdue",
	}
	if !slices.Equal(own, want) {
		t.Errorf("metrics:\n got %v\nwant %v", own, want)
	}
	if fams["go_goroutines"] == nil || fams["process_resident_memory_bytes"] == nil {
		t.Errorf("want the Go runtime and process collectors beside klachtd's own")
	}
}

func TestCountersStartAtZeroAndCount(t *testing.T) {
	f := &fakeState{}
	m := New(f.options())
	addr := serve(t, m)
	got, _ := scrape(t, addr)
	for _, k := range []string{`klachtd_mail_sent_total{template="bevestiging"}`, `klachtd_mail_failed_total{template="melding-nieuw"}`,
		`klachtd_mail_deferred_total{template="bevestiging"}`} {
		if v, ok := got[k]; !ok || v != 0 {
			t.Errorf("%s = %v (present %v), want 0 before any mail", k, v, ok)
		}
	}
	m.Handled("complaint")
	m.Handled("complaint")
	m.Handled("other")
	m.Sent("bevestiging")
	m.Deferred("melding-nieuw")
	m.Failed("melding-nieuw")
	got, _ = scrape(t, addr)
	for k, want := range map[string]float64{
		`klachtd_mail_handled_total{kind="complaint"}`:          2,
		`klachtd_mail_handled_total{kind="other"}`:              1,
		`klachtd_mail_sent_total{template="bevestiging"}`:       1,
		`klachtd_mail_sent_total{template="melding-nieuw"}`:     0,
		`klachtd_mail_deferred_total{template="melding-nieuw"}`: 1,
		`klachtd_mail_failed_total{template="melding-nieuw"}`:   1,
		`klachtd_mail_failed_total{template="bevestiging"}`:     0,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
}

func TestBacklogAndIMAPReadAtScrape(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	f := &fakeState{}
	f.clock.Set(now)
	addr := serve(t, New(f.options()))
	got, _ := scrape(t, addr)
	for k, want := range map[string]float64{
		"klachtd_outbox_queued": 0, "klachtd_outbox_oldest_queued_age_seconds": 0, "klachtd_timers_overdue": 0,
		"klachtd_imap_connected": 0, "klachtd_imap_idle": 0, "klachtd_imap_last_poll_timestamp_seconds": 0,
	} {
		if v, ok := got[k]; !ok || v != want {
			t.Errorf("empty: %s = %v (present %v), want %v", k, v, ok, want)
		}
	}
	poll := now.Add(-1500 * time.Millisecond)
	f.set(func(f *fakeState) {
		f.clock.Set(now.Add(90 * time.Minute))
		f.backlog = Backlog{Queued: 3, OldestQueued: now, TimersOverdue: 2}
		f.imap = IMAP{LastPoll: poll, Connected: true, IDLE: true, Fetched: 7, Errors: 1, Reconnects: 1}
	})
	got, _ = scrape(t, addr)
	for k, want := range map[string]float64{
		"klachtd_outbox_queued": 3, "klachtd_outbox_oldest_queued_age_seconds": 5400, "klachtd_timers_overdue": 2,
		"klachtd_imap_connected": 1, "klachtd_imap_idle": 1, "klachtd_imap_fetched_total": 7,
		"klachtd_imap_errors_total": 1, "klachtd_imap_reconnects_total": 1,
		"klachtd_imap_last_poll_timestamp_seconds": float64(poll.UnixMilli()) / 1000,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	f.set(func(f *fakeState) { f.imap.IDLE = false }) // connected, polling without IDLE
	got, _ = scrape(t, addr)
	if got["klachtd_imap_connected"] != 1 || got["klachtd_imap_idle"] != 0 {
		t.Errorf("polling: connected %v idle %v, want 1 and 0", got["klachtd_imap_connected"], got["klachtd_imap_idle"])
	}
}

// TestBacklogErrorServesTheRest: a database that does not answer leaves its metrics out; the
// scrape still answers 200 with everything else, and the absence is what an alert sees.
func TestBacklogErrorServesTheRest(t *testing.T) {
	f := &fakeState{err: errors.New("database is locked")}
	f.imap.Connected = true
	addr := serve(t, New(f.options()))
	got, _ := scrape(t, addr)
	for _, k := range []string{"klachtd_outbox_queued", "klachtd_outbox_oldest_queued_age_seconds", "klachtd_timers_overdue"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s present although the store failed", k)
		}
	}
	if got["klachtd_imap_connected"] != 1 {
		t.Errorf("klachtd_imap_connected = %v, want 1: the other metrics are still served", got["klachtd_imap_connected"])
	}
}

// TestWatchTokenWithFake is the hook for the OAuth2 token source, with a fake source.
func TestWatchTokenWithFake(t *testing.T) {
	f := &fakeState{}
	m := New(f.options())
	addr := serve(t, m)
	if got, _ := scrape(t, addr); hasPrefix(got, "klachtd_oauth2_") {
		t.Fatalf("OAuth2 metrics without a token source: %v", got)
	}
	var mu sync.Mutex
	tok := Token{}
	if err := m.WatchToken(func() Token { mu.Lock(); defer mu.Unlock(); return tok }); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchToken(func() Token { return Token{} }); err == nil {
		t.Errorf("a second WatchToken was accepted; want an error (one token source per daemon)")
	}
	got, _ := scrape(t, addr)
	if _, ok := got["klachtd_oauth2_access_token_expiry_timestamp_seconds"]; ok {
		t.Errorf("access token expiry present while no token is held")
	}
	if v, ok := got["klachtd_oauth2_refused"]; !ok || v != 0 {
		t.Errorf("klachtd_oauth2_refused = %v (present %v), want 0", v, ok)
	}
	exp, rexp := time.Unix(1_800_003_600, 0), time.Unix(1_807_776_000, 0)
	mu.Lock()
	tok = Token{Expiry: exp, RefreshExpiry: rexp, Refused: true}
	mu.Unlock()
	got, _ = scrape(t, addr)
	for k, want := range map[string]float64{
		"klachtd_oauth2_access_token_expiry_timestamp_seconds":  1_800_003_600,
		"klachtd_oauth2_refresh_token_expiry_timestamp_seconds": 1_807_776_000,
		"klachtd_oauth2_refused":                                1,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
}

func hasPrefix(m map[string]float64, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// TestServesOnlyMetrics: /metrics answers GET and HEAD; every other path is 404, every other
// method 405; the server has its timeouts; it stops when its context ends.
func TestServesOnlyMetrics(t *testing.T) {
	m := New((&fakeState{}).options())
	ln, err := Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/metrics", 200}, {"HEAD", "/metrics", 200}, {"GET", "/", 404}, {"GET", "/debug/pprof/", 404},
		{"GET", "/metrics/x", 404}, {"POST", "/metrics", 405}, {"DELETE", "/metrics", 405},
	} {
		req, _ := http.NewRequest(c.method, "http://"+addr+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after its context ended: %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after the stop", addr)
	}
}

// TestSlowClientIsCut: a client that never finishes its request header is disconnected
// after readHeaderTimeout, not held for ever.
func TestSlowClientIsCut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the header timeout")
	}
	addr := serve(t, New((&fakeState{}).options()))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n") // no final empty line
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(readHeaderTimeout + 10*time.Second))
	_, err = io.ReadAll(c)
	if elapsed := time.Since(start); err != nil || elapsed > readHeaderTimeout+2*time.Second {
		t.Errorf("connection held %s (err %v); want it closed after about %s", elapsed.Round(time.Millisecond), err, readHeaderTimeout)
	}
}

func TestListenTakenPort(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, err = Listen(context.Background(), held.Addr().String())
	if err == nil {
		t.Fatal("listened on a port already taken")
	}
	for _, want := range []string{held.Addr().String(), "metrics.listen", "address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// flatten names every sample `name{label="value"}` (labels sorted, as the format has them).
func flatten(fams map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for name, fam := range fams {
		for _, s := range fam.GetMetric() {
			var labels []string
			for _, l := range s.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := name
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case s.Counter != nil:
				out[key] = s.GetCounter().GetValue()
			case s.Gauge != nil:
				out[key] = s.GetGauge().GetValue()
			case s.Untyped != nil:
				out[key] = s.GetUntyped().GetValue()
			}
		}
	}
	return out
}
