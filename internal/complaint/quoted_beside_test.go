package complaint

import (
	"slices"
	"testing"
	"time"
)

// TestOwnTagsBeside: when the link to the answered mail is not signed, tags standing in the
// case's other subjects (the complainant's) are left out as planted; the answered subject's
// tags stay "quoted"; counting is per tag over all subjects together.
func TestOwnTagsBeside(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	const planted = "Re: [KL-2026-0002] Bevestiging van uw klacht [gegrond] [afgehandeld]"
	tests := []struct {
		name               string
		subject            string
		answered, others   []string
		own                []TagKind
		ownErrs            int
		quoted, plantedRaw []string
	}{
		{"replayed without In-Reply-To: every planted tag left out", "RE: " + planted,
			nil, []string{planted}, nil, 0, nil, []string{"[gegrond]", "[afgehandeld]"}},
		{"In-Reply-To rewritten to a mail without tags", "RE: " + planted,
			[]string{"[KL-2026-0002] Bevestiging van uw klacht"}, []string{"Klacht over de training", planted}, nil, 0, nil, []string{"[gegrond]", "[afgehandeld]"}},
		{"a staff member's own tag no complainant wrote counts", "RE: [KL-2026-0002] Bevestiging van uw klacht [in-behandeling]",
			[]string{"[KL-2026-0002] Bevestiging van uw klacht"}, []string{planted}, []TagKind{TagInBehandeling}, 0, nil, nil},
		{"[gegrond] when no one else wrote it counts", "RE: [KL-2026-0002] Nieuwe klacht [gegrond]",
			[]string{"[KL-2026-0002] Nieuwe klacht"}, []string{"Klacht over de training", "Re: [KL-2026-0002] [info-nodig]?"}, []TagKind{TagGegrond}, 0, nil, nil},
		{"the answered mail is one of the others: quoted, not twice left out", "RE: " + planted + " [gegrond]",
			[]string{planted}, []string{planted}, []TagKind{TagGegrond}, 0, []string{"[gegrond]", "[afgehandeld]"}, nil},
		{"the most a subject holds, not the sum", "[KL-2026-0002] [gegrond] [gegrond] [gegrond]",
			[]string{"[gegrond]"}, []string{"[gegrond] [gegrond]", "[gegrond]"}, []TagKind{TagGegrond}, 0, []string{"[gegrond]"}, []string{"[gegrond]"}},
		{"an alias planted is the same tag", "RE: [KL-2026-0002] [terecht]", nil, []string{"[gegrond]"}, nil, 0, nil, []string{"[terecht]"}},
		{"an unreadable planted tag is no error of the staff member", "RE: [KL-2026-0002] [URGENT]", nil, []string{"[urgent] hulp"}, nil, 0, nil, []string{"[URGENT]"}},
		{"no others: as OwnTags", "RE: [KL-2026-0002] [gegrond] [afgehandeld]", []string{"[KL-2026-0002] [gegrond]"}, nil,
			[]TagKind{TagAfgehandeld}, 0, []string{"[gegrond]"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, errs, quoted, plantedRaw := OwnTagsBeside(tt.subject, tt.answered, tt.others, now, loc)
			var kinds []TagKind
			for _, tg := range own {
				kinds = append(kinds, tg.Kind)
			}
			if !slices.Equal(kinds, tt.own) || len(errs) != tt.ownErrs || !slices.Equal(quoted, tt.quoted) || !slices.Equal(plantedRaw, tt.plantedRaw) {
				t.Errorf("OwnTagsBeside = %v, %d errors %v, quoted %q, planted %q; want %v, %d errors, quoted %q, planted %q",
					kinds, len(errs), errs, quoted, plantedRaw, tt.own, tt.ownErrs, tt.quoted, tt.plantedRaw)
			}
		})
	}
}
