package form

import (
	"slices"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// This file reads a complainant's reply to a mail that asked for the fields their complaint
// lacked (the confirmation lists them, numbered). People answer such a mail in three ways:
// with the questions' labels ("Gevolgen voor u: …", or in their own words), with the numbers
// of the questions ("1. …", "2. …") and nothing else, or in a few sentences that say what
// they want and what it did to them. A reply is not a letter in which "Wat is er gebeurd?"
// may be prose: it answers questions it was asked.

// Reply is what a complainant's reply answers.
type Reply struct {
	Fields complaint.Fields // answers by field name, trimmed
	// Numbered is set when answers were read by their numbers.
	Numbered bool
}

// ReadReply reads the answers in a complainant's own text of a reply (quoted history and
// signature already removed) to a mail that asked for the fields asked, numbered 1., 2., …
// in that order (nil when the numbers of the mail answered are not known). A field is
// answered:
//   - by its label: the form's own and their English versions, and the ways people rephrase
//     them, also when the reply answers only one question;
//   - by number, when no label is read ("1. Gevolgen: …" is read by its label): answers numbered 1. to n, without a gap and at most
//     as many as were asked, answer the questions asked in that order; an answer runs until
//     the next number, the last one until a blank line. A name must look like a name, a date
//     like a date and a service like a service, or no number counts; one answer numbered 1.
//     counts only when one question was asked;
//   - by what the free text says: the sentences that state what the complainant wants or
//     what it did to them, and a configured service named by its name (as Extract infers
//     them from a complaint's free text);
//   - the omschrijving, by the whole text, when it was asked and nothing else in the text
//     answers a question.
//
// dienst becomes the canonical service when MatchService finds one. What the reply answers
// is for fields still empty: the caller never overwrites an answer given before.
func ReadReply(text string, asked, services []string) Reply {
	res := Reply{Fields: complaint.Fields{}}
	lines := mainLines(text, false)
	p := parseWith(lines, parseOptions{spoken: true, unknown: true})
	for _, f := range complaint.FormFields {
		if p.seen[f] && p.fields[f] != "" {
			res.Fields[f] = p.fields[f]
		}
	}
	if len(p.seen) == 0 {
		if nums, ok := numberedReply(lines, asked, services); ok {
			for f, v := range nums {
				res.Fields[f] = v
			}
			res.Numbered = true
		}
	}
	answered := len(res.Fields) > 0
	inferFromText(res.Fields, joinAnswer(p.loose), services)
	if !answered && len(res.Fields) == 0 && slices.Contains(asked, complaint.FieldOmschrijving) {
		if v := joinAnswer(p.loose); v != "" {
			res.Fields[complaint.FieldOmschrijving] = v
		}
	}
	if d := res.Fields[complaint.FieldDienst]; d != "" {
		if canon, ok := MatchService(d, services); ok {
			res.Fields[complaint.FieldDienst] = canon
		}
	}
	return res
}

// numberedReply reads answers numbered 1. to n in lines as the answers to asked, in order.
func numberedReply(lines []string, asked, services []string) (complaint.Fields, bool) {
	var answers [][]string
	for _, line := range lines {
		if m := numberedRe.FindStringSubmatch(line); m != nil && len(answers) < len(asked) && int(m[1][0]-'0') == len(answers)+1 {
			answers = append(answers, []string{strings.Trim(m[2], "*_ \t")})
			continue
		}
		if len(answers) > 0 {
			answers[len(answers)-1] = append(answers[len(answers)-1], line)
		}
	}
	if len(answers) == 0 || len(answers) == 1 && len(asked) > 1 {
		return nil, false
	}
	// The last answer ends at its paragraph: what follows is the letter's closing.
	last := answers[len(answers)-1]
	for i, l := range last {
		if i > 0 && strings.TrimSpace(l) == "" {
			answers[len(answers)-1] = last[:i]
			break
		}
	}
	out := complaint.Fields{}
	for i, a := range answers {
		v := joinAnswer(a)
		if v == "" {
			continue // "3." left open
		}
		if !fitsQuestion(asked[i], v, services) {
			return nil, false
		}
		out[asked[i]] = v
	}
	return out, true
}

// fitsQuestion reports whether an answer can answer the question of field f.
func fitsQuestion(f, v string, services []string) bool {
	switch f {
	case "":
		return false // not a form field: the caller's list holds something else
	case complaint.FieldNaam:
		return looksLikeName(v)
	case complaint.FieldDatum:
		return looksLikeDate(v, 12)
	case complaint.FieldDienst:
		if _, ok := MatchService(v, services); ok {
			return true
		}
		return !strings.Contains(v, "\n") && len(strings.Fields(v)) <= 8
	}
	return v != ""
}
