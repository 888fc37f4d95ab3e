package cli

import "github.com/groeimeesters/klachtd/internal/complaint"

// lang is the language of what a command prints for people: the organisation's (staff read
// it), Dutch unless organisation.language is "en".
type lang string

func (l lang) t(nl, en string) string {
	if l == "en" {
		return en
	}
	return nl
}

// fieldWords are the klachtformulier fields as a short label.
var fieldWords = map[string][2]string{
	complaint.FieldNaam:                {"Naam", "Name"},
	complaint.FieldDatum:               {"Datum", "Date"},
	complaint.FieldOmschrijving:        {"Omschrijving", "Description"},
	complaint.FieldGevolgen:            {"Gevolgen", "Consequences"},
	complaint.FieldGewensteAfhandeling: {"Gewenste afhandeling", "Desired resolution"},
	complaint.FieldAanvullend:          {"Aanvullend", "Additional"},
	complaint.FieldDienst:              {"Dienst", "Service"},
}

func (l lang) field(f string) string { return l.pick(fieldWords, f) }

// eventWords are the kinds of timeline events in words.
var eventWords = map[string][2]string{
	"registered":        {"geregistreerd", "registered"},
	"confirmed":         {"bevestigd", "confirmed"},
	"no-confirmation":   {"geen bevestiging", "no confirmation"},
	"status":            {"status", "status"},
	"verdict":           {"oordeel", "verdict"},
	"extension":         {"verlenging", "extension"},
	"remedy-term":       {"hersteltermijn", "remediation term"},
	"escalation":        {"escalatie", "escalation"},
	"advice":            {"bindend advies", "binding advice"},
	"closed":            {"afgehandeld", "closed"},
	"reopened":          {"heropend", "reopened"},
	"note":              {"notitie", "note"},
	"cause":             {"oorzaak", "cause"},
	"measure":           {"maatregel", "measure"},
	"address-ok":        {"adres weer goed", "address ok"},
	"fields":            {"aangevuld", "fields added"},
	"mail-complainant":  {"mail klager", "complainant mail"},
	"mail-staff":        {"mail medewerker", "staff mail"},
	"mail-commissaris":  {"mail commissaris", "commissioner mail"},
	"mail-unverified":   {"niet geverifieerd", "unverified mail"},
	"mail-auto":         {"automatisch antwoord", "automatic reply"},
	"mail-held":         {"niet verstuurd", "mail held"},
	"forged-command":    {"opdracht geweigerd", "command refused"},
	"command-error":     {"opdracht fout", "command error"},
	"duplicate-command": {"dubbel bezorgd", "delivered twice"},
	"bounce":            {"bounce", "bounce"},
	"send-failed":       {"verzenden mislukt", "send failed"},
}

func (l lang) event(kind string) string { return l.pick(eventWords, kind) }

// mailStatusWords are the states of an outgoing mail.
var mailStatusWords = map[string][2]string{
	"queued": {"in de wachtrij", "queued"},
	"sent":   {"verzonden", "sent"},
	"failed": {"mislukt", "failed"},
}

func (l lang) mailStatus(s string) string { return l.pick(mailStatusWords, s) }

func (l lang) pick(words map[string][2]string, key string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if l == "en" {
		return w[1]
	}
	return w[0]
}

// incomingWords are the kinds of incoming mail on a case.
var incomingWords = map[string][2]string{
	"complaint":         {"klacht", "complaint"},
	"reply-complainant": {"reactie klager", "complainant's reply"},
	"reply-staff":       {"opdracht of reactie medewerker", "staff command or reply"},
	"reply-commissaris": {"reactie klachtencommissaris", "commissioner's reply"},
	"reply-unverified":  {"reactie, afzender niet geverifieerd", "reply, sender not verified"},
	"forged-command":    {"opdracht, afzender niet geverifieerd", "command, sender not verified"},
	"bounce":            {"bounce", "bounce"},
	"mail-auto":         {"automatisch antwoord", "automatic reply"},
	"quarantine":        {"niet te lezen", "unreadable"},
}

func (l lang) incoming(kind string) string { return l.pick(incomingWords, kind) }
