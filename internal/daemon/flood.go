package daemon

import (
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// Staff are told once per flood. A flood begins when a new-case
// confirmation must wait its turn under complaints.max_new_per_hour (takeTurn): staff get
// one flood notice, and a global timer is set for its end. While it is on, a case registered
// from mail gets no new-case notice of its own (melding-nieuw): it is listed for the flood
// (store.HoldForFlood) and its timeline says so. The flood is over an hour after the turn of
// the last confirmation that waited (floodQuiet); then staff get one summary listing every
// case it holds, with how to read each. The flood, its cases and the moment its summary was
// queued are rows in the database, written in the transactions that cause them, so the
// summary goes exactly once, also across restarts. Nothing of a case is left out by this:
// its correspondence, complete text and timeline are kept as always, and the confirm alarm
// and the digest list it as every case.

// timerFloodSummary is the global timer that sends a flood's summary when the flood is over.
const timerFloodSummary = "flood-summary"

// beginFlood is called when a confirmation must wait until turn. It reports whether this
// begins a flood (then staff are to be told); when one is on already, nothing changes.
func (d *Daemon) beginFlood(tx *store.Tx, turn, now time.Time) (bool, error) {
	if _, on, err := tx.OpenFlood(); err != nil || on {
		return false, err
	}
	if _, err := tx.StartFlood(now); err != nil {
		return false, err
	}
	return true, tx.EnsureTimer(store.Timer{Kind: timerFloodSummary, At: turn.Add(floodQuiet)})
}

// holdNewCaseNotice leaves the new-case notice of a case registered from mail for the summary
// of the flood that is on, noting on the case's timeline what staff would have been told. It
// reports false (the notice goes as usual) when no flood is on, or the case came otherwise
// (a staff [nieuw], `klachtd new`).
func (d *Daemon) holdNewCaseNotice(tx *store.Tx, c *complaint.Case, via string, notes []string, now time.Time) (bool, error) {
	if via != "mail" {
		return false, nil
	}
	f, on, err := tx.OpenFlood()
	if err != nil || !on {
		return false, err
	}
	if err := tx.HoldForFlood(f.ID, c.ID, now); err != nil {
		return false, err
	}
	text := d.say(wording.NoticeHeld)
	if len(notes) > 0 {
		text += " (" + strings.Join(notes, " ") + ")"
	}
	return true, tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventNoticeHeld), Text: text})
}

// floodSummary fires at the end a flood was expected to have: when a confirmation waited
// since, the flood goes on and the timer is set again; otherwise staff get the one summary of
// the cases the flood holds, and the flood is over.
func (d *Daemon) floodSummary(tx *store.Tx, now time.Time) error {
	f, on, err := tx.OpenFlood()
	if err != nil || !on {
		return err
	}
	last, _, err := tx.LastWaitedTurn()
	if err != nil {
		return err
	}
	if end := last.Add(floodQuiet); end.After(now) {
		return tx.EnsureTimer(store.Timer{Kind: timerFloodSummary, At: end})
	}
	ids, err := tx.FloodCases(f.ID)
	if err != nil {
		return err
	}
	if ended, err := tx.EndFlood(f.ID, now); err != nil || !ended {
		return err
	}
	d.log.Info("flood of new complaints over: one summary to staff", "cases", len(ids))
	if len(ids) == 0 {
		return nil // every case it held was purged since
	}
	lang := d.cfg.Organisation.Language
	data := render.Data{Notice: render.NoticeFloodSummary, Detail: d.processedFolder()}
	for _, id := range ids {
		c, _, err := tx.Case(id)
		if err != nil {
			return err
		}
		v := d.caseView(&c, lang)
		v.Unverified = c.Unverified
		v.Excerpt = excerpt(c.Fields[complaint.FieldOmschrijving], 100)
		data.Cases = append(data.Cases, v)
	}
	_, err = d.queue(tx, nil, "", outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff, data: data}, now)
	return err
}

// processedFolder names where the complaint mails are in the mailbox: the folder they are
// moved to, or the mailbox itself when they are flagged in place.
func (d *Daemon) processedFolder() string {
	if f := d.cfg.IMAP.Processed; f != "" {
		return f
	}
	return d.cfg.IMAP.Mailbox
}

// excerpt is the first line of a text, at most n characters, with "…" when shortened.
func excerpt(s string, n int) string {
	s = strings.TrimSpace(s)
	more := false
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s, more = strings.TrimSpace(s[:i]), true
	}
	if r := []rune(s); len(r) > n {
		s, more = strings.TrimSpace(string(r[:n])), true
	}
	if more {
		s += " …"
	}
	return s
}
