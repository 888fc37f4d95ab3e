// Package triage decides what kind of mail an incoming message is, in this order: our
// own mail, a bounce, a reply to a case (by whom), a staff registration, a new
// complaint, or anything else (which klachtd leaves exactly as it was). It is pure: lookups
// in the database come in as a function.
package triage

import (
	"bytes"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// Kind is the class of an incoming message.
type Kind string

// The kinds, in the order they are tested.
const (
	Own      Kind = "own"
	Bounce   Kind = "bounce"
	Reply    Kind = "reply"
	StaffNew Kind = "staff-new"
	// BadRef is a staff mail whose subject names more than one case, or a case that does
	// not exist: refused with an error reply, nothing changed.
	BadRef Kind = "bad-reference"
	New    Kind = "complaint"
	Other  Kind = "other"
)

// Role is who sent a reply.
type Role string

// Roles of a reply's sender.
const (
	RoleStaff       Role = "staff"
	RoleCommissaris Role = "commissaris"
	RoleComplainant Role = "complainant"
	RoleUnknown     Role = "unknown"
)

// Rules are the facts of the organisation that triage needs.
type Rules struct {
	OwnAddress     string   // info@…: From of every mail klachtd sends
	OwnIDPrefix    string   // local-part prefix of klachtd's Message-IDs, e.g. "klachtd."
	Staff          []string // addresses that may send commands
	Commissaris    string
	Keywords       []string // words that make a mail a complaint
	FormLabelCount func(text string) int
	// OwnText is the sender's own text of a body, without quoted history and signature (keywords
	// in a quote of our own mail or a signature do not make a complaint); nil: the whole body.
	OwnText func(text string) string
}

// Lookup finds the case a message refers to: by reference in the subject (it must exist), or
// by Message-IDs it answers. It returns the case id and its complainant's address, or "".
// ThreadCase follows only Message-IDs klachtd generated, and those the same sender gave
// their own earlier mail; sender "" follows klachtd's own only.
type Lookup interface {
	CaseExists(id string) (complainantEmail string, ok bool)
	ThreadCase(sender string, ids []string) (id, complainantEmail string)
}

// Result is the verdict on one message.
type Result struct {
	Kind   Kind
	CaseID string // for replies and bounces
	Role   Role   // for replies
	Reason string // for the record: which rule decided
	// Refs are the distinct case references of the subject and Unknown those of them that
	// name no case, for BadRef.
	Refs, Unknown []string
	// Link says, for a reply, what tied it to its case: the reference in its subject, or
	// the Message-IDs of its In-Reply-To or, when those name no case mail, its References.
	// A command counts only when its sender's signature vouches for that field.
	Link Link
}

// Link is the header field that tied a reply to its case.
type Link string

// The links, in the order Classify tries them.
const (
	LinkSubject    Link = "Subject"
	LinkInReplyTo  Link = "In-Reply-To"
	LinkReferences Link = "References"
)

// Ahead is what Classify works out from the message and the rules alone, with no look-up:
// whether its text makes it a complaint. Prepare works it out ahead of Classify, so that a
// caller can do that part on another goroutine. The zero Ahead is nothing worked out.
type Ahead struct {
	reason string // why the text makes the message a complaint, or ""
	done   bool
}

// Prepare works out Ahead for m under r. It only reads m.
func Prepare(m *mailparse.Message, r Rules) Ahead {
	return Ahead{reason: complaintReason(m, r), done: true}
}

// Complaint reports whether the message's text makes it a complaint, as far as worked out.
func (a Ahead) Complaint() bool { return a.done && a.reason != "" }

// Classify applies the rules in the order of the package doc.
func Classify(m *mailparse.Message, r Rules, lk Lookup) Result {
	return ClassifyAhead(m, r, lk, Ahead{})
}

// ClassifyAhead is Classify with what Prepare worked out of m under the same rules (or the
// zero Ahead: then Classify works it out itself, when it comes to it).
func ClassifyAhead(m *mailparse.Message, r Rules, lk Lookup, a Ahead) Result {
	from := strings.ToLower(m.From.Email)
	if isOwn(m, r) {
		return Result{Kind: Own, Reason: "our own message"}
	}
	if m.Bounce != nil {
		res := Result{Kind: Bounce, Reason: "delivery status report"}
		if m.Bounce.OriginalMessageID != "" {
			res.CaseID, _ = lk.ThreadCase("", []string{m.Bounce.OriginalMessageID})
		}
		return res
	}
	staff := contains(r.Staff, from)
	refs := complaint.FindRefs(m.Subject)
	if staff && m.Auto == "" {
		if res, bad := staffRefs(m, refs, lk); bad {
			return res
		}
	}
	// A reply to a case: reference in the subject or threading headers naming our mail (or
	// the sender's own earlier mail).
	caseID, complainant, link := "", "", LinkSubject
	if len(refs) > 0 {
		if email, exists := lk.CaseExists(refs[0]); exists {
			caseID, complainant = refs[0], email
		}
	}
	if caseID == "" && len(m.InReplyTo) > 0 {
		caseID, complainant = lk.ThreadCase(from, m.InReplyTo)
		link = LinkInReplyTo
	}
	if caseID == "" && len(m.References) > 0 {
		caseID, complainant = lk.ThreadCase(from, m.References)
		link = LinkReferences
	}
	if caseID != "" {
		role := RoleUnknown
		switch {
		case staff:
			role = RoleStaff
		case r.Commissaris != "" && from == strings.ToLower(r.Commissaris):
			role = RoleCommissaris
		case from != "" && from == strings.ToLower(complainant):
			role = RoleComplainant
		}
		return Result{Kind: Reply, CaseID: caseID, Role: role, Reason: "reply to " + caseID, Link: link}
	}
	if staff && hasNewTag(m.Subject) {
		return Result{Kind: StaffNew, Role: RoleStaff, Reason: "staff registration"}
	}
	if staff || (r.Commissaris != "" && from == strings.ToLower(r.Commissaris)) {
		// Staff and the commissaris do not complain to themselves: a mail of theirs that is no
		// reply to a case (a forward without [nieuw], an internal note) is left for people.
		return Result{Kind: Other, Reason: "staff or commissaris mail without a case"}
	}
	if m.Auto != "" {
		return Result{Kind: Other, Reason: "automatic mail: " + m.Auto}
	}
	if !a.done {
		a = Prepare(m, r)
	}
	if a.reason != "" {
		return Result{Kind: New, Reason: a.reason}
	}
	return Result{Kind: Other, Reason: "no complaint"}
}

// staffRefs checks the case references of a staff mail: a command must name exactly one
// case that exists. A [nieuw] that names only cases that do not exist (a purged
// one, another organisation's number in the forwarded subject) is a registration still.
// bad is false when the references are fine (or there are none).
func staffRefs(m *mailparse.Message, refs []string, lk Lookup) (res Result, bad bool) {
	if len(refs) == 0 {
		return Result{}, false
	}
	var unknown []string
	for _, ref := range refs {
		if _, ok := lk.CaseExists(ref); !ok {
			unknown = append(unknown, ref)
		}
	}
	switch {
	case len(refs) > 1:
		return Result{Kind: BadRef, Role: RoleStaff, Refs: refs, Unknown: unknown,
			Reason: "staff mail naming more than one case"}, true
	case len(unknown) == 1 && hasNewTag(m.Subject):
		return Result{}, false
	case len(unknown) == 1:
		return Result{Kind: BadRef, Role: RoleStaff, Refs: refs, Unknown: unknown,
			Reason: "staff mail naming no existing case"}, true
	}
	return Result{}, false
}

func isOwn(m *mailparse.Message, r Rules) bool {
	if r.OwnIDPrefix != "" && strings.HasPrefix(strings.ToLower(m.MessageID), strings.ToLower(r.OwnIDPrefix)) &&
		Domain(m.MessageID) == Domain(r.OwnAddress) {
		return true
	}
	return len(m.Header["X-Klachtd-Case"]) > 0 && strings.EqualFold(m.From.Email, r.OwnAddress)
}

// Domain is the text after the last "@" of an address or a Message-ID, lower-cased, or ""
// without one. Own mail is mail whose Message-ID's Domain is the own address's: the daemon
// gives its Message-IDs that domain.
func Domain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// hasNewTag reports a [nieuw] or [new] tag in a subject.
func hasNewTag(subject string) bool {
	s := strings.ToLower(subject)
	return strings.Contains(s, "[nieuw]") || strings.Contains(s, "[new]")
}

// complaintReason says why a mail is a complaint, or "" when it is not one: a keyword as a
// word in subject or body, or two or more klachtformulier labels.
func complaintReason(m *mailparse.Message, r Rules) string {
	body := m.Text
	if r.OwnText != nil {
		body = r.OwnText(body)
	}
	buf := lowerBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= maxLowerBuffer {
			lowerBuffers.Put(buf)
		}
	}()
	*buf = appendLower((*buf)[:0], m.Subject)
	n := len(*buf)
	*buf = appendLower(*buf, body)
	subject, lower := (*buf)[:n:n], (*buf)[n:]
	for _, kw := range r.Keywords {
		if kw = strings.ToLower(strings.TrimSpace(kw)); kw == "" {
			continue
		}
		if hasWord(subject, kw) {
			return "keyword in subject"
		}
		if hasWord(lower, kw) {
			return "keyword in body"
		}
	}
	if r.FormLabelCount != nil && r.FormLabelCount(body) >= 2 {
		return "klachtformulier labels"
	}
	return ""
}

// hasWord finds kw as a word of its own, also in its plural ("klacht", "klachten",
// "complaints"), but not inside another word ("aanklacht") or as the start of a compound
// ("klachtenprocedure" in a signature is no complaint; "klachtformulier" is a keyword itself).
func hasWord(text []byte, kw string) bool {
	k := []byte(kw)
	for i := 0; ; {
		j := bytes.Index(text[i:], k)
		if j < 0 {
			return false
		}
		p := i + j
		end := p + len(k)
		for _, suffix := range []string{"en", "s", ""} {
			if bytes.HasPrefix(text[end:], []byte(suffix)) {
				if e := end + len(suffix); (p == 0 || !isLetter(text[p-1])) && (e == len(text) || !isLetter(text[e])) {
					return true
				}
			}
		}
		i = p + 1
	}
}

func isLetter(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80 || b >= '0' && b <= '9'
}
