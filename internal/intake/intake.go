// Package intake owns fetching mail from one IMAP mailbox: it keeps a
// checkpoint per mailbox and UIDVALIDITY, waits for new mail with IDLE (with
// polling as a health check and fallback), hands each new message to a
// handler, and only after the handler has committed applies the disposition
// the handler chose (move, flag or leave alone). Delivery is at-least-once;
// the handler dedupes.
//
// A backlog goes in batches of up to 500 UIDs: sizes first, the structure of
// the larger messages, then the messages in chunks of at most 8 MB (a larger
// message alone), each handed over in UID order; then one UID MOVE and one UID
// STORE for the whole batch, a report to the Filer of where each message went
// (for the retention purge, which deletes exactly those), and only then the
// checkpoint. A crash in between hands the batch over again and the handler
// answers with the same dispositions. A fetcher goroutine runs ahead of the
// handler (prefetch.go) and a batch is settled while the next is handed over
// (batch.go), on the same connection.
//
// Mail up to WholeUpTo (64 KiB) is fetched whole; larger mail by its
// structure, as a view that holds what triage reads and none of the
// attachments (Fetched.Partial; structure.go, view.go); the handler asks for
// the whole message when it keeps it (Fetched.Whole).
//
// The package must never change mail the handler did not ask it to change: it
// fetches with BODY.PEEK (no \Seen), never expunges other mail, and logs UIDs,
// never subjects, addresses or bodies.
//
// UIDVALIDITY change: the intake remembers in memory the last moment its
// checkpoint was confirmed against the server (every successful poll). When
// the server reports a new UIDVALIDITY it searches SINCE that moment minus
// two days and hands every message found to the handler, which dedupes by
// Message-ID and hash; then it continues from the newest UID that existed.
// After a restart that moment is unknown and the search goes back
// lostAnchorWindow (14 days).
package intake

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/groeimeesters/klachtd/internal/clock"
	"github.com/groeimeesters/klachtd/internal/oauth"
	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// Config is what the intake needs to reach and read the mailbox.
type Config struct {
	Host     string
	Port     int
	TLS      string // "implicit" | "starttls" | "none" (loopback only)
	CAFile   string // PEM file with a private CA to trust beside the system's
	Username string
	Password string
	Auth     string // "plain" | "xoauth2" | "oauthbearer"
	Tokens   Tokens // the OAuth2 tokens of "xoauth2" and "oauthbearer"

	tlsConf *tls.Config // built from Host and CAFile by ready, shared by every connection

	Mailbox   string
	Processed string // folder for handled mail; "" = flag it (\Flagged) instead of moving

	IDLE         bool
	PollInterval time.Duration // poll period; with IDLE, the period of the health check
	Timeout      time.Duration // the longest the server may stay silent during a command
	Backfill     time.Time     // zero: on first start, only mail arriving from then on
	MaxSize      int64         // larger mail is handed over as header only; <= 0: 25 MB
	// WholeUpTo is the largest mail fetched whole at once; larger mail is fetched by its
	// structure (Fetched.Partial). 0: 64 KiB; < 0: all mail by structure, as a view wherever
	// the structure allows, however little it saves (for tests).
	WholeUpTo int64
}

// Tokens hands out OAuth2 access tokens: an *oauth.Manager.
type Tokens interface {
	Token(ctx context.Context) (oauth.Token, error)
	// Refused tells that a server refused the token or ended the session it opened: the
	// next Token renews it.
	Refused(access string)
}

// Disposition is what to do with a message once the handler has committed it.
type Disposition int

const (
	// Leave leaves the message exactly as it was.
	Leave Disposition = iota
	// Move moves it to the Processed folder, or flags it when Processed is "".
	Move
	// Flag sets \Flagged (and nothing else).
	Flag
)

// Handler processes one message. An error is temporary: the message is
// handed over again later and the checkpoint does not pass it.
type Handler func(ctx context.Context, m *Fetched) (Disposition, error)

// Syncer is implemented by Checkpoints whose store can make every commit so far durable on
// demand; the intake calls it before it moves or flags handled mail.
type Syncer interface {
	Sync(ctx context.Context) error
}

