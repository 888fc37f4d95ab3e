package daemon

import (
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/reply"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// applyResult writes the outcome of a transition: the case, its timeline, its mails and its
// timers. It returns what changed, for the staff member's confirmation.
func (d *Daemon) applyResult(tx *store.Tx, c *complaint.Case, root string, res complaint.Result, by string, now time.Time) ([]string, error) {
	before := *c
	*c = res.Case
	if err := tx.UpdateCase(*c, now); err != nil {
		return nil, err
	}
	staffLang := d.cfg.Organisation.Language
	var changes []string
	if before.Status != c.Status {
		changes = append(changes, wording.ChangeStatus.In(staffLang, before.Status, c.Status))
	}
	if before.Verdict != c.Verdict && c.Verdict != "" {
		changes = append(changes, wording.ChangeVerdict.In(staffLang, verdictWord(c.Verdict, staffLang)))
	}
	loc := d.cfg.Organisation.Location
	if !before.DueAt.Equal(c.DueAt) && c.Extended {
		if err := tx.MarkExtended(c.ID, "staff"); err != nil {
			return nil, err
		}
	}
	if !before.DueAt.Equal(c.DueAt) {
		changes = append(changes, wording.ChangeDue.In(staffLang, complaint.FormatDate(c.DueAt, staffLang, loc)))
	}
	if !c.RemedyDueAt.IsZero() && !before.RemedyDueAt.Equal(c.RemedyDueAt) {
		changes = append(changes, wording.ChangeRemedy.In(staffLang, complaint.FormatDate(c.RemedyDueAt, staffLang, loc)))
	}
	if c.Cause != before.Cause {
		changes = append(changes, wording.ChangeCause.In(staffLang))
	}
	if c.Measure != before.Measure {
		changes = append(changes, wording.ChangeMeasure.In(staffLang))
	}
	for _, e := range res.Events {
		if err := tx.AddEvent(c.ID, store.Event{At: now, Kind: string(e.Kind), By: by, Text: e.TextIn(staffLang, loc)}); err != nil {
			return nil, err
		}
	}
	for _, m := range res.Mails {
		to, cc := d.resolve(c, m.To), d.resolve(c, m.Cc)
		aud := audComplainant
		if len(m.To) > 0 && m.To[0] != complaint.ToComplainant {
			aud = string(m.To[0])
		}
		lang := c.Language
		if aud == audStaff {
			lang = staffLang
		}
		// The mail greets and signs itself: the staff member's own salutation and signature
		// (with, often, a private phone number) stay out.
		data := render.Data{StaffText: reply.WithoutCourtesy(m.Text), Term: termFor(m.Template, &before, c, lang, loc)}
		sent, err := d.queue(tx, c, root, outMail{template: render.Kind(m.Template), to: to, cc: cc, audience: aud, lang: lang, data: data}, now)
		if err != nil {
			return nil, err
		}
		if len(sent) > 0 {
			changes = append(changes, wording.ChangeMailSent.In(staffLang, render.Capital(render.Describe(m.Template, staffLang)), joinEmails(sent)))
		}
		if aud == audComplainant && len(to) > 0 && !containsAddr(sent, to[0].Email) {
			changes = append(changes, wording.ChangeMailHeld.In(staffLang, render.Capital(render.Describe(m.Template, staffLang)), to[0].Email))
		}
	}
	if len(changes) == 0 {
		changes = append(changes, wording.ChangeNote.In(staffLang))
	}
	return changes, d.setTimers(tx, *c)
}

func containsAddr(list []mailparse.Address, email string) bool {
	for _, a := range list {
		if strings.EqualFold(a.Email, email) {
			return true
		}
	}
	return false
}

// termFor is the term a mail announces: the new decision term, or a remediation term set by
// this same command (an older one is not announced again).
func termFor(template string, before, c *complaint.Case, lang string, loc *time.Location) string {
	switch {
	case render.Kind(template) == render.KindVerlenging:
		return complaint.FormatDate(c.DueAt, lang, loc)
	case !c.RemedyDueAt.IsZero() && !c.RemedyDueAt.Equal(before.RemedyDueAt):
		return complaint.FormatDate(c.RemedyDueAt, lang, loc)
	}
	return ""
}
