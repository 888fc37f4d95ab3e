// Package wording holds the sentences klachtd writes outside the templates, in Dutch and
// English, each keyed by a typed constant (Phrase): what the daemon writes on a case's
// timeline, the notes and lines it puts into staff mails (Data.Detail, Errors, Changes), the
// reasons it gives a quarantined message, the words a case is shown with in the templates (the
// form's field labels, the commissaris' summary), the reasons the domain (complaint) gives
// when it refuses a staff command or cannot read a tag, what klachtd's commands print for
// people (internal/cli: the rows of `klachtd show` and an export's index, the columns of
// `klachtd list`, the words for each kind of timeline entry and of mail in), what each kind
// of mail out is called (render.Describe), and the words of the half-yearly analysis
// (internal/report: its figures, tables, titles and periods, in the text, the page, the
// spreadsheet and the chart). The mails themselves are templates (templates/nl, templates/en,
// rendered by internal/render); these are not.
//
// Why a table in Go and not a template per sentence: each of these is a line or a clause,
// most with a value or two filled in (a case number, a date, an address), and many are
// stored with the case as written, on its timeline, to be read later by `klachtd show`, in
// exports and in the report. A template per line would be some hundred files in each language
// and a render call per line; and templates may be overridden from a folder, which must
// change how klachtd writes to people, never what its record of a case says. So the lines
// stay code, in this one package, where a change of wording is one edit and a missing
// translation is a failing test (TestEveryPhraseInBothLanguages).
//
// The package is pure and a leaf: it imports nothing of klachtd, so that the domain
// (complaint) and the daemon both can use it.
package wording

import (
	"fmt"
	"slices"
)

// Phrase names one of the sentences (see phrases); In writes it in a language.
type Phrase int

