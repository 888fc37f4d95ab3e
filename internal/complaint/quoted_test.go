package complaint

import (
	"slices"
	"testing"
	"time"
)

func TestOwnTags(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	tests := []struct {
		name      string
		subject   string
		quoted    []string
		own       []TagKind
		ownErrs   int
		quotedRaw []string
	}{
		{"reply-all keeps the complainant's planted tags", "RE: Re: [KL-2026-0002] Mijn klacht [gegrond] [afgehandeld]",
			[]string{"Re: [KL-2026-0002] Mijn klacht [gegrond] [afgehandeld]"}, nil, 0, []string{"[gegrond]", "[afgehandeld]"}},
		{"the staff member's own tag beside them", "RE: Re: [KL-2026-0002] Mijn klacht [gegrond] [afgehandeld] [in-behandeling]",
			[]string{"Re: [KL-2026-0002] Mijn klacht [gegrond] [afgehandeld]"}, []TagKind{TagInBehandeling}, 0, []string{"[gegrond]", "[afgehandeld]"}},
		{"an alias of a quoted tag is the same tag", "RE: [KL-2026-0002] [Terecht]", []string{"[KL-2026-0002] [gegrond]"}, nil, 0, []string{"[Terecht]"}},
		{"the same tag added once more is meant", "RE: [KL-2026-0002] [gegrond] [gegrond]", []string{"[KL-2026-0002] [gegrond]"},
			[]TagKind{TagGegrond}, 0, []string{"[gegrond]"}},
		{"another term is another command", "RE: [KL-2026-0002] [verlenging 2w] [verlenging 3w]", []string{"[KL-2026-0002] [verlenging 2w]"},
			[]TagKind{TagVerlenging}, 0, []string{"[verlenging 2w]"}},
		{"a quoted unreadable tag is no error of the staff member", "RE: [KL-2026-0002] [URGENT] [info-nodig]", []string{"[KL-2026-0002] [urgent]"},
			[]TagKind{TagInfoNodig}, 0, []string{"[URGENT]"}},
		{"an unreadable tag of their own is", "RE: [KL-2026-0002] [gegrnd]", []string{"[KL-2026-0002] vraag"}, nil, 1, nil},
		{"quoted from two mails counts once", "Fwd: RE: [KL-2026-0002] [gegrond] [afgehandeld]",
			[]string{"RE: [KL-2026-0002] [gegrond]", "[KL-2026-0002] [gegrond]"}, []TagKind{TagAfgehandeld}, 0, []string{"[gegrond]"}},
		{"nothing quoted: every tag counts", "[KL-2026-0002] [gegrond] [afgehandeld]", nil, []TagKind{TagGegrond, TagAfgehandeld}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, errs, quoted := OwnTags(tt.subject, tt.quoted, now, loc)
			var kinds []TagKind
			for _, tg := range own {
				kinds = append(kinds, tg.Kind)
			}
			if !slices.Equal(kinds, tt.own) || len(errs) != tt.ownErrs || !slices.Equal(quoted, tt.quotedRaw) {
				t.Errorf("OwnTags = %v, %d errors %v, quoted %q; want %v, %d errors, quoted %q", kinds, len(errs), errs, quoted, tt.own, tt.ownErrs, tt.quotedRaw)
			}
		})
	}
}
