package complaint

import (
	"slices"
	"strings"
	"testing"
)

// TestFindRefInvisible: invisible characters inside or around a reference — what mail
// clients, copy-paste and attackers put there — do not hide it: it is matched as it reads.
func TestFindRefInvisible(t *testing.T) {
	tests := []struct {
		name, subject string
	}{
		{"word joiner U+2060", "Re: [KL-2026-\u20600007] Uw klacht"},
		{"soft hyphen U+00AD", "Re: [KL-20\u00ad26-0007] Uw klacht"},
		{"right-to-left override U+202E", "Re: [\u202eKL-2026-0007\u202c] Uw klacht"},
		{"zero-width space U+200B", "Re: [KL\u200b-2026-0007]"},
		{"zero-width joiner and non-joiner", "Re: [K\u200dL-2026-00\u200c07]"},
		{"byte order mark U+FEFF", "Re: [KL-2026\ufeff-0007]"},
		{"left-to-right mark and isolate", "Re: [KL-2026-\u200e0007\u2066\u2069]"},
		{"invisible times U+2062", "Re: [KL-2026-00\u206207]"},
		{"combining grapheme joiner U+034F", "Re: [KL-2026-0\u034f007]"},
		{"Hangul filler U+3164", "Re: [KL-2026-\u31640007]"},
		{"variation selector U+FE0F", "Re: [KL-2026-0007\ufe0f]"},
		{"tag character U+E0041", "Re: [KL-2026-0007\U000e0041]"},
		{"no-break space U+00A0", "Re: [KL-2026-\u00a00007]"},
		{"narrow no-break space U+202F", "Re: [\u202fKL-2026-0007]"},
		{"several at once", "Re: [\u2060K\u00adL\u202e-\u200b2026\u2060-\u00ad0007\u202c]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := FindRef(tt.subject); !ok || got != "KL-2026-0007" {
				t.Errorf("FindRef(%q) = %q, %v; want KL-2026-0007", tt.subject, got, ok)
			}
		})
	}
	// A visible character in the middle is no reference, and ParseRef reads invisible ones too.
	for _, bad := range []string{"[KL-2026-00x07]", "[KL-2026-00.07]", "[KL\u2013-2026-0007]"} {
		if got, ok := FindRef(bad); ok {
			t.Errorf("FindRef(%q) = %q, want no reference", bad, got)
		}
	}
	if y, s, err := ParseRef("KL-2026-\u20600007"); err != nil || y != 2026 || s != 7 {
		t.Errorf("ParseRef with a word joiner = %d, %d, %v", y, s, err)
	}
}

// TestIsRefInvisible: a bracketed reference with invisible characters is no tag: ParseTags
// skips it instead of calling it an unknown tag or mistaking it for prose.
func TestIsRefInvisible(t *testing.T) {
	for _, inner := range []string{"KL-2026-\u20600007", "KL-20\u00ad26-0007", "\u202eKL-2026-0007\u202c"} {
		if !isRef(inner) {
			t.Errorf("isRef(%q) = false, want true", inner)
		}
	}
}

func TestFindRefs(t *testing.T) {
	tests := []struct {
		subject string
		want    []string
	}{
		{"Re: Fwd: [KL-2026-0005] Uw klacht [KL-2026-0001] [in-behandeling]", []string{"KL-2026-0005", "KL-2026-0001"}},
		{"Re: [KL-2026-0005] Re: [kl-2026-0005] [gegrond]", []string{"KL-2026-0005"}},
		{"Re: [KL-2026-0005] en [KL-2026-00\u206005]", []string{"KL-2026-0005"}},
		{"[KL-2027-00042] [KL-2027-0042]", []string{"KL-2027-0042"}},
		{"geen verwijzing [gegrond]", nil},
	}
	for _, tt := range tests {
		if got := FindRefs(tt.subject); !slices.Equal(got, tt.want) {
			t.Errorf("FindRefs(%q) = %q, want %q", tt.subject, got, tt.want)
		}
	}
}

// FuzzFindRefs: whatever the subject, invisible characters between its characters change
// no reference found, and every reference found reads back with ParseRef.
func FuzzFindRefs(f *testing.F) {
	for _, s := range []string{"Re: [KL-2026-0007] Uw klacht", "Re: Fwd: [KL-2026-0005] … [KL-2026-0001] [in-behandeling]",
		"[ KL - 2027 - 000000042 ]", "[KL-2026-\u20600007]", "[kl-2026-0007\u202e]", "[[KL-2026-0007]]", "\xff[KL-2026-0007]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		refs := FindRefs(s)
		var b strings.Builder
		for _, r := range s {
			b.WriteRune(r)
			b.WriteString("\u2060\u00ad")
		}
		if got := FindRefs(b.String()); !slices.Equal(got, refs) {
			t.Errorf("FindRefs(%q) = %q, with invisible characters between = %q", s, refs, got)
		}
		for _, ref := range refs {
			y, n, err := ParseRef(ref)
			if err != nil || FormatRef(y, n) != ref {
				t.Errorf("FindRefs(%q) found %q, which ParseRef reads as %d, %d, %v", s, ref, y, n, err)
			}
		}
	})
}
