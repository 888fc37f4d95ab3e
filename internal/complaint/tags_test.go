package complaint

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTags(t *testing.T) {
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, ams)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, ams) }
	const w = 7 * 24 * time.Hour
	tests := []struct {
		subject string
		want    []Tag
		errs    []string // the Tag of each *TagError
	}{
		{"Re: [KL-2027-0001] Uw klacht", nil, nil},
		{"Re: [KL-2027-0001] [gegrond]", []Tag{{Kind: TagGegrond, Raw: "[gegrond]"}}, nil},
		{"RE: [KL-2027-0001] [GEGROND]", []Tag{{Kind: TagGegrond, Raw: "[GEGROND]"}}, nil},
		{"[terecht]", []Tag{{Kind: TagGegrond, Raw: "[terecht]"}}, nil},
		{"[Justified]", []Tag{{Kind: TagGegrond, Raw: "[Justified]"}}, nil},
		{"[onterecht][unjustified]", []Tag{{Kind: TagOngegrond, Raw: "[onterecht]"}, {Kind: TagOngegrond, Raw: "[unjustified]"}}, nil},
		{"[gesloten] [closed]", []Tag{{Kind: TagAfgehandeld, Raw: "[gesloten]"}, {Kind: TagAfgehandeld, Raw: "[closed]"}}, nil},
		{"[notitie] [note] [intern]", []Tag{{Kind: TagIntern, Raw: "[notitie]"}, {Kind: TagIntern, Raw: "[note]"}, {Kind: TagIntern, Raw: "[intern]"}}, nil},
		{"[in behandeling]", []Tag{{Kind: TagInBehandeling, Raw: "[in behandeling]"}}, nil},
		{"[ In-Behandeling ]", []Tag{{Kind: TagInBehandeling, Raw: "[ In-Behandeling ]"}}, nil},
		{"[in-progress]", []Tag{{Kind: TagInBehandeling, Raw: "[in-progress]"}}, nil},
		{"[info nodig] [info-needed]", []Tag{{Kind: TagInfoNodig, Raw: "[info nodig]"}, {Kind: TagInfoNodig, Raw: "[info-needed]"}}, nil},
		{"[bindend advies]", []Tag{{Kind: TagBindendAdvies, Raw: "[bindend advies]"}}, nil},
		{"[bindend-advies]", []Tag{{Kind: TagBindendAdvies, Raw: "[bindend-advies]"}}, nil},
		{"[escalate] [reopen] [new]", []Tag{{Kind: TagEscalatie, Raw: "[escalate]"}, {Kind: TagHeropend, Raw: "[reopen]"}, {Kind: TagNieuw, Raw: "[new]"}}, nil},
		{"[escalatie] [heropend] [nieuw]", []Tag{{Kind: TagEscalatie, Raw: "[escalatie]"}, {Kind: TagHeropend, Raw: "[heropend]"}, {Kind: TagNieuw, Raw: "[nieuw]"}}, nil},
		{"[verlenging 3w]", []Tag{{Kind: TagVerlenging, Raw: "[verlenging 3w]", Duration: 3 * w}}, nil},
		{"[Verlenging 10d]", []Tag{{Kind: TagVerlenging, Raw: "[Verlenging 10d]", Duration: 10 * 24 * time.Hour}}, nil},
		{"[verlenging 3 weken]", []Tag{{Kind: TagVerlenging, Raw: "[verlenging 3 weken]", Duration: 3 * w}}, nil},
		{"[extension 2 weeks]", []Tag{{Kind: TagVerlenging, Raw: "[extension 2 weeks]", Duration: 2 * w}}, nil},
		{"[verlenging 2027-02-15]", []Tag{{Kind: TagVerlenging, Raw: "[verlenging 2027-02-15]", Date: day(2027, 2, 15)}}, nil},
		{"[verlenging tot 15 februari 2027]", []Tag{{Kind: TagVerlenging, Raw: "[verlenging tot 15 februari 2027]", Date: day(2027, 2, 15)}}, nil},
		{"[verlenging-3w]", []Tag{{Kind: TagVerlenging, Raw: "[verlenging-3w]", Duration: 3 * w}}, nil},
		{"[hersteltermijn 2027-01-31]", []Tag{{Kind: TagHersteltermijn, Raw: "[hersteltermijn 2027-01-31]", Date: day(2027, 1, 31)}}, nil},
		{"[hersteltermijn 2w]", []Tag{{Kind: TagHersteltermijn, Raw: "[hersteltermijn 2w]", Duration: 2 * w}}, nil},
		{"[remediation 31/01/2027]", []Tag{{Kind: TagHersteltermijn, Raw: "[remediation 31/01/2027]", Date: day(2027, 1, 31)}}, nil},
		{"[gegrond] [hersteltermijn 31-01-2027] [afgehandeld]", []Tag{{Kind: TagGegrond, Raw: "[gegrond]"},
			{Kind: TagHersteltermijn, Raw: "[hersteltermijn 31-01-2027]", Date: day(2027, 1, 31)}, {Kind: TagAfgehandeld, Raw: "[afgehandeld]"}}, nil},
		// Gateway markers and prose are neither tags nor errors.
		{"[EXTERN] Re: [KL-2027-0001] [gegrond]", []Tag{{Kind: TagGegrond, Raw: "[gegrond]"}}, nil},
		{"[EXTERNAL] [SPAM] [Suspected Spam] [CAUTION] [extern]", nil, nil},
		{"[Groeimeesters nieuwsbrief] [1/2] [#42] []", nil, nil},
		{"Re: [KL-2027-0001] rest [without close", nil, nil},
		// Errors.
		{"[xyz]", nil, []string{"[xyz]"}},
		{"[gegrnd] [afgehandeld]", []Tag{{Kind: TagAfgehandeld, Raw: "[afgehandeld]"}}, []string{"[gegrnd]"}},
		{"[verlenging]", nil, []string{"[verlenging]"}},
		{"[verlenging 3x]", nil, []string{"[verlenging 3x]"}},
		{"[verlenging 0d]", nil, []string{"[verlenging 0d]"}},
		{"[verlenging 2027-02-30]", nil, []string{"[verlenging 2027-02-30]"}},
		{"[verlenging 31 juni 2027]", nil, []string{"[verlenging 31 juni 2027]"}},
		{"[hersteltermijn]", nil, []string{"[hersteltermijn]"}},
		{"[hersteltermijn morgen]", nil, []string{"[hersteltermijn morgen]"}},
		{"[gegrond ja]", nil, []string{"[gegrond ja]"}},
		{"[verlening 3w]", nil, []string{"[verlening 3w]"}},
		{"[hersteltermjin 2027-01-31]", nil, []string{"[hersteltermjin 2027-01-31]"}},
		{"[verlenging: 3w] [Gegrond:]", []Tag{{Kind: TagVerlenging, Raw: "[verlenging: 3w]", Duration: 3 * w},
			{Kind: TagGegrond, Raw: "[Gegrond:]"}}, nil},
		{"[[gegrond]]", []Tag{{Kind: TagGegrond, Raw: "[gegrond]"}}, nil},
	}
	for _, tt := range tests {
		tags, errs := ParseTags(tt.subject, now, ams)
		if diff := cmp.Diff(tt.want, tags); diff != "" {
			t.Errorf("ParseTags(%q) tags (-want +got):\n%s", tt.subject, diff)
		}
		var got []string
		for _, err := range errs {
			var te *TagError
			if !errors.As(err, &te) || te.Reason("nl") == "" || te.Reason("en") == "" {
				t.Errorf("ParseTags(%q): error %v is not a complete *TagError", tt.subject, err)
				continue
			}
			got = append(got, te.Tag)
		}
		if diff := cmp.Diff(tt.errs, got); diff != "" {
			t.Errorf("ParseTags(%q) errors (-want +got):\n%s", tt.subject, diff)
		}
	}
}

