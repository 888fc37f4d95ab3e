package mailparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseAddressList: display names that hold a comma or a semicolon once decoded (or
// undecoded, as some encoders leave ';' in a Q-encoded word) keep their address: a From
// header split there would lose the complainant's address and with it the confirmation.
func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want []Address
	}{
		{"Jan de Vries <jan@example.nl>", []Address{{Name: "Jan de Vries", Email: "jan@example.nl"}}},
		{"=?utf-8?q?Jan_;_de_Vries?= <jan@example.nl>", []Address{{Name: "Jan ; de Vries", Email: "jan@example.nl"}}},
		{"=?utf-8?q?Vries,_Jan_de?= <jan@example.nl>", []Address{{Name: "Vries, Jan de", Email: "jan@example.nl"}}},
		{"=?UTF-8?Q?Jan_de_Vries_=3B_BV?= <jan@example.nl>", []Address{{Name: "Jan de Vries ; BV", Email: "jan@example.nl"}}},
		{"=?utf-8?q?A_;_B?= <a@example.nl>, =?utf-8?b?Qywg?= <b@example.nl>",
			[]Address{{Name: "A ; B", Email: "a@example.nl"}, {Name: "C,", Email: "b@example.nl"}}},
		{`"Jan ; Vries" <jan@example.nl>`, []Address{{Name: "Jan ; Vries", Email: "jan@example.nl"}}},
		{"a@example.nl; b@example.nl", []Address{{Email: "a@example.nl"}, {Email: "b@example.nl"}}},
		{"=?utf-8?q?broken <jan@example.nl>, x@example.nl", []Address{{Name: "=?utf-8?q?broken", Email: "jan@example.nl"}, {Email: "x@example.nl"}}},
	}
	for _, tt := range tests {
		got, _ := parseAddressList(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseAddressList(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
