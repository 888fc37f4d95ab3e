package intake

import (
	"context"
	"errors"
	"time"
)

// Fetched is one message handed to the handler.
//
// Mail up to Config.WholeUpTo (64 KiB) comes whole, in Raw. Larger mail comes as Partial: the
// intake fetched its structure and only the parts that Parse reads (text and HTML, delivery
// reports, attached messages, winmail.dat, and a .docx or .pdf that its name or the subject
// calls a form), so that the attachments of ordinary mail never cross the network. Partial
// reads to mailparse as the whole message does (the same headers, text and reports); it is
// never the message to keep, hash or authenticate: Whole fetches that, over the same
// connection, while the handler runs.
type Fetched struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Raw         []byte // the whole message; nil when TooLarge, and until Whole when Partial is set
	// Partial is the message's header and the parts triage reads, in the message's own MIME
	// structure: every other part keeps its MIME header and has an empty body. Nil when Raw
	// holds the whole message, or when TooLarge.
	Partial      []byte
	Header       []byte // the header section, always (at most 1 MiB of it)
	Size         int64
	TooLarge     bool
	InternalDate time.Time
	// FetchWhole is set with Partial: it fetches the whole message over the intake's
	// connection. Handlers call Whole, which keeps what it got.
	FetchWhole func(ctx context.Context) ([]byte, error)
	// Prepared gives what the handler's Prepare makes of the message (SetPrepare): made ahead
	// of the handler, or made now, once either way. Nil when the intake has no Prepare.
	Prepared func() any
}

// ErrGone is returned by Whole when the message was expunged from the mailbox after the
// intake had fetched its parts: there is nothing left to keep, and it is not handed over again.
var ErrGone = errors.New("message no longer in the mailbox")

// Whole returns the whole message: Raw when the intake fetched it whole, else the message
// fetched now (BODY.PEEK[]: \Seen is not set), which Raw then holds too. It may be called
// only while the handler has the message. A TooLarge message has no whole to give: its
// header is returned.
func (f *Fetched) Whole(ctx context.Context) ([]byte, error) {
	switch {
	case f.Raw != nil:
		return f.Raw, nil
	case f.Partial == nil: // too large (or empty): the header is all there is
		return f.Header, nil
	case f.FetchWhole == nil:
		return nil, errors.New("a partial message that the intake did not hand over")
	}
	raw, err := f.FetchWhole(ctx)
	if err != nil {
		return nil, err
	}
	f.Raw = raw
	return raw, nil
}
