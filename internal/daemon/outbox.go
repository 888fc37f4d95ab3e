package daemon

import (
	"context"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// queueAdapter lets the outbox sender work on the store, and records on the case what a
// delivery means: an accepted confirmation confirms the case; a permanent failure is noted and
// staff are told.
type queueAdapter struct{ d *Daemon }

func (q queueAdapter) Claim(ctx context.Context, now time.Time, lease time.Duration) (*outbox.Row, error) {
	m, err := q.d.st.ClaimLimited(ctx, now, lease, q.d.cfg.Complaints.MaxNewPerHour)
	if err != nil || m == nil {
		return nil, err
	}
	return q.row(ctx, m, now), nil
}

// OutboxRow is a queued mail as the sender sends it ("Date:" in the organisation's zone).
// An export composes the same row into the .eml that went out.
func OutboxRow(m *store.OutMail, loc *time.Location) *outbox.Row {
	row := &outbox.Row{ID: m.ID, CaseID: m.CaseID, Template: m.Template, From: m.From, To: m.To, Cc: m.Cc,
		Subject: m.Subject, Text: m.Text, HTML: m.HTML, MessageID: m.MessageID, InReplyTo: m.InReplyTo,
		References: m.References, Date: m.Date.In(loc), AutoSubmitted: m.AutoSubmitted, Attempts: m.Attempts - 1}
	for _, a := range m.Attachments {
		row.Attachments = append(row.Attachments, outbox.Attachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data, Inline: a.Inline})
	}
	return row
}

func (q queueAdapter) Sent(ctx context.Context, id int64, at time.Time) error {
	var due time.Time
	err := q.d.st.Sent(ctx, id, at, q.onSent(at, &due))
	if err == nil {
		q.d.timerAdded(due)
	}
	return err
}

func (q queueAdapter) SentClaim(ctx context.Context, id int64, at, now time.Time, lease time.Duration) (*outbox.Row, error) {
	var due time.Time
	m, err := q.d.st.SentAndClaim(ctx, id, at, q.onSent(at, &due), now, lease, q.d.cfg.Complaints.MaxNewPerHour)
	if err == nil {
		q.d.timerAdded(due)
	}
	if err != nil || m == nil {
		return nil, err
	}
	return q.row(ctx, m, now), nil
}

// row is a claimed mail as the sender sends it: a confirmation that waited its turn is
// rendered again first.
func (q queueAdapter) row(ctx context.Context, m *store.OutMail, now time.Time) *outbox.Row {
	if m.Stale {
		q.d.refreshAtTurn(ctx, m, now)
	}
	return OutboxRow(m, q.d.cfg.Organisation.Location)
}

// onSent records on the case what an accepted mail means: an accepted confirmation confirms
// its case and sets its timers; due is then the earliest timer it added (store.Tx.TimerDue),
// for the timer loop.
func (q queueAdapter) onSent(at time.Time, due *time.Time) func(tx *store.Tx, m *store.OutHead) error {
	return func(tx *store.Tx, m *store.OutHead) error {
		if m.CaseID == "" || m.Template != tmplConfirmation {
			return nil
		}
		c, _, err := tx.Case(m.CaseID)
		if err != nil {
			return err
		}
		if !c.ConfirmedAt.IsZero() {
			return nil
		}
		c = complaint.Confirmed(c, at)
		if err := tx.UpdateCase(c, at); err != nil {
			return err
		}
		if err := tx.AddEvent(c.ID, store.Event{At: at, Kind: string(complaint.EventConfirmed), Text: q.d.say(wording.ConfirmedBySMTP)}); err != nil {
			return err
		}
		if err := q.d.setTimers(tx, c); err != nil {
			return err
		}
		*due, _ = tx.TimerDue()
		return nil
	}
}

func (q queueAdapter) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return q.d.st.Retry(ctx, id, next, reason)
}

func (q queueAdapter) Failed(ctx context.Context, id int64, at time.Time, reason string) error {
	d := q.d
	err := d.st.Failed(ctx, id, at, reason, func(tx *store.Tx, m *store.OutHead) error {
		if m.CaseID == "" {
			return nil
		}
		if err := tx.AddEvent(m.CaseID, store.Event{At: at, Kind: string(complaint.EventSendFailed), Text: render.Capital(render.Describe(m.Template, d.cfg.Organisation.Language)) + ": " + reason}); err != nil {
			return err
		}
		if m.Audience == audStaff {
			return nil // a notice about a failed notice would loop
		}
		c, root, err := tx.Case(m.CaseID)
		if err != nil {
			return err
		}
		detail := render.Capital(render.Describe(m.Template, d.cfg.Organisation.Language)) + " → " + joinEmails(m.To) + ": " + reason
		if c.Phone != "" {
			detail += " (telefoon/phone: " + c.Phone + ")"
		}
		_, err = d.queue(tx, &c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
			data: render.Data{Notice: render.NoticeSendFailed, Detail: detail}}, at)
		return err
	})
	if err == nil {
		d.afterCommit(time.Time{})
	}
	return err
}

func (q queueAdapter) NextDue(ctx context.Context) (time.Time, bool, error) {
	return q.d.st.NextDue(ctx)
}

func joinEmails(list []mailparse.Address) string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Email)
	}
	return strings.Join(out, ", ")
}
