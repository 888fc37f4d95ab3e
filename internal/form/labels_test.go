package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestLabelAtLineStart: a question of the form is a label only where a line starts with it.
// Prose that contains the words of a question somewhere in the line is part of the answer.
func TestLabelAtLineStart(t *testing.T) {
	prose := []string{
		"Ik twijfel over welke dienst het ging: de training of de online cursus.",
		"Ik twijfel over welke dienst het ging",
		"Toen ik hem vroeg om te beschrijf hoe het incident verliep: geen antwoord.",
		"Ik moest van de trainer geef aanvullende informatie invullen: dat heb ik gedaan.",
		"We would like you to describe in detail: what went wrong.",
	}
	for _, line := range prose {
		if f, _, ok := splitLabel(line); ok {
			t.Errorf("splitLabel(%q) = label %q, want no label", line, f)
		}
	}
	labels := map[string]string{
		"Over welke dienst gaat uw klacht?":                      complaint.FieldDienst,
		"Geef aan over welke dienst van Groeimeesters het gaat:": complaint.FieldDienst,
		"3. Beschrijf nauwkeurig de details van uw klacht":       complaint.FieldOmschrijving,
	}
	for line, want := range labels {
		if f, _, ok := splitLabel(line); !ok || f != want {
			t.Errorf("splitLabel(%q) = %q, %v; want %q", line, f, ok, want)
		}
	}

	text := "Naam: Noor Visser\nDatum: 2 juni 2026\n" +
		"Omschrijving:\nDe les ging niet door en niemand liet iets weten.\n" +
		"Ik twijfel over welke dienst het ging: de training of de online cursus.\n" +
		"Dienst: online cursus\n"
	got := Extract(text, "", nil, "", testServices)
	want := Result{
		Fields: complaint.Fields{
			"naam": "Noor Visser", "datum": "2 juni 2026", "dienst": "online cursus",
			"omschrijving": "De les ging niet door en niemand liet iets weten.\n" +
				"Ik twijfel over welke dienst het ging: de training of de online cursus.",
		},
		Missing: []string{"gevolgen", "gewenste_afhandeling"},
		Labels:  4, Sources: []string{"text"},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), ignoreText); diff != "" {
		t.Errorf("Extract() mismatch (-want +got):\n%s", diff)
	}
}
