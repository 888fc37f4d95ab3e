package form

import (
	"slices"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// This file recognises the questions of the form as people rephrase them ("Wat zijn de
// gevolgen voor u?", "Hoe wilt u dat dit wordt opgelost?", "What happened?"). A paraphrase is
// a question or label: it starts with a question word, an imperative, "uw"/"your" or a noun
// of the form, it is short, it does not speak in the first person singular (that is prose:
// "Ik twijfel over welke dienst het ging"), and it holds a word that names one field. The
// parser takes a paraphrase for a label only where it ends in "?" or ":" or stands alone in
// bold, and only in a text with at least two labels (a single question in a letter is prose).

// maxParaphraseWords bounds a paraphrased question; the form's own long questions are found
// by questionPrefixes.
const maxParaphraseWords = 16

// paraphraseOpeners are the words a rephrased question or label starts with.
var paraphraseOpeners = wordSet(
	// Dutch question words, imperatives, address and nouns of the form.
	"wat", "wanneer", "welke", "welk", "hoe", "waar", "wie", "waarom", "waarover", "beschrijf",
	"omschrijf", "geef", "vermeld", "noem", "vertel", "licht", "heeft", "hebt", "is", "zijn",
	"kunt", "wilt", "zou", "uw", "jouw", "je", "datum", "naam",
	"omschrijving", "beschrijving", "gevolgen", "gevolg", "gewenste", "gewenst", "aanvullende",
	"aanvullend", "overige", "dienst", "klacht", "toelichting", "wens", "verwachting",
	// English.
	"what", "when", "which", "how", "where", "who", "why", "describe", "please", "tell",
	"give", "provide", "list", "state", "explain", "have", "has", "is", "are", "do", "does",
	"did", "can", "could", "would", "your", "date", "name", "description",
	"consequences", "impact", "effect", "desired", "preferred", "additional", "other", "any",
	"anything", "service", "complaint", "details",
)

// prepositions start a question only before a question word: "Over welke dienst gaat het?",
// "On which date …?", but not "Op 3 maart is het gebeurd: …".
var prepositions = wordSet("over", "op", "in", "bij", "met", "voor", "about", "on", "in", "for", "with", "at")

var questionWords = wordSet("wat", "welke", "welk", "wie", "what", "which", "whom", "who")

// firstPerson marks prose: a form asks "u" and "you", a complainant writes "ik" and "I".
var firstPerson = wordSet("ik", "mij", "me", "mijn", "i", "my", "mine", "myself")

// paraphraseRules name the fields by the words of a question, checked in order: the first
// rule with a matching word wins, so a question about the consequences "of the incident" is
// about the consequences, not the incident. A word ending in "*" matches as a prefix.
var paraphraseRules = compileRules([]struct {
	field string
	words []string
}{
	{complaint.FieldAanvullend, []string{"aanvullend*", "overige", "opmerking*", "nog iets",
		"verder nog", "anders nog", "iets anders", "additional", "anything else", "something else",
		"further", "other comments", "comments", "remarks", "else we should"}},
	{complaint.FieldGewensteAfhandeling, []string{"afgehandeld", "afhandel*", "opgelost",
		"oplos*", "verhelp*", "rechtzet*", "goedma*", "gewenst*", "wens*", "verwacht*",
		"wilt u dat", "zou u willen", "wat wilt u", "moet er gebeuren", "kunnen wij doen",
		"kunnen we doen", "resolve*", "resolution", "solve*", "solution", "outcome", "remedy",
		"put right", "expect*", "would you like", "want us", "like us to", "handle*",
		"deal with", "fix*", "make it right"}},
	{complaint.FieldGevolgen, []string{"gevolg*", "consequentie*", "invloed", "impact",
		"effect*", "getroffen", "geraakt", "schade", "nadeel", "nadelen", "last van", "betekent*",
		"betekende*", "affect*", "consequence*", "harm*", "damage*", "mean for you",
		"meant for you"}},
	{complaint.FieldDienst, []string{"dienst*", "service*", "welke cursus", "welke training",
		"welk traject", "welke begeleiding", "welke opleiding", "which course", "which training",
		"which programme", "which program", "what course", "what training"}},
	{complaint.FieldDatum, []string{"datum", "wanneer", "welke dag", "date", "when", "which day",
		"what day"}},
	{complaint.FieldOmschrijving, []string{"gebeurd*", "gebeurt*", "voorgevallen", "klacht*",
		"omschrijving", "omschrijf", "beschrijf", "beschrijving", "vertel", "toelichting",
		"wat ging er mis", "wat is er mis", "probleem", "happened", "complaint*", "describe*",
		"description", "details", "went wrong", "tell us", "problem", "issue", "incident"}},
	{complaint.FieldNaam, []string{"uw naam", "je naam", "jouw naam", "volledige naam",
		"naam van de indiener", "wie bent u", "your name", "full name", "who are you"}},
})

// phraseRule is a rule of paraphraseRules with its phrases split into words.
type phraseRule struct {
	field   string
	phrases []phrase
}

// phrase is a sequence of words; prefix: the last word matches any word it starts.
type phrase struct {
	text   string
	words  []string
	prefix bool
}

func compileRules(in []struct {
	field string
	words []string
}) []phraseRule {
	out := make([]phraseRule, 0, len(in))
	for _, r := range in {
		pr := phraseRule{field: r.field}
		for _, w := range r.words {
			p := phrase{text: w, words: strings.Fields(w)}
			last := len(p.words) - 1
			if strings.HasSuffix(p.words[last], "*") {
				p.words[last], p.prefix = strings.TrimSuffix(p.words[last], "*"), true
			}
			pr.phrases = append(pr.phrases, p)
		}
		out = append(out, pr)
	}
	return out
}

// describeOpeners start a question that asks for the complaint itself when it names the
// complaint: "Wat is uw klacht?", "Describe your complaint".
var describeOpeners = wordSet("wat", "waarover", "waar", "beschrijf", "omschrijf", "vertel", "licht",
	"geef", "uw", "jouw", "je", "klacht", "omschrijving", "what", "describe", "tell", "please",
	"explain", "give", "your", "complaint", "details", "provide")

// otherPeople are words that make a question about a name someone else's name: "Wat is de
// naam van de trainer?" asks no field of the form.
var otherPeople = wordSet("trainer", "begeleider", "coach", "docent", "medewerker", "cursist",
	"contactpersoon", "bedrijf", "organisatie", "werkgever", "teacher", "tutor", "staff",
	"company", "employer", "organisation", "organization")

// lookupParaphrase says which field a rephrased question or label names. n is the label as
// normLabel leaves it (lower-case words).
func lookupParaphrase(n string) (string, bool) {
	words := strings.Fields(n)
	if len(words) == 0 || len(words) > maxParaphraseWords {
		return "", false
	}
	opener := paraphraseOpeners[words[0]] ||
		prepositions[words[0]] && len(words) > 1 && questionWords[words[1]]
	if !opener {
		return "", false
	}
	for _, w := range words {
		if firstPerson[w] || strings.ContainsAny(w, "0123456789") {
			return "", false
		}
	}
	for _, r := range paraphraseRules {
		for _, p := range r.phrases {
			if !p.in(words) {
				continue
			}
			if (p.text == "klacht*" || p.text == "complaint*") && !describeOpeners[words[0]] {
				// "Heeft u al eerder contact gehad over deze klacht?" asks something else.
				continue
			}
			if r.field == complaint.FieldNaam || r.field == complaint.FieldOmschrijving && slices.Contains(words, "naam") {
				for _, w := range words {
					if otherPeople[w] {
						return "", false
					}
				}
			}
			return r.field, true
		}
	}
	return "", false
}

// in reports whether the phrase's words occur in words in a row.
func (p phrase) in(words []string) bool {
	last := len(p.words) - 1
	for i := 0; i+len(p.words) <= len(words); i++ {
		ok := true
		for j, w := range p.words {
			got := words[i+j]
			if got != w && !(j == last && p.prefix && strings.HasPrefix(got, w)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
