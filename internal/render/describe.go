package render

import (
	"unicode"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/wording"
)

// descriptions says in words what each kind of mail is, for people who never see template
// names: staff confirmations ("Statusbericht verstuurd aan …"), `klachtd show`, the demo. The
// words are phrases in internal/wording (one home for klachtd's sentences outside the
// templates); which kind is which phrase stays here, where the kinds are. KindStoring has none:
// an alarm is never a case's mail, and elsewhere it is named as it is (TestEveryKindDescribed).
var descriptions = map[Kind]wording.Phrase{
	KindBevestiging:       wording.DescribeBevestiging,
	KindNadereInfo:        wording.DescribeNadereInfo,
	KindStatus:            wording.DescribeStatus,
	KindVerlenging:        wording.DescribeVerlenging,
	KindUitkomstGegrond:   wording.DescribeUitkomstGegrond,
	KindUitkomstOngegrond: wording.DescribeUitkomstOngegrond,
	KindEscalatie:         wording.DescribeEscalatie,
	KindBindendAdvies:     wording.DescribeBindendAdvies,
	KindAfgehandeld:       wording.DescribeAfgehandeld,
	KindMeldingNieuw:      wording.DescribeMeldingNieuw,
	KindHerinnering:       wording.DescribeHerinnering,
	KindCommandoFout:      wording.DescribeCommandoFout,
	KindCommandoOK:        wording.DescribeCommandoOK,
	KindMelding:           wording.DescribeMelding,
	KindOverzicht:         wording.DescribeOverzicht,
	KindRapport:           wording.DescribeRapport,
}

// Describe says in words, in lang ("en" or else Dutch), what a mail of kind is: "statusbericht"
// for "status". An unknown kind is returned as it is.
func Describe(kind, lang string) string {
	p, ok := descriptions[Kind(kind)]
	if !ok {
		return kind
	}
	return p.In(normLang(lang))
}

// Capital returns s with its first letter in upper case, to start a sentence with Describe.
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
