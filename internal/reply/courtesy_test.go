package reply

import "testing"

func TestWithoutCourtesy(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"outlook signature", "Beste Jan,\n\nWij geven u gelijk.\nU krijgt een nieuwe bijeenkomst.\n\nMet vriendelijke groet,\n\nMilou Meijer\nKlachtfunctionaris | Groeimeesters\nM 06 12345678",
			"Wij geven u gelijk.\nU krijgt een nieuwe bijeenkomst."},
		{"english", "Dear Emily,\n\nWe agree with you.\n\nKind regards,\nMilou", "We agree with you."},
		{"short closing", "Hoi Jan!\nKlopt, dat regelen we.\nGroet, Milou", "Klopt, dat regelen we."},
		{"no courtesy", "Wij hebben de trainer gesproken.", "Wij hebben de trainer gesproken."},
		{"salutation only line is kept", "Beste Jan,", "Beste Jan,"},
		{"closing followed by a long sentence is kept", "Wij geven u gelijk.\nMet vriendelijke groet van de trainer, die ook zijn excuses aanbiedt voor wat er gebeurd is en u graag spreekt.",
			"Wij geven u gelijk.\nMet vriendelijke groet van de trainer, die ook zijn excuses aanbiedt voor wat er gebeurd is en u graag spreekt."},
		{"a sentence starting like a greeting stays", "Dag en nacht hebben wij gezocht naar een oplossing, en die is er.\nU hoort van ons.",
			"Dag en nacht hebben wij gezocht naar een oplossing, en die is er.\nU hoort van ons."},
		{"mvg", "Geachte mevrouw De Vries,\n\nU krijgt uw geld terug.\n\nMvg\nMilou", "U krijgt uw geld terug."},
	}
	for _, tt := range tests {
		if got := WithoutCourtesy(tt.in); got != tt.want {
			t.Errorf("%s: WithoutCourtesy(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}
