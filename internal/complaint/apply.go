package complaint

import (
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/wording"
)

// Apply carries out a staff command on a case, all or nothing: when any tag is not allowed
// in the state the case is in (or reaches through the earlier tags of the same command),
// the error is a *TransitionError and the returned Result holds the case unchanged and no
// mails or events. The state table is at the top of transition.go. Oorzaak:/Maatregel:
// lines in the staff text are recorded with any successful command.
func Apply(c Case, cmd Command, now time.Time, t Terms) (Result, error) {
	unchanged := Result{Case: c}
	plan, err := planCommand(cmd)
	if err != nil {
		return unchanged, err
	}
	a := &applier{c: c, now: now.UTC(), terms: t, plan: plan, by: cmd.By,
		text: strings.TrimSpace(cmd.StaffText)}
	for _, kind := range TagKinds {
		if tag, ok := plan[kind]; ok {
			if err := a.apply(tag); err != nil {
				return unchanged, err
			}
		}
	}
	a.notes()
	return Result{Case: a.c, Mails: mergeMails(a.mails, WithoutNotes(a.text)), Events: a.events}, nil
}

// planCommand collects the tags by kind and refuses empty, duplicate-but-different,
// contradictory and text-less commands.
func planCommand(cmd Command) (map[TagKind]Tag, error) {
	if len(cmd.Tags) == 0 {
		return nil, refuse("", wording.NoTag)
	}
	plan := map[TagKind]Tag{}
	for _, tag := range cmd.Tags {
		if prev, ok := plan[tag.Kind]; ok && (prev.Duration != tag.Duration || !prev.Date.Equal(tag.Date)) {
			return nil, refuse(tag.Kind, wording.TagTwice)
		}
		plan[tag.Kind] = tag
	}
	if _, ok := plan[TagNieuw]; ok {
		return nil, refuse(TagNieuw, wording.NieuwOnCase)
	}
	if _, ok := plan[TagIntern]; ok && len(plan) > 1 {
		return nil, refuse(TagIntern, wording.InternAlone)
	}
	for _, pair := range conflicts {
		_, a := plan[pair[0]]
		_, b := plan[pair[1]]
		if a && b {
			return nil, refuse("", wording.TagsContradict, pair[0], pair[1])
		}
	}
	for kind := range plan {
		text := cmd.StaffText
		if kind != TagIntern {
			text = WithoutNotes(text) // the notes stay inside; the mail needs words of its own
		}
		if needsText[kind] && strings.TrimSpace(text) == "" {
			return nil, refuse(kind, wording.TagNeedsText)
		}
	}
	return plan, nil
}

type applier struct {
	c      Case
	now    time.Time
	terms  Terms
	plan   map[TagKind]Tag
	by     string
	text   string
	mails  []MailEffect
	events []Event
}

func (a *applier) has(k TagKind) bool { _, ok := a.plan[k]; return ok }

func (a *applier) event(kind EventKind, text string, at time.Time) {
	a.events = append(a.events, Event{Kind: kind, Text: text, Time: at, By: a.by})
}

func (a *applier) mail(template string, cc ...Recipient) {
	a.mails = append(a.mails, MailEffect{Template: template, To: []Recipient{ToComplainant}, Cc: cc})
}

func (a *applier) setStatus(s Status) {
	if a.c.Status != s {
		a.event(EventStatus, fmt.Sprintf("%s → %s", a.c.Status, s), time.Time{})
		a.c.Status = s
	}
}

// say is a timeline text of the domain's, in Dutch (Event.TextIn gives its English).
func (a *applier) say(t eventText, at time.Time) string { return t.in("nl", at, a.terms.Location) }

// wrongState is the refusal for a tag that the current status does not allow.
func (a *applier) wrongState(kind TagKind) error {
	switch a.c.Status {
	case StatusAfgehandeld:
		return refuse(kind, wording.CaseClosed)
	case StatusBeoordeeld:
		return refuse(kind, wording.CaseJudged)
	case StatusEscalatie:
		return refuse(kind, wording.CaseWithCommissaris)
	}
	return refuse(kind, wording.NotInStatus, a.c.Status)
}

