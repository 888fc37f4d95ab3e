package daemon

import (
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// bounce records a delivery failure on the case of the mail it reports, holds the address,
// and tells staff: a confirmation that never arrived is a broken promise.
func (d *Daemon) bounce(tx *store.Tx, in *incoming) (outcome, error) {
	b := in.msg.Bounce
	orig, err := tx.OutgoingByMessageID(b.OriginalMessageID)
	if err != nil {
		return outcome{}, err
	}
	caseID, template := in.tri.CaseID, ""
	if orig != nil {
		caseID, template = orig.CaseID, orig.Template
	}
	if caseID == "" {
		// Not about a case mail (or not ours): leave it for people to read.
		return left(string(complaint.MailBounce)), nil
	}
	c, root, err := tx.Case(caseID)
	if err != nil {
		return outcome{}, err
	}
	if err := d.storeIncoming(tx, caseID, complaint.MailBounce, in, true, b.Status); err != nil {
		return outcome{}, err
	}
	// Who failed: only addresses the bounced mail was really sent to count (a forged report
	// naming a case number must not silence the complainant).
	var recips []string
	if orig != nil {
		sentTo := append(append([]mailparse.Address{}, orig.To...), orig.Cc...)
		for _, r := range b.Recipients {
			if containsAddr(sentTo, r) {
				recips = append(recips, strings.ToLower(r))
			}
		}
		if len(b.Recipients) == 0 && len(orig.To) == 1 {
			recips = []string{strings.ToLower(orig.To[0].Email)}
		}
	}
	text := d.say(wording.BounceFailed, orDash(render.Describe(template, d.cfg.Organisation.Language)), orDash(strings.Join(recips, ", ")), orDash(b.Status))
	if orig == nil {
		text = d.say(wording.BounceUnknown, orDash(b.Status))
	}
	if err := tx.AddEvent(caseID, store.Event{At: in.now, Kind: string(complaint.EventBounce), Text: text}); err != nil {
		return outcome{}, err
	}
	if b.Permanent {
		for _, r := range recips {
			if err := tx.HoldAddress(strings.ToLower(r), b.Status, in.now); err != nil {
				return outcome{}, err
			}
		}
	}
	if orig != nil && orig.Audience == audStaff {
		// A notice about a bounced notice would bounce again: the timeline and the log must do.
		d.log.Warn("mail to staff bounced", "case_id", caseID, "template", template)
		return moved(caseID, string(complaint.MailBounce)), nil
	}
	detail := text
	if b.Diagnostic != "" {
		detail += ": " + b.Diagnostic
	}
	if c.Phone != "" {
		detail += "; telefoon/phone " + c.Phone
	}
	_, err = d.queue(tx, &c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: noticeData("bounce", detail)}, in.now)
	return moved(caseID, string(complaint.MailBounce)), err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
