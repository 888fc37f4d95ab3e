package cli

import (
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// lang is the language of what a command prints for people: the organisation's (staff read
// it), Dutch unless organisation.language is "en".
type lang string

// say is phrase p in l, its verbs filled with args: every word a command prints for people is
// a wording.Phrase, so it has one home (internal/wording) beside the daemon's and the domain's.
func (l lang) say(p wording.Phrase, args ...any) string { return p.In(string(l), args...) }

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

func (l lang) field(f string) string { return pick(l, fieldWords, f) }

// eventWords are the kinds of timeline events in words, one for each complaint.EventKinds
// (TestEveryEventKindHasWords).
var eventWords = map[complaint.EventKind][2]string{
	complaint.EventRegistered:           {"geregistreerd", "registered"},
	complaint.EventConfirmed:            {"bevestigd", "confirmed"},
	complaint.EventNoConfirmation:       {"geen bevestiging", "no confirmation"},
	complaint.EventConfirmationWaits:    {"bevestiging wacht", "confirmation waits"},
	complaint.EventConfirmationReleased: {"bevestiging eerder verstuurd", "confirmation sent early"},
	complaint.EventNoticeHeld:           {"melding in overzicht", "notice in summary"},
	complaint.EventDocumentSkipped:      {"bijlage niet gelezen", "attachment not read"},
	complaint.EventStatus:               {"status", "status"},
	complaint.EventVerdict:              {"oordeel", "verdict"},
	complaint.EventExtension:            {"verlenging", "extension"},
	complaint.EventRemedyTerm:           {"hersteltermijn", "remediation term"},
	complaint.EventEscalation:           {"escalatie", "escalation"},
	complaint.EventAdvice:               {"bindend advies", "binding advice"},
	complaint.EventClosed:               {"afgehandeld", "closed"},
	complaint.EventReopened:             {"heropend", "reopened"},
	complaint.EventNote:                 {"notitie", "note"},
	complaint.EventCause:                {"oorzaak", "cause"},
	complaint.EventMeasure:              {"maatregel", "measure"},
	complaint.EventAddressOK:            {"adres weer goed", "address ok"},
	complaint.EventFields:               {"aangevuld", "fields added"},
	complaint.EventMailComplainant:      {"mail klager", "complainant mail"},
	complaint.EventMailStaff:            {"mail medewerker", "staff mail"},
	complaint.EventMailCommissaris:      {"mail commissaris", "commissioner mail"},
	complaint.EventMailUnverified:       {"niet geverifieerd", "unverified mail"},
	complaint.EventMailAuto:             {"automatisch antwoord", "automatic reply"},
	complaint.EventMailHeld:             {"niet verstuurd", "mail held"},
	complaint.EventForgedCommand:        {"opdracht geweigerd", "command refused"},
	complaint.EventCommandError:         {"opdracht fout", "command error"},
	complaint.EventDuplicateCommand:     {"dubbel bezorgd", "delivered twice"},
	complaint.EventQuotedTags:           {"tags niet uitgevoerd", "tags not carried out"},
	complaint.EventBounce:               {"bounce", "bounce"},
	complaint.EventSendFailed:           {"verzenden mislukt", "send failed"},
}

// event is a timeline kind in words; a kind without words (a newer klachtd's) as it is.
func (l lang) event(kind string) string { return pick(l, eventWords, kind) }

// mailStatusWords are the states of an outgoing mail.
var mailStatusWords = map[string][2]string{
	"queued": {"in de wachtrij", "queued"},
	"sent":   {"verzonden", "sent"},
	"failed": {"mislukt", "failed"},
}

func (l lang) mailStatus(s string) string { return pick(l, mailStatusWords, s) }

// pick is key's words in l from a table keyed by a string kind; a key the table lacks as it is.
func pick[K ~string](l lang, words map[K][2]string, key string) string {
	w, ok := words[K(key)]
	if !ok {
		return key
	}
	return l.t(w[0], w[1])
}

// incomingWords are the kinds of incoming mail on a case in words, one for each
// complaint.MailKinds (TestEveryMailKindHasWords).
var incomingWords = map[complaint.MailKind][2]string{
	complaint.MailComplaint:        {"klacht", "complaint"},
	complaint.MailReplyComplainant: {"reactie klager", "complainant's reply"},
	complaint.MailReplyStaff:       {"opdracht of reactie medewerker", "staff command or reply"},
	complaint.MailReplyCommissaris: {"reactie klachtencommissaris", "commissioner's reply"},
	complaint.MailReplyUnverified:  {"reactie, afzender niet geverifieerd", "reply, sender not verified"},
	complaint.MailForgedCommand:    {"opdracht, afzender niet geverifieerd", "command, sender not verified"},
	complaint.MailUnlinkedCommand:  {"opdracht, koppeling niet ondertekend", "command, link not signed"},
	complaint.MailBounce:           {"bounce", "bounce"},
	complaint.MailAuto:             {"automatisch antwoord", "automatic reply"},
	complaint.MailQuarantine:       {"niet te lezen", "unreadable"},
}

// incoming is a kind of mail in, in words; a kind without words as it is.
func (l lang) incoming(kind string) string { return pick(l, incomingWords, kind) }
