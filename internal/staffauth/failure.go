package staffauth

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

// FailureOf says which family v's failure belongs to; FailureNone when v passed. Check sets
// it where it fails (Verdict.Failure), never from the words of the reason, which quote what
// strangers wrote (an authserv-id, a domain).
func FailureOf(v Verdict) Failure {
	if v.OK {
		return FailureNone
	}
	return v.Failure
}
