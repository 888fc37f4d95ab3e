package form

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file recognises labels the form does not have ("Cursusnummer: 2026-114", "Naam van de
// trainer:", "**Heeft u al eerder contact met ons gehad?**"), in a text that is a form. Their
// answers are the complainant's words all the same: they go to aanvullend, with the label.
// A label is short and looks like one: it starts with a capital or stands in bold or behind
// a number, and it is not the start of a sentence ("De trainer zei: …", "Om 10:30 …").

// Bounds on the words of a label the form does not have.
const (
	maxUnknownWords      = 5  // "Naam van de trainer: Kees"
	maxUnknownAloneWords = 12 // a label or question alone on its line, its answer below
	maxUnknownLen        = 80
)

// proseStarts are words a sentence starts with and a label does not.
var proseStarts = wordSet(
	"de", "het", "een", "ik", "hij", "zij", "ze", "wij", "we", "jij", "je", "u", "dit", "dat",
	"die", "deze", "er", "toen", "daarna", "daarom", "maar", "en", "of", "want", "omdat", "dus",
	"ook", "nu", "hier", "daar", "als", "zo", "om", "na", "voor", "tijdens", "sinds", "volgens",
	"mijn", "zijn", "haar", "ons", "onze", "hun", "let", "zie", "nb", "ps", "p", "dan", "niet",
	"the", "a", "an", "i", "he", "she", "they", "we", "you", "it", "this", "that", "these",
	"those", "then", "but", "and", "or", "so", "also", "now", "here", "there", "my", "his",
	"her", "our", "their", "if", "as", "at", "after", "before", "during", "since", "see",
	"note", "http", "https", "mailto", "www", "re", "fw", "fwd", "aw", "wg", "tr",
)

// speechVerbs in a label make it a quotation: "Trainer Kees zei: …".
var speechVerbs = wordSet("zei", "zegt", "zeiden", "vroeg", "vroegen", "schreef", "antwoordde",
	"riep", "meldde", "said", "says", "asked", "wrote", "replied", "answered", "told", "stated")

// unknownLabel recognises a line that is a label the form does not have, with its answer on
// the line or (alone on its line) below it.
func unknownLabel(line string) (label, bool) {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 4*maxLabelLen {
		return label{}, false
	}
	bold := strings.HasPrefix(t, "**") || strings.HasPrefix(t, "__")
	numbered := stripNumbering(strings.Trim(t, "*_")) != strings.Trim(t, "*_")
	for _, sep := range []string{":", "?", "\t"} {
		i := sepIndex(t, sep)
		if i <= 0 {
			continue
		}
		raw, ans := t[:i], strings.TrimSpace(strings.Trim(strings.TrimSpace(t[i+1:]), "*_"))
		alone := ans == ""
		if sep == "?" && !(alone && (bold || numbered)) {
			continue // a question is a label only alone on its line, in bold or numbered
		}
		if sep == "\t" && alone {
			continue
		}
		if looksLikeLabel(raw, alone, bold || numbered) {
			return label{field: labelUnknown, text: cleanLabel(raw), sep: sep, answer: ans}, true
		}
		return label{}, false // the first separator decides
	}
	return label{}, false
}

// looksLikeLabel reports whether raw (the text before the separator) has the shape of a
// label: few words, not a sentence, starting with a capital unless set apart.
func looksLikeLabel(raw string, alone, setApart bool) bool {
	c := cleanLabel(stripNumbering(strings.Trim(strings.TrimSpace(raw), "*_")))
	if c == "" || len(c) > maxUnknownLen || strings.ContainsAny(c, ".!;\"“”()[]<>@/\\=") {
		return false
	}
	words := strings.Fields(normWords(c))
	limit := maxUnknownWords
	if alone {
		limit = maxUnknownAloneWords
	}
	if len(words) == 0 || len(words) > limit || proseStarts[words[0]] {
		return false
	}
	if last := words[len(words)-1]; isDigits(last) {
		return false // "Stap 1:", "Punt 2:" number the complainant's own text
	}
	for _, w := range words {
		if speechVerbs[w] || firstPerson[w] {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(c)
	return setApart || unicode.IsUpper(r)
}
