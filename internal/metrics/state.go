package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds one scrape, the database read included.
const scrapeTimeout = 10 * time.Second

// OverdueGrace is how long past its moment a timer that has not fired counts as overdue: the
// daemon's timer loop looks at least once a minute, and fires a timer within moments of it.
const OverdueGrace = time.Minute

// IMAP is the intake's state as a scrape reads it.
type IMAP struct {
	LastPoll   time.Time // the end of the last successful poll; zero before the first
	Connected  bool      // a session is open with the mailbox selected
	IDLE       bool      // that session waits for new mail with IDLE
	Fetched    uint64    // messages fetched since the start
	Errors     uint64    // handler, disposition and session errors since the start
	Reconnects uint64
}

// Backlog is what waits, as a scrape reads it from the store.
type Backlog struct {
	Queued        int       // outgoing mails not yet sent
	OldestQueued  time.Time // when the oldest of them was queued; zero when none is
	TimersOverdue int       // timers past their moment (and a grace) that have not fired
}

// BacklogFunc reads the backlog at now.
type BacklogFunc func(ctx context.Context, now time.Time) (Backlog, error)

func desc(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }

var ( // immutable descriptors
	descLastPoll = desc("klachtd_imap_last_poll_timestamp_seconds",
		"Unix time at which the last successful IMAP poll ended; 0 before the first.")
	descConnected = desc("klachtd_imap_connected",
		"1 while an IMAP session is open with the mailbox selected, else 0.")
	descIDLE = desc("klachtd_imap_idle",
		"1 while the IMAP session waits for new mail with IDLE (IDLE up); 0 while disconnected, or when the server or imap.idle = false leaves klachtd polling.")
	descFetched    = desc("klachtd_imap_fetched_total", "Messages fetched from the IMAP server since the start.")
	descErrors     = desc("klachtd_imap_errors_total", "IMAP intake errors since the start: sessions lost, handler and disposition failures.")
	descReconnects = desc("klachtd_imap_reconnects_total", "IMAP reconnects since the start.")

	descQueued = desc("klachtd_outbox_queued",
		"Outgoing mails waiting to be sent: queued, not yet accepted by the SMTP server nor given up.")
	descOldest = desc("klachtd_outbox_oldest_queued_age_seconds",
		"Age of the oldest outgoing mail still waiting to be sent, since it was queued; 0 when none waits.")
	descOverdue = desc("klachtd_timers_overdue",
		"Timers (confirmation alarm, reminders, extensions, digest, report, retention) due more than a minute ago that have not fired.")
)

// imapCollector reads the intake's counters, which live in memory: it cannot fail.
type imapCollector struct{ read func() IMAP }

func (c imapCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLastPoll, descConnected, descIDLE, descFetched, descErrors, descReconnects} {
		ch <- d
	}
}

func (c imapCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.read()
	ch <- gauge(descLastPoll, unixSeconds(s.LastPoll))
	ch <- gauge(descConnected, flag(s.Connected))
	ch <- gauge(descIDLE, flag(s.IDLE))
	ch <- counter(descFetched, float64(s.Fetched))
	ch <- counter(descErrors, float64(s.Errors))
	ch <- counter(descReconnects, float64(s.Reconnects))
}

// backlogCollector reads the store at every scrape. When the database does not answer, its
// metrics are reported as errors: promhttp serves the others and logs why these are missing,
// and an alert on their absence fires.
type backlogCollector struct {
	read BacklogFunc
	now  func() time.Time
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descQueued
	ch <- descOldest
	ch <- descOverdue
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	// promhttp gives a collector no context: the scrape's own bound stands in for it.
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	now := c.now()
	b, err := c.read(ctx, now)
	if err != nil {
		for _, d := range []*prometheus.Desc{descQueued, descOldest, descOverdue} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	age := 0.0
	if !b.OldestQueued.IsZero() {
		age = max(now.Sub(b.OldestQueued).Seconds(), 0)
	}
	ch <- gauge(descQueued, float64(b.Queued))
	ch <- gauge(descOldest, age)
	ch <- gauge(descOverdue, float64(b.TimersOverdue))
}

func gauge(d *prometheus.Desc, v float64) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
}

func counter(d *prometheus.Desc, v float64) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// unixSeconds is t as Unix time with its fraction; 0 for the zero time.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
