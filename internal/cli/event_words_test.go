package cli

import (
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// checkWords: every kind has words in both languages (a wording.Phrase; that every phrase has
// both is TestEveryPhraseInBothLanguages'), shown by show as the phrase says them, no two kinds
// of one table shown alike, and the table holds no kind that is not one of kinds.
func checkWords[K ~string](t *testing.T, what string, kinds []K, table map[K]wording.Phrase, show func(lang, string) string) {
	t.Helper()
	known := map[K]bool{}
	shownAs := map[string]K{}
	for _, k := range kinds {
		known[k] = true
		p, ok := table[k]
		if !ok {
			t.Errorf("%s %q has no words", what, k)
			continue
		}
		for _, l := range []lang{"nl", "en"} {
			want := p.In(string(l))
			if strings.TrimSpace(want) == "" {
				t.Errorf("%s: %s %q has no words", l, what, k)
			}
			if got := show(l, string(k)); got != want {
				t.Errorf("%s: %s %q shown as %q, want %q", l, what, k, got, want)
			}
			if other, ok := shownAs[string(l)+": "+want]; ok {
				t.Errorf("%s: %ss %q and %q are both shown as %q", l, what, other, k, want)
			}
			shownAs[string(l)+": "+want] = k
		}
	}
	for k := range table {
		if !known[k] {
			t.Errorf("the words for %s have %q, which is not one", what, k)
		}
	}
}

// TestEveryEventKindHasWords: every kind of timeline entry klachtd writes has its words in
// both languages for `klachtd show` (quoted-tags once had none and showed as it is), and
// eventWords holds no kind klachtd does not write.
func TestEveryEventKindHasWords(t *testing.T) {
	checkWords(t, "timeline kind", complaint.EventKinds(), eventWords, lang.event)
}

// TestEveryMailKindHasWords: every kind of mail in that klachtd keeps has its words in both
// languages for `klachtd show` and the export (unlinked-command once had none), and
// incomingWords holds no kind klachtd does not keep.
func TestEveryMailKindHasWords(t *testing.T) {
	checkWords(t, "mail kind", complaint.MailKinds(), incomingWords, lang.incoming)
}
