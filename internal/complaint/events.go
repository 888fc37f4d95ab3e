package complaint

import (
	"time"

	"github.com/groeimeesters/klachtd/internal/wording"
)

// EventKind names an entry of a case's timeline (store.Event.Kind, `klachtd show`, the JSON
// views). Every kind klachtd writes is one of these constants, and each has its words for
// people in internal/cli (eventWords; a test there checks that none is missing).
type EventKind string

// The kinds of timeline entries: what the domain's transitions cause (Apply), and what the
// daemon notes about mail in and out.
const (
	// Transitions (Apply, ComplainantReplied).
	EventStatus     EventKind = "status"      // the status changed: "from → to"
	EventVerdict    EventKind = "verdict"     // gegrond or ongegrond
	EventExtension  EventKind = "extension"   // the decision term moved (by staff or automatically)
	EventRemedyTerm EventKind = "remedy-term" // a remediation term was set
	EventEscalation EventKind = "escalation"  // referred to the commissaris
	EventAdvice     EventKind = "advice"      // the commissaris' binding advice recorded
	EventClosed     EventKind = "closed"
	EventReopened   EventKind = "reopened"
	EventNote       EventKind = "note"       // a staff member's note
	EventCause      EventKind = "cause"      // the cause recorded
	EventMeasure    EventKind = "measure"    // the measure recorded
	EventAddressOK  EventKind = "address-ok" // [adres-ok]: mail to the complainant may resume

	// Registration and confirmation.
	EventRegistered           EventKind = "registered"
	EventConfirmed            EventKind = "confirmed"             // the confirmation was accepted by the mail server
	EventNoConfirmation       EventKind = "no-confirmation"       // none sent, and why
	EventConfirmationWaits    EventKind = "confirmation-waits"    // it waits its turn (max_new_per_hour)
	EventConfirmationReleased EventKind = "confirmation-released" // a waiting one sent at once
	EventNoticeHeld           EventKind = "notice-held"           // the staff notice left for a flood's summary
	EventDocumentSkipped      EventKind = "document-skipped"      // an attached document not read (a limit)
	EventFields               EventKind = "fields"                // form fields the complainant's reply filled

	// Mail in.
	EventMailComplainant EventKind = "mail-complainant"
	EventMailStaff       EventKind = "mail-staff"
	EventMailCommissaris EventKind = "mail-commissaris"
	EventMailUnverified  EventKind = "mail-unverified" // kept, sender not verified
	EventMailAuto        EventKind = "mail-auto"       // an automatic answer (out of office)

	// Staff commands refused or left out.
	EventForgedCommand    EventKind = "forged-command"    // not authenticated
	EventCommandError     EventKind = "command-error"     // could not be carried out
	EventDuplicateCommand EventKind = "duplicate-command" // handled before
	EventQuotedTags       EventKind = "quoted-tags"       // tags possibly carried over from another subject

	// Mail out.
	EventMailHeld   EventKind = "mail-held"   // not sent to an address that bounced
	EventBounce     EventKind = "bounce"      // a delivery failure reported
	EventSendFailed EventKind = "send-failed" // the outbox gave up
)

// EventKinds lists every kind, in the order above.
func EventKinds() []EventKind {
	return []EventKind{
		EventStatus, EventVerdict, EventExtension, EventRemedyTerm, EventEscalation, EventAdvice,
		EventClosed, EventReopened, EventNote, EventCause, EventMeasure, EventAddressOK,
		EventRegistered, EventConfirmed, EventNoConfirmation, EventConfirmationWaits,
		EventConfirmationReleased, EventNoticeHeld, EventDocumentSkipped, EventFields,
		EventMailComplainant, EventMailStaff, EventMailCommissaris, EventMailUnverified, EventMailAuto,
		EventForgedCommand, EventCommandError, EventDuplicateCommand, EventQuotedTags,
		EventMailHeld, EventBounce, EventSendFailed,
	}
}

// eventText is one of the texts the domain writes on a timeline itself (the others are a
// staff member's own words, a status change "from → to", a verdict). Apply writes them in
// Dutch, as every timeline was written before English came beside it; Event.TextIn gives
// them in English.
type eventText int

const (
	textClosed eventText = iota
	textAddressOK
	textReopened
	textReopenedToEscalate
	textEscalated
	textExtendedTo // %s: the new decision term, Event.Time
	textRemedyTo   // %s: the remediation term, Event.Time
	eventTextCount
)

