package form

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestReadReply: a complainant's reply answers the questions the mail it answers asked, by
// label (the form's, English, rephrased, one alone), by number in the order they were
// asked, or by what its free text says; a numbered list that does not fit the questions, a
// lone "1." when more was asked, and numbers when the questions are not known answer nothing
// by number.
func TestReadReply(t *testing.T) {
	const (
		gevolgen = complaint.FieldGevolgen
		wens     = complaint.FieldGewensteAfhandeling
		dienst   = complaint.FieldDienst
		datum    = complaint.FieldDatum
		naam     = complaint.FieldNaam
		omschr   = complaint.FieldOmschrijving
	)
	tests := []struct {
		name     string
		text     string
		asked    []string
		want     complaint.Fields
		numbered bool
	}{
		{name: "nl, numbered as asked",
			text: "Hierbij mijn antwoorden op uw vragen.\n\n1. Ik heb de deadline voor mijn eindopdracht gemist en moet de module opnieuw doen.\n" +
				"2. Een vergoeding van de kosten van de herkansing.\n3. online cursus\n\nAlvast bedankt.",
			asked: []string{gevolgen, wens, dienst}, numbered: true,
			want: complaint.Fields{gevolgen: "Ik heb de deadline voor mijn eindopdracht gemist en moet de module opnieuw doen.",
				wens: "Een vergoeding van de kosten van de herkansing.", dienst: "online cursus"}},
		{name: "nl, numbered, an answer over two lines, a service with a typo",
			text:  "1. Ik ben een vrije dag kwijt.\nEn ik moest de reiskosten zelf betalen.\n2) de onlin cursus",
			asked: []string{gevolgen, dienst}, numbered: true,
			want: complaint.Fields{gevolgen: "Ik ben een vrije dag kwijt.\nEn ik moest de reiskosten zelf betalen.", dienst: "online cursus"}},
		{name: "en, numbered name and date",
			text:  "Here you are:\n\n1. Jan de Vries\n2. 3 November 2026\n\nKind regards",
			asked: []string{naam, datum}, numbered: true,
			want: complaint.Fields{naam: "Jan de Vries", datum: "3 November 2026"}},
		{name: "the last numbered answer ends at its paragraph",
			text:  "1. Ik moest een nieuwe cursus kopen.\n2. Ik wil mijn geld terug.\n\nIk hoop dat dit zo snel mogelijk kan worden geregeld.",
			asked: []string{gevolgen, wens}, numbered: true,
			want: complaint.Fields{gevolgen: "Ik moest een nieuwe cursus kopen.", wens: "Ik wil mijn geld terug."}},
		{name: "a numbered list of grievances does not fit the questions",
			text:  "Nog twee punten:\n1. De trainer was te laat.\n2. Er was geen koffie.",
			asked: []string{datum, dienst}},
		{name: "numbers beyond the questions asked are text",
			text:  "1. Ik miste mijn examen.\n2. Geld terug graag.\n3. Nog iets.",
			asked: []string{gevolgen, wens}, numbered: true,
			want: complaint.Fields{gevolgen: "Ik miste mijn examen.", wens: "Geld terug graag.\n3. Nog iets."}},
		{name: "a lone 1. when two were asked (it would fit the first)",
			text:  "1. De training van maandag.",
			asked: []string{datum, dienst}},
		{name: "numbers without known questions",
			text:  "1. Ik miste mijn examen.\n2. Een nieuwe examendatum.",
			asked: nil},
		{name: "nl, free text: the consequences and the wish",
			text:  "Beste,\n\nDoor het uitvallen van de les heb ik mijn examen gemist. Ik wil graag een nieuwe datum voor het examen.\n\nGroet, Jan",
			asked: []string{gevolgen, wens},
			want: complaint.Fields{gevolgen: "Door het uitvallen van de les heb ik mijn examen gemist.",
				wens: "Ik wil graag een nieuwe datum voor het examen."}},
		{name: "en, free text naming the service",
			text:  "It was the online cursus. Because of this I missed my certificate. I would like a refund of the fee.",
			asked: []string{gevolgen, wens, dienst},
			want: complaint.Fields{gevolgen: "Because of this I missed my certificate.", wens: "I would like a refund of the fee.",
				dienst: "online cursus"}},
		{name: "nl, one rephrased question answered",
			text:  "Wat zijn de gevolgen voor u? Ik heb twee vrije dagen moeten opnemen.",
			asked: []string{gevolgen, wens},
			want:  complaint.Fields{gevolgen: "Ik heb twee vrije dagen moeten opnemen."}},
		{name: "en, the form's labels",
			text:  "Consequences for you: I missed my exam.\nHow we can best resolve your complaint: A refund.",
			asked: []string{gevolgen, wens},
			want:  complaint.Fields{gevolgen: "I missed my exam.", wens: "A refund."}},
		{name: "numbered with the labels repeated: read by label, in any order",
			text:  "1. Dienst: online cursus\n2. Gevolgen voor u: ik moest de module overdoen.",
			asked: []string{gevolgen, dienst},
			want:  complaint.Fields{dienst: "online cursus", gevolgen: "ik moest de module overdoen."}},
		{name: "the omschrijving asked: the text is it",
			text:  "De bijeenkomst van 10 november is zonder bericht vervallen.",
			asked: []string{omschr},
			want:  complaint.Fields{omschr: "De bijeenkomst van 10 november is zonder bericht vervallen."}},
		{name: "a thank-you answers nothing that was not asked",
			text:  "Dank u wel voor de snelle bevestiging.",
			asked: []string{gevolgen, dienst}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadReply(tt.text, tt.asked, testServices)
			if diff := cmp.Diff(tt.want, got.Fields, cmpopts.EquateEmpty()); diff != "" || got.Numbered != tt.numbered {
				t.Errorf("ReadReply numbered %v (want %v), fields (-want +got):\n%s", got.Numbered, tt.numbered, diff)
			}
		})
	}
}

