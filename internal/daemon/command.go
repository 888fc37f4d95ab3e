package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// A staff member's command: tags in the subject of an answer to a case mail, carried out all
// or nothing once its sender is authenticated, its link to the case vouched for, and its
// replay keys new (staffReply); otherwise refused with a reason (forged, commandError).

// staffReply carries out a staff member's tags, all or nothing, after authentication.
func (d *Daemon) staffReply(tx *store.Tx, in *incoming, c *complaint.Case, root, own string) error {
	by := in.msg.From.Email
	if in.msg.Auto != "" {
		// A staff member's out-of-office answer to one of our notices: kept, never a command,
		// never answered (two auto-responders must not talk to each other).
		if err := d.storeIncoming(tx, c.ID, complaint.MailAuto, in, false, in.msg.Auto); err != nil {
			return err
		}
		return tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailAuto), By: by, Text: in.msg.Auto})
	}
	if !in.auth.OK {
		// First: a forgery that reuses the Message-ID of a real command is still a forgery.
		return d.forged(tx, in, c, root)
	}
	// An authenticated staff mail is carried out at most once, whatever it did the first
	// time: a command applied, tags left out as quoted, a link not signed, an error, plain
	// correspondence. So a signed mail that did nothing the first time cannot come back with
	// its unsigned headers changed (In-Reply-To removed, or pointed elsewhere: quoted.go) and
	// do something then. Its replay keys are looked up first and recorded for every outcome
	// below, in this transaction.
	applied, err := tx.HasMessage(c.ID, in.msg.MessageID, "reply-staff")
	if err != nil {
		return err
	}
	if applied {
		// The same mail is never handled twice; the copy is noted on the timeline.
		return tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventDuplicateCommand), By: by,
			Text: d.say(wording.Redelivered, in.msg.MessageID)})
	}
	keys := commandKeys(in, own)
	// A captured mail re-sent under a new Message-ID, or with other unsigned headers changed:
	// what the signature (or the content) vouches for was handled before.
	prev, replayed, err := tx.AppliedCommand(keys...)
	if err != nil {
		return err
	}
	if replayed {
		d.log.Warn("replayed staff mail refused", "case_id", c.ID, "handled_on", prev)
		return tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventDuplicateCommand), By: by,
			Text: d.replayText(in.msg.MessageID, prev, in.auth.Key)})
	}
	if err := tx.AddCommandKeys(c.ID, in.now, keys...); err != nil {
		return err
	}
	// Only the tags the staff member added count: those quoted from the mail answered do not.
	st, err := d.ownStaffTags(tx, in, c)
	if err != nil {
		return err
	}
	tags, tagErrs := st.tags, st.errs
	command := len(tags) > 0 || len(tagErrs) > 0
	if (command || len(st.unsure) > 0) && !linkVouched(in) {
		// The signature does not cover what points this command at this case (which comes
		// before whether its tags are the staff member's own).
		return d.unlinkedCommand(tx, in, c, root, own)
	}
	notCarried := d.quotedLines(st, c.ID)
	if err := d.storeIncoming(tx, c.ID, complaint.MailReplyStaff, in, true, in.auth.Method); err != nil {
		return err
	}
	if len(notCarried) > 0 {
		d.log.Warn("staff tags quoted from the mail answered not carried out", "case_id", c.ID,
			"quoted", len(st.quoted), "planted", len(st.planted), "unsure", len(st.unsure))
		if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventQuotedTags), By: by,
			Text: d.say(wording.QuotedNotCarried, strings.Join(slices.Concat(st.quoted, st.planted, st.unsure), " "))}); err != nil {
			return err
		}
	}
	if !command {
		if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventMailStaff), By: by, Text: own}); err != nil {
			return err
		}
		if len(notCarried) == 0 {
			return nil
		}
		// Tags stood in the subject but none of them was the staff member's: they are told.
		return d.commandError(tx, in, c, root, lineErrors(notCarried))
	}
	if len(tagErrs) > 0 {
		return d.commandError(tx, in, c, root, append(tagErrs, lineErrors(notCarried)...))
	}
	res, err := complaint.Apply(*c, complaint.Command{Tags: tags, StaffText: own, By: by}, in.now, d.terms)
	if err != nil {
		var te *complaint.TransitionError
		if errors.As(err, &te) {
			return d.commandError(tx, in, c, root, []error{err})
		}
		return fmt.Errorf("apply command to %s: %w", c.ID, err)
	}
	for _, t := range tags {
		if t.Kind == complaint.TagAdresOK && c.Email != "" {
			// Before the command's own mails, so they reach the address again.
			if err := tx.ClearHold(strings.ToLower(c.Email)); err != nil {
				return err
			}
		}
	}
	changes, err := d.applyResult(tx, c, root, res, by, in.now)
	if err != nil {
		return err
	}
	d.log.Info("staff command applied", "case_id", c.ID, "tags", len(tags))
	_, err = d.queue(tx, c, root, outMail{template: render.KindCommandoOK, to: addrs([]string{by}), audience: audStaff,
		data: render.Data{Changes: changes, Detail: strings.Join(notCarried, "\n")}}, in.now)
	return err
}

