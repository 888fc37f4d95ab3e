package intake

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// Larger mail is fetched by its structure (triage reads only headers and text): one
// FETCH of BODYSTRUCTURE and the header for the batch's larger messages, then for each one
// FETCH of the MIME header of every part and the body of the parts Parse reads. The view
// built from them (view.go) is what the handler reads; the whole message only when it asks.

const (
	maxViewParts     = 100     // more parts than this: fetched whole
	maxViewDepth     = 10      // multiparts nested deeper than this: fetched whole
	maxFormDocument  = 5 << 20 // the largest document fetched as a possible klachtformulier
	mimeHeaderGuess  = 256     // what a part's MIME header is taken to cost before it is fetched
	minViewSaving    = 16 << 10
	maxBoundaryBytes = 200
	structureHeader  = 16 << 10 // the most of a header fetched with the structure; longer ones come whole
)

// view is how one larger message is fetched: its header (fetched with the structure), the
// MIME header of every part, and the bodies of the parts Parse reads.
type view struct {
	header     []byte
	root       *node
	bytes      int64 // what the parts' FETCH brings: the cost of the message in a chunk
	skipped    int64 // the body bytes left on the server
	multiparts int
}

// node is one MIME entity of a message as the server's BODYSTRUCTURE describes it.
type node struct {
	path     []int // the IMAP part number; nil for the message itself
	multi    bool
	boundary string // for a multipart
	children []*node
	fetch    bool  // a leaf whose body is fetched
	size     int64 // a leaf's body size, as the server counts it
}

// name is the part number as IMAP writes it ("2.1"), as an answer names the section; "" for
// the message itself.
func (n *node) name() string { return sectionName(&imap.FetchItemBodySection{Part: n.path}) }

// fetchStructures fetches BODYSTRUCTURE (and, with withHeader, the start of the header) of uids
// in one command and gives each message's to plan as it comes: what a batch holds of them is
// the views' headers (at most structureHeader each), never every structure at once (Dovecot
// describes a message of up to 10,000 parts). A header longer than structureHeader comes cut,
// and its message is fetched whole. It returns the UIDs answered, also with an error.
func (in *Intake) fetchStructures(ctx context.Context, s *session, uids []uint32, withHeader bool, plan func(uid uint32, bs imap.BodyStructure, header []byte)) (map[uint32]bool, error) {
	opts := &imap.FetchOptions{UID: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	if withHeader {
		opts.BodySection = []*imap.FetchItemBodySection{headerStart()}
	}
	req := fetchReq{uids: uids, opts: opts, limit: structureHeader, truncate: true}
	what := fmt.Sprintf("fetch the structure of %d messages from uid %d", len(uids), uids[0])
	answered := make(map[uint32]bool, len(uids))
	err := s.await(ctx, what, func() error {
		return eachAnswer(s.c.Fetch(uidSet(uids...), req.opts), req, func(uid uint32, a *answer) {
			answered[uid] = true
			plan(uid, a.structure, a.sections["HEADER"])
		})
	})
	return answered, err
}

// headerStart is the FETCH item of a header's first structureHeader bytes.
func headerStart() *imap.FetchItemBodySection {
	return &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true,
		Partial: &imap.SectionPartial{Offset: 0, Size: structureHeader}}
}

// planView decides how to fetch a message of size bytes from its structure and header. It
// returns nil when the message is better fetched whole: a structure it cannot trust (no
// boundary, a multipart in which the server found no delimiter, too many parts or too deep),
// or, unless always is set, one whose view would save little.
func planView(bs imap.BodyStructure, header []byte, size int64, always bool) *view {
	if bs == nil || len(header) == 0 || len(header) >= structureHeader { // none, or cut: fetched whole
		return nil
	}
	p := &planner{formSubject: mentionsForm(subjectOf(header))}
	root, ok := p.node(bs, nil, 0)
	if !ok {
		return nil
	}
	v := &view{header: header, root: root, bytes: int64(len(header)) + int64(p.parts)*mimeHeaderGuess + p.fetched,
		skipped: p.skipped, multiparts: p.multiparts}
	if !always && v.skipped < max(minViewSaving, size/4) {
		return nil // the view would not save enough to be worth a second fetch for a case
	}
	return v
}

