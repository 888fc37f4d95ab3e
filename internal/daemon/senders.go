package daemon

import (
	"context"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/staffauth"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/triage"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// An outside sender's address is authenticated when the mail carries a DKIM
// signature aligned with its From domain, or the organisation's own Authentication-Results
// says so, as staff.authentication configures; with "none" (tests, the demo) every sender
// is. Only then does klachtd repeat a complainant's words to the address, or take a reply
// from the complainant's or the commissaris' address at its word.

// checksSender reports whether the From address of a mail must be authenticated: a new
// complaint, and a reply that claims the complainant's or the commissaris' address.
func checksSender(t triage.Result) bool {
	return t.Kind == triage.New ||
		t.Kind == triage.Reply && (t.Role == triage.RoleComplainant || t.Role == triage.RoleCommissaris)
}

// authenticateSender checks that the mail comes from its From address: a signature aligned
// with the From domain itself (not staff.dkim_domains), or our own server's verdict.
func (d *Daemon) authenticateSender(ctx context.Context, in *incoming) staffauth.Verdict {
	p := staffauth.Policy{Mode: staffauth.Mode(d.cfg.Staff.Authentication), AuthservID: d.cfg.Staff.AuthservID,
		TrustedReceived: d.cfg.Staff.AuthservHops, Domains: nil}
	actx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return staffauth.Check(actx, in.raw, in.msg.From.Email, p, d.lookup)
}

// withholdWords makes the template data of a mail to an unauthenticated complainant carry none
// of their words: no name (the salutation is neutral), no answers (the questions answered
// stay, to say what was received), no phone number; the case summary only when the
// commissaris reads the mail too (an escalation staff chose to make). The flag tells the
// templates to say why; an override template that knows nothing of it still has no words to show.
func (d *Daemon) withholdWords(data *render.Data, c *complaint.Case, lang string, m outMail) {
	v := d.caseView(c, lang)
	v.Name, v.Email, v.Phone = "", "", ""
	for i := range v.Fields {
		v.Fields[i].Value = ""
	}
	if d.cfg.Commissaris.Email == "" || !containsAddr(append(append(m.to[:0:0], m.to...), m.cc...), d.cfg.Commissaris.Email) {
		v.Summary = ""
	}
	data.Case = v
	data.Unauthenticated = true
}

// unauthenticatedReply keeps a reply that claims the complainant's or the commissaris' address
// but is not authenticated: marked unverified, staff told so with the whole text. It fills no
// field, lifts no bounce hold, moves no status and is never recorded as their word.
func (d *Daemon) unauthenticatedReply(tx *store.Tx, in *incoming, c *complaint.Case, root, own string) error {
	who, claimed := in.msg.From.Email, wording.TheComplainant
	if in.tri.Role == triage.RoleCommissaris {
		claimed = wording.TheCommissaris
	}
	reason := "claims to be " + claimed.In("en") + "; not authenticated: " + in.sender.Reason
	if err := d.storeIncoming(tx, c.ID, complaint.MailReplyUnverified, in, false, reason); err != nil {
		return err
	}
	if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailUnverified), By: who,
		Text: d.say(wording.KeptClaimed, d.say(claimed), in.sender.Reason)}); err != nil {
		return err
	}
	d.log.Warn("unauthenticated reply kept as unverified", "case_id", c.ID, "role", in.tri.Role)
	_, err := d.queue(tx, c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: render.Data{Notice: render.NoticeReplyUnauthenticated, Body: own,
			Detail: who + ", " + d.say(claimed) + ": " + in.sender.Reason}}, in.now)
	return err
}
