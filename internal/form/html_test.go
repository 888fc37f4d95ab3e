package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

func TestExtractHTML(t *testing.T) {
	tests := []struct {
		name string
		text string
		html string
		want Result
	}{
		{
			name: "form pasted as a table; the plain part flattened it",
			text: "Naam van indiener Lotte Bos Datum van de klacht 8 januari 2026",
			html: `<html><head><style>td{}</style></head><body><p>Beste,</p><table border=1>
<tr><td><b>Naam van indiener</b></td><td>Lotte Bos</td></tr>
<tr><td><b>Datum van de klacht</b></td><td>8 januari 2026</td></tr>
<tr><td><b>Beschrijf nauwkeurig de details van uw klacht en tegen wie.</b></td><td>De begeleider<br>zegde drie keer af.</td></tr>
<tr><td><b>Beschrijf hoe het incident waar u het over heeft negatieve invloed heeft gehad.</b></td><td>Mijn team&nbsp;liep achter.</td></tr>
<tr><td><b>Beschrijf hoe Groeimeesters effectief met uw klacht kan omgaan.</b></td><td></td></tr>
<tr><td><b>Geef aan over welke dienst van Groeimeesters uw klacht specifiek gaat.</b></td><td>Intervisie begeleiding</td></tr>
</table><div class="gmail_signature">Lotte Bos | Bos Advies | 06-1234</div></body></html>`,
			want: Result{
				Fields: complaint.Fields{
					"naam": "Lotte Bos", "datum": "8 januari 2026",
					"omschrijving": "De begeleider\nzegde drie keer af.", "gevolgen": "Mijn team liep achter.",
					"dienst": "intervisie-begeleiding",
				},
				Missing: []string{"gewenste_afhandeling"},
				Labels:  6, Sources: []string{"html"},
			},
		},
		{
			name: "bold labels in paragraphs, reply quote in a blockquote",
			html: `<div dir="ltr"><p><b>Naam:</b></p><p>Ahmed Yilmaz</p><p><strong>Omschrijving</strong></p><p>Het certificaat is nooit gekomen.</p>` +
				`<p>Ook na twee keer bellen niet.</p><p><b>Gewenste afhandeling</b></p><p>Certificaat alsnog sturen.</p></div>` +
				`<div class="gmail_quote"><div class="gmail_attr">Op ma 2 mrt 2026 om 09:00 schreef Groeimeesters &lt;info@groeimeesters.nl&gt;:<br></div>` +
				`<blockquote class="gmail_quote"><p><b>Datum:</b> oud</p><p><b>Gevolgen:</b> oud</p></blockquote></div>`,
			want: Result{
				Fields: complaint.Fields{
					"naam": "Ahmed Yilmaz", "omschrijving": "Het certificaat is nooit gekomen.\n\nOok na twee keer bellen niet.",
					"gewenste_afhandeling": "Certificaat alsnog sturen.",
				},
				Missing: []string{"datum", "gevolgen", "dienst"},
				Labels:  3, Sources: []string{"html"},
			},
		},
		{
			name: "HTML form inputs: checked radio button",
			html: `<form><label>Naam</label><input type="text" value="Kim"><label>Dienst</label>` +
				`<label><input type="radio" name="d"> intervisie-begeleiding</label><label><input type="radio" name="d" checked> online cursus</label></form>`,
			want: Result{
				Fields:  complaint.Fields{"naam": "Kim", "dienst": "online cursus"},
				Missing: []string{"datum", "omschrijving", "gevolgen", "gewenste_afhandeling"},
				Labels:  2, Sources: []string{"html"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.text, tt.html, nil, "", testServices)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), ignoreText); diff != "" {
				t.Errorf("Extract() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchService(t *testing.T) {
	tests := []struct {
		answer string
		want   string
		ok     bool
	}{
		{"online cursus", "online cursus", true},
		{"Online Cursus.", "online cursus", true},
		{"onlinecursus", "online cursus", true},
		{"online crusus", "online cursus", true},
		{"de online cursus over leiderschap", "online cursus", true},
		{"(In Company) Training", "(in company) training", true},
		{"in-company training", "(in company) training", true},
		{"incompany trainig", "(in company) training", true},
		{"training", "(in company) training", true},
		{"Intervisie", "intervisie-begeleiding", true},
		{"intervisiebegeleiding", "intervisie-begeleiding", true},
		{"intervisie begeleidng", "intervisie-begeleiding", true},
		{"[x] online cursus", "online cursus", true},
		{"X (in company) training", "(in company) training", true},
		{"intervisie-begeleiding     X (in company) training     online cursus", "(in company) training", true},
		{"☐ intervisie-begeleiding ☒ (in company) training ☐ online cursus", "(in company) training", true},
		{"[ ] intervisie-begeleiding\n[X] online cursus\n[ ] (in company) training", "online cursus", true},
		{"intervisie-begeleiding     (in company) training     online cursus", "", false},
		{"[ ] online cursus\n[ ] intervisie-begeleiding", "", false},
		{"workshop timemanagement", "", false},
		{"", "", false},
		{"x", "", false},
	}
	for _, tt := range tests {
		got, ok := MatchService(tt.answer, testServices)
		if got != tt.want || ok != tt.ok {
			t.Errorf("MatchService(%q) = %q, %v; want %q, %v", tt.answer, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := MatchService("online cursus", nil); ok {
		t.Error("MatchService with no services: want no match")
	}
}
