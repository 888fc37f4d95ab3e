package complaint

import (
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/wording"
)

// The effect of a staff command on a case. Statuses: N nieuw, B bevestigd, I info-nodig,
// H in-behandeling, O beoordeeld, E escalatie, A afgehandeld; "=" keeps the status, "-" is
// refused with a *TransitionError and changes nothing.
//
//	tag \ from         N  B  I  H  O  E  A   complainant mail
//	in-behandeling     H  H  H  H  -  -  -   status (the staff text)
//	info-nodig         I  I  I  I  -  -  -   nadere-info (the staff questions; text required)
//	verlenging         =  =  =  =  =  =  -   verlenging (new DueAt, Extended)
//	gegrond            O  O  O  O  -  =* -   uitkomst-gegrond (text required)
//	ongegrond          O  O  O  O  -  =* -   uitkomst-ongegrond (text required)
//	hersteltermijn     =  =  =  =  =  =  -   in the outcome or advice mail, else status; needs verdict gegrond
//	escalatie          E  E  E  E  E  -  E   escalatie, Cc commissaris and staff; from A it reopens
//	bindend-advies     -  -  -  -  -  =  -   bindend-advies, Cc commissaris and staff (text required)
//	afgehandeld        A  A  A  A  A  A  -   afgehandeld (Cc commissaris from E)
//	heropend           -  -  -  -  H  -  H   status; verdict, remedy term and ClosedAt cleared
//	intern             =  =  =  =  =  =  =   none; alone only, text required
//	nieuw              -  -  -  -  -  -  -   (registration is the daemon's, not a transition)
//	adres-ok           =  =  =  =  =  =  =   none; the complainant's address may be mailed again after a bounce
//
// * In escalatie a verdict is accepted only together with [bindend-advies]: it records the
// verdict the advice leads to, and the advice mail carries it; otherwise reopen first.
// Staff may act on a case in nieuw (its confirmation still waiting in the outbox) as on a
// bevestigd one. [escalatie] on a closed case reopens it straight to the commissaris (the
// complainant disagrees after closing), keeping the verdict. Bindend-advies leaves the case in escalatie until [afgehandeld].
//
// Several tags in one subject are carried out in the order of TagKinds (heropend,
// in-behandeling, info-nodig, verlenging, verdict, hersteltermijn, escalatie, bindend-advies,
// afgehandeld), each against the status the previous one left. Mails are merged: a status
// mail is dropped when the command sends any other mail to the complainant; a remediation
// term goes into the outcome or advice mail of the same command; gegrond + afgehandeld sends
// the outcome and then the closing mail. The staff text goes into one mail only, the first
// of nadere-info, uitkomst, bindend-advies, escalatie, status, verlenging, afgehandeld.
// Contradictory combinations (see conflicts) are refused.

// Recipient names who a mail goes to; the daemon resolves it to addresses.
type Recipient string

// The recipients of case mail.
const (
	ToComplainant Recipient = "complainant"
	ToStaff       Recipient = "staff"
	ToCommissaris Recipient = "commissaris"
)

// MailEffect is a mail a transition causes. Text is the staff text when this mail carries it.
type MailEffect struct {
	Template string
	To       []Recipient
	Cc       []Recipient
	Text     string
}

// Event is a timeline entry. Time is the date the event is about (a new due date or remedy
// term), zero when none; Text is short and written for staff.
type Event struct {
	Kind EventKind // one of the EventKind constants (events.go)
	Text string
	Time time.Time
	By   string // the staff member whose command caused it; "" for the system
}

// Command is a staff message: its tags, its own text (no quote, no signature), its sender.
type Command struct {
	Tags      []Tag
	StaffText string
	By        string
}

// Terms are the configured deadlines ([deadlines] in config.example.toml). AutoExtendBefore
// is the lead by which the automatic extension comes before the due date (0: at the due
// date). Location is used for the dates in timeline texts; nil means UTC.
type Terms struct {
	ConfirmWithin, ConfirmAlarm, HandleWithin, RemindBefore time.Duration
	AutoExtend                                              bool
	AutoExtendBy, AutoExtendBefore, Effectiveness, Keep     time.Duration
	Location                                                *time.Location
}

// Result is a case after a command, with the mails to send and the timeline entries to add.
type Result struct {
	Case   Case
	Mails  []MailEffect
	Events []Event
}

// TransitionError is a command that cannot be carried out on the case as it stands, with its
// reason as a phrase (in internal/wording) and the values it names, written in either
// language by Reason.
type TransitionError struct {
	Tag    TagKind // the tag refused, or "" for the command as a whole
	Phrase wording.Phrase
	Args   []any
}

// Reason is why, in lang ("en", or else Dutch).
func (e *TransitionError) Reason(lang string) string { return e.Phrase.In(lang, e.Args...) }

func (e *TransitionError) Error() string {
	if e.Tag == "" {
		return "command: " + e.Reason("en")
	}
	return fmt.Sprintf("tag [%s]: %s", e.Tag, e.Reason("en"))
}

