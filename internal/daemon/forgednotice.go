package daemon

import (
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/staffauth"
)

// forgedNotice is the staff notice of a staff command that was not authenticated: detail
// names the sender and the reason, and Why the reason's family (staffauth.FailureOf), so
// that the notice says what happened in words that fit it: a sender nothing vouches for, a
// doubled or malformed header, or a signature that does not cover the subject where the case
// number and the tags stand.
func forgedNotice(auth staffauth.Verdict, detail string) render.Data {
	why := staffauth.FailureOf(auth)
	if why == staffauth.FailureNone {
		why = staffauth.FailureUnverified
	}
	return render.Data{Notice: render.NoticeForgedCommand, Detail: detail, Why: string(why)}
}
