package form

import (
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// Non-field labels: they end the answer before them and are not answers themselves.
const (
	labelEmail = "#email"
	labelPhone = "#phone"
	labelStop  = "#stop" // Handtekening and the like: ends an answer, starts nothing
)

// shortLabels maps a normalised label (see normLabel) to its field. It is read-only.
var shortLabels = buildLabels(map[string][]string{
	complaint.FieldNaam: {"Naam van indiener", "Naam van de indiener", "Naam", "Name", "Your name",
		"Naam indiener", "Uw naam", "Volledige naam", "Full name", "Naam klager", "Name of complainant"},
	complaint.FieldDatum: {"Datum van de klacht", "Datum", "Date of the complaint", "Date",
		"Datum incident", "Datum van het incident", "Datum klacht", "Date of incident",
		"Date of the incident", "Complaint date"},
	complaint.FieldOmschrijving: {"Omschrijving", "Klacht", "Details", "Description",
		"Describe your complaint", "Omschrijving van de klacht", "Omschrijving klacht", "Uw klacht",
		"Your complaint", "Complaint", "Complaint details", "Details of the complaint", "Beschrijving",
		"Details van de klacht"},
	complaint.FieldGevolgen: {"Gevolgen", "Impact", "Consequences", "Gevolgen voor u",
		"Negatieve invloed", "Effect"},
	complaint.FieldGewensteAfhandeling: {"Gewenste afhandeling", "Gewenste oplossing",
		"Desired outcome", "Desired resolution", "Gewenst resultaat", "Oplossing", "Resolution",
		"Desired solution"},
	complaint.FieldAanvullend: {"Aanvullende informatie", "Opmerkingen", "Additional information",
		"Aanvullend", "Aanvullende opmerkingen", "Overige opmerkingen", "Additional comments",
		"Comments", "Remarks", "Aanvullende informatie of opmerkingen"},
	complaint.FieldDienst: {"Dienst", "Service", "Training", "Welke dienst", "Betreft dienst",
		"Which service", "Dienstverlening"},
	labelEmail: {"E-mail", "Email", "Mail", "E-mailadres", "Emailadres", "Mailadres",
		"Email address", "E-mail address"},
	labelPhone: {"Telefoon", "Tel", "Phone", "Telefoonnummer", "Telefoon nummer", "Phone number",
		"Mobiel", "Mobile", "Telephone"},
	labelStop: {"Handtekening", "Signature", "Ondertekening", "Handtekening indiener"},
})

// spokenLabels are labels complainants make up themselves, and words a web form puts before
// the message. Like rephrased questions they are labels only in a text that has two or more,
// and triage does not count them: "Naam: …" and "Bericht: …" is any web form's enquiry.
var spokenLabels = buildLabels(map[string][]string{
	complaint.FieldOmschrijving: {"Bericht", "Uw bericht", "Message", "Your message", "Toelichting"},
	complaint.FieldGevolgen: {"Gevolgen voor mij", "Consequences for me", "Impact on me",
		"Effect on me"},
	complaint.FieldGewensteAfhandeling: {"Gewenste uitkomst", "Mijn wens", "Wens", "Verzoek",
		"Mijn verzoek", "Wat ik wil", "Wat ik graag zou willen", "Wat verwacht ik", "Wat ik verwacht",
		"Wat wil ik", "Requested outcome", "Outcome sought", "Desired result", "What I would like",
		"What I want", "What I expect"},
	complaint.FieldAanvullend: {"Opmerking", "Comment", "Remark", "Other comments", "Overig",
		"Overige informatie", "Other information"},
	complaint.FieldDienst: {"Cursus", "Course", "Betreft", "Regarding"},
})

// questionPrefixes recognises the long questions of the form (and their English versions) by
// how they start, so that the organisation's name and small rewordings in them do not matter.
// Checked in order; every entry's words must all occur in the label, the first one at its start.
var questionPrefixes = []struct {
	field string
	words []string
}{
	{complaint.FieldOmschrijving, []string{"beschrijf nauwkeurig"}},
	{complaint.FieldOmschrijving, []string{"beschrijf", "details van uw klacht"}},
	{complaint.FieldOmschrijving, []string{"describe", "details of your complaint"}},
	{complaint.FieldOmschrijving, []string{"describe in detail"}},
	{complaint.FieldGevolgen, []string{"beschrijf hoe het incident"}},
	{complaint.FieldGevolgen, []string{"beschrijf", "negatieve invloed"}},
	{complaint.FieldGevolgen, []string{"describe how the incident"}},
	{complaint.FieldGevolgen, []string{"describe", "negative"}},
	{complaint.FieldGewensteAfhandeling, []string{"beschrijf hoe", "effectief"}},
	{complaint.FieldGewensteAfhandeling, []string{"beschrijf hoe", "omgaan"}},
	{complaint.FieldGewensteAfhandeling, []string{"describe how", "effectively"}},
	{complaint.FieldGewensteAfhandeling, []string{"describe how", "deal with"}},
	{complaint.FieldGewensteAfhandeling, []string{"describe how", "handle"}},
	{complaint.FieldAanvullend, []string{"geef aanvullende"}},
	{complaint.FieldAanvullend, []string{"provide additional"}},
	{complaint.FieldAanvullend, []string{"give additional"}},
	{complaint.FieldAanvullend, []string{"any additional"}},
	{complaint.FieldDienst, []string{"geef aan over welke dienst"}},
	{complaint.FieldDienst, []string{"geef aan", "welke dienst"}},
	{complaint.FieldDienst, []string{"over welke dienst"}},
	{complaint.FieldDienst, []string{"indicate which service"}},
	{complaint.FieldDienst, []string{"which service of"}},
}

// maxLabelLen bounds what can be a label: the longest question of the form is about 170 characters.
const maxLabelLen = 300

func buildLabels(in map[string][]string) map[string]string {
	out := make(map[string]string)
	for field, labels := range in {
		for _, l := range labels {
			out[normLabel(l)] = field
		}
	}
	return out
}

// normLabel reduces a candidate label to lower-case words: markdown, list numbering, bullets,
// punctuation and a trailing "?" or ":" removed.
func normLabel(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "#>•·*_-– \t")
	return normWords(stripNumbering(s))
}

