package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

var testServices = []string{"intervisie-begeleiding", "(in company) training", "online cursus"}

func TestExtractText(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		fallback string
		want     Result
	}{
		{
			name: "Dutch form, label and answer on one line",
			text: "Geachte heer/mevrouw,\n\nHierbij mijn klacht.\n\n" +
				"Naam van indiener: Jan de Vries\n" +
				"Datum van de klacht: 3 maart 2026\n" +
				"Beschrijf nauwkeurig de details van uw klacht en tegen wie: De trainer kwam twee keer te laat.\n" +
				"Beschrijf hoe het incident waar u het over heeft negatieve invloed heeft gehad tijdens uw persoonlijke ontwikkeling/de cursus/training/begeleiding: Ik miste de helft van de stof.\n" +
				"Beschrijf hoe Groeimeesters effectief met uw klacht kan omgaan: Een extra sessie.\n" +
				"Geef aanvullende informatie of opmerkingen waarvan u denkt dat ze belangrijk zijn: Geen.\n" +
				"Geef aan over welke dienst van Groeimeesters uw klacht specifiek gaat: in-company training\n\n" +
				"Met vriendelijke groet,\nJan de Vries\n06-12345678\n",
			want: Result{
				Fields: complaint.Fields{
					"naam": "Jan de Vries", "datum": "3 maart 2026",
					"omschrijving":         "De trainer kwam twee keer te laat.",
					"gevolgen":             "Ik miste de helft van de stof.",
					"gewenste_afhandeling": "Een extra sessie.", "aanvullend": "Geen.",
					"dienst": "(in company) training",
				},
				Labels: 7, Sources: []string{"text"},
			},
		},
		{
			name: "Dutch form as in the document: bold questions, answers below, multi-line",
			text: "**Naam van indiener**\n\nMarieke Jansen\n\n" +
				"**Datum van de klacht**\n\n12-02-2026\n\n" +
				"**Beschrijf nauwkeurig de details van uw klacht en tegen wie.**\n\n" +
				"Tijdens de intervisie op 10 februari maakte de begeleider,\nmevrouw K., denigrerende opmerkingen.\n\n" +
				"Dat gebeurde ook na de pauze.\n\n\n" +
				"**Beschrijf hoe het incident waar u het over heeft negatieve invloed heeft gehad tijdens uw persoonlijke ontwikkeling/de cursus/training/begeleiding.**\n\n" +
				"Ik durfde niets meer in te brengen.\n\n" +
				"**Beschrijf hoe Groeimeesters effectief met uw klacht kan omgaan.**\n\n" +
				"Een gesprek met de begeleider erbij.\n\n" +
				"**Geef aanvullende informatie of opmerkingen waarvan u dekt dat ze belangrijk zijn bij het nadere onderzoek van uw klacht.**\n\n\n" +
				"**Geef aan over welke dienst van Groeimeesters uw klacht specifiek gaat.**\n\n" +
				"X intervisie-begeleiding     (in company) training     online cursus\n\n" +
				"**Naam**\n\nMarieke Jansen\n\n**Datum**\n\n12-02-2026\n\n**Handtekening**\n\nM. Jansen\n",
			want: Result{
				Fields: complaint.Fields{
					"naam": "Marieke Jansen", "datum": "12-02-2026",
					"omschrijving": "Tijdens de intervisie op 10 februari maakte de begeleider,\nmevrouw K., denigrerende opmerkingen.\n\n" +
						"Dat gebeurde ook na de pauze.",
					"gevolgen":             "Ik durfde niets meer in te brengen.",
					"gewenste_afhandeling": "Een gesprek met de begeleider erbij.",
					"dienst":               "intervisie-begeleiding",
				},
				Labels: 7, Sources: []string{"text"},
			},
		},
		{
			name: "English short labels, different order, numbering, extra blank lines",
			text: "1. Service: online course\n\n\n" +
				"2. Your name: Sarah Miller\n" +
				"3) Date: 14 March 2026\n\n\n\n" +
				"4. Description:\nThe course videos did not load for two weeks.\nSupport did not answer.\n\n" +
				"5. Impact:\nI missed the exam deadline.\n" +
				"6. Desired outcome: A refund or an extension.\n" +
				"7. Additional information:\n\nKind regards,\nSarah\n",
			want: Result{
				Fields: complaint.Fields{
					"naam": "Sarah Miller", "datum": "14 March 2026",
					"omschrijving":         "The course videos did not load for two weeks.\nSupport did not answer.",
					"gevolgen":             "I missed the exam deadline.",
					"gewenste_afhandeling": "A refund or an extension.",
					"dienst":               "online cursus",
				},
				Labels: 7, Sources: []string{"text"},
			},
		},
		{
			name: "free text without labels: the whole text without signature; the service it names",
			text: "Beste Groeimeesters,\n\nIk ben erg ontevreden over de online cursus.\nDe inlog werkt al weken niet.\n\n" +
				"Met vriendelijke groet,\n\nPiet Bakker\nBakker & Zn.\n",
			fallback: "Piet Bakker",
			want: Result{
				Fields: complaint.Fields{
					"naam":         "Piet Bakker",
					"omschrijving": "Beste Groeimeesters,\n\nIk ben erg ontevreden over de online cursus.\nDe inlog werkt al weken niet.",
					"dienst":       "online cursus",
				},
				Missing: []string{"datum", "gevolgen", "gewenste_afhandeling"},
				Sources: []string{"text"},
			},
		},
		{
			name: "reply quoting an earlier form: quoted answers are not read",
			text: "Ik heb nog steeds geen reactie gehad op mijn klacht.\n\n" +
				"Op di 3 mrt 2026 om 10:12 schreef Jan de Vries <jan@example.nl>:\n" +
				"> Naam: Jan de Vries\n> Datum: 1 maart 2026\n> Omschrijving: De trainer was te laat.\n",
			want: Result{
				Fields: complaint.Fields{
					"omschrijving": "Ik heb nog steeds geen reactie gehad op mijn klacht.",
				},
				Missing: []string{"naam", "datum", "gevolgen", "gewenste_afhandeling", "dienst"},
				Sources: []string{"text"},
			},
		},
		{
			name: "Outlook reply header block ends the own text",
			text: "Naam: Anna Smit\nDatum: gisteren\nKlacht: geen certificaat ontvangen\n\n" +
				"________________________________\nVan: Groeimeesters <info@groeimeesters.nl>\n" +
				"Verzonden: maandag 2 maart 2026 09:00\nAan: Anna Smit\nOnderwerp: Re: uw aanmelding\n\n" +
				"Gevolgen: dit is oude tekst\n",
			want: Result{
				Fields: complaint.Fields{
					"naam": "Anna Smit", "datum": "gisteren", "omschrijving": "geen certificaat ontvangen",
				},
				Missing: []string{"gevolgen", "gewenste_afhandeling", "dienst"},
				Labels:  3, Sources: []string{"text"},
			},
		},
		{
			name: "forwarded form (Gmail) is read without its header block",
			text: "Zie onderstaande klacht.\n\n---------- Forwarded message ---------\n" +
				"From: Kees <kees@example.nl>\nDate: Mon, 2 Mar 2026 at 10:00\nSubject: klacht\nTo: <info@groeimeesters.nl>\n\n" +
				"Naam: Kees Visser\nDatum: 1 maart\nOmschrijving: Factuur klopt niet.\nGevolgen: Dubbel betaald.\n" +
				"Gewenste oplossing: Geld terug.\nDienst: (in company) training\n",
			want: Result{
				Fields: complaint.Fields{
					"naam": "Kees Visser", "datum": "1 maart", "omschrijving": "Factuur klopt niet.",
					"gevolgen": "Dubbel betaald.", "gewenste_afhandeling": "Geld terug.",
					"dienst": "(in company) training",
				},
				Labels: 6, Sources: []string{"text"},
			},
		},
		{
			name: "staff phone notes: contact lines and free text",
			text: "Naam: Henk Peters\nTelefoon: 06 58949869\nE-mail: Henk <henk.peters@example.com>\n\n" +
				"Meneer belde over de training van vorige week: de locatie was niet bereikbaar.\n",
			want: Result{
				Fields: complaint.Fields{
					"naam":         "Henk Peters",
					"omschrijving": "Meneer belde over de training van vorige week: de locatie was niet bereikbaar.",
				},
				Missing: []string{"datum", "gevolgen", "gewenste_afhandeling", "dienst"},
				Labels:  1, Email: "henk.peters@example.com", Phone: "06 58949869",
				Sources: []string{"text"},
			},
		},
		{
			name: "ticked box among the options, on separate lines",
			text: "Naam: Els\nDatum: 5 mei\nOmschrijving: x\nGevolgen: y\nGewenste afhandeling: z\n" +
				"Dienst:\n[ ] intervisie-begeleiding\n[x] (in company) training\n[ ] online cursus\n",
			want: Result{
				Fields: complaint.Fields{
					"naam": "Els", "datum": "5 mei", "omschrijving": "x", "gevolgen": "y",
					"gewenste_afhandeling": "z", "dienst": "(in company) training",
				},
				Labels: 6, Sources: []string{"text"},
			},
		},
		{
			name: "unknown service kept as written; empty answers missing",
			text: "Naam:\nDatum:\nOmschrijving: De workshop was te vol.\nGevolgen:\nGewenste afhandeling:\nDienst: workshop timemanagement\n",
			want: Result{
				Fields: complaint.Fields{
					"omschrijving": "De workshop was te vol.", "dienst": "workshop timemanagement",
				},
				Missing: []string{"naam", "datum", "gevolgen", "gewenste_afhandeling"},
				Labels:  6, Sources: []string{"text"},
			},
		},
		{
			name: "label repeated as answer: Dienst then Training",
			text: "Naam: Bo\nDienst\nTraining\n",
			want: Result{
				Fields:  complaint.Fields{"naam": "Bo", "dienst": "(in company) training"},
				Missing: []string{"datum", "omschrijving", "gevolgen", "gewenste_afhandeling"},
				Labels:  2, Sources: []string{"text"},
			},
		},
		{
			name:     "empty mail: only the fallback name",
			text:     "\n\n",
			fallback: "Ria",
			want: Result{
				Fields:  complaint.Fields{"naam": "Ria"},
				Missing: []string{"datum", "omschrijving", "gevolgen", "gewenste_afhandeling", "dienst"},
			},
		},
		{
			name: "only quoted text: the quote is better than nothing",
			text: "On Tue, Mar 3, 2026 at 10:12 AM Tom <tom@example.com> wrote:\n> The trainer never showed up.\n",
			want: Result{
				Fields:  complaint.Fields{"omschrijving": "The trainer never showed up."},
				Missing: []string{"naam", "datum", "gevolgen", "gewenste_afhandeling", "dienst"},
				Sources: []string{"text"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.text, "", nil, tt.fallback, testServices)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), ignoreText); diff != "" {
				t.Errorf("Extract() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCountLabels(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"Ik heb een klacht over de cursus.", 0},
		{"Naam: Jan\nDatum: gisteren", 2},
		{"**1. Naam van indiener:**\nJan\n**2. Datum van de klacht?**\nnu\nOmschrijving:\nNaam: Jan", 3},
		{"Hoi\n\nOp 1 mrt 2026 schreef X:\n> Naam: Jan\n> Datum: nu\n", 0},
		{"Beschrijf hoe Intervisie Begeleiding effectief met uw klacht kan omgaan?\nE-mail: a@b.nl", 1},
	}
	for _, tt := range tests {
		if got := CountLabels(tt.text); got != tt.want {
			t.Errorf("CountLabels(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

// ignoreText leaves Result.Text (the whole text, tested on its own) out of a comparison.
var ignoreText = cmpopts.IgnoreFields(Result{}, "Text")
