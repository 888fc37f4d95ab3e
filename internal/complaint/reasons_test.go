package complaint

import (
	"errors"
	"testing"
	"time"
)

// TestReasonsInBothLanguages pins the refusals that are built from more than one piece, as
// staff read them after the tag (Reason) and as the log has them (Error): the suggestion after
// an unknown tag, the tag kind named twice, the unreadable term quoted, and the current due
// date written in each language as every mail writes it (24-hour time, in the organisation's
// zone, "om"/"at").
func TestReasonsInBothLanguages(t *testing.T) {
	parse := func(subject string) error {
		_, errs := ParseTags(subject, testNow, ams)
		if len(errs) != 1 {
			t.Fatalf("ParseTags(%q): %d errors, want one", subject, len(errs))
		}
		return errs[0]
	}
	late := caseIn(StatusInBehandeling)
	late.DueAt = time.Date(2027, 1, 29, 8, 5, 0, 0, time.UTC) // 09:05 in Amsterdam
	_, notLater := Extend(late, late.DueAt.Add(-time.Hour), testNow, ams)
	_, contradict := Apply(caseIn(StatusInBehandeling), Command{Tags: []Tag{tagOf(TagGegrond), tagOf(TagOngegrond)},
		StaffText: "Zie hieronder.", By: "milou"}, testNow, defTerms)
	for _, tt := range []struct {
		name         string
		err          error
		nl, en, logs string
	}{
		{"a typo with a suggestion", parse("Re: [KL-2027-0001] [gegrnd]"),
			"onbekende tag; bedoelt u [gegrond]?", "unknown tag; did you mean [gegrond]?",
			"tag [gegrnd]: unknown tag; did you mean [gegrond]?"},
		{"an unknown tag without one", parse("Re: [KL-2027-0001] [xyzzyq]"),
			"onbekende tag", "unknown tag", "tag [xyzzyq]: unknown tag"},
		{"a term missing", parse("[KL-2027-0001] [Verlenging]"),
			"geef een termijn mee, bijvoorbeeld [verlenging 3w] of [verlenging 2027-02-15]",
			"needs a term, for example [verlenging 3w] or [verlenging 2027-02-15]",
			"tag [Verlenging]: needs a term, for example [verlenging 3w] or [verlenging 2027-02-15]"},
		{"a term unreadable", parse("[KL-2027-0001] [verlenging morgenochtend]"),
			`"morgenochtend" is geen termijn of datum die ik kan lezen; schrijf bijvoorbeeld 3w, 10d, 2027-02-15 of 15 februari 2027`,
			`cannot read "morgenochtend" as a term or date; write for example 3w, 10d, 2027-02-15 or 15 February 2027`,
			`tag [verlenging morgenochtend]: cannot read "morgenochtend" as a term or date; write for example 3w, 10d, 2027-02-15 or 15 February 2027`},
		{"an argument to a tag without one", parse("[KL-2027-0001] [gegrond ja]"),
			"[gegrond] heeft geen toevoeging; schrijf alleen [gegrond]", "[gegrond] takes nothing after it; write just [gegrond]",
			"tag [gegrond ja]: [gegrond] takes nothing after it; write just [gegrond]"},
		{"a term not after the due date", notLater,
			"de nieuwe termijn ligt niet na de huidige termijn (29 januari 2027 om 09:05)",
			"the new term is not after the current due date (29 January 2027 at 09:05)",
			"tag [verlenging]: the new term is not after the current due date (29 January 2027 at 09:05)"},
		{"two tags that contradict", contradict,
			"[gegrond] en [ongegrond] spreken elkaar tegen; kies er een", "[gegrond] and [ongegrond] contradict each other; choose one",
			"command: [gegrond] and [ongegrond] contradict each other; choose one"},
	} {
		var nl, en string
		var te *TagError
		var tr *TransitionError
		switch {
		case errors.As(tt.err, &te):
			nl, en = te.Reason("nl"), te.Reason("en")
		case errors.As(tt.err, &tr):
			nl, en = tr.Reason("nl"), tr.Reason("en")
		default:
			t.Errorf("%s: err %v, want a TagError or TransitionError", tt.name, tt.err)
			continue
		}
		if nl != tt.nl || en != tt.en {
			t.Errorf("%s:\n\tgot  nl %q\n\t     en %q\n\twant nl %q\n\t     en %q", tt.name, nl, en, tt.nl, tt.en)
		}
		if got := tt.err.Error(); got != tt.logs {
			t.Errorf("%s: Error() %q, want %q", tt.name, got, tt.logs)
		}
	}
}
