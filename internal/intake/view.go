package intake

import (
	"bytes"

	"github.com/emersion/go-imap/v2"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// sections are the FETCH items of a view: the MIME header of every part and the body of each
// part to read (the message's own header came with the structure).
func (v *view) sections() []*imap.FetchItemBodySection {
	var out []*imap.FetchItemBodySection
	var walk func(n *node)
	walk = func(n *node) {
		if n.path != nil {
			out = append(out, &imap.FetchItemBodySection{Part: n.path, Specifier: imap.PartSpecifierMIME, Peek: true})
		}
		if n.fetch {
			if n.path == nil {
				out = append(out, &imap.FetchItemBodySection{Specifier: imap.PartSpecifierText, Peek: true})
			} else {
				out = append(out, &imap.FetchItemBodySection{Part: n.path, Peek: true})
			}
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(v.root)
	return out
}

// build puts the fetched parts together into the view the handler reads: the message's header
// and, in its own MIME structure, each part's MIME header with the body fetched or an empty
// one. It returns false when the answer cannot be trusted to read as the whole message does:
// a section missing, a header that mailparse reads otherwise than the server did (another
// boundary, a leaf that is a multipart), a part mailparse would read whose body was left on
// the server, or a size that does not add up: the view and what it left out must come to the
// message's size, less what it cannot hold (preambles, epilogues, padding after delimiters),
// which is small. A server that described less of the message than it has (go-imap's own
// stops at a line that begins with the boundary) leaves much more unaccounted for.
func (v *view) build(a *answer, size int64) ([]byte, bool) {
	var b bytes.Buffer
	b.Grow(int(v.bytes))
	b.Write(v.header)
	if !v.write(&b, v.root, v.header, a) {
		return nil, false
	}
	unaccounted := size - int64(b.Len()) - v.skipped
	if unaccounted < 0 || unaccounted > unaccountedAllowance+unaccountedPerMultipart*int64(v.multiparts) {
		return nil, false
	}
	return b.Bytes(), true
}

// What a view may leave unaccounted for: the preambles and epilogues it drops (typically
// "This is a multi-part message in MIME format." and a line break) and transport padding.
const (
	unaccountedAllowance    = 1 << 10
	unaccountedPerMultipart = 256
)

// write writes the body of n, whose header (already written) is h.
func (v *view) write(b *bytes.Buffer, n *node, h []byte, a *answer) bool {
	role, boundary := mailparse.ReadPartAs(h, n.path == nil)
	if n.multi != (role == mailparse.PartMultipart) || n.multi && boundary != n.boundary {
		return false
	}
	if !n.multi {
		if !n.fetch {
			return role == mailparse.PartAttachment
		}
		body, ok := a.sections[bodyName(n)]
		b.Write(body)
		return ok
	}
	for _, c := range n.children {
		mh, ok := a.sections[c.name()+".MIME"]
		if !ok {
			return false
		}
		b.WriteString("--" + n.boundary + "\r\n")
		b.Write(mh)
		if !endsHeader(mh) {
			b.WriteString("\r\n") // the blank line that ends a part's header
		}
		if !v.write(b, c, mh, a) {
			return false
		}
		b.WriteString("\r\n")
	}
	// The line break after a close delimiter belongs to the epilogue, or to the delimiter of
	// the multipart around: left out, the view is never longer than the message.
	b.WriteString("--" + n.boundary + "--")
	return true
}

// bodyName is the section name of a leaf's body in an answer.
func bodyName(n *node) string {
	if n.path == nil {
		return "TEXT"
	}
	return n.name()
}

// endsHeader tells whether a MIME header as fetched ends with its blank line (or is empty).
func endsHeader(h []byte) bool {
	return len(h) == 0 || string(h) == "\r\n" || string(h) == "\n" ||
		bytes.HasSuffix(h, []byte("\n\n")) || bytes.HasSuffix(h, []byte("\r\n\r\n"))
}
