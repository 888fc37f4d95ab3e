package mailparse

import "testing"

// TestAutoSpecMarkers: every marker of automatic mail makes a mail automatic (RFC 3834
// Auto-Submitted, Precedence bulk, list and junk, List-Id), whatever its case; each is tested
// alone, so that dropping one from the code fails here.
func TestAutoSpecMarkers(t *testing.T) {
	base := "From: a@example.nl\nTo: info@intervisie-begeleiding.nl\nMessage-ID: <x@example.nl>\nSubject: Klacht over de training\n"
	tests := []struct{ header, want string }{
		{"Auto-Submitted: auto-generated", "auto-submitted: auto-generated"},
		{"Auto-Submitted: auto-replied", "auto-submitted: auto-replied"},
		{"Auto-Submitted: auto-notified", "auto-submitted: auto-notified"},
		{"Precedence: bulk", "precedence: bulk"},
		{"Precedence: list", "precedence: list"},
		{"Precedence: junk", "precedence: junk"},
		{"Precedence: JUNK", "precedence: junk"},
		{"Precedence: Junk (spam filter)", "precedence: junk"},
		{"List-Id: Nieuwsbrief <nieuws.example.org>", "list-id"},
		{"Auto-Submitted: No", ""},
		{"Precedence: normal", ""},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(base + tt.header + "\n\nIk wil een klacht indienen.\n"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Auto != tt.want {
			t.Errorf("%q: Auto = %q, want %q", tt.header, m.Auto, tt.want)
		}
	}
}
