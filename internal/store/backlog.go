package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Backlog is what waits: outgoing mail not yet sent and timers past their moment. It is read
// for the metrics at every scrape, outside any write transaction.
type Backlog struct {
	Queued        int       // outgoing mails still to be sent (status queued)
	OldestQueued  time.Time // when the oldest of them was queued; zero when none is
	TimersOverdue int       // unfired timers due before the cut-off
}

const backlogQuery = `SELECT
	(SELECT count(*) FROM outbox WHERE status = 'queued'),
	(SELECT min(date) FROM outbox WHERE status = 'queued'),
	(SELECT count(*) FROM timers WHERE fired_at IS NULL AND due_at < ?)`

// Backlog reads the outbox depth, the oldest queued mail and the unfired timers due before
// overdueBefore, in one statement (one consistent snapshot, on the indexes outbox_due and
// timers_pending): a postponed timer counts from the moment it is due again.
func (s *Store) Backlog(ctx context.Context, overdueBefore time.Time) (Backlog, error) {
	var b Backlog
	var oldest sql.NullInt64
	err := s.db.QueryRowContext(ctx, backlogQuery, overdueBefore.UnixMilli()).Scan(&b.Queued, &oldest, &b.TimersOverdue)
	if err != nil {
		return Backlog{}, fmt.Errorf("read backlog: %w", err)
	}
	b.OldestQueued = fromMS(oldest)
	return b, nil
}