// lineErrors makes lines of text errors for commandError.
func lineErrors(lines []string) []error {
	out := make([]error, len(lines))
	for i, l := range lines {
		out[i] = errors.New(l)
	}
	return out
}

// forged records an unauthenticated command and tells staff; nothing changes.
func (d *Daemon) forged(tx *store.Tx, in *incoming, c *complaint.Case, root string) error {
	if err := d.storeIncoming(tx, c.ID, complaint.MailForgedCommand, in, false, in.auth.Reason); err != nil {
		return err
	}
	if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventForgedCommand), By: in.msg.From.Email,
		Text: d.say(wording.ForgedNotCarried, in.auth.Reason)}); err != nil {
		return err
	}
	d.log.Warn("unauthenticated staff command refused", "case_id", c.ID, "reason", in.auth.Reason)
	_, err := d.queue(tx, c, root, outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: forgedNotice(in.auth, in.msg.From.Email+": "+in.auth.Reason)}, in.now)
	return err
}

// commandError answers a command that cannot be carried out; the case is unchanged.
func (d *Daemon) commandError(tx *store.Tx, in *incoming, c *complaint.Case, root string, errs []error) error {
	lang := d.cfg.Organisation.Language
	var lines []string
	for _, e := range errs {
		lines = append(lines, reasonIn(e, lang))
	}
	if err := tx.AddEvent(c.ID, store.Event{At: in.now, Kind: string(complaint.EventCommandError), By: in.msg.From.Email,
		Text: strings.Join(lines, "; ")}); err != nil {
		return err
	}
	_, err := d.queue(tx, c, root, outMail{template: render.KindCommandoFout, to: addrs([]string{in.msg.From.Email}),
		audience: audStaff, data: render.Data{Errors: lines}}, in.now)
	return err
}

// reasonIn is an error's reason in a language, for the staff member's mail.
func reasonIn(err error, lang string) string {
	var te *complaint.TagError
	if errors.As(err, &te) {
		return te.Tag + ": " + te.Reason(lang)
	}
	var tr *complaint.TransitionError
	if errors.As(err, &tr) {
		prefix := ""
		if tr.Tag != "" {
			prefix = "[" + string(tr.Tag) + "]: "
		}
		return prefix + tr.Reason(lang)
	}
	return err.Error()
}

// commandKeys are a staff command's replay keys: always a hash of the sender, Date, Subject
// and staff text (what every mode vouches for), and the key of the verifying DKIM signature
// when there is one. Keeping both means that removing one of two valid signatures (so that
// the other verifies, with another b=) does not make a copy new.
func commandKeys(in *incoming, staffText string) []string {
	date := ""
	if !in.msg.Date.IsZero() {
		date = in.msg.Date.UTC().Format(time.RFC3339)
	}
	keys := []string{"content:" + hashParts(strings.ToLower(in.msg.From.Email), date, in.msg.Subject, staffText)}
	if in.auth.Key != "" {
		keys = append(keys, in.auth.Key)
	}
	return keys
}

// hashParts is the hex SHA-256 of parts, each ended by a NUL so that no two lists collide.
func hashParts(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// replayText tells, for the timeline, that a staff mail was a copy of one handled before
// (carried out, refused, or kept as correspondence), on which case, and what gave it away
// (its DKIM signature or its content).
func (d *Daemon) replayText(messageID, prevCase, sigKey string) string {
	on := d.say(wording.ReplayOnCase, prevCase)
	if prevCase == "" {
		on = d.say(wording.ReplayOnPurged)
	}
	what := d.say(wording.ReplaySameContent)
	if sigKey != "" {
		what = d.say(wording.ReplaySameSignature)
	}
	return d.say(wording.Replayed, messageID, on, what)
}
