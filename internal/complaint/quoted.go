package complaint

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// OwnTags reads the tags of a staff subject and keeps those the staff member added: a tag
// (or unreadable tag) that already stood in the subject of the mail being answered — given
// as quotedFrom, one subject per mail quoted (the mail named by In-Reply-To, the mail
// forwarded) — is quoted, not commanded. A complainant can put [gegrond] in their
// own subject, and a reply-all keeps it; a staff member who adds it once more means it.
// Counting is per tag: a tag standing twice where the answered subject has it once is added
// once. quoted lists the tags left out, as written.
func OwnTags(subject string, quotedFrom []string, now time.Time, loc *time.Location) (own []Tag, errs []error, quoted []string) {
	own, errs, quoted, _ = OwnTagsBeside(subject, quotedFrom, nil, now, loc)
	return own, errs, quoted
}

// OwnTagsBeside is OwnTags when what names the mail answered cannot be trusted alone: besides
// the subjects of the mails answered, a tag that stands in one of others (the subjects of the
// case's mails from people other than staff, when the In-Reply-To that named the answered
// mail is not signed) may have been carried over too, and is left out as well. planted lists,
// as written, the tags left out only because of others; quoted those the answered subjects
// hold. Counting stays per tag, over all subjects together: a tag standing n times in the
// subject counts n minus the most times one of the subjects holds it, so that a staff member
// who means a tag the complainant wrote puts it in once more, whichever list it stood in.
func OwnTagsBeside(subject string, answered, others []string, now time.Time, loc *time.Location) (own []Tag, errs []error, quoted, planted []string) {
	tags, tagErrs := ParseTags(subject, now, loc)
	inAnswered := mostTimes(answered, now, loc)
	inAny := mostTimes(append(append([]string{}, answered...), others...), now, loc)
	// leftOut says whether the next tag of key k is carried over, and from where.
	leftOut := func(k, raw string) bool {
		switch {
		case inAnswered[k] > 0:
			inAnswered[k]--
			inAny[k]--
			quoted = append(quoted, raw)
		case inAny[k] > 0:
			inAny[k]--
			planted = append(planted, raw)
		default:
			return false
		}
		return true
	}
	for _, t := range tags {
		if !leftOut(tagKey(t), t.Raw) {
			own = append(own, t)
		}
	}
	for _, e := range tagErrs {
		if !leftOut(errKey(e), errRaw(e)) {
			errs = append(errs, e)
		}
	}
	return own, errs, quoted, planted
}

// mostTimes counts, per tag (and unreadable tag), the most times one of subjects holds it: the
// same tag quoted from two mails is one quote.
func mostTimes(subjects []string, now time.Time, loc *time.Location) map[string]int {
	most := map[string]int{}
	for _, q := range subjects {
		qt, qe := ParseTags(q, now, loc)
		n := map[string]int{}
		for _, t := range qt {
			n[tagKey(t)]++
		}
		for _, e := range qe {
			n[errKey(e)]++
		}
		for k, v := range n {
			most[k] = max(most[k], v)
		}
	}
	return most
}

// tagKey is what makes two tags the same command: kind and argument, however written.
func tagKey(t Tag) string {
	date := ""
	if !t.Date.IsZero() {
		date = t.Date.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("tag:%s|%d|%s", t.Kind, t.Duration, date)
}

// errKey is what makes two unreadable tags the same: their text, in any letter case.
func errKey(err error) string {
	return "err:" + strings.Join(strings.Fields(strings.ToLower(errRaw(err))), " ")
}

func errRaw(err error) string {
	var te *TagError
	if errors.As(err, &te) {
		return te.Tag
	}
	return err.Error()
}
