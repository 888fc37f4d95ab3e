// Package intake owns fetching mail from one IMAP mailbox: it keeps a
// checkpoint per mailbox and UIDVALIDITY, waits for new mail with IDLE (with
// polling as a health check and fallback), hands each new message to a
// handler, and only after the handler has committed applies the disposition
// the handler chose (move, flag or leave alone). Delivery is at-least-once;
// the handler dedupes.
//
// A backlog goes in batches of up to 500 UIDs: sizes first, then the
// messages in FETCHes of at most 8 MB (a larger message alone), each handed
// over in UID order; then one UID MOVE and one UID STORE for the whole batch,
// a report to the Filer of where each message went (for the retention purge,
// which deletes exactly those), and only then the checkpoint. A crash in
// between hands the batch over again and the handler answers with the same
// dispositions.
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
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/groeimeesters/klachtd/internal/oauth"
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

	Mailbox   string
	Processed string // folder for handled mail; "" = flag it (\Flagged) instead of moving

	IDLE         bool
	PollInterval time.Duration // poll period; with IDLE, the period of the health check
	Timeout      time.Duration // the longest the server may stay silent during a command
	Backfill     time.Time     // zero: on first start, only mail arriving from then on
	MaxSize      int64         // larger mail is handed over as header only; <= 0: 25 MB
}

// Tokens hands out OAuth2 access tokens: an *oauth.Manager.
type Tokens interface {
	Token(ctx context.Context) (oauth.Token, error)
	// Refused tells that a server refused the token or ended the session it opened: the
	// next Token renews it.
	Refused(access string)
}

// Fetched is one message handed to the handler.
type Fetched struct {
	Mailbox      string
	UIDValidity  uint32
	UID          uint32
	Raw          []byte // the whole message; nil when TooLarge
	Header       []byte // the header section, always (at most 1 MiB of it)
	Size         int64
	TooLarge     bool
	InternalDate time.Time
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

// Checkpoints stores the last UID handed over, per mailbox and UIDVALIDITY.
// Syncer is implemented by Checkpoints whose store can make every commit so far durable on
// demand; the intake calls it before it moves or flags handled mail.
type Syncer interface {
	Sync(ctx context.Context) error
}

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

	purges Purges // mailbox copies of purged cases to delete; nil: none
	filer  Filer  // where handled messages were filed; nil: not reported

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

	pending   []uint32 // UIDs still to hand over, ascending
	recovery  bool     // pending came from a SINCE search: save once at the end
	floor     uint32   // with recovery: the checkpoint to save when pending is done
	processed bool     // the Processed folder is known to exist
	// unmoved are handled UIDs whose move the server refused, with how often: the next
	// passes move them again (retryMoves).
	unmoved map[uint32]int
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
	if err := validate(in.cfg); err != nil {
		return err
	}
	failures := 0
	for {
		healthy, err := in.session(ctx)
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
		if !sleep(ctx, delay) {
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

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
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
		if !isLoopback(cfg.Host) {
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

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errHandler marks a handler failure: retry the message later, same session.
var errHandler = errors.New("handler failed")
