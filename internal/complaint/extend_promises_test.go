package complaint

import (
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
