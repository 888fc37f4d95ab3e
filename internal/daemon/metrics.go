package daemon

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/groeimeesters/klachtd/internal/metrics"
	"github.com/groeimeesters/klachtd/internal/oauth"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
)

// observed is the daemon's side of the Prometheus metrics: the registry, fed at scrape time
// from the intake's counters, the store and the OAuth2 token manager (when there is one),
// and the listener of [metrics] listen.
type observed struct {
	*metrics.Metrics
	mu   sync.Mutex
	addr string // the listener's address once it listens
}

// newObserved builds the registry for d. The intake need not exist yet: it is read at
// scrape time.
func newObserved(d *Daemon) *observed {
	o := &observed{Metrics: metrics.New(metrics.Options{
		Clock: d.clock,
		IMAP: func() metrics.IMAP {
			s := d.intake.Stats()
			return metrics.IMAP{LastPoll: s.LastPoll, Connected: s.Connected, IDLE: s.IDLE,
				Fetched: s.Fetched, Errors: s.Errors, Reconnects: s.Reconnects}
		},
		Backlog: func(ctx context.Context, now time.Time) (metrics.Backlog, error) {
			b, err := d.st.Backlog(ctx, now.Add(-metrics.OverdueGrace))
			return metrics.Backlog{Queued: b.Queued, OldestQueued: b.OldestQueued, TimersOverdue: b.TimersOverdue}, err
		},
		Templates: render.Kinds(),
		Log:       d.log.With("component", "metrics"),
	})}
	if d.tokens != nil {
		if err := o.WatchToken(tokenState(d.tokens)); err != nil {
			d.log.Error("metrics: OAuth2 token", "err", err) // a fresh registry: cannot happen
		}
	}
	return o
}

// tokenState reads the OAuth2 manager's status for the token metrics.
func tokenState(m *oauth.Manager) func() metrics.Token {
	return func() metrics.Token {
		s := m.Status()
		return metrics.Token{Expiry: s.Expiry, RefreshExpiry: s.RefreshExpires, Refused: s.Refused != nil}
	}
}

// listen opens the listener of [metrics] listen before the daemon reports itself ready, so a
// port already taken stops the start with a clear error; nil when metrics are off.
func (o *observed) listen(ctx context.Context, addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := metrics.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	o.addr = ln.Addr().String()
	o.mu.Unlock()
	return ln, nil
}

// listenAddr is where the metrics listener listens; "" when it does not.
func (o *observed) listenAddr() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.addr
}

// queue counts what becomes of each mail the sender claims: sent, deferred or given up, by
// template, once the outcome is recorded.
func (o *observed) queue(q outbox.Queue) outbox.Queue {
	return &countingQueue{Queue: q, m: o.Metrics, claimed: map[int64]string{}}
}

// countingQueue is an outbox.Queue that counts outcomes. The outcome calls name only the
// row's id, so the template of each claimed row is kept until its outcome is recorded (a
// claim interrupted by a stop leaves one entry behind; the row is claimed again later).
type countingQueue struct {
	outbox.Queue
	m       *metrics.Metrics
	mu      sync.Mutex
	claimed map[int64]string
}

func (q *countingQueue) Claim(ctx context.Context, now time.Time, lease time.Duration) (*outbox.Row, error) {
	row, err := q.Queue.Claim(ctx, now, lease)
	if err == nil {
		q.claim(row)
	}
	return row, err
}

// claim remembers the template of a claimed row (nil: none), for the count of its outcome.
func (q *countingQueue) claim(row *outbox.Row) {
	if row == nil {
		return
	}
	q.mu.Lock()
	q.claimed[row.ID] = row.Template
	q.mu.Unlock()
}

func (q *countingQueue) Sent(ctx context.Context, id int64, at time.Time) error {
	return q.count(id, q.m.Sent, q.Queue.Sent(ctx, id, at))
}

func (q *countingQueue) SentClaim(ctx context.Context, id int64, at, now time.Time, lease time.Duration) (*outbox.Row, error) {
	next, err := q.Queue.SentClaim(ctx, id, at, now, lease)
	if err := q.count(id, q.m.Sent, err); err != nil {
		return nil, err
	}
	q.claim(next)
	return next, nil
}

func (q *countingQueue) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return q.count(id, q.m.Deferred, q.Queue.Retry(ctx, id, next, reason))
}

func (q *countingQueue) Failed(ctx context.Context, id int64, at time.Time, reason string) error {
	return q.count(id, q.m.Failed, q.Queue.Failed(ctx, id, at, reason))
}

// count counts a recorded outcome of row id; an outcome not recorded (err) is not counted:
// the sender records it again, or the row is claimed again.
func (q *countingQueue) count(id int64, inc func(template string), err error) error {
	if err != nil {
		return err
	}
	q.mu.Lock()
	tmpl, ok := q.claimed[id]
	delete(q.claimed, id)
	q.mu.Unlock()
	if !ok {
		tmpl = "unknown"
	}
	inc(tmpl)
	return nil
}
