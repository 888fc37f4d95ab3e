package cli

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestEveryEventKindHasWords: every kind of timeline entry klachtd writes has its words in
// both languages for `klachtd show` (quoted-tags once had none and showed as it is), and
// eventWords holds no kind klachtd does not write.
func TestEveryEventKindHasWords(t *testing.T) {
	kinds := map[complaint.EventKind]bool{}
	for _, k := range complaint.EventKinds() {
		kinds[k] = true
		w, ok := eventWords[k]
		if !ok || w[0] == "" || w[1] == "" {
			t.Errorf("timeline kind %q has no words (nl %q, en %q)", k, w[0], w[1])
			continue
		}
		if got := lang("en").event(string(k)); got != w[1] {
			t.Errorf("en: kind %q shown as %q, want %q", k, got, w[1])
		}
		if got := lang("nl").event(string(k)); got != w[0] {
			t.Errorf("nl: kind %q shown as %q, want %q", k, got, w[0])
		}
	}
	for k := range eventWords {
		if !kinds[k] {
			t.Errorf("eventWords has %q, which is not in complaint.EventKinds", k)
		}
	}
}

// TestEveryMailKindHasWords: every kind of mail in that klachtd keeps has its words in both
// languages for `klachtd show` and the export (unlinked-command once had none), and
// incomingWords holds no kind klachtd does not keep.
func TestEveryMailKindHasWords(t *testing.T) {
	kinds := map[complaint.MailKind]bool{}
	for _, k := range complaint.MailKinds() {
		kinds[k] = true
		w, ok := incomingWords[k]
		if !ok || w[0] == "" || w[1] == "" {
			t.Errorf("mail kind %q has no words (nl %q, en %q)", k, w[0], w[1])
			continue
		}
		if got := lang("en").incoming(string(k)); got != w[1] {
			t.Errorf("en: kind %q shown as %q, want %q", k, got, w[1])
		}
		if got := lang("nl").incoming(string(k)); got != w[0] {
			t.Errorf("nl: kind %q shown as %q, want %q", k, got, w[0])
		}
	}
	for k := range incomingWords {
		if !kinds[k] {
			t.Errorf("incomingWords has %q, which is not in complaint.MailKinds", k)
		}
	}
}
