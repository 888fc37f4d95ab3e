package wording

import "testing"

// TestEachSentenceOnce: no two phrases say the same in both languages, so a sentence has one
// constant and a change of its wording is one edit (two phrases of one sentence would drift
// apart). Two phrases may share their text in one language, though: a word can translate two
// ways, and then the two are different sentences, each changed on its own (the report's
// "Afgehandeld" and show's "Afgesloten" are both "Closed" in English). Only a pair equal in
// Dutch and in English is one sentence kept twice.
func TestEachSentenceOnce(t *testing.T) {
	seen := map[[2]string]Phrase{}
	for p := Phrase(0); p < count; p++ {
		text := [2]string{phrases[p].nl, phrases[p].en}
		if q, ok := seen[text]; ok {
			t.Errorf("phrases %d and %d both say %q / %q", q, p, text[0], text[1])
		}
		seen[text] = p
	}
}
