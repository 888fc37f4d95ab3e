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

// A stopword's languages, as bits: one lookup tells both.
const (
	isNL uint8 = 1 << iota
	isEN
)

// stopwords maps each stopword to its languages; longestStopword is the length of the longest.
var stopwords, longestStopword = func() (map[string]uint8, int) {
	m, longest := map[string]uint8{}, 0
	for _, set := range []struct {
		words map[string]bool
		lang  uint8
	}{{stopwordsNL, isNL}, {stopwordsEN, isEN}} {
		for w := range set.words {
			m[w] |= set.lang
			longest = max(longest, len(w))
		}
	}
	return m, longest
}()

// countStopwords adds the Dutch and English stopwords of one line to nl and en. Words are
// the runs of letters and apostrophes of the lower-cased line, apostrophes trimmed; it is
// strings.FieldsFunc over strings.ToLower without allocating for every line and word. An
// ASCII word in lower case is looked up where it stands; others are lower-cased into buf.
func countStopwords(line string, nl, en int) (int, int) {
	var buf [64]byte
	for i := 0; i < len(line); {
		start, ascii, lower := i, true, true
		for i < len(line) {
			c := line[i]
			if c >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(line[i:])
				if !unicode.IsLetter(unicode.ToLower(r)) {
					break
				}
				ascii = false
				i += n
				continue
			}
			if 'a' <= c && c <= 'z' || c == '\'' {
				i++
				continue
			}
			if 'A' <= c && c <= 'Z' {
				lower = false
				i++
				continue
			}
			break
		}
		if i == start { // a byte that is no part of a word
			_, n := utf8.DecodeRuneInString(line[i:])
			i += n
			continue
		}
		w := line[start:i]
		if ascii && lower {
			nl, en = countWord(w, nl, en)
			continue
		}
		word := buf[:0]
		if ascii {
			for j := 0; j < len(w); j++ {
				c := w[j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				word = append(word, c)
			}
		} else {
			for _, r := range w {
				word = utf8.AppendRune(word, unicode.ToLower(r))
			}
		}
		word = bytes.Trim(word, "'")
		if len(word) > 0 && len(word) <= longestStopword {
			lang := stopwords[string(word)] // a map index by string(bytes) does not allocate
			nl, en = nl+int(lang&isNL), en+int(lang&isEN)>>1
		}
	}
	return nl, en
}

// countWord counts one lower-cased word, its apostrophes trimmed, as a stopword.
func countWord(w string, nl, en int) (int, int) {
	for len(w) > 0 && w[0] == '\'' {
		w = w[1:]
	}
	for len(w) > 0 && w[len(w)-1] == '\'' {
		w = w[:len(w)-1]
	}
	if len(w) == 0 || len(w) > longestStopword {
		return nl, en
	}
	lang := stopwords[w]
	return nl + int(lang&isNL), en + int(lang&isEN)>>1
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
