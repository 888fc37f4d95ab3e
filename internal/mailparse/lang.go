package mailparse

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stopwords that are common in one language and rare in the other; words shared by both
// ("in", "is", "was", "we") are left out.
var (
	stopwordsNL = wordSet("de het een en van ik je jij niet dat op te zijn met voor wij ons u uw " +
		"mijn maar ook er naar bij om heb heeft deze die dit wat kan graag geen nog wel " +
		"hebben werd worden wordt omdat door als dan hoe waar mij zou zich uit tot toen veel goed " +
		"bedankt groet groeten vriendelijke geachte beste klacht")
	stopwordsEN = wordSet("the and to a you not that it for with on my your has but this be are " +
		"would please from at an they there which about been were will what when can't don't " +
		"i'm thank thanks regards dear kind sincerely could should our their if or complaint")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// countStopwords adds the Dutch and English stopwords of one line to nl and en. Words are
// the runs of letters and apostrophes of the lower-cased line, apostrophes trimmed; it is
// strings.FieldsFunc over strings.ToLower without allocating for every line and word.
func countStopwords(line string, nl, en int) (int, int) {
	var buf [64]byte
	word := buf[:0]
	flush := func() {
		w := bytes.Trim(word, "'")
		if stopwordsNL[string(w)] { // a map index by string(bytes) does not allocate
			nl++
		}
		if stopwordsEN[string(w)] {
			en++
		}
		word = word[:0]
	}
	for _, r := range line {
		r = unicode.ToLower(r)
		if !unicode.IsLetter(r) && r != '\'' {
			if len(word) > 0 {
				flush()
			}
			continue
		}
		word = utf8.AppendRune(word, r)
	}
	if len(word) > 0 {
		flush()
	}
	return nl, en
}

// maxLanguageScan bounds the text looked at.
const maxLanguageScan = 32 << 10

// DetectLanguage tells Dutch ("nl") from English ("en") by counting stopwords in the text,
// skipping quoted lines ("> ..."). It returns "" when there are too few words to tell or
// neither language clearly leads.
func DetectLanguage(text string) string {
	text = truncateUTF8(text, maxLanguageScan)
	var nl, en int
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		nl, en = countStopwords(line, nl, en)
	}
	switch {
	case nl+en < 3:
		return ""
	case nl > en*3/2 && nl >= 2:
		return "nl"
	case en > nl*3/2 && en >= 2:
		return "en"
	}
	return ""
}
