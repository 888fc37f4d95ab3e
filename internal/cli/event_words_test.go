package cli

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// checkWords: every kind has words in both languages, shown by show as they stand in the
// table, and the table holds no kind that is not one of kinds.
func checkWords[K ~string](t *testing.T, what string, kinds []K, table map[K][2]string, show func(lang, string) string) {
	t.Helper()
	known := map[K]bool{}
	for _, k := range kinds {
		known[k] = true
		w, ok := table[k]
		if !ok || w[0] == "" || w[1] == "" {
			t.Errorf("%s %q has no words (nl %q, en %q)", what, k, w[0], w[1])
			continue
		}
		if got := show("en", string(k)); got != w[1] {
			t.Errorf("en: %s %q shown as %q, want %q", what, k, got, w[1])
		}
		if got := show("nl", string(k)); got != w[0] {
			t.Errorf("nl: %s %q shown as %q, want %q", what, k, got, w[0])
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
