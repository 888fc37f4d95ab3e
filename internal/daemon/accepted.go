package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/store"
)

// A mail the SMTP server has accepted is recorded as sent in the database; until that commit
// (which waits for the store's one writer, behind the handler's transaction) a death of the
// process would leave the row leased, and the next start would send it again. So the moment
// the server answers a mail's data with 250, its row is written to a small journal beside the
// database (the sender's outbox.Journal): a plain write with no fsync, as the poison marker is
// (the page cache survives the death of the process), cleared once the record is committed.
// At the next start a row the journal names is recorded as sent before any lease is released.
//
// What is left is the SMTP exchange itself: a process that dies after the server took the
// data and before the 250 reached it cannot know the mail went, and sends it again, with the
// same Message-ID. A power cut in the instant before the commit, which loses the page cache,
// does the same.

const (
	acceptedMagic = "klachtd accepted v1\n"
	unjournaled   = "a mail accepted just before a stop may be sent twice" // of a journal not written
)

// acceptedJournal is the daemon's outbox.Journal, a markerFile. The sender calls it on its own
// goroutine alone, and Run closes it after the sender has returned.
type acceptedJournal struct {
	m *markerFile
	d *Daemon
}

// acceptedRow is what the journal says of a row the server accepted.
type acceptedRow struct {
	id        int64
	at        time.Time
	messageID string
}

// openJournal opens the sent journal (markerFile) and returns the row it names, if any.
func openJournal(path string) (*markerFile, *acceptedRow, error) {
	m, rec, err := openMarkerFile(path, acceptedMagic, 2, "the sent journal")
	if err != nil {
		return nil, nil, err
	}
	return m, acceptedOf(rec), nil
}

// acceptedOf is the row a journal's record names: its id, the moment, its Message-ID.
func acceptedOf(r *markerRecord) *acceptedRow {
	if r == nil || r.nums[0] <= 0 || r.s == "" {
		return nil
	}
	return &acceptedRow{id: r.nums[0], at: time.UnixMilli(r.nums[1]), messageID: r.s}
}

// startAccepted reads what the previous process left in the journal, records a mail it names
// as sent, and opens the journal for this process's sender. A store at ":memory:" keeps no
// journal.
func (d *Daemon) startAccepted(ctx context.Context) (*acceptedJournal, error) {
	base := d.st.Path()
	if base == "" || base == ":memory:" {
		return nil, nil
	}
	m, r, err := openJournal(base + "-accepted")
	if err != nil {
		return nil, err
	}
	if r != nil {
		if err := d.recordAccepted(ctx, r); err != nil {
			m.close()
			return nil, err
		}
		if err := m.clear(); err != nil {
			m.close()
			return nil, fmt.Errorf("clear the sent journal: %w", err)
		}
	}
	return &acceptedJournal{m: m, d: d}, nil
}

// recordAccepted records as sent the mail a previous process saw accepted, with what that
// means for its case (queueAdapter.onSent), if it is still queued.
func (d *Daemon) recordAccepted(ctx context.Context, r *acceptedRow) error {
	var (
		due      time.Time
		template string
	)
	onSent := queueAdapter{d}.onSent(r.at, &due)
	marked, err := d.st.SentBefore(ctx, r.id, r.messageID, r.at, func(tx *store.Tx, h *store.OutHead) error {
		template = h.Template
		return onSent(tx, h)
	})
	if err != nil {
		return fmt.Errorf("record the mail the previous process sent: %w", err)
	}
	if marked {
		d.log.Info("mail the server accepted before the previous process stopped is recorded as sent, not sent again",
			"row_id", r.id, "template", template)
		d.metrics.Sent(template) // the dead process did not count it
		d.timerAdded(due)
	}
	return nil
}

// Accepted names r as accepted at at and not yet recorded.
func (j *acceptedJournal) Accepted(r *outbox.Row, at time.Time) {
	if err := j.m.set(r.MessageID, r.ID, at.UnixMilli()); err != nil {
		j.m.warnOnce(j.d.log, err, unjournaled)
	}
	acceptedFaultHook(r)
}

// Recorded clears the journal: the outcome is in the database.
func (j *acceptedJournal) Recorded() {
	if err := j.m.clear(); err != nil {
		j.m.warnOnce(j.d.log, err, unjournaled)
	}
}

// close closes the journal file; the sender no longer runs.
func (j *acceptedJournal) close() {
	if j != nil {
		j.m.close()
	}
}
