package reply

import (
	"regexp"
	"strings"
)

// Courtesy lines that open or close a letter, in Dutch and English.
var (
	salutation = regexp.MustCompile(`(?i)^(beste|geachte|hallo|hoi|dag|goedemorgen|goedemiddag|goedenavond|dear|hi|hello|good (morning|afternoon|evening))\b[^.!?]{0,60}[,!]?$`)
	closing    = regexp.MustCompile(`(?i)^(met )?(vriendelijke|hartelijke|beste|warme|collegiale) groet(en)?\b|^(groet(en|jes)?|mvg|m\.v\.g\.|gr\.?)[,.!]?(\s|$)|^(kind|best|warm|with kind) regards\b|^regards\b|^best( wishes)?[,!]?$|^(many )?thanks[,!]?$|^cheers[,!]?$|^sincerely\b|^yours (sincerely|faithfully)\b|^hoogachtend\b`)
)

// maxClosingLines is how many short lines may follow a closing phrase (name, role, phone,
// organisation) for them to count as the signature it opens.
const maxClosingLines = 6

// WithoutCourtesy removes a letter's own salutation ("Beste Jan,") from the top and its
// closing ("Met vriendelijke groet," and the name, role and phone lines under it) from the
// bottom. klachtd wraps a staff member's text in a mail that greets and signs on its own, so
// the complainant must not read "Beste Jan, … Beste Jan," or a colleague's private number.
// A closing is only removed when at most maxClosingLines short lines follow it.
func WithoutCourtesy(text string) string {
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\n")
	if len(lines) > 1 && salutation.MatchString(strings.TrimSpace(lines[0])) {
		lines = lines[1:]
	}
	for i := len(lines) - 1; i >= 0 && len(lines)-1-i <= maxClosingLines; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if closing.MatchString(l) && len([]rune(l)) <= 40 {
			if tailIsSignature(lines[i+1:]) {
				lines = lines[:i]
			}
			break
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// tailIsSignature reports whether the lines after a closing phrase look like a signature:
// short lines, no sentence that goes on.
func tailIsSignature(lines []string) bool {
	for _, l := range lines {
		if len([]rune(strings.TrimSpace(l))) > 60 {
			return false
		}
	}
	return true
}