// planner walks a BODYSTRUCTURE into nodes.
type planner struct {
	formSubject bool // the subject calls the mail a form: its documents are fetched
	parts       int
	multiparts  int
	fetched     int64
	skipped     int64
}

func (p *planner) node(bs imap.BodyStructure, path []int, depth int) (*node, bool) {
	n := &node{path: path}
	switch b := bs.(type) {
	case *imap.BodyStructureMultiPart:
		if depth >= maxViewDepth || len(b.Children) == 0 || b.Extended == nil || synthetic(b) {
			return nil, false
		}
		n.multi, n.boundary = true, b.Extended.Params["boundary"] // the client lowercases parameter names
		if n.boundary == "" || len(n.boundary) > maxBoundaryBytes || strings.ContainsAny(n.boundary, "\r\n\x00") {
			return nil, false
		}
		p.multiparts++
		for i, c := range b.Children {
			p.parts++
			if p.parts > maxViewParts {
				return nil, false
			}
			child, ok := p.node(c, append(slices.Clone(path), i+1), depth+1)
			if !ok {
				return nil, false
			}
			n.children = append(n.children, child)
		}
	case *imap.BodyStructureSinglePart:
		n.size = int64(b.Size)
		n.fetch = p.wanted(b)
		if n.fetch {
			p.fetched += n.size
		} else {
			p.skipped += n.size
		}
	default:
		return nil, false
	}
	return n, true
}

// synthetic is a multipart whose only part is empty: how Dovecot describes a multipart in
// which it found no delimiter at all. Its content is then the preamble, which mailparse reads
// as text and a view leaves out.
func synthetic(b *imap.BodyStructureMultiPart) bool {
	leaf, ok := b.Children[0].(*imap.BodyStructureSinglePart)
	return len(b.Children) == 1 && ok && leaf.Size == 0
}

// wanted tells whether a leaf's body is fetched: anything Parse may read (text of any kind,
// messages and reports, winmail.dat) and a document named as a form, or in a mail whose
// subject calls it one. The MIME headers, fetched with the bodies, have the last word
// (view.verify): the server's reading of a header only guides the fetch.
func (p *planner) wanted(b *imap.BodyStructureSinglePart) bool {
	mt := b.MediaType()
	name := b.Filename() // the disposition's filename, else the type's name; decoded by the client
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasPrefix(mt, "message/"):
		return true
	case mt == "application/ms-tnef" || mt == "application/vnd.ms-tnef" || strings.EqualFold(name, "winmail.dat"):
		return true
	}
	if !isDocument(mt, name) || int64(b.Size) > maxFormDocument*4/3+4096 { // base64 of the largest form
		return false
	}
	return p.formSubject || mentionsForm(strings.TrimSuffix(name, path.Ext(name)))
}

// isDocument is a .docx or .pdf, by name or type, as the form reader takes them.
func isDocument(mediaType, name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".docx" || ext == ".pdf" || mediaType == "application/pdf" || strings.Contains(mediaType, "wordprocessingml")
}

// mentionsForm finds "formulier" or the word "form" ("klachtformulier", "complaint-form").
func mentionsForm(s string) bool {
	s = strings.ToLower(s)
	if strings.Contains(s, "formulier") {
		return true
	}
	for i := 0; ; {
		j := strings.Index(s[i:], "form")
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len("form")
		if (at == 0 || !isLetter(s[at-1])) && (end == len(s) || !isLetter(s[end]) || strings.HasPrefix(s[end:], "s")) {
			return true
		}
		i = at + 1
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 0x80 }

// subjectOf is the Subject of a header section as mailparse reads it ("" when unreadable):
// the reader the handler's triage uses, lenient about charsets and malformed lines.
func subjectOf(header []byte) string {
	m, err := mailparse.ParseWith(header, mailparse.Options{NoLanguage: true})
	if err != nil {
		return ""
	}
	return m.Subject
}

// errNoStructure marks a failure while a batch was fetched by structure: the messages of that
// batch are fetched whole on the next try, so that a structure the client cannot read never
// stalls the intake.
var errNoStructure = errors.New("fetch by structure failed")
