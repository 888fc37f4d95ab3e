package daemon

import (
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/reply"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/triage"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// reply handles a mail that answers a case, by who sent it.
func (d *Daemon) reply(tx *store.Tx, in *incoming) (outcome, error) {
	caseID := in.tri.CaseID
	c, root, err := tx.Case(caseID)
	if err != nil {
		return outcome{}, err
	}
	own := reply.Strip(in.msg.Text)
	switch in.tri.Role {
	case triage.RoleStaff:
		return moved(caseID, string(complaint.MailReplyStaff)), d.staffReply(tx, in, &c, root, own)
	case triage.RoleCommissaris:
		if !in.sender.OK {
			// Never passed on as the commissaris' word.
			return moved(caseID, string(complaint.MailReplyUnverified)), d.unauthenticatedReply(tx, in, &c, root, own)
		}
		return moved(caseID, string(complaint.MailReplyCommissaris)), d.commissarisReply(tx, in, &c, root, own)
	case triage.RoleComplainant:
		if !in.sender.OK && in.msg.Auto == "" {
			return moved(caseID, string(complaint.MailReplyUnverified)), d.unauthenticatedReply(tx, in, &c, root, own)
		}
		return moved(caseID, string(complaint.MailReplyComplainant)), d.complainantReply(tx, in, &c, root, own)
	}
	// Someone else: kept, marked unverified, changes nothing; staff are told.
	if err := d.storeIncoming(tx, caseID, complaint.MailReplyUnverified, in, false, "sender is not the complainant, staff or the commissaris"); err != nil {
		return outcome{}, err
	}
	if err := tx.AddEvent(caseID, store.Event{At: in.now, Kind: string(complaint.EventMailUnverified), By: in.msg.From.Email, Text: d.say(wording.KeptUnverified)}); err != nil {
		return outcome{}, err
	}
	_, err = d.queue(tx, &c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: render.Data{Notice: render.NoticeReplyUnverified, Detail: in.msg.From.Email, Body: own}}, in.now)
	return moved(caseID, string(complaint.MailReplyUnverified)), err
}

// commissarisReply records the commissaris' authenticated mail and passes it to staff.
func (d *Daemon) commissarisReply(tx *store.Tx, in *incoming, c *complaint.Case, root, own string) error {
	if err := d.storeIncoming(tx, c.ID, complaint.MailReplyCommissaris, in, true, ""); err != nil {
		return err
	}
	if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailCommissaris), By: in.msg.From.Email, Text: own}); err != nil {
		return err
	}
	_, err := d.queue(tx, c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: render.Data{Notice: render.NoticeReplyCommissaris, Body: own}}, in.now)
	return err
}

// complainantReply records the complainant's authenticated mail, fills missing form fields it
// answers, moves a case waiting for information back to in-behandeling, and tells staff. An
// automatic answer from the address (out of office) is only kept, authenticated or not.
func (d *Daemon) complainantReply(tx *store.Tx, in *incoming, c *complaint.Case, root, own string) error {
	why := ""
	if !in.sender.OK {
		why = "not authenticated: " + in.sender.Reason
	}
	if err := d.storeIncoming(tx, c.ID, complaint.MailReplyComplainant, in, in.sender.OK, why); err != nil {
		return err
	}
	if in.msg.Auto != "" {
		// An out-of-office or other automatic answer: kept, nothing else (no loops).
		return tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailAuto), By: c.Email, Text: in.msg.Auto})
	}
	// The complainant wrote in person from this address: it works, mail to it may resume.
	if err := tx.ClearHold(strings.ToLower(c.Email)); err != nil {
		return err
	}
	before := *c
	filled, err := d.fillMissing(tx, c, own, in)
	if err != nil {
		return err
	}
	next, events := complaint.ComplainantReplied(*c, in.now)
	*c = next
	if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailComplainant), By: c.Email, Text: own}); err != nil {
		return err
	}
	if len(filled) > 0 {
		if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventFields), By: c.Email, Text: d.say(wording.FieldsAdded, strings.Join(filled, ", "))}); err != nil {
			return err
		}
	}
	if err := d.addEvents(tx, c.ID, c.Email, events, in); err != nil {
		return err
	}
	if c.Status != before.Status || len(filled) > 0 {
		if err := tx.UpdateCase(*c, in.now); err != nil {
			return err
		}
		if err := d.setTimers(tx, *c); err != nil {
			return err
		}
	}
	_, err = d.queue(tx, c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: render.Data{Notice: render.NoticeReplyComplainant, Body: own}}, in.now)
	return err
}

// fillMissing fills the form fields still empty from the complainant's reply (only an
// authenticated one comes here): what it answers by label, by the numbers of the questions
// the mail it answers asked, or by what its free text says (form.ReadReply). An answer given
// before is never overwritten; the reply's whole text stays on the timeline either way.
func (d *Daemon) fillMissing(tx *store.Tx, c *complaint.Case, own string, in *incoming) ([]string, error) {
	asked, err := d.askedOf(tx, c, in)
	if err != nil {
		return nil, err
	}
	services := d.cfg.Complaints.Services
	r := form.ReadReply(reply.WithoutCourtesy(own), asked, services)
	var filled []string
	for _, f := range complaint.FormFields {
		if strings.TrimSpace(c.Fields[f]) == "" && strings.TrimSpace(r.Fields[f]) != "" {
			if c.Fields == nil {
				c.Fields = complaint.Fields{}
			}
			c.Fields[f] = r.Fields[f]
			filled = append(filled, f)
			if svc, ok := form.MatchService(r.Fields[f], services); ok && f == complaint.FieldDienst {
				c.Service = svc
			}
		}
	}
	return filled, nil
}

// addEvents puts the domain's events on a case's timeline, in the organisation's language.
func (d *Daemon) addEvents(tx *store.Tx, caseID, by string, events []complaint.Event, in *incoming) error {
	o := d.cfg.Organisation
	for _, e := range events {
		if err := tx.AddEvent(caseID, store.Event{At: in.now, Kind: string(e.Kind), By: by, Text: e.TextIn(o.Language, o.Location)}); err != nil {
			return err
		}
	}
	return nil
}