func (a *applier) apply(tag Tag) error {
	switch tag.Kind {
	case TagHeropend:
		return a.reopen()
	case TagInBehandeling, TagInfoNodig:
		if !working(a.c.Status) {
			return a.wrongState(tag.Kind)
		}
		if tag.Kind == TagInfoNodig {
			a.setStatus(StatusInfoNodig)
			a.mail(TmplNadereInfo)
			return nil
		}
		a.setStatus(StatusInBehandeling)
		a.mail(TmplStatus)
		return nil
	case TagVerlenging:
		return a.extend(tag)
	case TagGegrond, TagOngegrond:
		return a.verdict(tag.Kind)
	case TagHersteltermijn:
		return a.remedy(tag)
	case TagEscalatie:
		return a.escalate()
	case TagBindendAdvies:
		if a.c.Status != StatusEscalatie {
			return refuse(tag.Kind, wording.AdviceNotEscalated)
		}
		a.c.Advice, a.c.AdviceAt = a.text, a.now
		a.event(EventAdvice, a.text, time.Time{})
		a.mail(TmplBindendAdvies, ToCommissaris, ToStaff)
		return nil
	case TagAfgehandeld:
		if !a.c.Status.IsOpen() {
			return a.wrongState(tag.Kind)
		}
		var cc []Recipient
		if a.c.Status == StatusEscalatie {
			cc = []Recipient{ToCommissaris}
		}
		a.setStatus(StatusAfgehandeld)
		a.c.ClosedAt = a.now
		a.event(EventClosed, a.say(textClosed, time.Time{}), time.Time{})
		a.mail(TmplAfgehandeld, cc...)
		return nil
	case TagIntern:
		a.event(EventNote, a.text, time.Time{})
		return nil
	case TagAdresOK:
		a.c.BounceHold = false
		a.event(EventAddressOK, a.say(textAddressOK, time.Time{}), time.Time{})
		return nil
	}
	return refuse(tag.Kind, wording.UnknownTag)
}

func (a *applier) reopen() error {
	if a.c.Status != StatusBeoordeeld && a.c.Status != StatusAfgehandeld {
		return refuse(TagHeropend, wording.ReopenNotJudged)
	}
	a.setStatus(StatusInBehandeling)
	a.c.Verdict, a.c.RemedyDueAt, a.c.ClosedAt = VerdictNone, time.Time{}, time.Time{}
	if a.c.DueAt.Before(a.now) && a.terms.HandleWithin > 0 {
		a.c.DueAt = a.now.Add(a.terms.HandleWithin)
	}
	a.event(EventReopened, a.say(textReopened, time.Time{}), time.Time{})
	a.mail(TmplStatus)
	return nil
}

func (a *applier) extend(tag Tag) error {
	until := tag.Date
	if until.IsZero() {
		base := a.c.DueAt
		if base.Before(a.now) {
			base = a.now
		}
		until = base.Add(tag.Duration)
	}
	c, err := Extend(a.c, until, a.now, a.terms.Location)
	if err != nil {
		return err
	}
	a.c = c
	a.event(EventExtension, a.say(textExtendedTo, c.DueAt), c.DueAt)
	a.mail(TmplVerlenging)
	return nil
}

func (a *applier) verdict(kind TagKind) error {
	withAdvice := a.c.Status == StatusEscalatie && a.has(TagBindendAdvies)
	if !working(a.c.Status) && !withAdvice {
		return a.wrongState(kind)
	}
	a.c.Verdict = Verdict(kind)
	a.event(EventVerdict, string(kind), time.Time{})
	if withAdvice {
		return nil // the advice mail carries it
	}
	a.setStatus(StatusBeoordeeld)
	if kind == TagGegrond {
		a.mail(TmplUitkomstGegrond)
	} else {
		a.mail(TmplUitkomstOngegrond)
	}
	return nil
}

func (a *applier) remedy(tag Tag) error {
	if !a.c.Status.IsOpen() {
		return a.wrongState(tag.Kind)
	}
	if a.c.Verdict != VerdictGegrond {
		return refuse(tag.Kind, wording.RemedyNotJustified)
	}
	until := tag.Date
	if until.IsZero() {
		until = a.now.Add(tag.Duration)
	}
	if !until.After(a.now) {
		return refuse(tag.Kind, wording.RemedyPast)
	}
	a.c.RemedyDueAt = until.UTC()
	a.event(EventRemedyTerm, a.say(textRemedyTo, until), a.c.RemedyDueAt)
	if !a.has(TagGegrond) && !a.has(TagBindendAdvies) {
		a.mail(TmplStatus)
	}
	return nil
}

func (a *applier) escalate() error {
	switch {
	case a.c.Status == StatusEscalatie:
		return refuse(TagEscalatie, wording.AlreadyEscalated)
	case a.c.Status == StatusAfgehandeld:
		a.c.ClosedAt = time.Time{}
		a.event(EventReopened, a.say(textReopenedToEscalate, time.Time{}), time.Time{})
	}
	a.setStatus(StatusEscalatie)
	a.c.EscalatedAt = a.now
	a.event(EventEscalation, a.say(textEscalated, time.Time{}), time.Time{})
	a.mail(TmplEscalatie, ToCommissaris, ToStaff)
	return nil
}

// notes records Oorzaak:/Maatregel: lines; a new or changed measure restarts its review.
func (a *applier) notes() {
	cause, measure := ParseNotes(a.text)
	if cause != "" && cause != a.c.Cause {
		a.c.Cause = cause
		a.event(EventCause, cause, time.Time{})
	}
	if measure != "" && measure != a.c.Measure {
		a.c.Measure, a.c.MeasureAt = measure, a.now
		a.event(EventMeasure, measure, time.Time{})
	}
}
