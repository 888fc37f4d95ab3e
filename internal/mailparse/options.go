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
}

// headSize is how much of an attachment KeepData sees.
const headSize = 512

// ParseWith is Parse with options.
func ParseWith(raw []byte, opt Options) (*Message, error) {
	budget := 2*len(raw) + 64<<10
	m, err := parseMessage(raw, 0, &budget, opt.KeepData)
	if err != nil {
		return nil, fmt.Errorf("parse mail: %w", err)
	}
	return m, nil
}
