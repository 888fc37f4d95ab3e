package daemon

import (
	"context"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// At most complaints.max_new_per_hour new-case confirmations go out per hour for the whole
// mailbox. Each confirmation that answers a complaint mail gets a turn in
// the transaction that registers the case (store.NextTurn); one whose turn lies ahead waits
// in the outbox, and the sender counts again before it claims one, so mail held up by
// downtime does not go out in a burst. A waiting confirmation is rendered again when its turn
// comes, or at once when staff write to the complainant first, so it tells the case as it
// then is and never arrives after their mail.
//
// A flood begins when a confirmation must wait, and ends an hour after the turn of the last
// confirmation that waited: staff are told once, when it begins, and get one summary of the
// cases registered during it when it ends (flood.go).

// tmplConfirmation is render.KindBevestiging as the rows of the outbox name it.
const tmplConfirmation = string(render.KindBevestiging)

// floodQuiet is how long after the last waiting confirmation's turn a flood is over.
const floodQuiet = time.Hour

// confirmation is the confirmation mail of a case.
func (d *Daemon) confirmation(c *complaint.Case) outMail {
	return outMail{template: render.KindBevestiging, to: complainantAddr(c), audience: audComplainant, lang: c.Language}
}

// takeTurn gives a confirmation its turn under max_new_per_hour. When it must wait, the case
// notes it; the first to wait in a flood tells staff. It returns a note for the staff notice.
func (d *Daemon) takeTurn(tx *store.Tx, c *complaint.Case, now time.Time) (time.Time, string, error) {
	perHour := d.cfg.Complaints.MaxNewPerHour
	turn, err := tx.NextTurn(now, perHour)
	if err != nil || !turn.After(now) {
		return turn, "", err
	}
	lang, loc := d.cfg.Organisation.Language, d.cfg.Organisation.Location
	when := complaint.FormatDateTime(turn, lang, loc)
	note := wording.ConfirmationWaits.In(lang, perHour, when)
	if err := tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventConfirmationWaits), Text: note}); err != nil {
		return time.Time{}, "", err
	}
	begins, err := d.beginFlood(tx, turn, now)
	if err != nil || !begins {
		return turn, note, err // the same flood: staff know
	}
	d.log.Warn("more new complaints than max_new_per_hour: confirmations wait their turn", "case_id", c.ID, "max_new_per_hour", perHour)
	detail := wording.FloodDetail.In(lang, perHour, c.ID, when)
	_, err = d.queue(tx, nil, "", outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: noticeData(render.NoticeFlood, detail)}, now)
	return turn, note, err
}

// releaseWaiting sends a case's waiting confirmation at once, rendered as the case now is:
// staff are writing to the complainant, and the confirmation must come first. Like every
// mail a staff command causes, it is not held by the cap.
func (d *Daemon) releaseWaiting(tx *store.Tx, c *complaint.Case, root string, now time.Time) error {
	w, err := tx.StaleMail(c.ID)
	if err != nil || w == nil || w.Template != tmplConfirmation {
		return err
	}
	m := d.confirmation(c)
	m.auto = w.AutoSubmitted
	out, err := d.compose(c, root, m, now)
	if err != nil {
		return err
	}
	released, err := tx.Refresh(w.ID, out, true)
	if err != nil || !released {
		return err
	}
	if err := d.recordAsked(tx, c, tmplConfirmation, w.MessageID); err != nil {
		return err
	}
	return tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventConfirmationReleased),
		Text: d.say(wording.ConfirmationReleased)})
}

// refreshAtTurn renders a waiting confirmation again now that its turn has come, with the case
// as it now is (a changed term, fields added since), dated now. On failure the confirmation
// goes out as it was rendered when queued, which was right then.
func (d *Daemon) refreshAtTurn(ctx context.Context, m *store.OutMail, now time.Time) {
	var out store.OutMail
	var refreshed bool
	err := d.st.InTx(ctx, func(tx *store.Tx) error {
		c, root, err := tx.Case(m.CaseID)
		if err != nil {
			return err
		}
		cm := d.confirmation(&c)
		cm.auto = m.AutoSubmitted
		if out, err = d.compose(&c, root, cm, now); err != nil {
			return err
		}
		if refreshed, err = tx.Refresh(m.ID, out, false); err != nil || !refreshed {
			return err
		}
		return d.recordAsked(tx, &c, tmplConfirmation, m.MessageID)
	})
	if err != nil {
		d.log.Warn("waiting confirmation not rendered again; it goes out as queued", "case_id", m.CaseID, "err", err)
		return
	}
	if refreshed {
		m.To, m.Subject, m.Text, m.HTML, m.Date, m.Stale = out.To, out.Subject, out.Text, out.HTML, out.Date, false
	}
}

// waitingDetail tells, for the confirm alarm, that a case's confirmation waits its turn.
func (d *Daemon) waitingDetail(tx *store.Tx, caseID string) (string, error) {
	w, err := tx.StaleMail(caseID)
	if err != nil || w == nil || w.Turn.IsZero() {
		return "", err
	}
	return d.say(wording.WaitingDetail, d.cfg.Complaints.MaxNewPerHour, complaint.FormatDateTime(w.Turn, d.cfg.Organisation.Language, d.cfg.Organisation.Location)), nil
}
