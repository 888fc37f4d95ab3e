package wording

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var updatePhrases = flag.Bool("update-phrases", false, "rewrite testdata/phrases.golden from the table")

// verbs are fmt's verbs in a phrase, as the phrases use them (%s, %d, %q, %[1]s).
var verbs = regexp.MustCompile(`%(?:\[(\d+)\])?([sdq])`)

// phraseArgs are sample arguments for p's verbs: ‹1›, ‹2› … for strings, 1, 2 … for numbers.
func phraseArgs(t *testing.T, text string) []any {
	t.Helper()
	var args []any
	next := 0
	for _, m := range verbs.FindAllStringSubmatch(text, -1) {
		i := next
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1])
			i = n - 1
		} else {
			next++
		}
		for len(args) <= i {
			args = append(args, nil)
		}
		if m[2] == "d" {
			args[i] = i + 1
		} else {
			args[i] = fmt.Sprintf("‹%d›", i+1)
		}
	}
	return args
}

// TestEveryPhraseInBothLanguages: each phrase has a Dutch and an English text with the same
// verbs, so that neither language is missing a value or shows fmt's %!(EXTRA …) or
// %!s(MISSING).
func TestEveryPhraseInBothLanguages(t *testing.T) {
	for p := Phrase(0); p < count; p++ {
		w := phrases[p]
		if strings.TrimSpace(w.nl) == "" || strings.TrimSpace(w.en) == "" {
			t.Errorf("phrase %d: nl %q, en %q: both languages wanted", p, w.nl, w.en)
			continue
		}
		nl, en := verbs.FindAllString(w.nl, -1), verbs.FindAllString(w.en, -1)
		slices.Sort(nl)
		slices.Sort(en)
		if !slices.Equal(nl, en) {
			t.Errorf("phrase %d: verbs %v in Dutch, %v in English:\n\t%s\n\t%s", p, nl, en, w.nl, w.en)
		}
		for _, lang := range []string{"nl", "en"} {
			if got := p.In(lang, phraseArgs(t, w.nl)...); strings.Contains(got, "%!") {
				t.Errorf("phrase %d in %s: %s", p, lang, got)
			}
		}
	}
}

// TestPhrasesAsWritten pins what every phrase says, in both languages with sample values,
// against testdata/phrases.golden (sorted, one line each): the wording moved into this table
// from the code that used it (the daemon's files, then complaint's, cli's, render's and
// report's), word for word, and changes only on purpose (go test -run TestPhrasesAsWritten
// -update-phrases, and the diff reviewed).
func TestPhrasesAsWritten(t *testing.T) {
	var lines []string
	for p := Phrase(0); p < count; p++ {
		args := phraseArgs(t, phrases[p].nl)
		lines = append(lines, "nl: "+p.In("nl", args...), "en: "+p.In("en", args...))
	}
	slices.Sort(lines)
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "phrases.golden")
	if *updatePhrases {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for _, l := range gl {
			if !slices.Contains(wl, l) {
				t.Errorf("phrase says now:\n\t%s", l)
			}
		}
		for _, l := range wl {
			if !slices.Contains(gl, l) {
				t.Errorf("phrase no longer says:\n\t%s", l)
			}
		}
	}
}
