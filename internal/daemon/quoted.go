package daemon

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
)

// staffTags are the tags of a staff mail sorted by whether they command (only the
// tags the staff member wrote count).
type staffTags struct {
	tags []complaint.Tag
	errs []error
	// quoted are tags left out because they already stood in the subject of the mail being
	// answered (the mail named by In-Reply-To, or the mail forwarded).
	quoted []string
	// unsure are tags left out because the mail being answered is one klachtd does not know:
	// whether the staff member wrote them cannot be told.
	unsure []string
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
	tags, errs, quoted := complaint.OwnTags(m.Subject, answered, in.now, d.cfg.Organisation.Location)
	if known {
		return staffTags{tags: tags, errs: errs, quoted: quoted}, nil
	}
	st := staffTags{unsure: quoted}
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

// forwardPrefix is a subject that starts (after reply prefixes and gateway markers) with a
// forward prefix in one of the languages mail clients write.
var forwardPrefix = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|antw|sv|vs|ref|\[[^\]]*\])\s*(?:\[\d+\])?\s*:?\s*)*(?:fwd?|doorst|wg|tr|rv|enc)\s*(?:\[\d+\])?\s*:`)

// quotedLines tell the staff member which tags were not carried out and why, for the
// commando-ok or commando-fout mail; "" when all tags counted.
func (d *Daemon) quotedLines(st staffTags, caseID string) []string {
	var lines []string
	if len(st.quoted) > 0 {
		lines = append(lines, fmt.Sprintf(d.say(
			"%s: niet uitgevoerd, want dit stond al in het onderwerp van de e-mail waarop u antwoordt (overgenomen, bijvoorbeeld door allen beantwoorden). Bedoelt u het toch? Zet de tag dan nog een keer in het onderwerp.",
			"%s: not carried out: it already stood in the subject of the mail you answered (carried over, for instance by reply-all). If you do mean it, put the tag in the subject once more."),
			strings.Join(st.quoted, " ")))
	}
	if len(st.unsure) > 0 {
		lines = append(lines, fmt.Sprintf(d.say(
			"%s: niet uitgevoerd, want u antwoordt op (of stuurt door) een e-mail die klachtd niet kent: het is niet te zien of u dit zelf hebt toegevoegd of dat het al in het onderwerp stond. Stuur de opdracht als antwoord op een e-mail van klachtd over deze klacht, of als nieuwe e-mail met [%s] en de tags in het onderwerp.",
			"%s: not carried out: you answered (or forwarded) a mail klachtd does not know, so it cannot tell whether you added this yourself or it already stood in the subject. Send the command as an answer to a mail of klachtd about this complaint, or as a new mail with [%s] and the tags in the subject."),
			strings.Join(st.unsure, " "), caseID))
	}
	return lines
}
