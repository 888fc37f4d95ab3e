package daemon

import (
	"context"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/store"
)

// What an Observation reports.
const (
	ObservedMailIn     = "mail-in"     // a message was handled (and its transaction committed)
	ObservedMailOut    = "mail-out"    // the mail server accepted a mail
	ObservedMailFailed = "mail-failed" // a mail failed for good
)

// Observation is one thing the daemon did, reported to Options.Observe after it was
// committed: the demo prints them as they happen. It holds case numbers, kinds and the
// recipients of outgoing mail, never content.
type Observation struct {
	What string
	At   time.Time
	// Mail in: the IMAP UID; Kind is what the message was taken for (an incoming kind such
	// as "complaint", "reply-staff", "reply-complainant", "bounce", "quarantine"), or ""
	// for mail left as it was (ordinary mail, our own); Events what it caused on the case.
	UID    uint32
	Kind   string // mail out and failed: the template
	CaseID string
	Events []store.Event
	To     []string // mail out and failed: the recipients (To, then Cc)
	Reason string   // mail failed: why
}

// observeHandle is the intake's handler when an observer is set: Handle, then a report of
// what the message was taken for and caused.
func (d *Daemon) observeHandle(ctx context.Context, f *intake.Fetched) (intake.Disposition, error) {
	// Held until the message is reported: a mail it caused, sent meanwhile, is reported after.
	d.observeMu.Lock()
	defer d.observeMu.Unlock()
	mark, merr := d.st.LastEventID(ctx)
	disp, err := d.Handle(ctx, f)
	if err != nil || merr != nil {
		return disp, err
	}
	o := Observation{What: ObservedMailIn, At: d.clock.Now(), UID: f.UID}
	kind, caseID, found, lerr := d.st.IncomingKind(ctx, f.Mailbox, f.UIDValidity, f.UID)
	if lerr != nil {
		d.log.Debug("observe: look up incoming", "uid", f.UID, "err", lerr)
		return disp, nil
	}
	if found {
		o.Kind, o.CaseID = kind, caseID
	}
	if caseID != "" {
		o.Events, _ = d.st.EventsSince(ctx, caseID, mark)
	}
	d.observe(o)
	return disp, nil
}

// observingQueue reports each mail the server accepted, or that failed for good.
type observingQueue struct{ queueAdapter }

func (q observingQueue) Sent(ctx context.Context, id int64, at time.Time) error {
	if err := q.queueAdapter.Sent(ctx, id, at); err != nil {
		return err
	}
	q.report(ctx, ObservedMailOut, id, at, "")
	return nil
}

func (q observingQueue) SentClaim(ctx context.Context, id int64, at, now time.Time, lease time.Duration) (*outbox.Row, error) {
	next, err := q.queueAdapter.SentClaim(ctx, id, at, now, lease)
	if err != nil {
		return nil, err
	}
	q.report(ctx, ObservedMailOut, id, at, "")
	return next, nil
}

func (q observingQueue) Failed(ctx context.Context, id int64, at time.Time, reason string) error {
	if err := q.queueAdapter.Failed(ctx, id, at, reason); err != nil {
		return err
	}
	q.report(ctx, ObservedMailFailed, id, at, reason)
	return nil
}

func (q observingQueue) report(ctx context.Context, what string, id int64, at time.Time, reason string) {
	m, err := q.d.st.OutMail(ctx, id)
	if err != nil {
		return
	}
	o := Observation{What: what, At: at, Kind: m.Template, CaseID: m.CaseID, Reason: reason}
	for _, a := range append(append(m.To[:0:0], m.To...), m.Cc...) {
		o.To = append(o.To, a.Email)
	}
	q.d.observeMu.Lock()
	defer q.d.observeMu.Unlock()
	q.d.observe(o)
}

// queue is what the sender works on: the store, observed when an observer is set.
func (d *Daemon) senderQueue() outbox.Queue {
	if d.observer == nil {
		return queueAdapter{d}
	}
	return observingQueue{queueAdapter{d}}
}

// handler is what the intake calls for each message: Handle, observed when an observer is set.
func (d *Daemon) handler() intake.Handler {
	if d.observer == nil {
		return d.Handle
	}
	return d.observeHandle
}

// observe reports o to the observer; a panic in it is the observer's, never the daemon's.
func (d *Daemon) observe(o Observation) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("observer panicked", "panic", p)
		}
	}()
	d.observer(o)
}
