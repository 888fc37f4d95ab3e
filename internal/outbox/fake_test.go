package outbox

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// memQueue is an in-memory Queue that behaves as the store promises.
type memQueue struct {
	mu   sync.Mutex
	rows map[int64]*qrow
}

type qrow struct {
	row     Row
	next    time.Time
	state   string // "queued", "sent", "failed"
	at      time.Time
	reasons []string
	retries []time.Time // next attempt times given by Retry
}

func newMemQueue(now time.Time, rows ...Row) *memQueue {
	q := &memQueue{rows: make(map[int64]*qrow)}
	for _, r := range rows {
		q.add(r, now)
	}
	return q
}

func (q *memQueue) add(r Row, due time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.rows[r.ID] = &qrow{row: r, next: due, state: "queued"}
}

func (q *memQueue) Claim(_ context.Context, now time.Time, lease time.Duration) (*Row, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var due []*qrow
	for _, r := range q.rows {
		if r.state == "queued" && !r.next.After(now) {
			due = append(due, r)
		}
	}
	if len(due) == 0 {
		return nil, nil
	}
	slices.SortFunc(due, func(a, b *qrow) int {
		return cmp.Or(a.next.Compare(b.next), cmp.Compare(a.row.ID, b.row.ID))
	})
	due[0].next = now.Add(lease)
	r := due[0].row
	return &r, nil
}

func (q *memQueue) Sent(_ context.Context, id int64, at time.Time) error {
	return q.finish(id, "sent", at, "")
}

func (q *memQueue) SentClaim(ctx context.Context, id int64, at, now time.Time, lease time.Duration) (*Row, error) {
	if err := q.Sent(ctx, id, at); err != nil {
		return nil, err
	}
	return q.Claim(ctx, now, lease)
}

func (q *memQueue) Failed(_ context.Context, id int64, at time.Time, reason string) error {
	return q.finish(id, "failed", at, reason)
}

func (q *memQueue) finish(id int64, state string, at time.Time, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := q.rows[id]
	r.state, r.at = state, at
	if reason != "" {
		r.reasons = append(r.reasons, reason)
	}
	return nil
}

func (q *memQueue) Retry(_ context.Context, id int64, next time.Time, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := q.rows[id]
	r.row.Attempts++
	r.next = next
	r.reasons = append(r.reasons, reason)
	r.retries = append(r.retries, next)
	return nil
}

func (q *memQueue) NextDue(context.Context) (time.Time, bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var next time.Time
	found := false
	for _, r := range q.rows {
		if r.state == "queued" && (!found || r.next.Before(next)) {
			next, found = r.next, true
		}
	}
	return next, found, nil
}

// get returns a copy of a row's queue state.
func (q *memQueue) get(id int64) qrow {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := *q.rows[id]
	r.reasons = slices.Clone(r.reasons)
	r.retries = slices.Clone(r.retries)
	return r
}

var t0 = time.Date(2027, 1, 15, 9, 30, 0, 0, time.FixedZone("CET", 3600))

// testRow is a complete row addressed to the complainant with the commissaris in Cc.
func testRow(id int64) Row {
	return Row{
		ID: id, CaseID: "KL-2027-0007", Template: "bevestiging",
		From:          mailparse.Address{Name: "Groeimeesters – klachten", Email: "info@intervisie-begeleiding.nl"},
		To:            []mailparse.Address{{Name: "Joëlle van Dijk", Email: "joelle@example.nl"}},
		Cc:            []mailparse.Address{{Name: "Kathleen Naber", Email: "info@ivak.nl"}},
		Subject:       "[KL-2027-0007] Ontvangstbevestiging van uw klacht — wij reageren binnen vier weken",
		Text:          "Beste Joëlle,\n\nWij hebben uw klacht ontvangen op 15 januari 2027.\nMet vriendelijke groet, Milou Meijer — Groeimeesters\n",
		HTML:          "<p>Beste Joëlle,</p><p>Wij hebben uw klacht ontvangen op <b>15 januari 2027</b>.</p>",
		MessageID:     "kl-2027-0007.bevestiging." + string(rune('0'+id%10)) + "@intervisie-begeleiding.nl",
		InReplyTo:     "CAF=abc123@mail.gmail.com",
		References:    []string{"CAF=abc123@mail.gmail.com", "kl-2027-0007.melding@intervisie-begeleiding.nl"},
		Date:          t0,
		AutoSubmitted: "auto-replied",
	}
}

// sinkConfig points a Sender at the sink, with a login as production uses.
func sinkConfig(s *mailtest.SMTPSink) Config {
	return Config{
		Host: s.Host(), Port: s.Port(), TLS: "none", Username: "info@intervisie-begeleiding.nl",
		Password: "geheim", Timeout: 5 * time.Second, RetryFor: 48 * time.Hour,
	}
}

// newTestSender returns a Sender with a fixed jitter (none) and a fake clock at now.
func newTestSender(t *testing.T, cfg Config, q Queue, now time.Time) (*Sender, *mailtest.Clock) {
	t.Helper()
	clock := mailtest.NewClock(now)
	s := New(cfg, q, clock, nil)
	s.rnd = func() float64 { return 0.5 }
	return s, clock
}
