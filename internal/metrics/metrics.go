// Package metrics owns klachtd's Prometheus metrics and the loopback listener that serves
// them, for those who run klachtd for several organisations and watch them from one place.
//
// Most of what is measured is read when Prometheus scrapes: the outbox depth, the oldest
// unsent mail and the overdue timers from the store, the IMAP session from the intake's
// counters, the OAuth2 tokens from their source (Options, WatchToken). Only what happens
// and leaves no state behind is counted as it happens, by one call at one place per event:
// a message handled (Handled), a mail sent, deferred or given up (Sent, Deferred, Failed).
//
// Every name starts with klachtd_, carries its unit (_seconds, _total) and has a help text.
// Labels are few and bounded: the kind a message was taken for and the template of a mail,
// both constants of the code; never an address, a subject or a case number. The package
// keeps its own registry (no global state) and knows nothing of the store or the daemon.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/groeimeesters/klachtd/internal/clock"
)

// Metrics is one daemon's registry: its counters and the collectors that read state.
type Metrics struct {
	reg      *prometheus.Registry
	log      *slog.Logger
	handled  *prometheus.CounterVec
	sent     *prometheus.CounterVec
	deferred *prometheus.CounterVec
	failed   *prometheus.CounterVec
}

// Options are where the scrape-time metrics come from. A nil func leaves its metrics out.
type Options struct {
	Clock   clock.Clock // the daemon's clock, for ages and cut-offs; nil: the real clock
	IMAP    func() IMAP
	Backlog BacklogFunc
	// Templates are the names of the outgoing mails: their counters start at 0, so that a
	// rate over the first mail of a kind is right.
	Templates []string
	Log       *slog.Logger
}

// New builds the registry with the Go runtime and process collectors beside klachtd's own.
func New(o Options) *Metrics {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	counter := func(name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: o.Log,
		handled: counter("klachtd_mail_handled_total",
			"Incoming messages handled since the start, by what klachtd took them for (complaint, reply-staff, "+
				"reply-complainant, reply-commissaris, reply-unverified, staff-new, duplicate-command, bad-reference, "+
				"forged-command, bounce, too-large, quarantine, own, other); duplicate: a message handled before, delivered again.", "kind"),
		sent: counter("klachtd_mail_sent_total",
			"Outgoing mails the SMTP server accepted since the start, by template.", "template"),
		deferred: counter("klachtd_mail_deferred_total",
			"Delivery attempts that failed temporarily since the start (the mail is tried again later), by template.", "template"),
		failed: counter("klachtd_mail_failed_total",
			"Outgoing mails given up since the start (refused permanently, or not delivered within smtp.retry_for), by template.", "template"),
	}
	for _, t := range o.Templates {
		m.sent.WithLabelValues(t)
		m.deferred.WithLabelValues(t)
		m.failed.WithLabelValues(t)
	}
	m.reg.MustRegister(m.handled, m.sent, m.deferred, m.failed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.IMAP != nil {
		m.reg.MustRegister(imapCollector{o.IMAP})
	}
	if o.Backlog != nil {
		m.reg.MustRegister(&backlogCollector{read: o.Backlog, now: o.Clock.Now})
	}
	return m
}

// Handled counts an incoming message handled (its transaction committed), by the kind it was
// taken for.
func (m *Metrics) Handled(kind string) { m.handled.WithLabelValues(kind).Inc() }

// Sent counts an outgoing mail the SMTP server accepted.
func (m *Metrics) Sent(template string) { m.sent.WithLabelValues(template).Inc() }

// Deferred counts a delivery attempt that failed temporarily.
func (m *Metrics) Deferred(template string) { m.deferred.WithLabelValues(template).Inc() }

// Failed counts an outgoing mail given up for good.
func (m *Metrics) Failed(template string) { m.failed.WithLabelValues(template).Inc() }

// Gatherer is the registry, for tests and for a handler of one's own.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Handler serves the metrics in the Prometheus text (or OpenMetrics) format. A metric that
// cannot be read (the database does not answer) is left out and logged; the others are served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            errorLog{m.log},
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 2,
		Timeout:             scrapeTimeout,
	})
}

// errorLog writes promhttp's errors to slog.
type errorLog struct{ log *slog.Logger }

func (e errorLog) Println(v ...any) {
	e.log.Warn("metrics: scrape", "err", fmt.Sprint(v...))
}