// Checkpoints stores the last UID handed over, per mailbox and UIDVALIDITY.
type Checkpoints interface {
	Load(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, ok bool, err error)
	Save(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
}

// Stats are counters for health checks and the watchdog.
type Stats struct {
	Connected  bool   // a session is open with the mailbox selected
	IDLE       bool   // that session waits for new mail with IDLE (configured, and the server has it)
	Fetched    uint64 // messages fetched from the server
	Handled    uint64 // messages the handler accepted
	Errors     uint64 // handler, disposition and session errors
	Reconnects uint64
	LastPoll   time.Time // the end of the last successful poll
	LastLogin  time.Time // the last successful login
	// LoginError is why the last attempt to connect and log in failed; "" after a success.
	LoginError string
}

const (
	defaultMaxSize   = 25 << 20
	defaultWholeUpTo = 64 << 10
	defaultPoll      = 60 * time.Second
	defaultTimeout   = 30 * time.Second
	maxIdle          = 25 * time.Minute // re-issue IDLE well before servers' 29-30 minute cut-off
	lostAnchorWindow = 14 * 24 * time.Hour
	anchorMargin     = 2 * 24 * time.Hour
	batchSize        = 500 // UIDs per size FETCH and per MOVE: a MOVE costs ~17 ms on a large mailbox however many UIDs it takes
	maxHeaderBytes   = 1 << 20
	backoffMin       = time.Second
	backoffMax       = 5 * time.Minute
)

// Intake fetches mail from one mailbox. Run it once.
type Intake struct {
	cfg  Config
	cp   Checkpoints
	h    Handler
	log  *slog.Logger
	now  func() time.Time
	rand func() float64

	purges  Purges    // mailbox copies of purged cases to delete; nil: none
	hint    WholeHint // the handler's word on which larger messages it will want whole; nil: none
	filer   Filer     // where handled messages were filed; nil: not reported
	prepare Prepare   // the handler's work done ahead of it; nil: none

	state mailboxState // owned by Run's goroutine

	mu    sync.Mutex
	stats Stats
}

// mailboxState is what the intake knows of the mailbox between connections.
type mailboxState struct {
	loaded      bool // checkpoint loaded (or created) for uidValidity
	uidValidity uint32
	lastUID     uint32    // the saved checkpoint
	anchor      time.Time // last moment the checkpoint matched the server; zero: unknown

	pending   []uint32        // UIDs still to hand over, ascending
	recovery  bool            // pending came from a SINCE search: save once at the end
	floor     uint32          // with recovery: the checkpoint to save when pending is done
	processed bool            // the Processed folder is known to exist
	wholeOnly map[uint32]bool // UIDs whose fetch by structure failed: fetched whole
	// unmoved and unflagged are handled UIDs whose move or flag the server refused, with how
	// often: the next passes move or flag them again (retrySettle).
	unmoved, unflagged map[uint32]int
}

// New returns an intake; it does no I/O.
func New(cfg Config, cp Checkpoints, h Handler, log *slog.Logger) *Intake {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPoll
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = defaultMaxSize
	}
	if cfg.WholeUpTo == 0 {
		cfg.WholeUpTo = defaultWholeUpTo
	}
	if cfg.Mailbox == "" {
		cfg.Mailbox = "INBOX"
	}
	return &Intake{
		cfg: cfg, cp: cp, h: h,
		log:  log.With("mailbox", cfg.Mailbox),
		now:  time.Now,
		rand: rand.Float64,
	}
}

// Stats returns a copy of the counters.
func (in *Intake) Stats() Stats {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stats
}

func (in *Intake) count(f func(s *Stats)) {
	in.mu.Lock()
	f(&in.stats)
	in.mu.Unlock()
}

// Run fetches mail until ctx is done, then returns nil. It reconnects after
// any connection or server error with capped exponential backoff and jitter;
// it returns early only for a configuration it can never use.
func (in *Intake) Run(ctx context.Context) error {
	cfg, err := ready(in.cfg)
	if err != nil {
		return err
	}
	in.cfg = cfg
	failures := 0
	for {
		healthy, err := in.runSession(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if healthy {
			failures = 0
		}
		delay := backoff(failures, in.rand())
		failures++
		in.count(func(s *Stats) { s.Errors++; s.Reconnects++ })
		in.log.Warn("imap session ended, reconnecting", "err", err, "delay", delay.Round(time.Millisecond))
		if !clock.Sleep(ctx, delay) {
			return nil
		}
	}
}

// backoff is the delay before retry number attempt (0-based): 1s doubling up
// to 5m, plus up to a quarter of jitter (jitter in [0,1)), never above 5m.
func backoff(attempt int, jitter float64) time.Duration {
	d := backoffMax
	if attempt < 20 {
		d = min(backoffMin<<attempt, backoffMax)
	}
	d += time.Duration(float64(d) / 4 * jitter)
	return min(d, backoffMax)
}

// ready is cfg validated, with the TLS configuration of its connections built once, or an
// error for a configuration that can never work.
func ready(cfg Config) (Config, error) {
	if err := validate(cfg); err != nil {
		return cfg, err
	}
	tc, err := tlsclient.Config(cfg.Host, cfg.CAFile)
	if err != nil {
		return cfg, fmt.Errorf("imap config: %w", err)
	}
	cfg.tlsConf = tc
	return cfg, nil
}

// validate refuses a configuration that can never work.
func validate(cfg Config) error {
	var problems []string
	if cfg.Host == "" {
		problems = append(problems, "host is empty")
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		problems = append(problems, fmt.Sprintf("port %d is out of range", cfg.Port))
	}
	switch cfg.TLS {
	case "implicit", "starttls":
	case "none":
		if !tlsclient.Loopback(cfg.Host) {
			problems = append(problems, fmt.Sprintf("tls \"none\" is allowed on loopback only, not on %q", cfg.Host))
		}
	default:
		problems = append(problems, fmt.Sprintf("tls %q is not implicit, starttls or none", cfg.TLS))
	}
	switch cfg.Auth {
	case "", "plain":
	case oauth.MechXOAuth2, oauth.MechOAuthBearer:
		if cfg.Tokens == nil {
			problems = append(problems, fmt.Sprintf("auth %s needs an OAuth2 token source", cfg.Auth))
		}
	default:
		problems = append(problems, fmt.Sprintf("auth %q is not plain, xoauth2 or oauthbearer", cfg.Auth))
	}
	if cfg.Username == "" {
		problems = append(problems, "username is empty")
	}
	if len(problems) > 0 {
		return fmt.Errorf("imap config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// errHandler marks a handler failure: retry the message later, same session.
var errHandler = errors.New("handler failed")
