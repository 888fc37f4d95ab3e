package form

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/agnivade/levenshtein"
)

// maxServiceAnswer bounds the part of an answer that is compared: fuzzy matching is quadratic.
const maxServiceAnswer = 2000

var (
	// checked and unchecked box markers at the start of an option, or "X" before it.
	checkedRe   = regexp.MustCompile(`(?i)^(\[\s*[x✓✔v*]\s*\]|\(\s*[x✓✔v*]\s*\)|[☒☑✓✔✗✘■●◉]|x(\s|$)|x\)|x:)\s*`)
	uncheckedRe = regexp.MustCompile(`^(\[\s*\]|\(\s*\)|[☐□○◯❑])\s*`)
	// a box in the middle of a line starts a new option: "☐ a ☒ b".
	boxSplitRe = regexp.MustCompile(`\s+(\[\s*[xX✓✔vV*]?\s*\]|\(\s*[xX✓✔vV*]?\s*\)|[☒☑☐□✓✔✗✘■●◉○◯❑])`)
	// options on one line are separated by tabs or wide gaps.
	optionSepRe = regexp.MustCompile(`\t+|\s{3,}`)
)

// MatchService finds the service an answer names, among the configured canonical names. It
// is tolerant of case, punctuation, parentheses, spacing and small typos, of a single word of
// a service ("training", "cursus"), and of a form's option list where one option is ticked
// ("[x] online cursus", "☒ online cursus", "X (in company) training"). It returns the canonical
// name; false when nothing or more than one service fits.
func MatchService(answer string, services []string) (string, bool) {
	if len(answer) > maxServiceAnswer {
		answer = answer[:maxServiceAnswer]
	}
	opts := options(answer)
	var ticked []string
	anyBox := false
	for _, o := range opts {
		if m := checkedRe.FindString(o); m != "" {
			ticked = append(ticked, strings.TrimSpace(o[len(m):]))
			anyBox = true
		} else if uncheckedRe.MatchString(o) {
			anyBox = true
		}
	}
	var cands []string
	switch {
	case len(ticked) > 0:
		cands = ticked
	case anyBox:
		return "", false // a list of options of which none is ticked
	default:
		cands = []string{answer}
	}
	best, bestScore, tie := "", 0, false
	for _, c := range cands {
		for _, s := range services {
			sc := serviceScore(c, s, services)
			switch {
			case sc > bestScore:
				best, bestScore, tie = s, sc, false
			case sc == bestScore && sc > 0 && s != best:
				tie = true
			}
		}
	}
	if bestScore == 0 || tie {
		return "", false
	}
	return best, true
}

// options splits an answer into its options: one per line, and within a line at boxes and at
// runs of spaces or tabs.
func options(answer string) []string {
	var out []string
	for _, line := range splitText(answer) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		// Put each box at the start of its own piece: "☐ a ☒ b" → "☐ a", "☒ b".
		line = boxSplitRe.ReplaceAllString(line, "\t$1")
		for _, piece := range optionSepRe.Split(line, -1) {
			piece = strings.TrimSpace(piece)
			if piece != "" {
				out = append(out, piece)
			}
		}
	}
	return out
}

// serviceScore rates how well an answer names one service: 0 for not at all.
func serviceScore(answer, service string, all []string) int {
	a, s := normWords(answer), normWords(service)
	if a == "" || s == "" {
		return 0
	}
	aj, sj := strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(s, " ", "")
	switch {
	case aj == sj:
		return 100
	case strings.Contains(" "+a+" ", " "+s+" ") || strings.Contains(aj, sj) && len(sj) >= 6:
		return 90
	case len(aj) <= 3*len(sj) && levenshtein.ComputeDistance(aj, sj) <= typoBudget(sj):
		return 80
	}
	aw, sw := strings.Fields(a), strings.Fields(s)
	if len(aw) <= 200 && len(sw) <= 10 {
		for i := 0; i+len(sw) <= len(aw); i++ {
			w := strings.Join(aw[i:i+len(sw)], "")
			if levenshtein.ComputeDistance(w, sj) <= typoBudget(sj) {
				return 70
			}
		}
	}
	// A word that only this service has: "training", "cursus", "intervisie".
	score := 0
	for _, word := range distinctiveWords(service, all) {
		for _, x := range aw {
			if len(x) >= 4 && levenshtein.ComputeDistance(x, word) <= wordBudget(word) {
				score++
				break
			}
		}
	}
	if score > 0 {
		return 50 + score
	}
	return 0
}

func wordBudget(w string) int {
	if len(w) >= 6 {
		return 1
	}
	return 0
}

func typoBudget(s string) int {
	n := len(s) / 6
	if n < 1 {
		return 1
	}
	if n > 3 {
		return 3
	}
	return n
}

// normWords lower-cases and keeps letters and digits (for labels and services), every other run becoming one space;
// a hyphen joins ("intervisie-begeleiding" and "intervisiebegeleiding" compare equal after
// spaces are dropped).
func normWords(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}

// distinctiveWords are the words of service of at least four letters that no other service has.
func distinctiveWords(service string, all []string) []string {
	var out []string
	for _, w := range strings.Fields(normWords(service)) {
		if len(w) < 4 {
			continue
		}
		shared := false
		for _, o := range all {
			if o != service && strings.Contains(" "+normWords(o)+" ", " "+w+" ") {
				shared = true
				break
			}
		}
		if !shared {
			out = append(out, w)
		}
	}
	return out
}