func TestUnknownTagSuggestion(t *testing.T) {
	_, errs := ParseTags("[ongegrnd]", testNow, ams)
	if len(errs) != 1 || !strings.Contains(errs[0].(*TagError).Reason("nl"), "[ongegrond]") ||
		!strings.Contains(errs[0].Error(), "did you mean [ongegrond]") {
		t.Errorf("got %v, want a suggestion of [ongegrond]", errs)
	}
}

func FuzzParseTags(f *testing.F) {
	for _, s := range []string{"Re: [KL-2027-0001] [gegrond]", "[verlenging 3w]", "[verlenging 15 februari 2027]",
		"[hersteltermijn 2027-01-31] [EXTERN]", "[[", "]]", "[in behandeling] [bindend advies]", "[verlenging tot 1/2/2027]",
		"[verlenging 9999999999999w]", "[ä]", "[verlenging \xff]"} {
		f.Add(s)
	}
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, ams)
	f.Fuzz(func(t *testing.T, subject string) {
		tags, errs := ParseTags(subject, now, ams)
		for _, tag := range tags {
			if !strings.Contains(subject, tag.Raw) || !strings.HasPrefix(tag.Raw, "[") {
				t.Fatalf("tag %+v: Raw not from the subject", tag)
			}
			known := false
			for _, k := range TagKinds {
				known = known || k == tag.Kind
			}
			if !known || tag.Duration < 0 || (tag.Duration != 0 && !tag.Date.IsZero()) {
				t.Fatalf("bad tag %+v", tag)
			}
		}
		for _, err := range errs {
			var te *TagError
			if !errors.As(err, &te) || te.Reason("nl") == "" || !strings.Contains(subject, te.Tag) {
				t.Fatalf("bad error %v", err)
			}
		}
	})
}
