package mailparse

import (
	"strings"
	"testing"
	"unicode"
)

// countStopwordsReference is the plain definition countStopwords must match.
func countStopwordsReference(line string) (nl, en int) {
	for _, w := range strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}) {
		w = strings.Trim(w, "'")
		if stopwordsNL[w] {
			nl++
		}
		if stopwordsEN[w] {
			en++
		}
	}
	return nl, en
}

func TestCountStopwords(t *testing.T) {
	lines := []string{
		"", "Ik wil een klacht indienen over de training.", "I'M NOT happy with the 'course' and my money",
		"'de' ''het'' een-en-van, DON'T can't thank", "Geachte heer, met vriendelijke groeten", "ÉÉN Één de\u00a0het\tEN",
		strings.Repeat("zeerlangwoordzonderspaties", 10) + " de the", "\xff\xfe de \x00 the", "123 de4the 5",
	}
	for _, line := range lines {
		wantNL, wantEN := countStopwordsReference(line)
		nl, en := countStopwords(line, 0, 0)
		if nl != wantNL || en != wantEN {
			t.Errorf("%q: nl %d en %d, want nl %d en %d", line, nl, en, wantNL, wantEN)
		}
	}
}
