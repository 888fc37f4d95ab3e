package daemon

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestPartialQuarantinedWhole: a message of which only a view was fetched, quarantined without
// being read (a poisoned message) or because it cannot be read (no header at all), is kept
// whole: the quarantine fetches the whole message for the archive, never the view. A view that
// cannot be read of a message that can is judged by the message: ordinary mail, left.
func TestPartialQuarantinedWhole(t *testing.T) {
	readable := mimeMail("Piet <piet@example.org>", "Offerte", "q1@example.org",
		mixed("b-q1", textPart("Hierbij de offerte."), attachmentPart("application/pdf", "offerte.pdf", 100<<10, 41)))
	headerless := append([]byte("\r\n"), readable...)
	handle := func(d *Daemon, f *intake.Fetched) (intake.Disposition, error) {
		return d.Handle(context.Background(), f)
	}
	for _, tt := range []struct {
		name        string
		handle      func(d *Daemon, f *intake.Fetched) (intake.Disposition, error)
		view, whole []byte
		quarantined bool
	}{
		{"poisoned", func(d *Daemon, f *intake.Fetched) (intake.Disposition, error) {
			return d.handleStruck(context.Background(), f, store.Strike{Count: 3, Cause: "killed"})
		}, []byte("Subject: x\r\n\r\n"), readable, true},
		{"no header", handle, []byte("\r\n"), headerless, true},
		{"unreadable view of a readable mail", handle, []byte("\r\n"), readable, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
			fetches := 0
			f := &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: 7, Partial: tt.view, Header: headerOf(tt.whole),
				Size: int64(len(tt.whole)), FetchWhole: func(context.Context) ([]byte, error) { fetches++; return tt.whole, nil }}
			if _, err := tt.handle(d, f); err != nil {
				t.Fatal(err)
			}
			q, err := st.Quarantined(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if fetches != 1 {
				t.Errorf("the whole message was fetched %d times, want once", fetches)
			}
			switch {
			case !tt.quarantined && len(q) != 0:
				t.Errorf("%d quarantined, want none: the message reads as ordinary mail", len(q))
			case tt.quarantined && (len(q) != 1 || !bytes.Equal(q[0].Raw, tt.whole)):
				t.Errorf("quarantined %d; want the one message kept whole (%d bytes)", len(q), len(tt.whole))
			}
		})
	}
}