func refuse(tag TagKind, p wording.Phrase, args ...any) *TransitionError {
	return &TransitionError{Tag: tag, Phrase: p, Args: args}
}

// dateTime is a moment as a refusal names it: in loc, written per language by
// FormatDateTime when the phrase is (a wording.Localized).
type dateTime struct {
	t   time.Time
	loc *time.Location
}

func (d dateTime) Localize(lang string) string { return FormatDateTime(d.t, lang, d.loc) }

// IsOpen reports whether a case in this status is still being handled.
func (s Status) IsOpen() bool { return s != StatusAfgehandeld }

// IsValid reports whether s is one of the Status constants.
func (s Status) IsValid() bool {
	switch s {
	case StatusNieuw, StatusBevestigd, StatusInfoNodig, StatusInBehandeling, StatusBeoordeeld,
		StatusEscalatie, StatusAfgehandeld:
		return true
	}
	return false
}

// working reports whether a case is before its verdict: staff can still ask and assess.
func working(s Status) bool {
	return s == StatusNieuw || s == StatusBevestigd || s == StatusInfoNodig || s == StatusInBehandeling
}

// conflicts are tag pairs that contradict each other in one command.
var conflicts = [][2]TagKind{
	{TagGegrond, TagOngegrond}, {TagHeropend, TagAfgehandeld}, {TagEscalatie, TagAfgehandeld},
	{TagInBehandeling, TagInfoNodig}, {TagInBehandeling, TagEscalatie}, {TagInBehandeling, TagAfgehandeld},
	{TagInfoNodig, TagGegrond}, {TagInfoNodig, TagOngegrond}, {TagInfoNodig, TagEscalatie},
	{TagInfoNodig, TagAfgehandeld}, {TagVerlenging, TagGegrond}, {TagVerlenging, TagOngegrond},
	{TagVerlenging, TagAfgehandeld},
}

// needsText are the tags whose mail or record is the staff text itself.
var needsText = map[TagKind]bool{TagInfoNodig: true, TagGegrond: true, TagOngegrond: true,
	TagBindendAdvies: true, TagIntern: true}

// Confirmed records that the confirmation was accepted by the mail server at the given
// moment: ConfirmedAt is set once, and a case still in nieuw becomes bevestigd.
func Confirmed(c Case, at time.Time) Case {
	if c.ConfirmedAt.IsZero() {
		c.ConfirmedAt = at.UTC()
	}
	if c.Status == StatusNieuw {
		c.Status = StatusBevestigd
	}
	return c
}

// ComplainantReplied is the effect of a (verified) reply from the complainant: a case
// waiting for information goes back to in-behandeling. Other cases do not change.
func ComplainantReplied(c Case, now time.Time) (Case, []Event) {
	if c.Status != StatusInfoNodig {
		return c, nil
	}
	c.Status = StatusInBehandeling
	return c, []Event{statusEvent(StatusInfoNodig, StatusInBehandeling)}
}

// Extend moves the due date of an open case to until and marks it extended; it is shared
// by [verlenging] and the automatic extension. A term in the past, or not later than the
// current due date, is refused; the refusal writes the current due date as every mail does,
// in loc (nil: UTC).
func Extend(c Case, until time.Time, now time.Time, loc *time.Location) (Case, error) {
	switch {
	case !c.Status.IsOpen():
		return c, refuse(TagVerlenging, wording.CaseClosed)
	case !until.After(now):
		return c, refuse(TagVerlenging, wording.TermPast)
	case !until.After(c.DueAt):
		return c, refuse(TagVerlenging, wording.TermNotLater, dateTime{c.DueAt, loc})
	}
	c.DueAt = Moment(until)
	c.Extended = true
	return c, nil
}

func statusEvent(from, to Status) Event {
	return Event{Kind: EventStatus, Text: fmt.Sprintf("%s → %s", from, to)}
}

// textRank orders the mails by which one carries the staff text (lower first).
var textRank = map[string]int{TmplNadereInfo: 1, TmplUitkomstGegrond: 2, TmplUitkomstOngegrond: 2,
	TmplBindendAdvies: 3, TmplEscalatie: 4, TmplStatus: 5, TmplVerlenging: 6, TmplAfgehandeld: 7}

// mergeMails drops a status mail beside other complainant mail and gives the staff text to one mail.
func mergeMails(mails []MailEffect, text string) []MailEffect {
	others := false
	for _, m := range mails {
		others = others || m.Template != TmplStatus
	}
	var out []MailEffect
	status := false
	for _, m := range mails {
		if m.Template == TmplStatus {
			if others || status {
				continue
			}
			status = true
		}
		out = append(out, m)
	}
	if strings.TrimSpace(text) == "" || len(out) == 0 {
		return out
	}
	best := 0
	for i, m := range out {
		if textRank[m.Template] < textRank[out[best].Template] {
			best = i
		}
	}
	out[best].Text = text
	return out
}
