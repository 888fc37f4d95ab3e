package mailparse

import (
	"fmt"
)

// Options tune what ParseWith keeps.
type Options struct {
	// KeepData decides per attachment whether its decoded content is kept in Attachment.Data.
	// filename and contentType are as they will appear in the Attachment; size is the decoded
	// size (Attachment.Size); head is the start of the decoded content (at most 512 bytes, for
	// sniffing). An attachment whose data is not wanted is not decoded at all where its
	// encoding allows (base64 and the identity encodings), so a large one costs no memory. Nil
	// keeps every attachment's data (within the size budget). Size is filled either way.
	KeepData func(filename, contentType string, size int, head []byte) bool
	// NoLanguage leaves Language empty, here and in Forwarded: for a caller that needs it only
	// for some mail and calls DetectLanguage then.
	NoLanguage bool
	// WholeSize, when raw is a view of a larger message (its header and text parts, the other
	// parts left empty), is the size of the whole: the budget for decoded content and
	// Message.Size follow it, so the view reads as the whole message would.
	WholeSize int
}

// headSize is how much of an attachment KeepData sees.
const headSize = 512

// ParseWith is Parse with options.
func ParseWith(raw []byte, opt Options) (*Message, error) {
	size := max(len(raw), opt.WholeSize)
	budget := 2*size + 64<<10
	m, err := parseMessage(raw, 0, &budget, opt)
	if err != nil {
		return nil, fmt.Errorf("parse mail: %w", err)
	}
	m.Size = size
	return m, nil
}
