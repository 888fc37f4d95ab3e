package wording

import "testing"

// TestEachSentenceOnce: no two phrases say the same in either language, so a sentence has one
// constant and a change of its wording is one edit (two phrases of one text would drift apart).
func TestEachSentenceOnce(t *testing.T) {
	seen := map[string]Phrase{}
	for p := Phrase(0); p < count; p++ {
		for _, text := range []string{"nl: " + phrases[p].nl, "en: " + phrases[p].en} {
			if q, ok := seen[text]; ok {
				t.Errorf("phrases %d and %d both say %q", q, p, text)
			}
			seen[text] = p
		}
	}
}