const (
	// The daemon's: what a staff command changed (the commando-ok mail, applyResult).
	ChangeStatus Phrase = iota
	ChangeVerdict
	ChangeDue
	ChangeRemedy
	ChangeCause
	ChangeMeasure
	ChangeMailSent
	ChangeMailHeld
	ChangeNote
	// Registration and confirmation: the timeline and the notes in the staff notice (register,
	// confirm, daemon/turns.go, flood.go, the outbox adapter, an automatic extension).
	ViaMail
	ViaStaff
	ViaCLI
	SentLate
	TooLargeNote
	NoAddress
	ConfirmedInPerson
	AStaffMember
	UnverifiedNote
	AutoReplyLimit
	NoConfirmationHeld
	ConfirmationWaits
	FloodDetail
	ConfirmationReleased
	WaitingDetail
	NoticeHeld
	ConfirmedBySMTP
	AutoExtended
	// Attached documents not read (daemon/documents.go).
	DocSkippedEvent
	DocSkippedNote
	DocMemory
	DocCPU
	DocTime
	DocSize
	DocComplex
	DocNoReader
	DocFailed
	DocTooMany // %d: how many documents of one mail are read
	// Mail in: kept unverified (daemon/reply.go, senders.go), fields a complainant's reply filled.
	KeptUnverified
	TheComplainant
	TheCommissaris
	KeptClaimed
	FieldsAdded
	// Staff commands refused, copies and tags left out (daemon/command.go, quoted.go, linkage.go,
	// badref.go, and register.go's [nieuw] of a mail registered before).
	ForgedNotCarried
	Redelivered
	Replayed
	ReplayOnCase
	ReplayOnPurged
	ReplaySameContent
	ReplaySameSignature
	QuotedNotCarried
	TagQuoted
	TagPlanted
	TagNoInReplyTo
	TagUnknownAnswer
	UnlinkedCommand
	RefManyCases
	RefUnknownCase
	NieuwAgainEvent
	RegisteredPurged
	RegisteredBefore
	// Mail out that did not arrive (daemon/bounce.go, mail.go).
	BounceFailed
	BounceUnknown
	MailHeld
	// Messages quarantined after they stopped klachtd (daemon/poison.go).
	Poisoned
	Panicked
	// How a case reads in the templates (daemon/caseview.go): the commissaris' summary, the verdict,
	// the next deadline's name.
	Summary
	SummaryService
	SummaryVerdict
	VerdictGegrond
	VerdictOngegrond
	DecisionTerm
	RemedyTerm
	// The klachtformulier's fields as the templates show them: the questions of the form
	// (daemon's fieldLabel maps complaint's field constants to these).
	LabelNaam
	LabelDatum
	LabelOmschrijving
	LabelGevolgen
	LabelGewensteAfhandeling
	LabelAanvullend
	LabelDienst
	// The domain's: a staff command refused, a tag that cannot be read (complaint's
	// TransitionError and TagError: apply.go, transition.go, tags.go), in the commando-fout
	// mail after the tag as written.
	NoTag
	TagTwice
	NieuwOnCase
	InternAlone
	TagsContradict
	TagNeedsText
	CaseClosed
	CaseJudged
	CaseWithCommissaris
	NotInStatus
	AdviceNotEscalated
	UnknownTag
	UnknownTagMeant
	ReopenNotJudged
	RemedyNotJustified
	RemedyPast
	AlreadyEscalated
	TermPast
	TermNotLater
	TermMissing
	TermUnreadable
	TagTakesNothing
	// The domain's own texts on a case's timeline (complaint's eventTexts, events.go): Apply
	// writes them in Dutch, Event.TextIn gives them in English.
	TimelineClosed
	TimelineAddressOK
	TimelineReopened
	TimelineReopenedToEscalate
	TimelineEscalated
	TimelineExtendedTo // %s: the new decision term
	TimelineRemedyTo   // %s: the remediation term
	// What klachtd's commands print for people (internal/cli), in the organisation's language:
	// the rows and headings of `klachtd show` and of an export's index.txt, the columns of
	// `klachtd list`, what `klachtd export`, `klachtd report` and `klachtd help tags` say.
	ShowComplainant
	ShowPhone
	ShowReceived
	ShowConfirmed
	ShowDecisionTerm
	ShowRemedyTerm
	ShowClosed
	ShowCause
	ShowMeasure
	ShowForm
	ShowMissing
	ShowTimeline
	ShowCorrespondence
	ShowNotVerified
	DueExtended
	DueRemedy
	ColumnCase
	ColumnStatus
	ColumnVerdict
	ColumnReceived
	ColumnNextDeadline
	ColumnService
	ColumnComplainant
	Exported
	ExportTitle
	ExportMade
	ExportFiles
	ExportJSON
	ExportEML
	ReportSoFar
	ReportNoneYet
	ReportOneSoFar
	ReportCurrent
	TagsTitle
	TagsMore
	// The klachtformulier's fields as a short label (`klachtd show`'s form, what is missing;
	// cli's fieldWords map complaint's field constants to these). ShortDienst is also show's
	// row for the service the case is about: the same word for the same field.
	ShortNaam
	ShortDatum
	ShortOmschrijving
	ShortGevolgen
	ShortGewensteAfhandeling
	ShortAanvullend
	ShortDienst
	// The kinds of timeline entries in words (the Timeline of `klachtd show`; cli's eventWords
	// map each complaint.EventKind to one). Three kinds say what a phrase above already says and
	// are that phrase: closed is TimelineClosed, reopened TimelineReopened, the remediation term
	// RemedyTerm. Bounce and automatic reply are also kinds of mail in (MailBounce, MailAuto).
	EventRegistered
	EventConfirmed
	EventNoConfirmation
	EventConfirmationWaits
	EventConfirmationReleased
	EventNoticeHeld
	EventDocumentSkipped
	EventStatus
	EventVerdict
	EventExtension
	EventEscalation
	EventAdvice
	EventNote
	EventCause
	EventMeasure
	EventAddressOK
	EventFields
	EventMailComplainant
	EventMailStaff
	EventMailCommissaris
	EventMailUnverified
	EventMailHeld
	EventForgedCommand
	EventCommandError
	EventDuplicateCommand
	EventQuotedTags
	EventSendFailed
	// The kinds of mail in on a case in words (the Correspondence of `klachtd show` and the
	// export's index; cli's incomingWords map each complaint.MailKind to one).
	MailComplaint
	MailReplyComplainant
	MailReplyStaff
	MailReplyCommissaris
	MailReplyUnverified
	MailForgedCommand
	MailUnlinkedCommand
	MailBounce
	MailAuto
	MailQuarantine
	// The states of a mail out (cli's mailStatusWords).
	MailQueued
	MailSent
	MailFailed
	// What each kind of mail out is, in words, for people who never see template names: staff
	// confirmations ("Statusbericht verstuurd aan …"), `klachtd show`, the demo (render's
	// descriptions map each render.Kind to one; render.Describe writes it).
	DescribeBevestiging
	DescribeNadereInfo
	DescribeStatus
	DescribeVerlenging
	DescribeUitkomstGegrond
	DescribeUitkomstOngegrond
	DescribeEscalatie
	DescribeBindendAdvies
	DescribeAfgehandeld
	DescribeMeldingNieuw
	DescribeHerinnering
	DescribeCommandoFout
	DescribeCommandoOK
	DescribeMelding
	DescribeOverzicht
	DescribeRapport
	// The half-yearly analysis (internal/report): the key figures of the text and the page, the
	// words of its tables, its titles, how a period is named. The verdicts in its tables are
	// VerdictGegrond and VerdictOngegrond, as in the templates.
	ReportPeriod
	ReportReceived
	ReportPurgedOf
	ReportClosed
	ReportOpen
	ReportHandling
	ReportHandlingFigures
	ReportOpenAge
	ReportOpenAgeFigures
	ReportConfirmedIn48
	ReportDeadlinesKept
	ReportOverdue
	ReportPending
	ReportExtended
	ReportExtendedBy
	ReportEscalated
	ReportShare
	ReportNoService
	ReportNoVerdict
	ReportPerServiceVerdict
	ReportCauses
	ReportMeasures
	ReportTrend
	ReportNoComplaints
	ReportTitle
	ReportPeriodSpan
	ReportFirstHalf
	ReportSecondHalf
	ReportColumnService
	ReportTotal
	ReportColumnPeriod
	ReportColumnComplaints
	ReportColumnKept
	ReportColumnMedian
	ReportColumnCommissaris
	// The analysis' chart (report.Chart); its bars' title is ReportChartTitle and the period.
	ReportChartTitle
	ReportOtherServices
	ReportChartEmpty
	ReportPerHalfYear
	// The analysis as a spreadsheet (report.CSV): its columns and the figures of its rows, where
	// not one of the key figures above (a cause is ShowCause, a measure ShowMeasure).
	CSVFigure
	CSVKey
	CSVVerdict
	CSVValue
	CSVPurged
	CSVHandlingMedian
	CSVHandlingMean
	CSVHandlingLongest
	CSVOpenAgeMedian
	CSVOpenAgeOldest
	CSVConfirmedLate
	CSVUnconfirmed
	CSVDeadlinesMissed
	CSVExtendedAuto
	CSVExtendedStaff
	CSVPerService
	CSVPerVerdict
	CSVTrendComplaints
	CSVTrendGegrond
	CSVTrendKept
	CSVTrendJudged
	CSVTrendMedian

	count // not a phrase: how many there are
)

