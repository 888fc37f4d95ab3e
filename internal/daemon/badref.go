package daemon

import (
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// badReference refuses a staff mail whose subject names more than one case, or a case that
// does not exist: which case a command is for must never be a guess. Nothing is
// changed on any case; the staff member gets an error reply saying why, and the mail stays in
// the mailbox for people to read. An unauthenticated one is a forgery like any other: staff
// are told, its sender gets nothing.
func (d *Daemon) badReference(tx *store.Tx, in *incoming) (outcome, error) {
	if !in.auth.OK {
		if _, err := tx.InsertMessage(store.Message{Direction: "in", At: in.now, Kind: string(complaint.MailForgedCommand),
			From: in.msg.From.Email, Subject: in.msg.Subject, MessageID: in.msg.MessageID, Verified: false,
			Reason: in.auth.Reason, Raw: in.raw}); err != nil {
			return outcome{}, err
		}
		_, err := d.queue(tx, nil, "", outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
			data: forgedNotice(in.auth, in.msg.From.Email+": "+strings.Join(in.tri.Refs, ", ")+": "+in.auth.Reason)}, in.now)
		return left(string(complaint.MailForgedCommand)), err
	}
	d.log.Warn("staff mail with an ambiguous or unknown case reference refused", "uid", in.f.UID,
		"refs", strings.Join(in.tri.Refs, ","), "unknown", strings.Join(in.tri.Unknown, ","))
	_, err := d.queue(tx, nil, "", outMail{template: render.KindCommandoFout, to: addrs([]string{in.msg.From.Email}),
		audience: audStaff, data: render.Data{Errors: d.badReferenceLines(in.tri.Refs, in.tri.Unknown)}}, in.now)
	return left(string(in.tri.Kind)), err
}

// badReferenceLines says, for the commando-fout mail, what is wrong with a subject's references.
func (d *Daemon) badReferenceLines(refs, unknown []string) []string {
	var lines []string
	if len(refs) > 1 {
		list := strings.Join(refs, ", ")
		lines = append(lines, d.say(wording.RefManyCases, list))
	}
	for _, ref := range unknown {
		lines = append(lines, d.say(wording.RefUnknownCase, ref))
	}
	return lines
}
