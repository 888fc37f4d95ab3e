package complaint

import "time"

// PurgeGrace is how long a case closed at or after its retention limit is kept after the
// closing, and how long a purge waits for mail about the case that is still queued: the last
// mails go out (and a bounce of them can still be matched) before everything is deleted.
const PurgeGrace = 24 * time.Hour

// Purge is the retention rule's answer for one case at one moment: a case is purged
// retention.keep (2 years) after receipt; an open case older than that is reported to staff,
// not deleted.
type Purge int

// The answers of MayPurge.
const (
	PurgeNow      Purge = iota // closed, past the limit, nothing left to send: delete it now
	PurgeNotYet                // not past the limit (or closed after it less than PurgeGrace ago)
	PurgeKeepOpen              // past the limit but still open: report it to staff, never delete it
	PurgeWaitMail              // may go, but mail about it is still queued: ask again PurgeGrace later
	PurgeNever                 // retention is off (keep is not positive)
)

// String says why, for logs and command output.
func (p Purge) String() string {
	switch p {
	case PurgeNow:
		return "past the retention term and closed"
	case PurgeNotYet:
		return "not yet past the retention term"
	case PurgeKeepOpen:
		return "past the retention term but still open"
	case PurgeWaitMail:
		return "past the retention term, but mail about the case is still queued"
	}
	return "retention is off"
}

// PurgeAt is the moment from which a case may be purged: keep after receipt, or PurgeGrace
// after a closing that came at or after that limit. False when retention is off.
func PurgeAt(c Case, keep time.Duration) (time.Time, bool) {
	if keep <= 0 || c.ReceivedAt.IsZero() {
		return time.Time{}, false
	}
	limit := Moment(Moment(c.ReceivedAt).Add(keep))
	if !c.Status.IsOpen() && !c.ClosedAt.IsZero() && !Moment(c.ClosedAt).Before(limit) {
		return Moment(c.ClosedAt).Add(PurgeGrace), true
	}
	return limit, true
}

// MayPurge is the one rule for "may this case be purged now", used by the retention timer
// and by `klachtd purge` alike. mailQueued says whether mail about the case still waits in the
// outbox. When the answer is PurgeNotYet or PurgeWaitMail, retry is the moment to ask again.
func MayPurge(c Case, now time.Time, keep time.Duration, mailQueued bool) (p Purge, retry time.Time) {
	now = Moment(now)
	at, ok := PurgeAt(c, keep)
	switch {
	case !ok:
		return PurgeNever, time.Time{}
	case now.Before(at):
		return PurgeNotYet, at
	case c.Status.IsOpen():
		return PurgeKeepOpen, time.Time{}
	case mailQueued:
		return PurgeWaitMail, now.Add(PurgeGrace)
	}
	return PurgeNow, time.Time{}
}
