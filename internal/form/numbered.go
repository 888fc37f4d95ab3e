package form

import (
	"regexp"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// This file reads a form answered by number: the complainant was sent the questions and
// answers "1. Jan de Vries", "2. 3 maart", … without repeating them. The numbers follow the
// questions of the form (complaint.FormFields). A numbered list in a letter ("1. de trainer
// was te laat 2. …") is no form: the first answer must be a name and the second a date.

// numberedRe is a line that starts an answer: "1.", "2)", "(3)", "**4.**".
var numberedRe = regexp.MustCompile(`^\s*(?:\*\*)?\(?([1-7])[.)]\)?(?:\*\*)?(?:\s+|$)(.*)$`)

// minNumbered is how many answers, numbered from 1 without a gap, make a form.
const minNumbered = 5

// dateWords are words that make an answer a date without a digit in it.
var dateWords = wordSet("gisteren", "vandaag", "eergisteren", "vorige", "afgelopen", "januari",
	"februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
	"november", "december", "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt",
	"nov", "dec", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
	"yesterday", "today", "last", "january", "february", "march", "may", "june", "july",
	"august", "october", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "mar", "oct")

// numberedAnswers reads answers numbered 1. to 7. in the order of the form's questions. The
// last answer ends at a blank line; what comes after it is text after the answers.
func numberedAnswers(lines []string) (parsed, bool) {
	p := parsed{fields: map[string]string{}, seen: map[string]bool{}}
	answers := make([][]string, 0, len(complaint.FormFields))
	ended := false // the last answer's paragraph is over
	for _, line := range lines {
		if m := numberedRe.FindStringSubmatch(line); m != nil && !ended && int(m[1][0]-'0') == len(answers)+1 {
			answers = append(answers, []string{strings.Trim(m[2], "*_ \t")})
			continue
		}
		switch {
		case len(answers) == 0:
			p.loose = append(p.loose, line)
		case ended || len(answers) == len(complaint.FormFields) && strings.TrimSpace(line) == "":
			ended = true
			p.loose = append(p.loose, line)
			p.after = append(p.after, line)
		default:
			answers[len(answers)-1] = append(answers[len(answers)-1], line)
		}
	}
	if len(answers) < minNumbered || !numberedForm(answers) {
		return parsed{}, false
	}
	for i, a := range answers {
		if v := joinAnswer(a); v != "" {
			p.fields[complaint.FormFields[i]] = v
		}
	}
	if v := joinAnswer(p.after); v != "" {
		p.extra = append(p.extra, v)
	}
	p.addExtra()
	return p, true
}

// numberedForm checks that the answers look like the form's: a name first, then a date, and
// none of them a label (a form with labels is read by its labels).
func numberedForm(answers [][]string) bool {
	if !looksLikeName(joinAnswer(answers[0])) || !looksLikeDate(joinAnswer(answers[1]), 6) {
		return false
	}
	for _, a := range answers {
		if len(a) > 0 {
			if _, ok := splitLabelWith(a[0], false); ok {
				return false
			}
		}
	}
	return true
}

// looksLikeName reports whether an answer can be a person's name: a few words on one line,
// not the start of a sentence.
func looksLikeName(name string) bool {
	nw := strings.Fields(normWords(name))
	return len(nw) > 0 && len(nw) <= 5 && len(name) <= 60 && !proseStarts[nw[0]] &&
		!strings.ContainsAny(name, "\n!?:;,") && (!strings.HasSuffix(name, ".") || len(nw[len(nw)-1]) <= 2)
}

// looksLikeDate reports whether an answer can be a date: at most maxWords words on one line,
// with a digit or a word of dates in it ("3 maart", "vorige week dinsdag").
func looksLikeDate(date string, maxWords int) bool {
	dw := strings.Fields(normWords(date))
	if len(dw) == 0 || len(dw) > maxWords || strings.Contains(date, "\n") {
		return false
	}
	dated := strings.ContainsAny(date, "0123456789")
	for _, w := range dw {
		dated = dated || dateWords[w]
	}
	return dated
}
