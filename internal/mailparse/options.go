package mailparse

import (
	"bytes"
	"fmt"
	"strings"
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

// attachment keeps a leaf part as an attachment. When KeepData does not want its content,
// the content is measured and sniffed without being decoded.
func (w *walker) attachment(p part, body []byte, c *collector) {
	if w.opt.KeepData != nil {
		var head []byte
		size, lenient, measured := 0, false, true
		switch p.cte {
		case "base64":
			head, _ = decodeBase64(body[:min(len(body), headSize*2)])
			size, lenient = base64Size(body)
		case "", "7bit", "8bit", "binary":
			head, size = body, len(body)
		default:
			measured = false
		}
		if measured {
			ct, name := attachmentType(p)
			if !w.opt.KeepData(name, ct, size, head[:min(len(head), headSize)]) {
				if lenient {
					w.msg.problem("malformed base64 content read leniently")
				}
				w.keepAttachment(Attachment{Filename: name, ContentType: ct, Size: size}, nil, c)
				return
			}
		}
	}
	data, owned := w.decode(p, body)
	if !owned {
		data = bytes.Clone(data)
	}
	w.attach(p, data, c)
}

// base64Size is the length decodeBase64 would return, and whether it would find the content
// malformed, without decoding.
func base64Size(b []byte) (n int, lenient bool) {
	valid := 0
	for _, c := range b {
		if _, ok := base64Value(c); ok {
			valid++
		} else if c != '=' && c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			lenient = true
		}
	}
	n = valid / 4 * 3
	switch valid % 4 {
	case 1:
		lenient = true
	case 2:
		n++
	case 3:
		n += 2
	}
	return n, lenient
}

// attachmentType is the content type and file name a part gets as an Attachment.
func attachmentType(p part) (contentType, filename string) {
	ct := strings.ToLower(cleanToken(p.mediaType))
	if ct == "" || !strings.Contains(ct, "/") {
		ct = "application/octet-stream"
	}
	return truncateUTF8(ct, 100), sanitizeFilename(p.filename, ct)
}
