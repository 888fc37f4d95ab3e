package staffauth

import (
	"regexp"
	"strings"
)

// Failure is the family a failing Verdict's reason belongs to, so that what people are told
// fits what happened: a sender nothing vouches for, a header that readers read differently,
// or a genuine signature of the sender's domain that does not cover what matters.
type Failure string

// The families of FailureOf.
const (
	// FailureNone: the verdict passed.
	FailureNone Failure = ""
	// FailureUnverified: no signature or result of the organisation's own server vouches for
	// the sender (none, broken, foreign, not aligned, not among the configured domains).
	FailureUnverified Failure = "unverified"
	// FailureHeader: a field RFC 5322 allows once stands in the header more than once, or the
	// header is malformed, or its From cannot be read as one address: what a mail program
	// shows may not be what was signed.
	FailureHeader Failure = "header"
	// FailureUncovered: a valid signature aligned with the sender's domain exists, but it does
	// not cover From and Subject, where the case number and the tags stand: they may have
	// been changed after signing.
	FailureUncovered Failure = "uncovered"
)

// FailureOf says which family v's failure belongs to; FailureNone when v passed. It reads the
// reasons Check writes (this package's own wording; TestFailureOf holds the two together).
func FailureOf(v Verdict) Failure {
	if v.OK {
		return FailureNone
	}
	r := v.Reason
	// The mode's prefix ("dkim: ") and then the header problem first: Check looks at the
	// header before anything else, in every mode.
	if _, rest, ok := strings.Cut(r, ": "); ok && headerReason.MatchString(rest) {
		return FailureHeader
	}
	if strings.Contains(r, "does not cover ") {
		return FailureUncovered
	}
	return FailureUnverified
}

// headerReason starts the reasons of header problems: mailparse.HeaderFacts.Problem ("message
// has 2 Subject headers where RFC 5322 allows one", "message header is malformed (…)") and
// checkFromHeader ("message has no From header", "From header names …"); not "message has no
// DKIM signature".
var headerReason = regexp.MustCompile(`^(?:message has (?:\d+ |no From header)|message header is malformed|From header |read message header)`)
