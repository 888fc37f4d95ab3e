package cli

import (
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// lang is the language of what a command prints for people: the organisation's (staff read
// it), Dutch unless organisation.language is "en".
type lang string

// say is phrase p in l, its verbs filled with args: every word of what staff read (list, show,
// an export, the report, help tags) is a wording.Phrase, so it has one home (internal/wording)
// beside the daemon's and the domain's. What only whoever runs klachtd reads (init, check,
// status, new, purge, backup, the errors) is English, in the command itself.
func (l lang) say(p wording.Phrase, args ...any) string { return p.In(string(l), args...) }

// The tables below map each kind to its words. The words themselves are phrases in
// internal/wording, one home for all of klachtd's sentences; the mapping stays here, where the
// kinds are known and shown: wording is a leaf that cannot import complaint (complaint imports
// wording), and the words are how `klachtd show` and the export label a kind, not part of the
// domain. TestEveryEventKindHasWords and TestEveryMailKindHasWords keep the tables whole.

// fieldWords are the klachtformulier fields as a short label.
var fieldWords = map[string]wording.Phrase{
	complaint.FieldNaam:                wording.ShortNaam,
	complaint.FieldDatum:               wording.ShortDatum,
	complaint.FieldOmschrijving:        wording.ShortOmschrijving,
	complaint.FieldGevolgen:            wording.ShortGevolgen,
	complaint.FieldGewensteAfhandeling: wording.ShortGewensteAfhandeling,
	complaint.FieldAanvullend:          wording.ShortAanvullend,
	complaint.FieldDienst:              wording.ShortDienst,
}

func (l lang) field(f string) string { return pick(l, fieldWords, f) }

// eventWords are the kinds of timeline events in words, one for each complaint.EventKinds
// (TestEveryEventKindHasWords). A kind whose word is a phrase the domain or daemon also
// writes (afgehandeld, heropend, hersteltermijn) is that phrase: one word, one home.
var eventWords = map[complaint.EventKind]wording.Phrase{
	complaint.EventRegistered:           wording.EventRegistered,
	complaint.EventConfirmed:            wording.EventConfirmed,
	complaint.EventNoConfirmation:       wording.EventNoConfirmation,
	complaint.EventConfirmationWaits:    wording.EventConfirmationWaits,
	complaint.EventConfirmationReleased: wording.EventConfirmationReleased,
	complaint.EventNoticeHeld:           wording.EventNoticeHeld,
	complaint.EventDocumentSkipped:      wording.EventDocumentSkipped,
	complaint.EventStatus:               wording.EventStatus,
	complaint.EventVerdict:              wording.EventVerdict,
	complaint.EventExtension:            wording.EventExtension,
	complaint.EventRemedyTerm:           wording.RemedyTerm,
	complaint.EventEscalation:           wording.EventEscalation,
	complaint.EventAdvice:               wording.EventAdvice,
	complaint.EventClosed:               wording.TimelineClosed,
	complaint.EventReopened:             wording.TimelineReopened,
	complaint.EventNote:                 wording.EventNote,
	complaint.EventCause:                wording.EventCause,
	complaint.EventMeasure:              wording.EventMeasure,
	complaint.EventAddressOK:            wording.EventAddressOK,
	complaint.EventFields:               wording.EventFields,
	complaint.EventMailComplainant:      wording.EventMailComplainant,
	complaint.EventMailStaff:            wording.EventMailStaff,
	complaint.EventMailCommissaris:      wording.EventMailCommissaris,
	complaint.EventMailUnverified:       wording.EventMailUnverified,
	complaint.EventMailAuto:             wording.MailAuto,
	complaint.EventMailHeld:             wording.EventMailHeld,
	complaint.EventForgedCommand:        wording.EventForgedCommand,
	complaint.EventCommandError:         wording.EventCommandError,
	complaint.EventDuplicateCommand:     wording.EventDuplicateCommand,
	complaint.EventQuotedTags:           wording.EventQuotedTags,
	complaint.EventBounce:               wording.MailBounce,
	complaint.EventSendFailed:           wording.EventSendFailed,
}

// event is a timeline kind in words; a kind without words (a newer klachtd's) as it is.
func (l lang) event(kind string) string { return pick(l, eventWords, kind) }

// mailStatusWords are the states of an outgoing mail (as the store keeps them).
var mailStatusWords = map[string]wording.Phrase{
	"queued": wording.MailQueued,
	"sent":   wording.MailSent,
	"failed": wording.MailFailed,
}

func (l lang) mailStatus(s string) string { return pick(l, mailStatusWords, s) }

// pick is key's words in l from a table keyed by a string kind; a key the table lacks as it is.
func pick[K ~string](l lang, words map[K]wording.Phrase, key string) string {
	p, ok := words[K(key)]
	if !ok {
		return key
	}
	return l.say(p)
}

// incomingWords are the kinds of incoming mail on a case in words, one for each
// complaint.MailKinds (TestEveryMailKindHasWords).
var incomingWords = map[complaint.MailKind]wording.Phrase{
	complaint.MailComplaint:        wording.MailComplaint,
	complaint.MailReplyComplainant: wording.MailReplyComplainant,
	complaint.MailReplyStaff:       wording.MailReplyStaff,
	complaint.MailReplyCommissaris: wording.MailReplyCommissaris,
	complaint.MailReplyUnverified:  wording.MailReplyUnverified,
	complaint.MailForgedCommand:    wording.MailForgedCommand,
	complaint.MailUnlinkedCommand:  wording.MailUnlinkedCommand,
	complaint.MailBounce:           wording.MailBounce,
	complaint.MailAuto:             wording.MailAuto,
	complaint.MailQuarantine:       wording.MailQuarantine,
}

// incoming is a kind of mail in, in words; a kind without words as it is.
func (l lang) incoming(kind string) string { return pick(l, incomingWords, kind) }
