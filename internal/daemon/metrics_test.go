package daemon

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// A complaint and an ordinary mail, as they arrive.
func metricsComplaint(from, msgID string, at time.Time) []byte {
	return rawMail(from, orgAddr, "Klacht over de intervisie", msgID, at,
		"Geachte heer, mevrouw,\n\nIk wil een klacht indienen: de bijeenkomst van 10 november is zonder bericht vervallen.\n\nMet vriendelijke groet,\nJan de Vries\n")
}

func metricsOrdinary(at time.Time) []byte {
	return rawMail("Nieuwsbrief <nieuws@example.org>", orgAddr, "Nieuws van november", "news-1@example.org", at,
		"Het laatste nieuws.\n")
}

// metricsConfig is testConfig with the metrics listener on a free loopback port. Port 0 is
// what only a test may write: Validate asks a real port of the operator.
func metricsConfig(t *testing.T, imapAddr, user, pass string, smtpPort int) *config.Config {
	c := testConfig(t, imapAddr, user, pass, smtpPort)
	c.Metrics.Listen = "127.0.0.1:0"
	return c
}

// startDaemon runs d until stop is called (or the test ends) and returns the metrics address.
func startDaemon(t *testing.T, d *Daemon) (addr string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(10 * time.Second)
	for d.metrics.listenAddr() == "" {
		select {
		case err := <-done:
			t.Fatalf("daemon stopped before it listened: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("metrics listener not open after 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return d.metrics.listenAddr(), stop
}

// scrapeURL fetches a metrics page and returns each sample as `name{label="value"}` → value.
func scrapeURL(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	return samples(fams)
}

func samples(fams map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := name
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				out[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[key] = m.GetGauge().GetValue()
			}
		}
	}
	return out
}

// waitMetrics scrapes url until every wanted sample has its value (the outcome of a send is
// recorded just after the sink accepted the mail) and returns the last scrape.
func waitMetrics(t *testing.T, url string, want map[string]float64) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := scrapeURL(t, url)
		var wrong []string
		for k, v := range want {
			if g, ok := got[k]; !ok || g != v {
				wrong = append(wrong, fmt.Sprintf("%s = %v (present %v), want %v", k, g, ok, v))
			}
		}
		if len(wrong) == 0 {
			return got
		}
		if time.Now().After(deadline) {
			slices.Sort(wrong)
			t.Fatalf("metrics after 20s:\n%s\nall klachtd_ samples: %v", strings.Join(wrong, "\n"), klachtdOnly(got))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func klachtdOnly(m map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if strings.HasPrefix(k, "klachtd_") {
			out[k] = v
		}
	}
	return out
}

// TestMetricsAfterHandledComplaint runs the daemon on a real Dovecot and the SMTP sink and
// scrapes its listener over HTTP: a complaint, an ordinary mail and the complaint delivered
// a second time are counted by kind, the two mails the complaint causes by template, and the
// IMAP session is up with IDLE.
func TestMetricsAfterHandledComplaint(t *testing.T) {
	dv := mailtest.StartDovecot(t)
	sink := mailtest.StartSMTPSink(t)
	clock := mailtest.NewRunningClock(time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)))
	d, _ := newTestDaemon(t, metricsConfig(t, dv.Addr(), dv.User, dv.Password, sink.Port()), clock, nil)
	started := time.Now()
	addr, _ := startDaemon(t, d)
	url := "http://" + addr + "/metrics"

	complaint := metricsComplaint("Jan de Vries <"+janAddr+">", "complaint-1@example.nl", clock.Now())
	dv.Append(t, "INBOX", complaint)
	dv.Append(t, "INBOX", metricsOrdinary(clock.Now()))
	sink.WaitFor(t, 2, 15*time.Second)
	dv.Append(t, "INBOX", complaint) // the same bytes again: a redelivery
	got := waitMetrics(t, url, map[string]float64{
		`klachtd_mail_handled_total{kind="complaint"}`:        1,
		`klachtd_mail_handled_total{kind="other"}`:            1,
		`klachtd_mail_handled_total{kind="duplicate"}`:        1,
		`klachtd_mail_sent_total{template="bevestiging"}`:     1,
		`klachtd_mail_sent_total{template="melding-nieuw"}`:   1,
		`klachtd_mail_sent_total{template="status"}`:          0,
		`klachtd_mail_failed_total{template="bevestiging"}`:   0,
		`klachtd_mail_deferred_total{template="bevestiging"}`: 0,
		`klachtd_outbox_queued`:                               0,
		`klachtd_outbox_oldest_queued_age_seconds`:            0,
		`klachtd_timers_overdue`:                              0,
		`klachtd_imap_connected`:                              1,
		`klachtd_imap_idle`:                                   1,
		`klachtd_imap_fetched_total`:                          3,
		`klachtd_imap_errors_total`:                           0,
	})
	if n := len(sink.Messages()); n != 2 {
		t.Errorf("%d mails sent, want 2: the redelivery must cause nothing", n)
	}
	if poll := got["klachtd_imap_last_poll_timestamp_seconds"]; poll < float64(started.Unix()) || poll > float64(time.Now().Unix()+1) {
		t.Errorf("last poll at %v, want between the start (%d) and now", poll, started.Unix())
	}
	for k := range got {
		if strings.Contains(k, janAddr) || strings.Contains(k, "KL-") || strings.Contains(k, "Klacht over") {
			t.Errorf("a sample names an address, a case or a subject: %s", k)
		}
	}
}

