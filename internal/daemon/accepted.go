package daemon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/groeimeesters/klachtd/internal/outbox"
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
// same Message-ID. So is a power cut, which loses the page cache, in the instant before the
// commit.

const (
	acceptedMagic = "klachtd accepted v1\n"
	acceptedState = len(acceptedMagic) // offset of the byte that says whether a row is named
)

// acceptedJournal is the daemon's outbox.Journal: the file and a buffer for its line.
type acceptedJournal struct {
	mu     sync.Mutex
	f      *os.File
	buf    []byte
	warned bool
	d      *Daemon
}

// acceptedRow is what the journal says of a row the server accepted.
type acceptedRow struct {
	id        int64
	at        time.Time
	messageID string
}

// startAccepted reads what the previous process left in the journal, records a mail it names
// as sent, and opens the journal for this process's sender. A store at ":memory:" keeps no
// journal.
func (d *Daemon) startAccepted(ctx context.Context) (*acceptedJournal, error) {
	base := d.st.Path()
	if base == "" || base == ":memory:" {
		return nil, nil
	}
	f, err := os.OpenFile(base+"-accepted", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the sent journal: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read the sent journal: %w", err)
	}
	if r := parseAccepted(b); r != nil {
		var due time.Time
		q := queueAdapter{d}
		marked, err := d.st.SentBefore(ctx, r.id, r.messageID, r.at, q.onSent(r.at, &due))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("record the mail the previous process sent: %w", err)
		}
		if marked {
			d.log.Info("mail the server accepted before the previous process stopped is recorded as sent, not sent again",
				"row_id", r.id)
			d.timerAdded(due)
		}
		if _, err := f.WriteAt([]byte{'0'}, int64(acceptedState)); err != nil {
			f.Close()
			return nil, fmt.Errorf("clear the sent journal: %w", err)
		}
	}
	return &acceptedJournal{f: f, d: d}, nil
}

// Accepted names r as accepted at at and not yet recorded.
func (j *acceptedJournal) Accepted(r *outbox.Row, at time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	b := append(j.buf[:0], acceptedMagic...)
	b = append(b, '1', ' ')
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, at.UnixMilli(), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(r.MessageID)), 10)
	b = append(b, ' ')
	b = append(b, r.MessageID...)
	b = append(b, '\n')
	j.buf = b
	if _, err := j.f.WriteAt(b, 0); err != nil {
		j.writeFailed(err)
	}
	acceptedFaultHook(r)
}

// Recorded clears the journal: the outcome is in the database.
func (j *acceptedJournal) Recorded() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.WriteAt([]byte{'0'}, int64(acceptedState)); err != nil {
		j.writeFailed(err)
	}
}

func (j *acceptedJournal) writeFailed(err error) {
	if !j.warned {
		j.warned = true
		j.d.log.Warn("cannot write the sent journal; a mail accepted just before a stop may be sent twice", "err", err)
	}
}

// close closes the journal file; the sender no longer runs.
func (j *acceptedJournal) close() {
	if j == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.f.Close()
}

// parseAccepted reads a journal: nil when it names no row (or is not one).
func parseAccepted(b []byte) *acceptedRow {
	rest, ok := bytes.CutPrefix(b, []byte(acceptedMagic))
	if !ok || len(rest) < 2 || rest[0] != '1' || rest[1] != ' ' {
		return nil
	}
	f := bytes.SplitN(rest[2:], []byte(" "), 4)
	if len(f) != 4 {
		return nil
	}
	id, err1 := strconv.ParseInt(string(f[0]), 10, 64)
	at, err2 := strconv.ParseInt(string(f[1]), 10, 64)
	n, err3 := strconv.Atoi(string(f[2]))
	if err1 != nil || err2 != nil || err3 != nil || id <= 0 || n <= 0 || n >= len(f[3]) || f[3][n] != '\n' {
		return nil
	}
	return &acceptedRow{id: id, at: time.UnixMilli(at), messageID: string(f[3][:n])}
}