// FuzzReadReply reads hostile replies to a confirmation. Beyond not panicking: an answer is
// trimmed and made of the reply's own words (a service may be its canonical name), only
// form fields are answered, and answers by number only answer questions that were asked.
func FuzzReadReply(f *testing.F) {
	f.Add("1. Ik ben een vrije dag kwijt.\n2. Een excuus.\n3. online cursus", uint8(0b1011000))
	f.Add("Wat zijn de gevolgen voor u? Ik heb een vrije dag verloren.\nHoe wilt u dat dit wordt opgelost? Met een nieuwe bijeenkomst.", uint8(0b11000))
	f.Add("Beste,\n\nDoor het vervallen van de les ben ik een dag kwijt. Ik zou graag een nieuwe les krijgen.\n\nGroet,\nJan", uint8(0b11000))
	f.Add("1. Jan de Vries\n2. 3 November 2026\n\n> 1. Your name\n> 2. Date of the complaint", uint8(0b11))
	f.Add("(1) **x**\n2) 1. 2. 3.\n\n\n3. Gevolgen voor u:\n4.", uint8(0xff))
	f.Fuzz(func(t *testing.T, text string, mask uint8) {
		var asked []string
		for i, fld := range complaint.FormFields {
			if mask&(1<<i) != 0 {
				asked = append(asked, fld)
			}
		}
		r := ReadReply(text, asked, testServices)
		words := map[string]bool{}
		for _, w := range strings.Fields(text) {
			words[w] = true
		}
		for k, v := range r.Fields {
			if !isField(k) {
				t.Fatalf("answer for %q, which is no form field", k)
			}
			if v == "" || v != strings.TrimSpace(v) {
				t.Fatalf("%s not trimmed or empty: %q", k, v)
			}
			if k == complaint.FieldDienst {
				if _, ok := MatchService(v, testServices); ok {
					continue
				}
			}
			for _, w := range strings.Fields(v) {
				if !strings.Contains(text, w) {
					t.Fatalf("%s = %q holds %q, which the reply does not", k, v, w)
				}
			}
		}
		if r.Numbered {
			for k := range r.Fields {
				if !slices.Contains(asked, k) && k != complaint.FieldGevolgen && k != complaint.FieldGewensteAfhandeling && k != complaint.FieldDienst {
					t.Fatalf("answered %s by number, which was not asked (%v)", k, asked)
				}
			}
		}
	})
}