// TestMetricsFailedAndDeferredSends: a confirmation the server refuses for good is counted as
// failed, one refused for now as deferred (and waits in the outbox) until it is sent.
func TestMetricsFailedAndDeferredSends(t *testing.T) {
	const pietAddr = "piet@example.org"
	dv := mailtest.StartDovecot(t)
	sink := mailtest.StartSMTPSink(t)
	clock := mailtest.NewRunningClock(time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)))
	cfg := metricsConfig(t, dv.Addr(), dv.User, dv.Password, sink.Port())
	cfg.SMTP.RetryFirst = time.Second
	d, _ := newTestDaemon(t, cfg, clock, nil)
	addr, _ := startDaemon(t, d)
	url := "http://" + addr + "/metrics"
	sink.Reject(janAddr, 550, "5.1.1 no such user")
	sink.Reject(pietAddr, 451, "4.3.0 try again later")

	dv.Append(t, "INBOX", metricsComplaint("Jan de Vries <"+janAddr+">", "complaint-1@example.nl", clock.Now()))
	dv.Append(t, "INBOX", metricsComplaint("Piet Jansen <"+pietAddr+">", "complaint-2@example.org", clock.Now()))
	got := waitMetrics(t, url, map[string]float64{
		`klachtd_mail_handled_total{kind="complaint"}`:      2,
		`klachtd_mail_failed_total{template="bevestiging"}`: 1,
		`klachtd_mail_sent_total{template="bevestiging"}`:   0,
		`klachtd_mail_sent_total{template="melding-nieuw"}`: 2,
		`klachtd_mail_sent_total{template="melding"}`:       1, // staff told of the failed confirmation
		`klachtd_outbox_queued`:                             1, // Piet's confirmation waits
	})
	if got[`klachtd_mail_deferred_total{template="bevestiging"}`] < 1 {
		t.Errorf("deferred bevestiging = %v, want at least 1", got[`klachtd_mail_deferred_total{template="bevestiging"}`])
	}
	if got["klachtd_outbox_oldest_queued_age_seconds"] < 0 {
		t.Errorf("oldest queued age %v, want >= 0", got["klachtd_outbox_oldest_queued_age_seconds"])
	}

	clock.Set(clock.Now().Add(2 * time.Hour)) // the confirmation has waited two hours
	got = scrapeURL(t, url)
	if age := got["klachtd_outbox_oldest_queued_age_seconds"]; age < 7200 || age > 7300 {
		t.Errorf("oldest queued age after two hours: %v, want about 7200", age)
	}

	sink.Reject(pietAddr, 0, "")
	clock.Set(clock.Now().Add(time.Hour)) // past the retry's backoff: due now
	d.sender.Wake()
	waitMetrics(t, url, map[string]float64{
		`klachtd_mail_sent_total{template="bevestiging"}`:   1,
		`klachtd_mail_failed_total{template="bevestiging"}`: 1,
		`klachtd_outbox_queued`:                             0,
		`klachtd_outbox_oldest_queued_age_seconds`:          0,
	})
}

