package wording

import (
	"slices"
	"testing"
)

// day is a Localized argument for the test: a weekday in each language.
type day struct{ nl, en string }

func (d day) Localize(lang string) string {
	if lang == "en" {
		return d.en
	}
	return d.nl
}

// TestLocalizedArgs: an argument that is Localized is written in the phrase's language (a
// phrase kept with its arguments, as complaint's errors are, reads right in either), other
// arguments as they are, and the caller's arguments are left as they were.
func TestLocalizedArgs(t *testing.T) {
	args := []any{day{"maandag", "Monday"}, "KL-2027-0001"}
	for _, tt := range []struct{ lang, want string }{
		{"nl", "Klacht maandag van KL-2027-0001"},
		{"en", "Complaint Monday by KL-2027-0001"},
		{"", "Klacht maandag van KL-2027-0001"},
	} {
		if got := Summary.In(tt.lang, args...); got != tt.want {
			t.Errorf("In(%q): %q, want %q", tt.lang, got, tt.want)
		}
	}
	if want := []any{day{"maandag", "Monday"}, "KL-2027-0001"}; !slices.Equal(args, want) {
		t.Errorf("In changed its arguments: %v, want %v", args, want)
	}
}
