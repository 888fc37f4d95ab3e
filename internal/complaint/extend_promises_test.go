package complaint

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestExtendOverdueCountsFromNow: "[verlenging 3w]" on a case whose due date has already
// passed gives the complainant three weeks from now, not three weeks from the old due date
// (which would be a term shorter than announced, or one already past). On a case not yet due
// it counts from the due date.
func TestExtendOverdueCountsFromNow(t *testing.T) {
	const w = 7 * 24 * time.Hour
	tag := Tag{Kind: TagVerlenging, Raw: "[verlenging 3w]", Duration: 3 * w}
	for _, tt := range []struct {
		name string
		due  time.Time
		want time.Time
	}{
		{"overdue by five days", testNow.Add(-5 * 24 * time.Hour), testNow.Add(3 * w)},
		{"overdue by four weeks", testNow.Add(-4 * w), testNow.Add(3 * w)},
		{"due in two days", testNow.Add(2 * 24 * time.Hour), testNow.Add(2*24*time.Hour + 3*w)},
	} {
		c := caseIn(StatusInBehandeling)
		c.DueAt = tt.due
		res, err := Apply(c, Command{Tags: []Tag{tag}, By: "milou"}, testNow, defTerms)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !res.Case.DueAt.Equal(tt.want) || !res.Case.Extended {
			t.Errorf("%s: due %s (extended %v), want %s", tt.name, res.Case.DueAt, res.Case.Extended, tt.want)
		}
	}
}

// TestRemedyTermMustBeAhead: a remediation term already past is refused, on a justified case
// too (where the refusal is about the term itself, not about the verdict), alone or beside
// [gegrond]; nothing changes.
func TestRemedyTermMustBeAhead(t *testing.T) {
	past := Tag{Kind: TagHersteltermijn, Raw: "[hersteltermijn 2027-01-02]", Date: time.Date(2027, 1, 2, 9, 0, 0, 0, ams)}
	justified := caseIn(StatusBeoordeeld)
	justified.Verdict = VerdictGegrond
	for _, tt := range []struct {
		name string
		c    Case
		tags []Tag
	}{
		{"on a justified case", justified, []Tag{past}},
		{"beside [gegrond]", caseIn(StatusInBehandeling), []Tag{tagOf(TagGegrond), past}},
		{"a zero duration", justified, []Tag{{Kind: TagHersteltermijn, Raw: "[hersteltermijn 0d]"}}},
	} {
		res, err := Apply(tt.c, Command{Tags: tt.tags, StaffText: "Wij passen de planning aan.", By: "milou"}, testNow, defTerms)
		var te *TransitionError
		if !errors.As(err, &te) || !strings.Contains(te.Reason("en"), "not in the future") {
			t.Errorf("%s: err %v, want the remediation term refused as not in the future", tt.name, err)
		}
		if !res.Case.RemedyDueAt.Equal(tt.c.RemedyDueAt) {
			t.Errorf("%s: remedy term set to %s", tt.name, res.Case.RemedyDueAt)
		}
	}
}
