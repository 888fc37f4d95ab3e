package render

import (
	"unicode"
	"unicode/utf8"
)

// descriptions says in words what each kind of mail is, for people who never see template
// names: staff confirmations ("Statusbericht verstuurd aan …"), `klachtd show`, the demo.
var descriptions = map[Kind][2]string{
	KindBevestiging:       {"ontvangstbevestiging", "confirmation of receipt"},
	KindNadereInfo:        {"vraag om nadere informatie", "request for more information"},
	KindStatus:            {"statusbericht", "status update"},
	KindVerlenging:        {"bericht over de nieuwe beslistermijn", "notice of the new decision term"},
	KindUitkomstGegrond:   {"uitkomst (gegrond)", "outcome (justified)"},
	KindUitkomstOngegrond: {"uitkomst (ongegrond) met de route naar de klachtencommissaris", "outcome (unjustified) with the route to the commissioner"},
	KindEscalatie:         {"voorlegging aan de klachtencommissaris", "referral to the complaints commissioner"},
	KindBindendAdvies:     {"bericht over het bindend advies", "message about the binding advice"},
	KindAfgehandeld:       {"afsluitend bericht", "closing message"},
	KindMeldingNieuw:      {"melding van een nieuwe klacht", "notice of a new complaint"},
	KindHerinnering:       {"herinnering", "reminder"},
	KindCommandoFout:      {"antwoord op een opdracht die niet is uitgevoerd", "reply to a command that was not carried out"},
	KindCommandoOK:        {"bevestiging van een uitgevoerde opdracht", "confirmation of a command carried out"},
	KindMelding:           {"melding aan medewerkers", "notice to staff"},
	KindOverzicht:         {"weekoverzicht", "weekly overview"},
	KindRapport:           {"halfjaarlijkse klachtenanalyse", "half-yearly complaints analysis"},
}

// Describe says in words, in lang ("en" or else Dutch), what a mail of kind is: "statusbericht"
// for "status". An unknown kind is returned as it is.
func Describe(kind, lang string) string {
	d, ok := descriptions[Kind(kind)]
	if !ok {
		return kind
	}
	if normLang(lang) == "en" {
		return d[1]
	}
	return d[0]
}

// Capital returns s with its first letter in upper case, to start a sentence with Describe.
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
