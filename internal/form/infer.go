package form

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// This file reads what a free text already answers. A complainant who writes "Ik wil graag
// mijn geld terug." or "Hierdoor heb ik mijn examen gemist." without the form's labels has
// answered "gewenste afhandeling" and "gevolgen": those sentences become the answers, so
// that the confirmation does not ask for them again. The sentences stay in the omschrijving
// as well: nothing is taken away from what the complainant wrote.

// maxInferText bounds the free text searched for answers: a complaint's own prose is a few
// kilobytes, and the patterns below are not free on a megabyte.
const maxInferText = 64 << 10

// The patterns are matched against the sentence in lower case.

// wishRe finds a sentence that says what the complainant wants done.
var wishRe = regexp.MustCompile(`\b(ik wil|ik zou graag|graag zou ik|graag wil ik|ik zou (het )?(op prijs stellen|willen)|` +
	`ik verwacht|ik verzoek|ik vraag (u|jullie|om)|mijn verzoek|ik eis|ik wens|mijn wens|ik hoop op|` +
	`ik hoop dat (u|jullie)|graag ontvang ik|ik ga ervan uit dat (u|jullie)|ik stel voor|` +
	`terugbetaling|restitutie|geld terug|compensatie|schadevergoeding|` +
	`i would like|i'd like|i want|i expect|i ask|i am asking|i'm asking|i request|i would appreciate|` +
	`i'd appreciate|i hope (you|that you)|i demand|i suggest|please (refund|reimburse|arrange|offer|give|send|let me)|` +
	`refund|reimburse|compensation)\b`)

// notWishRe marks a sentence about the complaint itself ("Ik wil een klacht indienen", "I
// would like to let you know"), which says what the mail is, not what should be done.
var notWishRe = regexp.MustCompile(`klacht\w*\s.{0,40}\b(indien\w*|in te dienen|neerleg\w*|neer te leggen|melden|te melden|doen)\b|` +
	`\b(indienen|in te dienen|melden)\b.{0,30}\bklacht|` +
	`\b(make|file|lodge|submit|raise|register|report|making|filing) (a|my|an|this) (\w+ )?complaint\b|\bto complain\b|\bcomplain about\b|` +
	`\b(ik wil|ik zou|i want to|i would like to|i'd like to) (u |jullie )?(graag )?(melden|laten weten|let you know|inform you|report|mention|point out|share)\b|` +
	// An answer to the mail is what every complainant expects; it says nothing of the remedy.
	`\b(ik verwacht|ik hoop|ik zou graag|graag|i expect|i hope|i would like|i'd like|i look forward)\b.{0,30}\b(reactie|antwoord|bericht|te horen|response|reply|answer|to hear|hearing)\b`)

// effectRe finds a sentence that says what the incident did to the complainant.
var effectRe = regexp.MustCompile(`\b(hierdoor|daardoor|waardoor|als gevolg|met als gevolg|het gevolg|gevolg(en)? (is|was|zijn|waren)|` +
	`ertoe geleid|kostte mij|kostte me|gekost|gemist|misgelopen|kwijtgeraakt|` +
	`ben ik .{0,40}kwijt|heb ik .{0,40}moeten|moest ik|kon ik (niet|geen)|heb ik .{0,40}niet kunnen|` +
	`as a result|because of this|because of that|consequently|this meant|which meant|that meant|i missed|` +
	`i lost|cost me|i had to|i could not|i couldn't|i was unable|caused me|has affected|affected my|impact on)\b`)

// wishWords and effectWords are words without which wishRe and effectRe cannot match: each
// alternative of the pattern holds one of them. A sentence holding none is passed by without
// running the pattern, which costs a hundred times more (TestInferWordsCoverPatterns).
var (
	wishWords = []string{"ik ", "graag", "mijn ", "terugbetaling", "restitutie", "geld terug", "compensat",
		"schadevergoeding", "i ", "i'", "please", "refund", "reimburse"}
	effectWords = []string{"door", "gevolg", "geleid", "kostte", "gekost", "gemist", "misgelopen", "kwijt",
		"moeten", "moest", "kon ik", "kunnen", "result", "because", "consequent", "meant", "missed", "lost",
		"cost me", "had to", "could", "unable", "caused", "affected", "impact"}
)

// mayMatch reports whether the lower-case sentence l holds one of words, which re needs.
func mayMatch(re *regexp.Regexp, words []string, l string) bool {
	for _, w := range words {
		if strings.Contains(l, w) {
			return re.MatchString(l)
		}
	}
	return false
}

