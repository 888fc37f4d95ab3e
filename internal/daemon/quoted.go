package daemon

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// staffTags are the tags of a staff mail sorted by whether they command (only the
// tags the staff member wrote count).
type staffTags struct {
	tags []complaint.Tag
	errs []error
	// quoted are tags left out because they already stood in the subject of the mail being
	// answered (the mail named by In-Reply-To, or the mail forwarded).
	quoted []string
	// planted are tags left out because, with an In-Reply-To the signature does not cover,
	// they stand in the subject of a mail on the case from someone other than staff.
	planted []string
	// unsure are tags left out because the mail being answered is one klachtd does not know:
	// whether the staff member wrote them cannot be told.
	unsure []string
	// noInReplyTo says why the answered mail is unknown: the subject is a reply's, but the
	// mail names no mail it answers, and its signature does not vouch for that absence.
	noInReplyTo bool
}

// ownStaffTags finds the mail a staff command answers and keeps the tags the staff member
// added to its subject. The answered mail is looked up by In-Reply-To among the case's own
// mails, both directions; a forward's own subject (inline header block or attached message)
// counts as answered too.
//
// When the answered mail is not found, nothing in the subject is known to be the staff
// member's: In-Reply-To names a mail klachtd never saw (the complainant wrote to the staff
// member directly, with tags in their subject, and the staff member answered to all with
// info@ in copy), or a forward (Fwd:, Doorst:, FW:, WG:) shows no subject of what it forwards.
// Then no tag commands — safe by design — and the staff member is told how to send the
// command instead. A mail without In-Reply-To and without a forward prefix is a new mail:
// every tag in it was written by its sender.
//
// In-Reply-To decides this, and the verifying signature need not cover it: Microsoft 365
// signs From, Date, Subject, Message-ID, Content-Type and MIME-Version, never In-Reply-To or
// References. Whoever receives a signed staff mail (the complainant, in a reply-all to their
// own subject with [gegrond] [afgehandeld] planted in it) can remove or rewrite In-Reply-To
// and deliver the same signed mail to info@, so that the tags look like the staff member's.
// Two things close that. First, every authenticated staff mail is carried out at most once,
// whatever it did the first time (staffReply records its replay keys before anything else):
// a copy of the reply-all that reached info@ is a duplicate in any form. Second, when the
// signature does not cover In-Reply-To, it does not decide alone: a tag that stands in the
// subject of any mail the case received from someone other than staff (the complainant, the
// commissaris, unknown or unverified senders) is left out as well (planted), and a subject
// that starts as a reply (Re:, Antw:, AW:, SV:, …) without an In-Reply-To is an answer to an
// unknown mail. A staff member who does mean such a tag writes it once more.
//
// Residual risk, with a signer that leaves In-Reply-To out: a tag the complainant planted in
// a mail that never joined the case (sent to the staff member alone, or to info@ without the
// case number or threading, so that it was left in the inbox), answered by the staff member
// without info@ in copy, and re-delivered by the complainant with its In-Reply-To set to a
// klachtd mail of the case whose subject holds no tags, counts. klachtd cannot tell
// that mail from the staff member's own answer to that klachtd mail. It needs a genuine
// signed staff reply that klachtd never saw, the complainant's planted subject kept in it
// word for word, and the case number in it; staff see the result at once (the commando-ok
// mail goes to the sender), and a signer whose h= covers In-Reply-To closes it.
func (d *Daemon) ownStaffTags(tx *store.Tx, in *incoming, c *complaint.Case) (staffTags, error) {
	m := in.msg
	var answered []string
	known := true
	if len(m.InReplyTo) > 0 {
		a, err := tx.AnsweredMail(c.ID, m.InReplyTo)
		if err != nil {
			return staffTags{}, err
		}
		if a == nil {
			known = false
		} else {
			answered = append(answered, a.Subject)
		}
	}
	f, fwd := outermostForward(m)
	if fwd && f.Subject != "" {
		answered = append(answered, f.Subject)
	} else if len(m.InReplyTo) == 0 && forwardPrefix.MatchString(m.Subject) {
		known = false
	}
	var others []string
	noInReplyTo := false
	if !in.auth.Covers("In-Reply-To") {
		if len(m.InReplyTo) == 0 && replyPrefix.MatchString(m.Subject) {
			known, noInReplyTo = false, true
		}
		var err error
		if others, err = d.othersSubjects(tx, c.ID); err != nil {
			return staffTags{}, err
		}
	}
	tags, errs, quoted, planted := complaint.OwnTagsBeside(m.Subject, answered, others, in.now, d.cfg.Organisation.Location)
	if known {
		return staffTags{tags: tags, errs: errs, quoted: quoted, planted: planted}, nil
	}
	st := staffTags{unsure: append(quoted, planted...), noInReplyTo: noInReplyTo}
	for _, t := range tags {
		st.unsure = append(st.unsure, t.Raw)
	}
	for _, e := range errs {
		var te *complaint.TagError
		if errors.As(e, &te) {
			st.unsure = append(st.unsure, te.Tag)
		}
	}
	return st, nil
}

// othersSubjects are the subjects of the mails the case received from anyone but staff: the
// complainant, the commissaris, unknown senders, and mail that claimed a staff address
// without being verified.
func (d *Daemon) othersSubjects(tx *store.Tx, caseID string) ([]string, error) {
	received, err := tx.ReceivedSubjects(caseID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range received {
		if r.Verified && slices.ContainsFunc(d.cfg.Staff.Addresses, func(a string) bool { return strings.EqualFold(a, r.From) }) {
			continue
		}
		out = append(out, r.Subject)
	}
	return out, nil
}

// replyPrefix is a subject that starts (after gateway markers and other bracketed text) with
// a reply prefix in one of the languages mail clients write: Re, Antw (Outlook in Dutch), AW
// (German), SV (Scandinavian), VS (Finnish), Ref, RIF (Italian), Odp (Polish), YNT
// (Turkish), Res (Portuguese), Atb (Latvian), Odg (Croatian), Vá (Hungarian), Απ (Greek),
// 回复/回覆/答复 (Chinese), optionally counted ("Re[2]:", "Re(2):").
var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)*(?:re|antw|aw|sv|vs|ref|rif|odp|ynt|res|atb|odg|vá|απ|回复|回覆|答复)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]`)

// forwardPrefix is a subject that starts (after reply prefixes and gateway markers) with a
// forward prefix in one of the languages mail clients write.
var forwardPrefix = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|antw|sv|vs|ref|\[[^\]]*\])\s*(?:\[\d+\])?\s*:?\s*)*(?:fwd?|doorst|wg|tr|rv|enc)\s*(?:\[\d+\])?\s*:`)

// quotedLines tell the staff member which tags were not carried out and why, for the
// commando-ok or commando-fout mail; "" when all tags counted.
func (d *Daemon) quotedLines(st staffTags, caseID string) []string {
	var lines []string
	if len(st.quoted) > 0 {
		lines = append(lines, d.say(wording.TagQuoted, strings.Join(st.quoted, " ")))
	}
	if len(st.planted) > 0 {
		lines = append(lines, d.say(wording.TagPlanted, strings.Join(st.planted, " ")))
	}
	if len(st.unsure) > 0 && st.noInReplyTo {
		lines = append(lines, d.say(wording.TagNoInReplyTo, strings.Join(st.unsure, " "), caseID))
	} else if len(st.unsure) > 0 {
		lines = append(lines, d.say(wording.TagUnknownAnswer, strings.Join(st.unsure, " "), caseID))
	}
	return lines
}
