package daemon

import (
	"fmt"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// The daemon's own sentences, in Dutch and English, each keyed by a phrase constant: what it
// writes on a case's timeline, the notes and lines it puts into staff mails (Data.Detail,
// Errors, Changes), the reasons it gives a quarantined message, and the words a case is shown
// with in the templates (the form's field labels, the commissaris' summary). The mails
// themselves are templates (templates/nl, templates/en, rendered by internal/render); these
// are not.
//
// Why a table in Go and not a template per sentence: each of these is a line or a clause,
// most with a value or two filled in (a case number, a date, an address), and many are
// stored with the case as written, on its timeline, to be read later by `klachtd show`, in
// exports and in the report. A template per line would be some sixty files in each language
// and a render call per line; and templates may be overridden from a folder, which must
// change how klachtd writes to people, never what its record of a case says. So the lines
// stay code, in this one file, where a change of wording is one edit and a missing
// translation is a failing test (TestEveryPhraseInBothLanguages).

// phrase names one of the daemon's sentences (see phrases).
type phrase int

const (
	// What a staff command changed (the commando-ok mail, applyResult).
	phChangeStatus phrase = iota
	phChangeVerdict
	phChangeDue
	phChangeRemedy
	phChangeCause
	phChangeMeasure
	phChangeMailSent
	phChangeMailHeld
	phChangeNote
	// Registration and confirmation: the timeline and the notes in the staff notice (register,
	// confirm, turns.go, flood.go, the outbox adapter, an automatic extension).
	phViaMail
	phViaStaff
	phViaCLI
	phSentLate
	phTooLargeNote
	phNoAddress
	phConfirmedInPerson
	phAStaffMember
	phUnverifiedNote
	phAutoReplyLimit
	phNoConfirmationHeld
	phConfirmationWaits
	phFloodDetail
	phConfirmationReleased
	phWaitingDetail
	phNoticeHeld
	phConfirmedBySMTP
	phAutoExtended
	// Attached documents not read (documents.go).
	phDocSkippedEvent
	phDocSkippedNote
	phDocMemory
	phDocCPU
	phDocTime
	phDocSize
	phDocComplex
	phDocNoReader
	phDocFailed
	// Mail in: kept unverified (reply.go, senders.go), fields a complainant's reply filled.
	phKeptUnverified
	phTheComplainant
	phTheCommissaris
	phKeptClaimed
	phFieldsAdded
	// Staff commands refused, copies and tags left out (command.go, quoted.go, linkage.go,
	// badref.go, and register.go's [nieuw] of a mail registered before).
	phForgedNotCarried
	phRedelivered
	phReplayed
	phReplayOnCase
	phReplayOnPurged
	phReplaySameContent
	phReplaySameSignature
	phQuotedNotCarried
	phTagQuoted
	phTagPlanted
	phTagNoInReplyTo
	phTagUnknownAnswer
	phUnlinkedCommand
	phRefManyCases
	phRefUnknownCase
	phNieuwAgainEvent
	phRegisteredPurged
	phRegisteredBefore
	// Mail out that did not arrive (bounce.go, mail.go).
	phBounceFailed
	phBounceUnknown
	phMailHeld
	// Messages quarantined after they stopped klachtd (poison.go).
	phPoisoned
	phPanicked
	// How a case reads in the templates (caseview.go): the commissaris' summary, the verdict,
	// the next deadline's name.
	phSummary
	phSummaryService
	phSummaryVerdict
	phVerdictGegrond
	phVerdictOngegrond
	phDecisionTerm
	phRemedyTerm

	phraseCount // not a phrase: how many there are
)

// phrases holds each phrase in Dutch and English; the verbs are fmt's, filled by in.
var phrases = [phraseCount]struct{ nl, en string }{
	phChangeStatus: {"Status: %s → %s.",
		"Status: %s → %s."},
	phChangeVerdict: {"Oordeel: %s.",
		"Verdict: %s."},
	phChangeDue: {"Nieuwe beslistermijn: %s.",
		"New decision term: %s."},
	phChangeRemedy: {"Hersteltermijn: %s.",
		"Remediation term: %s."},
	phChangeCause: {"Oorzaak vastgelegd.",
		"Cause recorded."},
	phChangeMeasure: {"Maatregel vastgelegd; de toets op effectiviteit volgt.",
		"Measure recorded; the effectiveness review will follow."},
	phChangeMailSent: {"%s verstuurd aan %s.",
		"%s sent to %s."},
	phChangeMailHeld: {"%s NIET verstuurd aan %s: dit adres gaf eerder een bounce. Antwoord met [adres-ok] als het adres weer klopt.",
		"%s NOT sent to %s: the address bounced before. Reply with [adres-ok] when the address is right again."},
	phChangeNote: {"Notitie vastgelegd.",
		"Note recorded."},
	phViaMail: {"per e-mail",
		"by mail"},
	phViaStaff: {"geregistreerd door een medewerker",
		"registered by staff"},
	phViaCLI: {"geregistreerd met klachtd new",
		"registered with klachtd new"},
	phSentLate: {"verstuurd op %s; de termijnen lopen vanaf de registratie",
		"sent on %s; the terms run from the registration"},
	phTooLargeNote: {"De e-mail is groter dan %d bytes: alleen de kop is gelezen. Bekijk de e-mail zelf in de mailbox.",
		"The mail is larger than %d bytes: only its header was read. Read it in the mailbox."},
	phNoAddress: {"Geen e-mailadres bekend: bevestig de ontvangst telefonisch of per post.",
		"No email address: confirm the complaint by phone or post."},
	phConfirmedInPerson: {"Geen e-mailadres: de ontvangst is persoonlijk bevestigd door %s.",
		"No email address: confirmed in person by %s."},
	phAStaffMember: {"een medewerker",
		"staff"},
	phUnverifiedNote: {"Afzender niet geverifieerd (%s): de ontvangstbevestiging herhaalt niets van de tekst, de naam of de links van de klager.",
		"Sender not verified (%s): the confirmation repeats none of the complainant's text, name or links."},
	phAutoReplyLimit: {"Geen ontvangstbevestiging verstuurd: %s kreeg al %d automatische antwoorden in 24 uur (auto_reply_limit). Bevestig zo nodig zelf.",
		"No confirmation sent: %s already had %d automatic answers in 24 hours (auto_reply_limit). Confirm yourself if needed."},
	phNoConfirmationHeld: {"Geen ontvangstbevestiging verstuurd: dit adres gaf eerder een bounce.",
		"No confirmation sent: this address bounced before."},
	phConfirmationWaits: {"Meer dan %d nieuwe klachten in een uur (max_new_per_hour): de ontvangstbevestiging wacht op haar beurt en gaat uit op %s.",
		"More than %d new complaints in an hour (max_new_per_hour): the confirmation waits its turn and goes out on %s."},
	phFloodDetail: {"ten hoogste %d bevestigingen per uur; de eerste die moet wachten is die van %s, die uitgaat op %s",
		"at most %d confirmations an hour; the first that must wait is that of %s, which goes out on %s"},
	phConfirmationReleased: {"de wachtende ontvangstbevestiging gaat nu uit, vóór het bericht aan de klager",
		"the waiting confirmation goes out now, before the mail to the complainant"},
	phWaitingDetail: {"de bevestiging wacht op haar beurt (max_new_per_hour = %d) en gaat uit op %s",
		"the confirmation waits its turn (max_new_per_hour = %d) and goes out on %s"},
	phNoticeHeld: {"geen aparte melding aan de medewerkers: de klacht staat in het overzicht dat zij na de golf van nieuwe klachten krijgen",
		"no notice of its own to staff: the complaint is listed in the summary they get when the flood of new complaints is over"},
	phConfirmedBySMTP: {"ontvangstbevestiging aangenomen door de mailserver",
		"confirmation accepted by the mail server"},
	phAutoExtended: {"automatisch verlengd tot %s",
		"automatically extended to %s"},
	phDocSkippedEvent: {"bijlage %q niet gelezen: %s",
		"attachment %q not read: %s"},
	phDocSkippedNote: {"De bijlage %q is niet gelezen (%s); de klacht is geregistreerd uit de tekst van de e-mail. Bekijk de bijlage zelf in de mailbox.",
		"The attachment %q was not read (%s); the complaint was registered from the text of the mail. Read the attachment in the mailbox."},
	phDocMemory: {"het lezen vroeg te veel geheugen",
		"reading it needed too much memory"},
	phDocCPU: {"het lezen vroeg te veel rekentijd",
		"reading it needed too much processing time"},
	phDocTime: {"het lezen duurde te lang",
		"reading it took too long"},
	phDocSize: {"het bestand is te groot",
		"the file is too large"},
	phDocComplex: {"het bestand is te ingewikkeld opgebouwd",
		"the file is too complex"},
	phDocNoReader: {"klachtd kon het leesproces niet starten",
		"klachtd could not start its reader"},
	phDocFailed: {"het leesproces stopte met een fout",
		"the reader stopped with an error"},
	phKeptUnverified: {"bewaard, afzender niet geverifieerd",
		"kept, sender not verified"},
	phTheComplainant: {"de klager",
		"the complainant"},
	phTheCommissaris: {"de klachtencommissaris",
		"the commissaris"},
	phKeptClaimed: {"bewaard, niet geverifieerd: lijkt van %s te komen, maar de afzender is niet geauthenticeerd (%s); verandert niets",
		"kept, not verified: seems to come from %s, but the sender is not authenticated (%s); changes nothing"},
	phFieldsAdded: {"aangevuld: %s",
		"added: %s"},
	phForgedNotCarried: {"opdracht niet uitgevoerd: %s",
		"command not carried out: %s"},
	phRedelivered: {"e-mail met Message-ID %s opnieuw bezorgd; niet nogmaals verwerkt",
		"mail with Message-ID %s delivered again; not handled again"},
	phReplayed: {"e-mail met Message-ID %s is al eerder verwerkt%s (zelfde %s); niet nogmaals verwerkt, er is niets uitgevoerd",
		"mail with Message-ID %s was handled before%s (same %s); not handled again, nothing carried out"},
	phReplayOnCase: {" op %s",
		" on %s"},
	phReplayOnPurged: {" op een inmiddels verwijderde zaak",
		" on a case since purged"},
	phReplaySameContent: {"afzender, datum, onderwerp en tekst",
		"sender, date, subject and text"},
	phReplaySameSignature: {"DKIM-handtekening of inhoud",
		"DKIM signature or content"},
	phQuotedNotCarried: {"niet uitgevoerd (mogelijk overgenomen uit een ander onderwerp): %s",
		"not carried out (possibly carried over from another subject): %s"},
	phTagQuoted: {"%s: niet uitgevoerd, want dit stond al in het onderwerp van de e-mail waarop u antwoordt (overgenomen, bijvoorbeeld door allen beantwoorden). Bedoelt u het toch? Zet de tag dan nog een keer in het onderwerp.",
		"%s: not carried out: it already stood in the subject of the mail you answered (carried over, for instance by reply-all). If you do mean it, put the tag in the subject once more."},
	phTagPlanted: {"%s: niet uitgevoerd, want dit staat ook in het onderwerp van een e-mail die de klager (of iemand anders buiten uw organisatie) over deze klacht stuurde, en de handtekening (DKIM) van uw e-mail dekt niet op welke e-mail u antwoordt. Het kan dus zijn overgenomen. Bedoelt u het toch? Zet de tag dan nog een keer in het onderwerp.",
		"%s: not carried out: it also stands in the subject of a mail the complainant (or someone else outside your organisation) sent about this complaint, and the signature (DKIM) of your mail does not cover which mail you answered, so it may have been carried over. If you do mean it, put the tag in the subject once more."},
	phTagNoInReplyTo: {"%s: niet uitgevoerd, want het onderwerp begint als een antwoord, maar uw e-mail noemt niet op welke e-mail zij antwoordt, en de handtekening (DKIM) van uw e-mail dekt dat niet: het is niet te zien of u dit zelf hebt toegevoegd of dat het al in het onderwerp stond. Beantwoord een e-mail van klachtd over deze klacht, of stuur een nieuwe e-mail (zonder \"Re:\" of \"Antw:\") met [%s] en de tags in het onderwerp.",
		"%s: not carried out: the subject starts as an answer, but your mail does not name the mail it answers, and the signature (DKIM) of your mail does not cover that, so it cannot be told whether you added this yourself or it already stood in the subject. Answer a mail of klachtd about this complaint, or send a new mail (without \"Re:\") with [%s] and the tags in the subject."},
	phTagUnknownAnswer: {"%s: niet uitgevoerd, want u antwoordt op (of stuurt door) een e-mail die klachtd niet kent: het is niet te zien of u dit zelf hebt toegevoegd of dat het al in het onderwerp stond. Stuur de opdracht als antwoord op een e-mail van klachtd over deze klacht, of als nieuwe e-mail met [%s] en de tags in het onderwerp.",
		"%s: not carried out: you answered (or forwarded) a mail klachtd does not know, so it cannot tell whether you added this yourself or it already stood in the subject. Send the command as an answer to a mail of klachtd about this complaint, or as a new mail with [%s] and the tags in the subject."},
	phUnlinkedCommand: {"Niet uitgevoerd: uw e-mail is aan klacht %[1]s gekoppeld via het kopveld %[2]s, en dat valt niet onder de handtekening (DKIM) van uw e-mail. Iemand anders kan het dus hebben veranderd. De e-mail is als correspondentie bij de klacht bewaard. Is de opdracht voor klacht %[1]s bedoeld? Stuur haar dan opnieuw met het klachtnummer in het onderwerp, bijvoorbeeld \"Re: [%[1]s] …\" met uw tags erachter.",
		"Not carried out: your mail is linked to complaint %[1]s by its %[2]s header field, which the signature (DKIM) of your mail does not cover, so someone else may have changed it. The mail is kept on the complaint as correspondence. Is the command meant for complaint %[1]s? Then send it again with the complaint number in the subject, for instance \"Re: [%[1]s] …\" followed by your tags."},
	phRefManyCases: {"het onderwerp noemt meer dan één klacht (%s): het is niet duidelijk welke u bedoelt. Stuur de opdracht opnieuw met alleen het nummer van de klacht die u bedoelt.",
		"the subject names more than one complaint (%s): it is not clear which one you mean. Send the command again with only the number of the complaint you mean."},
	phRefUnknownCase: {"klacht %s bestaat niet (of is na de bewaartermijn verwijderd): controleer het nummer.",
		"complaint %s does not exist (or was deleted after the retention period): check the number."},
	phNieuwAgainEvent: {"[nieuw] met Message-ID %s gaat over een e-mail die al eerder is geregistreerd; niet opnieuw geregistreerd",
		"[nieuw] with Message-ID %s registers a mail registered before; not registered again"},
	phRegisteredPurged: {"Deze e-mail is al eerder als klacht geregistreerd; die klacht is inmiddels verwijderd. Er is geen nieuwe klacht aangemaakt.",
		"This mail was registered as a complaint before; that complaint has since been deleted. No new complaint was created."},
	phRegisteredBefore: {"Deze e-mail is al eerder geregistreerd als klacht %s; er is geen nieuwe klacht aangemaakt.",
		"This mail was registered before as complaint %s; no new complaint was created."},
	phBounceFailed: {"bezorging van %s aan %s mislukt (%s)",
		"delivery of %s to %s failed (%s)"},
	phBounceUnknown: {"een bezorgrapport (%s) dat geen e-mail van klachtd over deze zaak noemt; niets tegengehouden",
		"a delivery report (%s) that names no mail klachtd sent about this case; nothing held"},
	phMailHeld: {"%s niet aan de klager verstuurd: het adres gaf eerder een bounce",
		"%s not sent to the complainant: the address bounced before"},
	phPoisoned: {"klachtd stopte %d keer tijdens het verwerken van dit bericht (%s); het is bewaard zonder het opnieuw te lezen",
		"klachtd stopped %d times while handling this message (%s); it is kept without being read again"},
	phPanicked: {"klachtd liep vast op dit bericht (%s)",
		"klachtd failed on this message (%s)"},
	phSummary: {"Klacht %s van %s",
		"Complaint %s by %s"},
	phSummaryService: {" over %s",
		" about %s"},
	phSummaryVerdict: {"; ons oordeel: %s",
		"; our assessment: %s"},
	phVerdictGegrond: {"gegrond",
		"justified"},
	phVerdictOngegrond: {"ongegrond",
		"unjustified"},
	phDecisionTerm: {"beslistermijn",
		"decision term"},
	phRemedyTerm: {"hersteltermijn",
		"remediation term"},
}

// in is the phrase in lang ("en", or else Dutch), its verbs filled with args.
func (p phrase) in(lang string, args ...any) string {
	s := phrases[p].nl
	if lang == "en" {
		s = phrases[p].en
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// say is the phrase in the organisation's language (staff read it), its verbs filled with args.
func (d *Daemon) say(p phrase, args ...any) string { return p.in(d.cfg.Organisation.Language, args...) }

// labels are the klachtformulier's fields as the templates show them (the questions of the
// form, in Dutch and English), keyed by the field constants of complaint.
var labels = map[string][2]string{
	complaint.FieldNaam:                {"Naam van indiener", "Your name"},
	complaint.FieldDatum:               {"Datum van de klacht", "Date of the complaint"},
	complaint.FieldOmschrijving:        {"Omschrijving van de klacht (wat is er gebeurd en tegen wie)", "Description of the complaint (what happened, and against whom)"},
	complaint.FieldGevolgen:            {"Gevolgen voor u (de invloed op uw ontwikkeling, cursus, training of begeleiding)", "Consequences for you (the effect on your development, course, training or coaching)"},
	complaint.FieldGewensteAfhandeling: {"Hoe wij uw klacht het beste kunnen afhandelen", "How we can best resolve your complaint"},
	complaint.FieldAanvullend:          {"Aanvullende informatie", "Additional information"},
	complaint.FieldDienst:              {"Over welke dienst uw klacht gaat", "Which service your complaint concerns"},
}

// fieldLabel is a field's label in lang ("en", or else Dutch).
func fieldLabel(f, lang string) string {
	if lang == "en" {
		return labels[f][1]
	}
	return labels[f][0]
}