// inferFromText fills gevolgen and gewenste afhandeling, when no answer names them, from the
// sentences of the complainant's own free text that say them. A sentence goes to one field:
// a wish that names its cause ("Daardoor wil ik mijn geld terug") is a wish. The service is
// inferred when the text names exactly one configured service by its name.
func inferFromText(f complaint.Fields, free string, services []string) {
	needWish := f[complaint.FieldGewensteAfhandeling] == ""
	needEffect := f[complaint.FieldGevolgen] == ""
	if needWish || needEffect {
		var wish, effect []string
		if len(free) > maxInferText {
			free = free[:maxInferText]
		}
		for _, s := range Sentences(free) {
			l := strings.ToLower(s)
			switch {
			case mayMatch(wishRe, wishWords, l) && !notWishRe.MatchString(l):
				wish = append(wish, s)
			case needEffect && mayMatch(effectRe, effectWords, l):
				effect = append(effect, s)
			}
		}
		if needWish && len(wish) > 0 {
			f[complaint.FieldGewensteAfhandeling] = strings.Join(wish, "\n")
		}
		if needEffect && len(effect) > 0 {
			f[complaint.FieldGevolgen] = strings.Join(effect, "\n")
		}
	}
	if f[complaint.FieldDienst] == "" {
		if s, ok := namedService(free, services); ok {
			f[complaint.FieldDienst] = s
		}
	}
}

// namedService finds the one configured service whose name the text contains as words
// ("over de online cursus"). Typos and single words are not enough here: in prose "de
// training" may be any training.
func namedService(text string, services []string) (string, bool) {
	if len(text) > maxText {
		text = text[:maxText]
	}
	t := " " + normWords(withoutAddresses(text)) + " "
	found := ""
	for _, s := range services {
		n := normWords(s)
		if n == "" || !strings.Contains(t, " "+n+" ") && !strings.Contains(t, " "+strings.ReplaceAll(n, " ", "")+" ") {
			continue
		}
		if found != "" {
			return "", false
		}
		found = s
	}
	return found, found != ""
}

// withoutAddresses drops the words of text that are addresses, links or domain names: the
// organisation's own domain names its services ("intervisie-begeleiding.nl").
func withoutAddresses(text string) string {
	words := strings.Fields(text)
	kept := words[:0]
	for _, w := range words {
		core := strings.TrimRight(w, ".,;:!?)\"'")
		if strings.ContainsAny(core, "@/") || strings.Contains(core, ".") {
			continue
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}

// abbreviations end in a full stop that does not end the sentence.
var abbreviations = wordSet("bijv", "bv", "o.a", "oa", "d.w.z", "dwz", "m.b.t", "mbt", "i.v.m", "ivm",
	"t.a.v", "tav", "z.s.m", "zsm", "mr", "mw", "mevr", "dhr", "drs", "dr", "ir", "ing", "nr", "ca",
	"etc", "enz", "jl", "a.s", "e.g", "i.e", "mrs", "ms", "no", "vs", "st", "incl", "excl", "resp",
	"ong", "evt", "n.a.v", "nav", "t.z.t", "tzt", "p", "blz", "tel")

// Sentences splits a text into its sentences: at a line break, and after ".", "!", "?" or
// "…" followed by a space, unless the full stop ends an abbreviation ("bijv.", "dhr."), an
// initial ("J. de Vries") or a number ("3. maart"). Each sentence is trimmed, its runs of
// white space made single spaces; empty ones are left out.
func Sentences(text string) []string {
	var out []string
	for _, line := range splitText(text) {
		fields := strings.Fields(line)
		start := 0
		for i, w := range fields {
			if i+1 < len(fields) && endsSentence(w, fields[i+1]) {
				out = append(out, strings.Join(fields[start:i+1], " "))
				start = i + 1
			}
		}
		if start < len(fields) {
			out = append(out, strings.Join(fields[start:], " "))
		}
	}
	return out
}

// endsSentence reports whether word w, followed by next, ends a sentence.
func endsSentence(w, next string) bool {
	w = strings.TrimRight(w, `"'”’)»`)
	last, _ := utf8.DecodeLastRuneInString(w)
	switch last {
	case '!', '?', '…':
		return true
	case '.':
	default:
		return false
	}
	stem := strings.ToLower(strings.TrimLeft(strings.TrimSuffix(w, "."), `"'“‘(«`))
	if abbreviations[stem] || utf8.RuneCountInString(stem) == 1 || isDigits(stem) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(next, `"'“‘(«`))
	return !unicode.IsLower(r)
}
