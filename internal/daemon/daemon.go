// Package daemon wires klachtd together: IMAP intake → parsing and triage → one database
// transaction per message (case, correspondence, outgoing mail, timers) → the outbox sender,
// and the timers that keep the procedure's promises. It is the only package that knows all the
// others. Every worker is Run(ctx) error under one errgroup; a panic becomes an error.
package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/groeimeesters/klachtd/internal/clock"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/docreader"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/oauth"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/triage"
)

// Options are the daemon's dependencies. Nil Clock means the real clock.
type Options struct {
	Config   *config.Config
	Store    *store.Store
	Renderer *render.Renderer
	// Templates, when set instead of Renderer, loads and checks the templates: Run does that
	// beside the intake's start, so that mail is fetched meanwhile and only the first mail
	// rendered waits for them (templates.go). Its error stops Run before anything is rendered.
	Templates func() (*render.Renderer, error)
	Log       *slog.Logger
	Clock     clock.Clock
	// LookupTXT serves DNS TXT records for DKIM checks; nil means the system resolver.
	LookupTXT func(ctx context.Context, domain string) ([]string, error)
	// Notify is called with systemd states ("READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=…");
	// may be nil.
	Notify func(state string)
	// Observe, when set, is told of each message handled and each mail sent or failed, after
	// the commit (see Observation); it runs on the intake's or the sender's goroutine and
	// must not block.
	Observe func(Observation)
	// Tokens is the OAuth2 token manager of [oauth2]; nil builds one when the config uses OAuth2.
	Tokens *oauth.Manager
	// ConfigPath names the configuration in the remedies of alarms ("klachtd check --config …").
	ConfigPath string
	// LoginAlarmAfter is how long the intake may fail to log in before staff are alarmed; 0 means an hour.
	LoginAlarmAfter time.Duration
	// Executable is the klachtd binary whose hidden read-document command reads attached
	// documents in a child process (os.Executable() for `run`; in tests, a test binary that
	// serves that command). "" means attached documents are not read: each is skipped, and
	// noted on the case.
	Executable string
}

// Daemon is one running klachtd.
type Daemon struct {
	cfg       *config.Config
	st        *store.Store
	render    *render.Renderer // read through renderer(): set before rendered is closed
	tmpl      *templateLoad
	log       *slog.Logger
	clock     clock.Clock
	lookup    func(ctx context.Context, domain string) ([]string, error)
	notify    func(string)
	observer  func(Observation)
	observeMu sync.Mutex // orders observations: a message before the mails it caused
	domain    string
	terms     complaint.Terms

	docs *docreader.Reader

	mu     sync.Mutex
	poison *poison // strike keeping, while Run runs
	// diedBefore: the previous process died while it handled mail or said why it died
	// (startPoison); this one parses no mail ahead of the handler (prepareAhead).
	diedBefore bool
	queued     bool // set inside a transaction that queued mail; read after commit
	sender     *outbox.Sender
	intake     *intake.Intake
	wake       chan struct{} // nudges the timer loop
	// timerLook is when the timer loop looks again (Unix milliseconds of the daemon's clock)
	// while it sleeps; 0 while it is awake (timers.go).
	timerLook atomic.Int64

	tokens          *oauth.Manager // nil without OAuth2
	configPath      string
	loginAlarmAfter time.Duration
	lastStatus      string // the last STATUS= line sent; the alarm watcher's alone

	metrics *observed // Prometheus metrics and the [metrics] listener (metrics.go)
}

