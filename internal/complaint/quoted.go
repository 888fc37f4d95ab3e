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
	tags, tagErrs := ParseTags(subject, now, loc)
	before := map[string]int{}
	for _, q := range quotedFrom {
		qt, qe := ParseTags(q, now, loc)
		n := map[string]int{}
		for _, t := range qt {
			n[tagKey(t)]++
		}
		for _, e := range qe {
			n[errKey(e)]++
		}
		for k, v := range n {
			before[k] = max(before[k], v) // the same tag quoted from two mails is one quote
		}
	}
	for _, t := range tags {
		if k := tagKey(t); before[k] > 0 {
			before[k]--
			quoted = append(quoted, t.Raw)
			continue
		}
		own = append(own, t)
	}
	for _, e := range tagErrs {
		if k := errKey(e); before[k] > 0 {
			before[k]--
			quoted = append(quoted, errRaw(e))
			continue
		}
		errs = append(errs, e)
	}
	return own, errs, quoted
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
