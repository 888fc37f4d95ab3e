package render

// Kind names a kind of mail: the template templates/nl/<kind>.tmpl and templates/en/<kind>.tmpl
// (or an override of it). The constants are the one home of these names; Kinds lists them.
type Kind string

// The kinds of mail klachtd sends.
const (
	// To the complainant (and, where the procedure says so, the commissaris).
	KindBevestiging       Kind = "bevestiging"        // confirmation of receipt
	KindNadereInfo        Kind = "nadere-info"        // a request for more information
	KindStatus            Kind = "status"             // a status update
	KindVerlenging        Kind = "verlenging"         // the new decision term
	KindUitkomstGegrond   Kind = "uitkomst-gegrond"   // the outcome: justified
	KindUitkomstOngegrond Kind = "uitkomst-ongegrond" // the outcome: unjustified, with the route to the commissaris
	KindEscalatie         Kind = "escalatie"          // the referral to the commissaris
	KindBindendAdvies     Kind = "bindend-advies"     // the binding advice
	KindAfgehandeld       Kind = "afgehandeld"        // the closing mail
	// To staff.
	KindMeldingNieuw Kind = "melding-nieuw" // a new complaint
	KindHerinnering  Kind = "herinnering"   // a reminder (Data.Notice says of what)
	KindCommandoFout Kind = "commando-fout" // a command not carried out, and why
	KindCommandoOK   Kind = "commando-ok"   // a command carried out, and what changed
	KindMelding      Kind = "melding"       // a notice (Data.Notice says of what)
	KindOverzicht    Kind = "overzicht"     // the weekly digest
	KindRapport      Kind = "rapport"       // the half-yearly analysis
	KindStoring      Kind = "storing"       // an alarm: klachtd cannot do its work
)

// Kinds lists every mail kind, in a stable order.
func Kinds() []string {
	kinds := []Kind{
		KindBevestiging, KindNadereInfo, KindStatus, KindVerlenging, KindUitkomstGegrond,
		KindUitkomstOngegrond, KindEscalatie, KindBindendAdvies, KindAfgehandeld,
		KindMeldingNieuw, KindHerinnering, KindCommandoFout, KindCommandoOK, KindMelding,
		KindOverzicht, KindRapport, KindStoring,
	}
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}