// New checks the options and builds a daemon.
func New(o Options) (*Daemon, error) {
	if o.Config == nil || o.Store == nil || o.Renderer == nil && o.Templates == nil {
		return nil, fmt.Errorf("daemon: config, store and renderer are required")
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Notify == nil {
		o.Notify = func(string) {}
	}
	c := o.Config
	d := &Daemon{cfg: c, st: o.Store, render: o.Renderer, log: o.Log, clock: o.Clock, lookup: o.LookupTXT,
		notify: o.Notify, observer: o.Observe, wake: make(chan struct{}, 1), tmpl: newTemplateLoad(o.Renderer, o.Templates)}
	d.domain = messageIDDomain(c.Organisation.Address)
	d.docs = docreader.New(docreader.Options{Executable: o.Executable, Log: d.log.With("component", "docreader")})
	d.terms = complaint.Terms{
		ConfirmWithin: c.Deadlines.ConfirmWithin, ConfirmAlarm: c.Deadlines.ConfirmAlarm,
		HandleWithin: c.Deadlines.HandleWithin, RemindBefore: c.Deadlines.RemindBefore,
		AutoExtend: c.Deadlines.AutoExtend, AutoExtendBy: c.Deadlines.AutoExtendBy,
		AutoExtendBefore: c.Deadlines.AutoExtendBefore,
		Effectiveness:    c.Deadlines.Effectiveness, Keep: c.Retention.Keep, Location: c.Organisation.Location,
	}
	if err := d.initTokens(o); err != nil {
		return nil, err
	}
	d.metrics = newObserved(d)
	d.sender = outbox.New(SenderConfigWith(c, d.tokens), d.metrics.queue(d.senderQueue()), d.clock, d.log.With("component", "outbox"))
	if route, ok := alarmRoute(c); ok {
		if err := d.sender.SetFallback(route); err != nil {
			return nil, err
		}
	}
	d.intake = intake.New(IntakeConfigWith(c, d.tokens), store.Checkpoints{S: d.st}, d.handler(), d.log.With("component", "intake"))
	d.intake.SetPurges(mailboxPurges{d})
	d.intake.SetFiler(mailboxPurges{d})
	d.intake.SetWholeHint(d.wantsWhole)
	return d, nil
}

// messageIDDomain is the domain of klachtd's Message-IDs: the organisation address's, as
// triage recognises own mail by it, or localhost for an address without one.
func messageIDDomain(orgAddress string) string {
	if d := triage.Domain(orgAddress); d != "" {
		return d
	}
	return "localhost"
}

// IntakeConfig is the IMAP part of the configuration as the intake takes it.
func IntakeConfig(c *config.Config) intake.Config {
	i := c.IMAP
	return intake.Config{Host: i.Host, Port: i.Port, TLS: i.TLS, CAFile: i.CAFile, Username: i.Username,
		Password: i.Password, Auth: i.Auth, Mailbox: i.Mailbox, Processed: i.Processed,
		IDLE: i.Idle, PollInterval: i.PollInterval, Timeout: i.Timeout, Backfill: i.Backfill, MaxSize: i.MaxSize}
}

// SenderConfig is the SMTP part of the configuration as the outbox sender takes it.
func SenderConfig(c *config.Config) outbox.Config {
	s := c.SMTP
	return outbox.Config{Host: s.Host, Port: s.Port, TLS: s.TLS, CAFile: s.CAFile, Username: s.Username,
		Password: s.Password, Auth: s.Auth, Timeout: s.Timeout, RetryFor: s.RetryFor,
		RetryFirst: s.RetryFirst}
}

// Run runs intake, sender and timers until ctx is done or one of them fails.
func (d *Daemon) Run(ctx context.Context) error {
	if err := d.ensureGlobalTimers(ctx); err != nil {
		return err
	}
	if err := d.startPoison(ctx); err != nil {
		return err
	}
	defer d.stopPoison()
	if !d.diedBefore {
		d.intake.SetPrepare(d.prepareAhead)
	}
	// The journal first: a mail it names was sent, and its lease must not be released.
	journal, jerr := d.startAccepted(ctx)
	if jerr != nil {
		return jerr
	}
	if journal != nil {
		d.sender.SetJournal(journal)
		defer journal.close()
	}
	if n, err := d.st.ReleaseLeases(ctx, d.clock.Now(), 5); err != nil {
		return err
	} else if n > 0 {
		d.log.Info("mail interrupted by a previous stop is due again", "count", n)
	}
	metricsLn, merr := d.metrics.listen(ctx, d.cfg.Metrics.Listen)
	if merr != nil {
		return merr
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	g, ctx := errgroup.WithContext(ctx)
	if d.tmpl.load != nil {
		g.Go(guard("templates", func() error { return d.loadTemplates(stop) }))
	}
	if metricsLn != nil {
		g.Go(guard("metrics", func() error { return d.metrics.Serve(ctx, metricsLn) }))
	}
	g.Go(guard("intake", func() error { return d.intake.Run(ctx) }))
	g.Go(guard("outbox", func() error { return d.sender.Run(ctx) }))
	g.Go(guard("timers", func() error { return d.runTimers(ctx) }))
	g.Go(guard("watchdog", func() error { return d.watchdog(ctx) }))
	g.Go(guard("heartbeat", func() error { return d.heartbeat(ctx) }))
	g.Go(guard("alarms", func() error { return d.watchAlarms(ctx) }))
	if d.tokens != nil {
		g.Go(guard("oauth2", func() error { return d.tokens.Run(ctx) }))
	}
	d.notify("READY=1")
	d.log.Info("klachtd running", "mailbox", d.cfg.IMAP.Mailbox)
	err := g.Wait()
	d.notify("STOPPING=1")
	if ctx.Err() != nil && (err == nil || err == context.Canceled) {
		d.log.Info("klachtd stopped")
		return nil
	}
	d.log.Error("klachtd stopped", "err", err)
	return err
}

// guard turns a panic in a worker into an error.
func guard(name string, fn func() error) func() error {
	return func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%s: panic: %v\n%s", name, p, debug.Stack())
			}
		}()
		if err := fn(); err != nil && err != context.Canceled {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
}

// watchdog tells systemd we are alive while the database answers and the intake makes
// progress: a poll, a message fetched or handled (a long backlog is one poll), a retry, or an
// attempt to reconnect (an IMAP server that is down must not get the daemon restarted; an
// intake that hangs must). stall is how long the intake may show no
// progress: the longest reconnect backoff, a health-check poll and its timeout, twice.
func (d *Daemon) watchdog(ctx context.Context) error {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	stall := 2 * (5*time.Minute + d.cfg.IMAP.PollInterval + d.cfg.IMAP.Timeout)
	last, lastChange := d.intake.Stats(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now := time.Now()
		if st := d.intake.Stats(); st != last { // a poll, a message fetched or handled, a retry, a reconnect
			last, lastChange = st, now
		}
		if _, _, err := d.st.NextDue(ctx); err != nil {
			d.log.Warn("database does not answer; no watchdog ping", "err", err)
			continue
		}
		if now.Sub(lastChange) > stall {
			d.log.Error("intake shows no progress; no watchdog ping", "since", lastChange.Format(time.RFC3339))
			continue
		}
		d.notify("WATCHDOG=1")
	}
}

// afterCommit wakes the sender when the committed transaction queued mail, and the timer loop
// when it added a timer due at timerDue (not zero) before the loop would look again.
func (d *Daemon) afterCommit(timerDue time.Time) {
	d.mu.Lock()
	q := d.queued
	d.queued = false
	d.mu.Unlock()
	if q {
		d.sender.Wake()
	}
	d.timerAdded(timerDue)
}

// timerAdded wakes the timer loop after a commit that added or postponed a timer due at due
// (zero: none), when the loop would look again only after that. Every commit that writes timers
// comes here: inTx's, and the outbox's record of a confirmation (queueAdapter.onSent).
func (d *Daemon) timerAdded(due time.Time) {
	if due.IsZero() || !d.timerLoopSleepsPast(due) {
		return
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// inTx runs fn in one write transaction and wakes the sender after a commit that queued mail,
// the timer loop after one that added a timer due before the loop would look (afterCommit).
func (d *Daemon) inTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	var due time.Time
	err := d.st.InTx(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		due, _ = tx.TimerDue()
		return nil
	})
	// Also after a failed transaction: a wake-up of the sender too many is harmless, one too
	// few delays another commit's mail.
	d.afterCommit(due)
	return err
}
