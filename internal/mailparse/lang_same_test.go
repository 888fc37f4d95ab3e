package mailparse

import (
	"strings"
	"testing"
)

func stopwordCases(t testing.TB) []string {
	cases := []string{"", "De klacht, THE complaint!", "'t is i'm don't 'the' ''", "İK BEN \u212Aind regards",
		"ÉÉN één straße Über", "a\xffthe\xc3 en", "Mijn-klacht_over de;training", strings.Repeat("x", 70) + " de"}
	for _, s := range cleanTextCases(t) {
		cases = append(cases, strings.Split(s, "\n")...)
	}
	return cases
}

// TestCountStopwordsSame: the byte-wise count is the reference's (lang_test.go) on every line
// of the corpus too.
func TestCountStopwordsSame(t *testing.T) {
	for _, s := range stopwordCases(t) {
		gn, ge := countStopwords(s, 0, 0)
		wn, we := countStopwordsReference(s)
		if gn != wn || ge != we {
			t.Errorf("countStopwords(%.60q) = %d, %d; want %d, %d", s, gn, ge, wn, we)
		}
	}
}

func FuzzCountStopwords(f *testing.F) {
	for _, s := range stopwordCases(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gn, ge := countStopwords(s, 0, 0)
		wn, we := countStopwordsReference(s)
		if gn != wn || ge != we {
			t.Errorf("countStopwords(%q) = %d, %d; want %d, %d", s, gn, ge, wn, we)
		}
	})
}

func BenchmarkDetectLanguage(b *testing.B) {
	s := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40) + "\n"
	s = strings.Repeat(s, 2) + "Met vriendelijke groet,\nJan Jansen — één keer\n"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		DetectLanguage(s)
	}
}