// stripNumbering removes "1.", "1)", "(1)", "a)", "1 " and "Vraag 1:" style prefixes.
func stripNumbering(s string) string {
	s = strings.TrimLeft(s, "*_ \t")
	if strings.HasPrefix(s, "(") {
		if i := strings.IndexByte(s, ')'); i > 1 && i <= 4 && isDigits(s[1:i]) {
			return strings.TrimLeft(s[i+1:], "*_ \t.")
		}
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')' || s[i] == ' ' || s[i] == '\t') {
		return strings.TrimLeft(s[i+1:], "*_ \t.)")
	}
	if len(s) >= 3 && s[0] >= 'a' && s[0] <= 'g' && s[1] == ')' && s[2] == ' ' {
		return strings.TrimLeft(s[2:], " \t")
	}
	return s
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// lookupLabel says which field (or non-field label) the candidate label text names.
func lookupLabel(raw string) (string, bool) {
	if len(raw) > maxLabelLen {
		return "", false
	}
	return lookupNormLabel(normLabel(raw))
}

// lookupNormLabel is lookupLabel of a label already normalised by normLabel.
func lookupNormLabel(n string) (string, bool) {
	if n == "" {
		return "", false
	}
	if f, ok := shortLabels[n]; ok {
		return f, true
	}
	for _, q := range questionPrefixes {
		if !strings.HasPrefix(n, q.words[0]) {
			continue
		}
		all := true
		for _, w := range q.words[1:] {
			if !strings.Contains(n, w) {
				all = false
				break
			}
		}
		if all {
			return q.field, true
		}
	}
	return "", false
}

// fuzzyLabels are the short labels with their spaces removed, for labels typed with one typo.
var fuzzyLabels = buildFuzzy(shortLabels)

// minFuzzyLabel is the shortest label (spaces removed) that is recognised with a typo: in a
// shorter word one letter makes another word.
const minFuzzyLabel = 7

func buildFuzzy(labels map[string]string) map[string]string {
	out := make(map[string]string, len(labels))
	for l, f := range labels {
		if k := strings.ReplaceAll(l, " ", ""); len(k) >= minFuzzyLabel {
			out[k] = f
		}
	}
	return out
}

// lookupTypo finds the one field whose short label is a single edit away from n.
func lookupTypo(n string) (string, bool) {
	k := strings.ReplaceAll(n, " ", "")
	if len(k) < minFuzzyLabel || len(k) > 40 {
		return "", false
	}
	found := ""
	for l, f := range fuzzyLabels {
		if d := len(l) - len(k); d < -1 || d > 1 {
			continue
		}
		if levenshtein.ComputeDistance(k, l) <= 1 {
			if found != "" && found != f {
				return "", false
			}
			found = f
		}
	}
	return found, found != ""
}

// labelMode says which labels beside the form's own are recognised.
type labelMode int

const (
	formLabels   labelMode = iota // the form's own labels and questions only (lookupLabel)
	spokenToo                     // also spokenLabels and a short label with one typo
	questionsToo                  // also rephrased questions (lookupParaphrase)
)

// lookupAny recognises a label as lookupLabel does and, as mode allows, also as people write
// labels: one of spokenLabels, a short label with one typo, a rephrased question.
func lookupAny(raw string, mode labelMode) (string, bool) {
	if len(raw) > maxLabelLen {
		return "", false
	}
	n := normLabel(raw)
	if f, ok := lookupNormLabel(n); ok || mode == formLabels {
		return f, ok
	}
	if f, ok := spokenLabels[n]; ok {
		return f, true
	}
	if f, ok := lookupTypo(n); ok {
		return f, true
	}
	if mode == questionsToo {
		return lookupParaphrase(n)
	}
	return "", false
}

// isField reports whether name is one of the seven klachtformulier fields.
func isField(name string) bool {
	return name != "" && name[0] != '#'
}

// CountLabels counts the distinct klachtformulier fields whose label occurs in text (outside
// quoted history). Triage treats two or more as a filled-in form. Only the form's own labels
// count, not rephrased questions: a mail that asks "Wanneer begint de cursus?" and "Welke
// training past bij mij?" is no complaint.
func CountLabels(text string) int {
	p := parseWith(mainLines(text, false), parseOptions{})
	return len(p.seen)
}