// eventTexts holds each text's kind and phrase (internal/wording); dated ones take
// Event.Time's date.
var eventTexts = [eventTextCount]struct {
	kind   EventKind
	dated  bool
	phrase wording.Phrase
}{
	textClosed:             {EventClosed, false, wording.TimelineClosed},
	textAddressOK:          {EventAddressOK, false, wording.TimelineAddressOK},
	textReopened:           {EventReopened, false, wording.TimelineReopened},
	textReopenedToEscalate: {EventReopened, false, wording.TimelineReopenedToEscalate},
	textEscalated:          {EventEscalation, false, wording.TimelineEscalated},
	textExtendedTo:         {EventExtension, true, wording.TimelineExtendedTo},
	textRemedyTo:           {EventRemedyTerm, true, wording.TimelineRemedyTo},
}

// in is the text in lang, a dated one with at's date in loc.
func (t eventText) in(lang string, at time.Time, loc *time.Location) string {
	w := eventTexts[t]
	if w.dated {
		return w.phrase.In(lang, FormatDate(at, lang, loc))
	}
	return w.phrase.In(lang)
}

// TextIn is the event's text in lang ("en", or else Dutch): the English of a text the domain
// wrote (eventTexts, a date in loc as Apply wrote it), else the text as it is (a staff
// member's words, "from → to", a verdict, anything written otherwise).
func (e Event) TextIn(lang string, loc *time.Location) string {
	if lang != "en" {
		return e.Text
	}
	for t := eventText(0); t < eventTextCount; t++ {
		if eventTexts[t].kind == e.Kind && t.in("nl", e.Time, loc) == e.Text {
			return t.in("en", e.Time, loc)
		}
	}
	return e.Text
}

// MailKind names the kind of a mail kept with a case, or quarantined (store.Message.Kind of
// mail in): how it came and what klachtd took it for. Each has its words for people in
// internal/cli (incomingWords; a test there checks that none is missing).
type MailKind string

// The kinds of mail in that klachtd keeps.
const (
	MailComplaint        MailKind = "complaint"         // the complaint itself (or a staff [nieuw])
	MailReplyComplainant MailKind = "reply-complainant" // the complainant's authenticated reply
	MailReplyStaff       MailKind = "reply-staff"       // a staff member's command or reply
	MailReplyCommissaris MailKind = "reply-commissaris" // the commissaris' authenticated mail
	MailReplyUnverified  MailKind = "reply-unverified"  // a reply whose sender is not verified
	MailForgedCommand    MailKind = "forged-command"    // a staff command not authenticated
	MailUnlinkedCommand  MailKind = "unlinked-command"  // a command whose link to the case is not signed
	MailBounce           MailKind = "bounce"            // a delivery report
	MailAuto             MailKind = "mail-auto"         // an automatic answer (out of office)
	MailQuarantine       MailKind = "quarantine"        // mail klachtd could not read or process
)

// MailKinds lists every kind of mail kept, in the order above.
func MailKinds() []MailKind {
	return []MailKind{
		MailComplaint, MailReplyComplainant, MailReplyStaff, MailReplyCommissaris, MailReplyUnverified,
		MailForgedCommand, MailUnlinkedCommand, MailBounce, MailAuto, MailQuarantine,
	}
}

// The mails a transition causes (MailEffect.Template). They are kinds of mail of internal/render
// (render.Kind, the home of those names): the domain, pure, names them itself, and the daemon's
// TestDomainMailsAreRenderKinds checks that each is one.
const (
	TmplNadereInfo        = "nadere-info"
	TmplStatus            = "status"
	TmplVerlenging        = "verlenging"
	TmplUitkomstGegrond   = "uitkomst-gegrond"
	TmplUitkomstOngegrond = "uitkomst-ongegrond"
	TmplEscalatie         = "escalatie"
	TmplBindendAdvies     = "bindend-advies"
	TmplAfgehandeld       = "afgehandeld"
)

// Templates lists the mails a transition may cause.
func Templates() []string {
	return []string{TmplNadereInfo, TmplStatus, TmplVerlenging, TmplUitkomstGegrond, TmplUitkomstOngegrond,
		TmplEscalatie, TmplBindendAdvies, TmplAfgehandeld}
}
