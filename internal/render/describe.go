package render

import (
	"unicode"
	"unicode/utf8"
)

// descriptions says in words what each kind of mail is, for people who never see template
// names: staff confirmations ("Statusbericht verstuurd aan …"), `klachtd show`, the demo.
var descriptions = map[string][2]string{
	"bevestiging":        {"ontvangstbevestiging", "confirmation of receipt"},
	"nadere-info":        {"vraag om nadere informatie", "request for more information"},
	"status":             {"statusbericht", "status update"},
	"verlenging":         {"bericht over de nieuwe beslistermijn", "notice of the new decision term"},
	"uitkomst-gegrond":   {"uitkomst (gegrond)", "outcome (justified)"},
	"uitkomst-ongegrond": {"uitkomst (ongegrond) met de route naar de klachtencommissaris", "outcome (unjustified) with the route to the commissioner"},
	"escalatie":          {"voorlegging aan de klachtencommissaris", "referral to the complaints commissioner"},
	"bindend-advies":     {"bericht over het bindend advies", "message about the binding advice"},
	"afgehandeld":        {"afsluitend bericht", "closing message"},
	"melding-nieuw":      {"melding van een nieuwe klacht", "notice of a new complaint"},
	"herinnering":        {"herinnering", "reminder"},
	"commando-fout":      {"antwoord op een opdracht die niet is uitgevoerd", "reply to a command that was not carried out"},
	"commando-ok":        {"bevestiging van een uitgevoerde opdracht", "confirmation of a command carried out"},
	"melding":            {"melding aan medewerkers", "notice to staff"},
	"overzicht":          {"weekoverzicht", "weekly overview"},
	"rapport":            {"halfjaarlijkse klachtenanalyse", "half-yearly complaints analysis"},
}

// Describe says in words, in lang ("en" or else Dutch), what a mail of kind is: "statusbericht"
// for "status". An unknown kind is returned as it is.
func Describe(kind, lang string) string {
	d, ok := descriptions[kind]
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