// TestMetricsBacklogMoves: the outbox depth, the age of the oldest unsent mail and the
// overdue timers follow the store and the daemon's clock, read at each scrape.
func TestMetricsBacklogMoves(t *testing.T) {
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t))
	clock := mailtest.NewClock(base)
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	srv := httptest.NewServer(d.metrics.Handler())
	defer srv.Close()
	check := func(when string, want map[string]float64) {
		t.Helper()
		got := scrapeURL(t, srv.URL)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", when, k, got[k], v)
			}
		}
	}
	(&feeder{d: d}).feed(t, metricsComplaint("Jan de Vries <"+janAddr+">", "complaint-1@example.nl", base))
	check("just registered", map[string]float64{"klachtd_outbox_queued": 2, "klachtd_outbox_oldest_queued_age_seconds": 0, "klachtd_timers_overdue": 0})

	// The confirmation alarm is due 24h after receipt: within a minute of it, it is not late.
	clock.Set(base.Add(24*time.Hour + 30*time.Second))
	check("alarm just due", map[string]float64{"klachtd_outbox_queued": 2, "klachtd_outbox_oldest_queued_age_seconds": 86430, "klachtd_timers_overdue": 0})
	clock.Set(base.Add(24*time.Hour + 2*time.Minute))
	check("alarm two minutes late", map[string]float64{"klachtd_outbox_oldest_queued_age_seconds": 86520, "klachtd_timers_overdue": 1})

	if err := d.RunDue(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	check("alarm fired", map[string]float64{"klachtd_outbox_queued": 3, "klachtd_timers_overdue": 0})
	sendAll(t, d, clock.Now())
	check("all sent", map[string]float64{"klachtd_outbox_queued": 0, "klachtd_outbox_oldest_queued_age_seconds": 0, "klachtd_timers_overdue": 0})
}

// TestMetricsIMAPSessionGauges: connected and IDLE are 1 while the daemon waits on Dovecot
// with IDLE, 0 while Dovecot is down, 1 again after it returns; with imap.idle = false the
// session is up and IDLE is 0. The listener closes when the daemon stops.
func TestMetricsIMAPSessionGauges(t *testing.T) {
	dv := mailtest.StartDovecot(t)
	clock := mailtest.NewRunningClock(time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)))
	d, _ := newTestDaemon(t, metricsConfig(t, dv.Addr(), dv.User, dv.Password, 0), clock, nil)
	addr, stop := startDaemon(t, d)
	url := "http://" + addr + "/metrics"
	up := map[string]float64{"klachtd_imap_connected": 1, "klachtd_imap_idle": 1}
	down := map[string]float64{"klachtd_imap_connected": 0, "klachtd_imap_idle": 0}
	waitMetrics(t, url, up)
	dv.Stop()
	got := waitMetrics(t, url, down)
	if got["klachtd_imap_reconnects_total"] < 1 && got["klachtd_imap_errors_total"] < 1 {
		t.Errorf("session lost without an error or reconnect counted: %v", klachtdOnly(got))
	}
	dv.Restart(t)
	waitMetrics(t, url, up)
	stop()
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("metrics listener %s still open after the daemon stopped", addr)
	}

	cfg := metricsConfig(t, dv.Addr(), dv.User, dv.Password, 0)
	cfg.IMAP.Idle = false
	d2, _ := newTestDaemon(t, cfg, clock, nil)
	addr2, _ := startDaemon(t, d2)
	waitMetrics(t, "http://"+addr2+"/metrics", map[string]float64{"klachtd_imap_connected": 1, "klachtd_imap_idle": 0})
}

// TestMetricsPortTaken: a metrics port already in use stops the start with an error that
// names the address and the key, before the daemon reports itself ready.
func TestMetricsPortTaken(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	cfg := testConfig(t, "", "", "", 0)
	cfg.Metrics.Listen = held.Addr().String()
	d, _ := newTestDaemon(t, cfg, mailtest.NewClock(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)), nil)
	var states []string
	d.notify = func(s string) { states = append(states, s) }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = d.Run(ctx)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("Run with the metrics port taken: %v, want an error at once", err)
	}
	for _, want := range []string{held.Addr().String(), "metrics.listen", "address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if slices.Contains(states, "READY=1") {
		t.Errorf("systemd was told READY=1 by a daemon that could not start: %v", states)
	}
}