// phrases holds each phrase in Dutch and English; the verbs are fmt's, filled by In.
var phrases = [count]struct{ nl, en string }{
	ChangeStatus: {"Status: %s → %s.",
		"Status: %s → %s."},
	ChangeVerdict: {"Oordeel: %s.",
		"Verdict: %s."},
	ChangeDue: {"Nieuwe beslistermijn: %s.",
		"New decision term: %s."},
	ChangeRemedy: {"Hersteltermijn: %s.",
		"Remediation term: %s."},
	ChangeCause: {"Oorzaak vastgelegd.",
		"Cause recorded."},
	ChangeMeasure: {"Maatregel vastgelegd; de toets op effectiviteit volgt.",
		"Measure recorded; the effectiveness review will follow."},
	ChangeMailSent: {"%s verstuurd aan %s.",
		"%s sent to %s."},
	ChangeMailHeld: {"%s NIET verstuurd aan %s: dit adres gaf eerder een bounce. Antwoord met [adres-ok] als het adres weer klopt.",
		"%s NOT sent to %s: the address bounced before. Reply with [adres-ok] when the address is right again."},
	ChangeNote: {"Notitie vastgelegd.",
		"Note recorded."},
	ViaMail: {"per e-mail",
		"by mail"},
	ViaStaff: {"geregistreerd door een medewerker",
		"registered by staff"},
	ViaCLI: {"geregistreerd met klachtd new",
		"registered with klachtd new"},
	SentLate: {"verstuurd op %s; de termijnen lopen vanaf de registratie",
		"sent on %s; the terms run from the registration"},
	TooLargeNote: {"De e-mail is groter dan %d bytes: alleen de kop is gelezen. Bekijk de e-mail zelf in de mailbox.",
		"The mail is larger than %d bytes: only its header was read. Read it in the mailbox."},
	NoAddress: {"Geen e-mailadres bekend: bevestig de ontvangst telefonisch of per post.",
		"No email address: confirm the complaint by phone or post."},
	ConfirmedInPerson: {"Geen e-mailadres: de ontvangst is persoonlijk bevestigd door %s.",
		"No email address: confirmed in person by %s."},
	AStaffMember: {"een medewerker",
		"staff"},
	UnverifiedNote: {"Afzender niet geverifieerd (%s): de ontvangstbevestiging herhaalt niets van de tekst, de naam of de links van de klager.",
		"Sender not verified (%s): the confirmation repeats none of the complainant's text, name or links."},
	AutoReplyLimit: {"Geen ontvangstbevestiging verstuurd: %s kreeg al %d automatische antwoorden in 24 uur (auto_reply_limit). Bevestig zo nodig zelf.",
		"No confirmation sent: %s already had %d automatic answers in 24 hours (auto_reply_limit). Confirm yourself if needed."},
	NoConfirmationHeld: {"Geen ontvangstbevestiging verstuurd: dit adres gaf eerder een bounce.",
		"No confirmation sent: this address bounced before."},
	ConfirmationWaits: {"Meer dan %d nieuwe klachten in een uur (max_new_per_hour): de ontvangstbevestiging wacht op haar beurt en gaat uit op %s.",
		"More than %d new complaints in an hour (max_new_per_hour): the confirmation waits its turn and goes out on %s."},
	FloodDetail: {"ten hoogste %d bevestigingen per uur; de eerste die moet wachten is die van %s, die uitgaat op %s",
		"at most %d confirmations an hour; the first that must wait is that of %s, which goes out on %s"},
	ConfirmationReleased: {"de wachtende ontvangstbevestiging gaat nu uit, vóór het bericht aan de klager",
		"the waiting confirmation goes out now, before the mail to the complainant"},
	WaitingDetail: {"de bevestiging wacht op haar beurt (max_new_per_hour = %d) en gaat uit op %s",
		"the confirmation waits its turn (max_new_per_hour = %d) and goes out on %s"},
	NoticeHeld: {"geen aparte melding aan de medewerkers: de klacht staat in het overzicht dat zij na de golf van nieuwe klachten krijgen",
		"no notice of its own to staff: the complaint is listed in the summary they get when the flood of new complaints is over"},
	ConfirmedBySMTP: {"ontvangstbevestiging aangenomen door de mailserver",
		"confirmation accepted by the mail server"},
	AutoExtended: {"automatisch verlengd tot %s",
		"automatically extended to %s"},
	DocSkippedEvent: {"bijlage %q niet gelezen: %s",
		"attachment %q not read: %s"},
	DocSkippedNote: {"De bijlage %q is niet gelezen (%s); de klacht is geregistreerd uit de tekst van de e-mail. Bekijk de bijlage zelf in de mailbox.",
		"The attachment %q was not read (%s); the complaint was registered from the text of the mail. Read the attachment in the mailbox."},
	DocMemory: {"het lezen vroeg te veel geheugen",
		"reading it needed too much memory"},
	DocCPU: {"het lezen vroeg te veel rekentijd",
		"reading it needed too much processing time"},
	DocTime: {"het lezen duurde te lang",
		"reading it took too long"},
	DocSize: {"het bestand is te groot",
		"the file is too large"},
	DocComplex: {"het bestand is te ingewikkeld opgebouwd",
		"the file is too complex"},
	DocNoReader: {"klachtd kon het leesproces niet starten",
		"klachtd could not start its reader"},
	DocFailed: {"het leesproces stopte met een fout",
		"the reader stopped with an error"},
	DocTooMany: {"klachtd leest van één bericht de eerste %d documenten",
		"klachtd reads the first %d documents of a mail"},
	KeptUnverified: {"bewaard, afzender niet geverifieerd",
		"kept, sender not verified"},
	TheComplainant: {"de klager",
		"the complainant"},
	TheCommissaris: {"de klachtencommissaris",
		"the commissaris"},
	KeptClaimed: {"bewaard, niet geverifieerd: lijkt van %s te komen, maar de afzender is niet geauthenticeerd (%s); verandert niets",
		"kept, not verified: seems to come from %s, but the sender is not authenticated (%s); changes nothing"},
	FieldsAdded: {"aangevuld: %s",
		"added: %s"},
	ForgedNotCarried: {"opdracht niet uitgevoerd: %s",
		"command not carried out: %s"},
	Redelivered: {"e-mail met Message-ID %s opnieuw bezorgd; niet nogmaals verwerkt",
		"mail with Message-ID %s delivered again; not handled again"},
	Replayed: {"e-mail met Message-ID %s is al eerder verwerkt%s (zelfde %s); niet nogmaals verwerkt, er is niets uitgevoerd",
		"mail with Message-ID %s was handled before%s (same %s); not handled again, nothing carried out"},
	ReplayOnCase: {" op %s",
		" on %s"},
	ReplayOnPurged: {" op een inmiddels verwijderde zaak",
		" on a case since purged"},
	ReplaySameContent: {"afzender, datum, onderwerp en tekst",
		"sender, date, subject and text"},
	ReplaySameSignature: {"DKIM-handtekening of inhoud",
		"DKIM signature or content"},
	QuotedNotCarried: {"niet uitgevoerd (mogelijk overgenomen uit een ander onderwerp): %s",
		"not carried out (possibly carried over from another subject): %s"},
	TagQuoted: {"%s: niet uitgevoerd, want dit stond al in het onderwerp van de e-mail waarop u antwoordt (overgenomen, bijvoorbeeld door allen beantwoorden). Bedoelt u het toch? Zet de tag dan nog een keer in het onderwerp.",
		"%s: not carried out: it already stood in the subject of the mail you answered (carried over, for instance by reply-all). If you do mean it, put the tag in the subject once more."},
	TagPlanted: {"%s: niet uitgevoerd, want dit staat ook in het onderwerp van een e-mail die de klager (of iemand anders buiten uw organisatie) over deze klacht stuurde, en de handtekening (DKIM) van uw e-mail dekt niet op welke e-mail u antwoordt. Het kan dus zijn overgenomen. Bedoelt u het toch? Zet de tag dan nog een keer in het onderwerp.",
		"%s: not carried out: it also stands in the subject of a mail the complainant (or someone else outside your organisation) sent about this complaint, and the signature (DKIM) of your mail does not cover which mail you answered, so it may have been carried over. If you do mean it, put the tag in the subject once more."},
	TagNoInReplyTo: {"%s: niet uitgevoerd, want het onderwerp begint als een antwoord, maar uw e-mail noemt niet op welke e-mail zij antwoordt, en de handtekening (DKIM) van uw e-mail dekt dat niet: het is niet te zien of u dit zelf hebt toegevoegd of dat het al in het onderwerp stond. Beantwoord een e-mail van klachtd over deze klacht, of stuur een nieuwe e-mail (zonder \"Re:\" of \"Antw:\") met [%s] en de tags in het onderwerp.",
		"%s: not carried out: the subject starts as an answer, but your mail does not name the mail it answers, and the signature (DKIM) of your mail does not cover that, so it cannot be told whether you added this yourself or it already stood in the subject. Answer a mail of klachtd about this complaint, or send a new mail (without \"Re:\") with [%s] and the tags in the subject."},
	TagUnknownAnswer: {"%s: niet uitgevoerd, want u antwoordt op (of stuurt door) een e-mail die klachtd niet kent: het is niet te zien of u dit zelf hebt toegevoegd of dat het al in het onderwerp stond. Stuur de opdracht als antwoord op een e-mail van klachtd over deze klacht, of als nieuwe e-mail met [%s] en de tags in het onderwerp.",
		"%s: not carried out: you answered (or forwarded) a mail klachtd does not know, so it cannot tell whether you added this yourself or it already stood in the subject. Send the command as an answer to a mail of klachtd about this complaint, or as a new mail with [%s] and the tags in the subject."},
	UnlinkedCommand: {"Niet uitgevoerd: uw e-mail is aan klacht %[1]s gekoppeld via het kopveld %[2]s, en dat valt niet onder de handtekening (DKIM) van uw e-mail. Iemand anders kan het dus hebben veranderd. De e-mail is als correspondentie bij de klacht bewaard. Is de opdracht voor klacht %[1]s bedoeld? Stuur haar dan opnieuw met het klachtnummer in het onderwerp, bijvoorbeeld \"Re: [%[1]s] …\" met uw tags erachter.",
		"Not carried out: your mail is linked to complaint %[1]s by its %[2]s header field, which the signature (DKIM) of your mail does not cover, so someone else may have changed it. The mail is kept on the complaint as correspondence. Is the command meant for complaint %[1]s? Then send it again with the complaint number in the subject, for instance \"Re: [%[1]s] …\" followed by your tags."},
	RefManyCases: {"het onderwerp noemt meer dan één klacht (%s): het is niet duidelijk welke u bedoelt. Stuur de opdracht opnieuw met alleen het nummer van de klacht die u bedoelt.",
		"the subject names more than one complaint (%s): it is not clear which one you mean. Send the command again with only the number of the complaint you mean."},
	RefUnknownCase: {"klacht %s bestaat niet (of is na de bewaartermijn verwijderd): controleer het nummer.",
		"complaint %s does not exist (or was deleted after the retention period): check the number."},
	NieuwAgainEvent: {"[nieuw] met Message-ID %s gaat over een e-mail die al eerder is geregistreerd; niet opnieuw geregistreerd",
		"[nieuw] with Message-ID %s registers a mail registered before; not registered again"},
	RegisteredPurged: {"Deze e-mail is al eerder als klacht geregistreerd; die klacht is inmiddels verwijderd. Er is geen nieuwe klacht aangemaakt.",
		"This mail was registered as a complaint before; that complaint has since been deleted. No new complaint was created."},
	RegisteredBefore: {"Deze e-mail is al eerder geregistreerd als klacht %s; er is geen nieuwe klacht aangemaakt.",
		"This mail was registered before as complaint %s; no new complaint was created."},
	BounceFailed: {"bezorging van %s aan %s mislukt (%s)",
		"delivery of %s to %s failed (%s)"},
	BounceUnknown: {"een bezorgrapport (%s) dat geen e-mail van klachtd over deze zaak noemt; niets tegengehouden",
		"a delivery report (%s) that names no mail klachtd sent about this case; nothing held"},
	MailHeld: {"%s niet aan de klager verstuurd: het adres gaf eerder een bounce",
		"%s not sent to the complainant: the address bounced before"},
	Poisoned: {"klachtd stopte %d keer tijdens het verwerken van dit bericht (%s); het is bewaard zonder het opnieuw te lezen",
		"klachtd stopped %d times while handling this message (%s); it is kept without being read again"},
	Panicked: {"klachtd liep vast op dit bericht (%s)",
		"klachtd failed on this message (%s)"},
	Summary: {"Klacht %s van %s",
		"Complaint %s by %s"},
	SummaryService: {" over %s",
		" about %s"},
	SummaryVerdict: {"; ons oordeel: %s",
		"; our assessment: %s"},
	VerdictGegrond: {"gegrond",
		"justified"},
	VerdictOngegrond: {"ongegrond",
		"unjustified"},
	DecisionTerm: {"beslistermijn",
		"decision term"},
	RemedyTerm: {"hersteltermijn",
		"remediation term"},
	LabelNaam: {"Naam van indiener",
		"Your name"},
	LabelDatum: {"Datum van de klacht",
		"Date of the complaint"},
	LabelOmschrijving: {"Omschrijving van de klacht (wat is er gebeurd en tegen wie)",
		"Description of the complaint (what happened, and against whom)"},
	LabelGevolgen: {"Gevolgen voor u (de invloed op uw ontwikkeling, cursus, training of begeleiding)",
		"Consequences for you (the effect on your development, course, training or coaching)"},
	LabelGewensteAfhandeling: {"Hoe wij uw klacht het beste kunnen afhandelen",
		"How we can best resolve your complaint"},
	LabelAanvullend: {"Aanvullende informatie",
		"Additional information"},
	LabelDienst: {"Over welke dienst uw klacht gaat",
		"Which service your complaint concerns"},
	NoTag: {"er staat geen tag in het onderwerp",
		"the subject holds no tag"},
	TagTwice: {"deze tag staat twee keer in het onderwerp, met verschillende termijnen",
		"this tag appears twice in the subject, with different terms"},
	NieuwOnCase: {"deze zaak is al geregistreerd; [nieuw] registreert alleen een nieuwe klacht",
		"this case is already registered; [nieuw] only registers a new complaint"},
	InternAlone: {"een interne notitie gaat niet samen met andere tags; stuur ze apart",
		"an internal note cannot be combined with other tags; send them separately"},
	TagsContradict: {"[%s] en [%s] spreken elkaar tegen; kies er een",
		"[%s] and [%s] contradict each other; choose one"},
	TagNeedsText: {"bij deze tag hoort een toelichting in de tekst van uw bericht",
		"this tag needs an explanation in the text of your message"},
	CaseClosed: {"de zaak is afgehandeld; heropen haar eerst met [heropend]",
		"the case is closed; reopen it first with [heropend]"},
	CaseJudged: {"de zaak is al beoordeeld; heropen haar eerst met [heropend]",
		"the case already has a verdict; reopen it first with [heropend]"},
	CaseWithCommissaris: {"de zaak ligt bij de klachtencommissaris; leg het advies vast met [bindend-advies]",
		"the case is with the commissaris; record the advice with [bindend-advies]"},
	NotInStatus: {"dit kan niet in de status %s",
		"not possible in status %s"},
	AdviceNotEscalated: {"bindend advies kan alleen worden vastgelegd als de zaak bij de klachtencommissaris ligt ([escalatie])",
		"binding advice can only be recorded while the case is with the commissaris ([escalatie])"},
	UnknownTag: {"onbekende tag",
		"unknown tag"},
	UnknownTagMeant: {"onbekende tag; bedoelt u [%s]?",
		"unknown tag; did you mean [%s]?"},
	ReopenNotJudged: {"alleen een beoordeelde of afgehandelde zaak kan worden heropend",
		"only a case with a verdict or a closed case can be reopened"},
	RemedyNotJustified: {"een hersteltermijn hoort bij een gegronde klacht; geef ook [gegrond]",
		"a remediation term belongs to a justified complaint; add [gegrond]"},
	RemedyPast: {"de hersteltermijn ligt niet in de toekomst",
		"the remediation term is not in the future"},
	AlreadyEscalated: {"de zaak ligt al bij de klachtencommissaris",
		"the case is already with the commissaris"},
	TermPast: {"de nieuwe termijn ligt niet in de toekomst",
		"the new term is not in the future"},
	TermNotLater: {"de nieuwe termijn ligt niet na de huidige termijn (%s)",
		"the new term is not after the current due date (%s)"},
	TermMissing: {"geef een termijn mee, bijvoorbeeld [%s 3w] of [%s 2027-02-15]",
		"needs a term, for example [%s 3w] or [%s 2027-02-15]"},
	TermUnreadable: {"%q is geen termijn of datum die ik kan lezen; schrijf bijvoorbeeld 3w, 10d, 2027-02-15 of 15 februari 2027",
		"cannot read %q as a term or date; write for example 3w, 10d, 2027-02-15 or 15 February 2027"},
	TagTakesNothing: {"[%s] heeft geen toevoeging; schrijf alleen [%s]",
		"[%s] takes nothing after it; write just [%s]"},
	TimelineClosed: {"afgehandeld",
		"closed"},
	TimelineAddressOK: {"adres van de klager weer in gebruik",
		"the complainant's address in use again"},
	TimelineReopened: {"heropend",
		"reopened"},
	TimelineReopenedToEscalate: {"heropend voor escalatie",
		"reopened for escalation"},
	TimelineEscalated: {"voorgelegd aan de klachtencommissaris",
		"referred to the complaints commissioner"},
	TimelineExtendedTo: {"termijn verlengd tot %s",
		"term extended to %s"},
	TimelineRemedyTo: {"hersteltermijn tot %s",
		"remediation term until %s"},
	ShowComplainant: {"Klager",
		"Complainant"},
	ShowPhone: {"Telefoon",
		"Phone"},
	ShowReceived: {"Ontvangen",
		"Received"},
	ShowConfirmed: {"Bevestigd",
		"Confirmed"},
	ShowDecisionTerm: {"Beslistermijn",
		"Decision term"},
	ShowRemedyTerm: {"Hersteltermijn",
		"Remediation term"},
	ShowClosed: {"Afgesloten",
		"Closed"},
	ShowCause: {"Oorzaak",
		"Cause"},
	ShowMeasure: {"Maatregel",
		"Measure"},
	ShowForm: {"Klachtformulier",
		"Complaint form"},
	ShowMissing: {"Ontbreekt",
		"Missing"},
	ShowTimeline: {"Tijdlijn",
		"Timeline"},
	ShowCorrespondence: {"Correspondentie",
		"Correspondence"},
	ShowNotVerified: {", niet geverifieerd",
		", not verified"},
	DueExtended: {" (verlengd)",
		" (extended)"},
	DueRemedy: {" (herstel)",
		" (remedy)"},
	ColumnCase: {"KLACHT",
		"CASE"},
	ColumnStatus: {"STATUS",
		"STATUS"},
	ColumnVerdict: {"OORDEEL",
		"VERDICT"},
	ColumnReceived: {"ONTVANGEN",
		"RECEIVED"},
	ColumnNextDeadline: {"VOLGENDE TERMIJN",
		"NEXT DEADLINE"},
	ColumnService: {"DIENST",
		"SERVICE"},
	ColumnComplainant: {"KLAGER",
		"COMPLAINANT"},
	Exported: {"%s geëxporteerd naar %s: %d e-mails, %s en %s",
		"%s exported to %s: %d mails, %s and %s"},
	ExportTitle: {"%s — alles wat over klacht %s is bewaard",
		"%s — everything held on complaint %s"},
	ExportMade: {"Gemaakt op %s met klachtd export, voor een inzageverzoek.",
		"Made on %s with klachtd export, for a subject-access request."},
	ExportFiles: {"Bestanden en correspondentie",
		"Files and correspondence"},
	ExportJSON: {"de klacht met tijdlijn en correspondentie, voor een computerprogramma (JSON)",
		"the complaint with its timeline and correspondence, for a computer program (JSON)"},
	ExportEML: {"Een .eml-bestand is een e-mail zoals die is ontvangen of verstuurd: met alle kopregels, de tekst, de HTML-weergave en de bijlagen. Het opent in elk e-mailprogramma.",
		"An .eml file is a mail as it was received or sent: with every header, the text, the HTML view and the attachments. Any mail program opens it."},
	ReportSoFar: {"zijn tot nu toe %d klachten ontvangen",
		"%d complaints have been received so far"},
	ReportNoneYet: {"zijn nog geen klachten ontvangen",
		"no complaints have been received yet"},
	ReportOneSoFar: {"is tot nu toe 1 klacht ontvangen",
		"1 complaint has been received so far"},
	ReportCurrent: {"In de lopende periode, de %s, %s. Het overzicht daarvan:",
		"In the current period, the %s, %s. Its report:"},
	TagsTitle: {"Tags van klachtd",
		"klachtd's tags"},
	TagsMore: {"Meer uitleg, met een voorbeeld bij elke tag: docs/handleiding.md.",
		"More, with an example of each tag: docs/handleiding.md (in Dutch)."},
	ShortNaam:                 {"Naam", "Name"},
	ShortDatum:                {"Datum", "Date"},
	ShortOmschrijving:         {"Omschrijving", "Description"},
	ShortGevolgen:             {"Gevolgen", "Consequences"},
	ShortGewensteAfhandeling:  {"Gewenste afhandeling", "Desired resolution"},
	ShortAanvullend:           {"Aanvullend", "Additional"},
	ShortDienst:               {"Dienst", "Service"},
	EventRegistered:           {"geregistreerd", "registered"},
	EventConfirmed:            {"bevestigd", "confirmed"},
	EventNoConfirmation:       {"geen bevestiging", "no confirmation"},
	EventConfirmationWaits:    {"bevestiging wacht", "confirmation waits"},
	EventConfirmationReleased: {"bevestiging eerder verstuurd", "confirmation sent early"},
	EventNoticeHeld:           {"melding in overzicht", "notice in summary"},
	EventDocumentSkipped:      {"bijlage niet gelezen", "attachment not read"},
	EventStatus:               {"status", "status"},
	EventVerdict:              {"oordeel", "verdict"},
	EventExtension:            {"verlenging", "extension"},
	EventEscalation:           {"escalatie", "escalation"},
	EventAdvice:               {"bindend advies", "binding advice"},
	EventNote:                 {"notitie", "note"},
	EventCause:                {"oorzaak", "cause"},
	EventMeasure:              {"maatregel", "measure"},
	EventAddressOK:            {"adres weer goed", "address ok"},
	EventFields:               {"aangevuld", "fields added"},
	EventMailComplainant:      {"mail klager", "complainant mail"},
	EventMailStaff:            {"mail medewerker", "staff mail"},
	EventMailCommissaris:      {"mail commissaris", "commissioner mail"},
	EventMailUnverified:       {"niet geverifieerd", "unverified mail"},
	EventMailHeld:             {"niet verstuurd", "mail held"},
	EventForgedCommand:        {"opdracht geweigerd", "command refused"},
	EventCommandError:         {"opdracht fout", "command error"},
	EventDuplicateCommand:     {"dubbel bezorgd", "delivered twice"},
	EventQuotedTags:           {"tags niet uitgevoerd", "tags not carried out"},
	EventSendFailed:           {"verzenden mislukt", "send failed"},
	MailComplaint:             {"klacht", "complaint"},
	MailReplyComplainant:      {"reactie klager", "complainant's reply"},
	MailReplyStaff:            {"opdracht of reactie medewerker", "staff command or reply"},
	MailReplyCommissaris:      {"reactie klachtencommissaris", "commissioner's reply"},
	MailReplyUnverified:       {"reactie, afzender niet geverifieerd", "reply, sender not verified"},
	MailForgedCommand:         {"opdracht, afzender niet geverifieerd", "command, sender not verified"},
	MailUnlinkedCommand:       {"opdracht, koppeling niet ondertekend", "command, link not signed"},
	MailBounce:                {"bounce", "bounce"},
	MailAuto:                  {"automatisch antwoord", "automatic reply"},
	MailQuarantine:            {"niet te lezen", "unreadable"},
	MailQueued:                {"in de wachtrij", "queued"},
	MailSent:                  {"verzonden", "sent"},
	MailFailed:                {"mislukt", "failed"},
	DescribeBevestiging:       {"ontvangstbevestiging", "confirmation of receipt"},
	DescribeNadereInfo:        {"vraag om nadere informatie", "request for more information"},
	DescribeStatus:            {"statusbericht", "status update"},
	DescribeVerlenging:        {"bericht over de nieuwe beslistermijn", "notice of the new decision term"},
	DescribeUitkomstGegrond:   {"uitkomst (gegrond)", "outcome (justified)"},
	DescribeUitkomstOngegrond: {"uitkomst (ongegrond) met de route naar de klachtencommissaris", "outcome (unjustified) with the route to the commissioner"},
	DescribeEscalatie:         {"voorlegging aan de klachtencommissaris", "referral to the complaints commissioner"},
	DescribeBindendAdvies:     {"bericht over het bindend advies", "message about the binding advice"},
	DescribeAfgehandeld:       {"afsluitend bericht", "closing message"},
	DescribeMeldingNieuw:      {"melding van een nieuwe klacht", "notice of a new complaint"},
	DescribeHerinnering:       {"herinnering", "reminder"},
	DescribeCommandoFout:      {"antwoord op een opdracht die niet is uitgevoerd", "reply to a command that was not carried out"},
	DescribeCommandoOK:        {"bevestiging van een uitgevoerde opdracht", "confirmation of a command carried out"},
	DescribeMelding:           {"melding aan medewerkers", "notice to staff"},
	DescribeOverzicht:         {"weekoverzicht", "weekly overview"},
	DescribeRapport:           {"halfjaarlijkse klachtenanalyse", "half-yearly complaints analysis"},
	ReportPeriod:              {"Periode", "Period"},
	ReportReceived:            {"Klachten ontvangen", "Complaints received"},
	ReportPurgedOf:            {" (waarvan %d geanonimiseerd na de bewaartermijn)", " (%d of them anonymised after the retention period)"},
	ReportClosed:              {"Afgehandeld", "Closed"},
	ReportOpen:                {"Nog open", "Still open"},
	ReportHandling:            {"Doorlooptijd in dagen", "Handling time in days"},
	ReportHandlingFigures:     {"mediaan %s, gemiddeld %s, langst %s", "median %s, mean %s, longest %s"},
	ReportOpenAge:             {"Leeftijd open klachten in dagen", "Age of open complaints in days"},
	ReportOpenAgeFigures:      {"mediaan %s, oudste %s", "median %s, oldest %s"},
	ReportConfirmedIn48:       {"Ontvangst bevestigd binnen 48 uur", "Receipt confirmed within 48 hours"},
	ReportDeadlinesKept:       {"Binnen de (verlengde) termijn beslist", "Decided within the (extended) term"},
	ReportOverdue:             {"Termijn verstreken, nog open", "Term passed, still open"},
	ReportPending:             {"Termijn nog niet te beoordelen", "Term not yet to be judged"},
	ReportExtended:            {"Termijn verlengd", "Term extended"},
	ReportExtendedBy:          {" (%d automatisch, %d door medewerkers)", " (%d automatic, %d by staff)"},
	ReportEscalated:           {"Voorgelegd aan de klachtencommissaris", "Referred to the complaints commissioner"},
	ReportShare:               {"%d van %d (%d%%)", "%d of %d (%d%%)"},
	ReportNoService:           {"(geen dienst genoemd)", "(no service named)"},
	ReportNoVerdict:           {"geen oordeel", "no verdict"},
	ReportPerServiceVerdict:   {"Per dienst en oordeel", "Per service and verdict"},
	ReportCauses:              {"Oorzaken", "Causes"},
	ReportMeasures:            {"Maatregelen", "Measures"},
	ReportTrend:               {"Trend", "Trend"},
	ReportNoComplaints:        {"In de %s zijn geen klachten ontvangen.", "No complaints were received in the %s."},
	ReportTitle:               {"klachtenanalyse %s", "complaints analysis, %s"},
	ReportPeriodSpan:          {"%s, %s t/m %s", "%s, %s to %s"},
	ReportFirstHalf:           {"eerste helft %s", "first half of %s"},
	ReportSecondHalf:          {"tweede helft %s", "second half of %s"},
	ReportColumnService:       {"dienst", "service"},
	ReportTotal:               {"totaal", "total"},
	ReportColumnPeriod:        {"periode", "period"},
	ReportColumnComplaints:    {"klachten", "complaints"},
	ReportColumnKept:          {"termijn gehaald", "term kept"},
	ReportColumnMedian:        {"mediane doorlooptijd", "median handling time"},
	ReportColumnCommissaris:   {"commissaris", "commissioner"},
	ReportChartTitle:          {"Klachten per dienst en oordeel", "Complaints per service and verdict"},
	ReportOtherServices:       {"overige diensten", "other services"},
	ReportChartEmpty:          {"geen klachten", "no complaints"},
	ReportPerHalfYear:         {"Klachten per half jaar", "Complaints per half year"},
	CSVFigure:                 {"Cijfer", "Figure"},
	CSVKey:                    {"Dienst of tekst", "Service or text"},
	CSVVerdict:                {"Oordeel", "Verdict"},
	CSVValue:                  {"Waarde", "Value"},
	CSVPurged:                 {"Geanonimiseerd na de bewaartermijn", "Anonymised after the retention period"},
	CSVHandlingMedian:         {"Doorlooptijd in dagen, mediaan", "Handling time in days, median"},
	CSVHandlingMean:           {"Doorlooptijd in dagen, gemiddeld", "Handling time in days, mean"},
	CSVHandlingLongest:        {"Doorlooptijd in dagen, langst", "Handling time in days, longest"},
	CSVOpenAgeMedian:          {"Leeftijd open klachten in dagen, mediaan", "Age of open complaints in days, median"},
	CSVOpenAgeOldest:          {"Leeftijd open klachten in dagen, oudste", "Age of open complaints in days, oldest"},
	CSVConfirmedLate:          {"Ontvangst later bevestigd", "Receipt confirmed later"},
	CSVUnconfirmed:            {"Ontvangst niet bevestigd", "Receipt not confirmed"},
	CSVDeadlinesMissed:        {"Niet binnen de termijn beslist", "Not decided within the term"},
	CSVExtendedAuto:           {"Termijn automatisch verlengd", "Term extended automatically"},
	CSVExtendedStaff:          {"Termijn verlengd door medewerkers", "Term extended by staff"},
	CSVPerService:             {"Per dienst", "Per service"},
	CSVPerVerdict:             {"Per oordeel", "Per verdict"},
	CSVTrendComplaints:        {"Trend: klachten", "Trend: complaints"},
	CSVTrendGegrond:           {"Trend: gegrond", "Trend: justified"},
	CSVTrendKept:              {"Trend: binnen de termijn beslist", "Trend: decided within the term"},
	CSVTrendJudged:            {"Trend: termijn te beoordelen", "Trend: terms judged"},
	CSVTrendMedian:            {"Trend: mediane doorlooptijd in dagen", "Trend: median handling time in days"},
}

// In is the phrase in lang ("en", or else Dutch), its verbs filled with args. An argument
// that is Localized is filled in as its text in lang (a date people read, for one).
func (p Phrase) In(lang string, args ...any) string {
	s := phrases[p].nl
	if lang == "en" {
		s = phrases[p].en
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, localize(lang, args)...)
}

// Localized is an argument that is written differently in each language, such as a date
// people read: In fills it in as Localize(lang), so that a phrase kept with its arguments (an
// error of the domain's, say) can be written later in either language.
type Localized interface {
	Localize(lang string) string
}

// localize is args with each Localized written in lang; args itself when there is none.
func localize(lang string, args []any) []any {
	var out []any
	for i, a := range args {
		if l, ok := a.(Localized); ok {
			if out == nil {
				out = slices.Clone(args)
			}
			out[i] = l.Localize(lang)
		}
	}
	if out == nil {
		return args
	}
	return out
}
