package form

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Eén. Twee!  Drie?\nVier…  Vijf", []string{"Eén.", "Twee!", "Drie?", "Vier…", "Vijf"}},
		{"Dhr. Bakker kwam bijv. te laat. J. de Vries zag het.", []string{"Dhr. Bakker kwam bijv. te laat.", "J. de Vries zag het."}},
		{"Op 3. maart. En toen", []string{"Op 3. maart.", "En toen"}},
		{"De les (zie bijlage.) ging niet door. \"Sorry.\" Zei hij.", []string{"De les (zie bijlage.) ging niet door.", "\"Sorry.\"", "Zei hij."}},
		{"een zin. nog een", []string{"een zin. nog een"}},
		{"  \n\t\n", nil},
	}
	for _, tt := range tests {
		if got := Sentences(tt.text); !cmp.Equal(got, tt.want, cmpopts.EquateEmpty()) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestInferFromText: a free text that says what the complainant wants, or what it did to
// them, answers those questions; a sentence about sending the complaint, or hoping for an
// answer, does not.
func TestInferFromText(t *testing.T) {
	tests := []struct {
		name string
		text string
		have complaint.Fields
		want complaint.Fields
	}{
		{"wish and consequence", "De cursus begon niet. Hierdoor heb ik mijn examen gemist. Ik wil graag mijn geld terug.", nil,
			complaint.Fields{"gevolgen": "Hierdoor heb ik mijn examen gemist.", "gewenste_afhandeling": "Ik wil graag mijn geld terug."}},
		{"English", "The videos did not load. As a result I missed the deadline. I would like an extension.", nil,
			complaint.Fields{"gevolgen": "As a result I missed the deadline.", "gewenste_afhandeling": "I would like an extension."}},
		{"the complaint itself is no wish", "Ik wil een klacht indienen over de training. Ik wil graag melden dat de trainer te laat was. I would like to make a complaint.", nil,
			complaint.Fields{}},
		{"hoping for an answer is no wish", "Ik verwacht een reactie binnen twee weken. Ik hoop snel iets van u te horen. I look forward to your reply.", nil,
			complaint.Fields{}},
		{"a wish that names its cause is a wish", "Daardoor wil ik mijn geld terug.", nil,
			complaint.Fields{"gewenste_afhandeling": "Daardoor wil ik mijn geld terug."}},
		{"answers given are kept", "Ik wil mijn geld terug. Hierdoor miste ik de les.",
			complaint.Fields{"gevolgen": "Geen.", "gewenste_afhandeling": "Excuses."},
			complaint.Fields{"gevolgen": "Geen.", "gewenste_afhandeling": "Excuses."}},
		{"past tense is no wish", "Ik wilde de cursus afmaken. I wanted to learn.", nil, complaint.Fields{}},
		{"the service named once", "Ik ben ontevreden over de online cursus.", nil, complaint.Fields{"dienst": "online cursus"}},
		{"two services named: none", "De online cursus en de intervisie-begeleiding waren slecht.", nil, complaint.Fields{}},
		{"a domain is not a service", "Ik vond u via intervisie-begeleiding.nl en www.intervisie-begeleiding.nl/cursus.", nil, complaint.Fields{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := complaint.Fields{}
			for k, v := range tt.have {
				got[k] = v
			}
			inferFromText(got, tt.text, testServices)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("inferFromText(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestExtractIssueCase is the mail of issue 8: the two answers under rephrased questions
// reach their fields and are not asked for again.
func TestExtractIssueCase(t *testing.T) {
	text := "Naam: Sophie van Dijk\n" +
		"Wat zijn de gevolgen voor u: Ik heb de deadline voor de eindopdracht gemist.\n" +
		"Hoe wilt u dat de klacht wordt afgehandeld: Verlenging van de deadline…\n"
	r := Extract(text, "", nil, "", testServices)
	want := complaint.Fields{"naam": "Sophie van Dijk",
		"gevolgen":             "Ik heb de deadline voor de eindopdracht gemist.",
		"gewenste_afhandeling": "Verlenging van de deadline…"}
	if diff := cmp.Diff(want, r.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"datum", "omschrijving", "dienst"}, r.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
}

// TestInferWordsCoverPatterns: every alternative of wishRe and effectRe holds, among the
// letters it must match, one of the words mayMatch looks for first; else a sentence that the
// pattern takes would be passed by.
func TestInferWordsCoverPatterns(t *testing.T) {
	for _, p := range []struct {
		name  string
		re    *regexp.Regexp
		words []string
	}{{"wishRe", wishRe, wishWords}, {"effectRe", effectRe, effectWords}} {
		src, okPrefix := strings.CutPrefix(p.re.String(), `\b(`)
		src, okSuffix := strings.CutSuffix(src, `)\b`)
		if !okPrefix || !okSuffix {
			t.Fatalf("%s is not \\b(…)\\b: %s", p.name, p.re)
		}
		alts := topLevelAlternatives(src)
		if len(alts) < 10 {
			t.Fatalf("%s: %d alternatives, want the pattern's", p.name, len(alts))
		}
		for _, alt := range alts {
			re, err := syntax.Parse(alt, syntax.Perl)
			if err != nil {
				t.Fatalf("%s: parse %q: %v", p.name, alt, err)
			}
			if !slices.ContainsFunc(mustLiterals(re), func(run string) bool {
				return slices.ContainsFunc(p.words, func(w string) bool { return strings.Contains(run, w) })
			}) {
				t.Errorf("%s: alternative %q holds none of the words %q", p.name, alt, p.words)
			}
		}
	}
}

// topLevelAlternatives splits a pattern at the | outside parentheses.
func topLevelAlternatives(src string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, src[start:i])
				start = i + 1
			}
		}
	}
	return append(out, src[start:])
}

// mustLiterals returns the runs of letters every match of re holds: literals in a row at the
// top level (anything else ends a run).
func mustLiterals(re *syntax.Regexp) []string {
	if re.Op == syntax.OpLiteral {
		return []string{string(re.Rune)}
	}
	var runs []string
	var run []rune
	if re.Op == syntax.OpConcat {
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run = append(run, sub.Rune...)
				continue
			}
			runs, run = append(runs, string(run)), nil
		}
	}
	return append(runs, string(run))
}
