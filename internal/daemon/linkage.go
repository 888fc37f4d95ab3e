package daemon

import (
	"errors"
	"fmt"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/triage"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// A staff command is authenticated by its signature (staffauth), but the signature vouches
// only for the header fields it covers. What ties the command to its case must be one of
// them: the [KL-…] reference in the Subject (every passing verdict covers the Subject), or,
// for a command without a reference, the In-Reply-To or References field by which triage
// found the case (triage.Result.Link). Otherwise anyone holding a genuine signed staff mail
// with tags and no reference — a command that failed on its own case, or one sent elsewhere —
// could add or change an unsigned In-Reply-To and point it at any case. Such a command is
// kept as correspondence on the case it names, nothing is carried out, and the staff member
// is told to send it again with the case number in the subject.

// linkVouched reports whether what tied a staff mail to its case is covered by the verdict
// that authenticated it.
func linkVouched(in *incoming) bool {
	switch in.tri.Link {
	case triage.LinkSubject, triage.LinkInReplyTo, triage.LinkReferences:
		return in.auth.Covers(string(in.tri.Link))
	}
	return false
}

// unlinkedCommand keeps a staff command whose link to its case the signature does not cover:
// the mail and its text stay on the case as correspondence; the staff member is told why
// nothing was done and how to send it again.
func (d *Daemon) unlinkedCommand(tx *store.Tx, in *incoming, c *complaint.Case, root, own string) error {
	link, by := string(in.tri.Link), in.msg.From.Email
	reason := fmt.Sprintf("not carried out: the mail reached this case by its %s field, which the signature (%s) does not cover", link, in.auth.Method)
	if err := d.storeIncoming(tx, c.ID, complaint.MailUnlinkedCommand, in, true, reason); err != nil {
		return err
	}
	if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailStaff), By: by, Text: own}); err != nil {
		return err
	}
	d.log.Warn("staff command not carried out: its link to the case is not signed", "case_id", c.ID, "link", link)
	line := d.say(wording.UnlinkedCommand, c.ID, link)
	return d.commandError(tx, in, c, root, []error{errors.New(line)})
}
