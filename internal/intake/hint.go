package intake

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// WholeHint tells, from a larger message's header alone, that the handler will want the whole
// message: it will record it (a complaint by its subject, a reply to a case, a bounce). The
// intake then fetches that message whole at once, and does not ask the server to describe a
// message that is read whole anyway (to describe it Dovecot reads all of it). A wrong yes costs
// only the attachments' bytes, a wrong no a view before the whole. It runs on the fetcher's
// goroutine, beside the handler.
type WholeHint func(ctx context.Context, header []byte) bool

// SetWholeHint gives the intake the handler's hint; call it before Run. Without it every
// larger message is fetched by its structure first.
func (in *Intake) SetWholeHint(h WholeHint) { in.hint = h }

// hinted fetches the headers of the larger messages of a batch (one command) and asks the
// hint about each: it returns those to fetch by structure, with their headers. The others are
// fetched whole; those not answered (expunged meanwhile) are left out.
func (in *Intake) hinted(ctx context.Context, s *session, large []uint32) ([]uint32, map[uint32][]byte, error) {
	req := fetchReq{uids: large, opts: &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{headerStart()}},
		limit: structureHeader, truncate: true}
	headers := make(map[uint32][]byte, len(large))
	err := s.await(ctx, fmt.Sprintf("fetch the headers of %d messages from uid %d", len(large), large[0]), func() error {
		return eachAnswer(s.c.Fetch(uidSet(large...), req.opts), req, func(uid uint32, a *answer) {
			headers[uid] = a.sections["HEADER"]
		})
	})
	if err != nil {
		return nil, nil, err
	}
	var rest []uint32
	for _, uid := range large {
		h, ok := headers[uid]
		switch {
		case !ok:
		case len(h) > 0 && len(h) < structureHeader && !in.hint(ctx, h):
			rest = append(rest, uid)
		default: // wanted whole, or a header too long for a view
			delete(headers, uid)
		}
	}
	return rest, headers, nil
}
