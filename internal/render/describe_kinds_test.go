package render

import (
	"strings"
	"testing"
)

// TestEveryKindDescribed: every kind of mail the templates have is said in words by Describe
// in both languages, the phrase as wording writes it, no two kinds alike, and the table holds
// no kind the templates do not have. KindStoring is the one without words: an alarm is queued
// on no case, so neither `klachtd show` nor a staff confirmation ever names it.
func TestEveryKindDescribed(t *testing.T) {
	known := map[Kind]bool{}
	shownAs := map[string]string{}
	for _, k := range Kinds() {
		known[Kind(k)] = true
		p, ok := descriptions[Kind(k)]
		if Kind(k) == KindStoring {
			if ok {
				t.Errorf("kind %q has words now: drop it from this exception", k)
			}
			continue
		}
		if !ok {
			t.Errorf("kind %q has no words", k)
			continue
		}
		for _, lang := range []string{"nl", "en"} {
			want := p.In(lang)
			if got := Describe(k, lang); got != want || strings.TrimSpace(got) == "" {
				t.Errorf("%s: kind %q described as %q, want %q", lang, k, got, want)
			}
			if other, ok := shownAs[lang+": "+want]; ok {
				t.Errorf("%s: kinds %q and %q are both described as %q", lang, other, k, want)
			}
			shownAs[lang+": "+want] = k
		}
	}
	for k := range descriptions {
		if !known[k] {
			t.Errorf("descriptions have %q, which is not a kind of mail", k)
		}
	}
	if got, want := Describe(string(KindStatus), "EN-gb"), "status update"; got != want {
		t.Errorf("Describe(status, EN-gb): %q, want %q (the language as render reads it)", got, want)
	}
	if got := Describe("zz-newer", "nl"); got != "zz-newer" {
		t.Errorf("an unknown kind described as %q, want it as it is", got)
	}
}
