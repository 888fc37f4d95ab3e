package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

func TestLookupParaphrase(t *testing.T) {
	tests := []struct {
		label string
		want  string // "" for no label
	}{
		{"Wat zijn de gevolgen voor u", complaint.FieldGevolgen},
		{"Hoe wilt u dat de klacht wordt afgehandeld", complaint.FieldGewensteAfhandeling},
		{"Hoe wilt u dat dit wordt opgelost", complaint.FieldGewensteAfhandeling},
		{"Wat zijn de gevolgen van het incident voor u", complaint.FieldGevolgen},
		{"Wanneer is het gebeurd", complaint.FieldDatum},
		{"Wat is er gebeurd", complaint.FieldOmschrijving},
		{"Wat is uw klacht", complaint.FieldOmschrijving},
		{"Over welke dienst gaat het", complaint.FieldDienst},
		{"Welke training volgde u", complaint.FieldDienst},
		{"Heeft u nog aanvullende opmerkingen", complaint.FieldAanvullend},
		{"Wat is uw naam", complaint.FieldNaam},
		{"What happened", complaint.FieldOmschrijving},
		{"How did this affect you", complaint.FieldGevolgen},
		{"What would you like us to do", complaint.FieldGewensteAfhandeling},
		{"Is there anything else we should know", complaint.FieldAanvullend},
		{"Hoe wij uw klacht het beste kunnen afhandelen", complaint.FieldGewensteAfhandeling},
		// Prose, and questions the form does not ask.
		{"Ik twijfel over welke dienst het ging", ""},
		{"Hoe dan ook wil ik dat het wordt opgelost", ""},
		{"Op 3 maart is het incident gebeurd", ""},
		{"Wat is de naam van de trainer", ""},
		{"Heeft u al eerder contact met ons gehad over deze klacht", ""},
		{"De gevolgen waren groot", ""},
	}
	for _, tt := range tests {
		got, ok := lookupParaphrase(normLabel(tt.label))
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("lookupParaphrase(%q) = %q, %v; want %q", tt.label, got, ok, tt.want)
		}
	}
}

// TestSpokenLabelsNeedAForm: a rephrased question, a made-up label and a label with a typo
// are labels only in a text with two or more labels; triage counts none of them.
func TestSpokenLabelsNeedAForm(t *testing.T) {
	letter := "Beste,\n\nWat is er gebeurd?\nDat vraag ik me nog steeds af. De cursus is nooit begonnen.\n"
	got := Extract(letter, "", nil, "", testServices)
	if want := "Beste,\n\nWat is er gebeurd?\nDat vraag ik me nog steeds af. De cursus is nooit begonnen."; got.Fields["omschrijving"] != want || got.Labels != 0 {
		t.Errorf("letter with one question: omschrijving %q, labels %d; want the whole letter and no label", got.Fields["omschrijving"], got.Labels)
	}
	form := "Wat is er gebeurd?\nDe cursus is nooit begonnen.\nWat zijn de gevolgen voor u?\nIk heb mijn examen gemist.\nOmschrijvng: ook de helpdesk zweeg.\n"
	got = Extract(form, "", nil, "", testServices)
	want := complaint.Fields{"omschrijving": "De cursus is nooit begonnen.\n\nook de helpdesk zweeg.", "gevolgen": "Ik heb mijn examen gemist."}
	if diff := cmp.Diff(want, got.Fields, cmpopts.EquateEmpty()); diff != "" || got.Labels != 2 {
		t.Errorf("form with rephrased questions: labels %d, fields (-want +got):\n%s", got.Labels, diff)
	}
	for _, text := range []string{form, "Naam: Jan\nBericht: Wanneer begint de cursus?\n", "Wanneer begint de volgende training?\nWelke dienst past bij mij?\n"} {
		if n := CountLabels(text); n > 1 {
			t.Errorf("CountLabels(%q) = %d: triage would take it for a filled-in form", text, n)
		}
	}
}

// TestNumberedAnswers: answers numbered 1. to 7. follow the form's questions; a numbered list
// of grievances does not.
func TestNumberedAnswers(t *testing.T) {
	answers := "Hierbij mijn antwoorden:\n\n1. Jan de Vries\n2. 3 maart\n3. De trainer kwam te laat.\nTwee keer zelfs.\n4. Ik miste de stof.\n5. Een extra les.\n6. Geen\n7. online cursus\n\nGroet,\nJan\n"
	got := Extract(answers, "", nil, "", testServices)
	want := complaint.Fields{"naam": "Jan de Vries", "datum": "3 maart", "omschrijving": "De trainer kwam te laat.\nTwee keer zelfs.",
		"gevolgen": "Ik miste de stof.", "gewenste_afhandeling": "Een extra les.", "aanvullend": "Geen", "dienst": "online cursus"}
	if diff := cmp.Diff(want, got.Fields); diff != "" {
		t.Errorf("numbered answers (-want +got):\n%s", diff)
	}
	for _, list := range []string{
		"Mijn klachten:\n1. De trainer kwam te laat.\n2. Op 12 mei was er geen lunch.\n3. x\n4. y\n5. z\n",
		"1. Jan de Vries\n2. zonder datum\n3. a\n4. b\n5. c\n",
		"1. Jan de Vries\n2. 3 maart\n3. a\n4. b\n",
		"1. Jan de Vries\n2. 3 maart\n4. a\n5. b\n6. c\n",
	} {
		if _, ok := numberedAnswers(splitText(list)); ok {
			t.Errorf("numberedAnswers(%q): read as a form", list)
		}
	}
}

// TestUnknownLabel: in a form, a label it does not have is recognised by its shape; prose is not.
func TestUnknownLabel(t *testing.T) {
	labels := []string{"Cursusnummer: 2026-114", "Naam van de trainer: Ruud", "Factuurnummer:", "**Heeft u al eerder contact gehad?**",
		"8. Heeft u al eerder contact gehad?", "Booking reference\tGM-55813", "Plaats, datum: Utrecht, 3 maart"}
	for _, l := range labels {
		if _, ok := unknownLabel(l); !ok {
			t.Errorf("unknownLabel(%q): want a label", l)
		}
	}
	prose := []string{"De trainer zei: dat is jouw probleem.", "Om 10:30 begon de les.", "Let op: ik heb een opname.",
		"Trainer Kees zei: nee.", "Stap 1: inloggen.", "Heeft u al eerder contact gehad?", "Ik vroeg: waarom?",
		"https://example.nl/pagina", "Waarom ging de les niet door: niemand weet het, en de trainer zweeg er verder ook over."}
	for _, l := range prose {
		if got, ok := unknownLabel(l); ok {
			t.Errorf("unknownLabel(%q) = %q: want no label", l, got.text)
		}
	}
}

// TestUnknownLabelOnlyInTheForm: before the form's first answer, a "Xxx: …" line is the
// letter around the form, and stays in it.
func TestUnknownLabelOnlyInTheForm(t *testing.T) {
	text := "Beste,\n\nDe training was slecht.\nTrainer: Kees.\nHij kwam te laat.\n\nNaam: Jan Bakker\nDatum: 3 maart\nCursusnummer: 12\n"
	got := Extract(text, "", nil, "", testServices)
	want := complaint.Fields{"naam": "Jan Bakker", "datum": "3 maart", "aanvullend": "Cursusnummer: 12",
		"omschrijving": "Beste,\n\nDe training was slecht.\nTrainer: Kees.\nHij kwam te laat."}
	if diff := cmp.Diff(want, got.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}
