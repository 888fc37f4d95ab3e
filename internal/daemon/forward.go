package daemon

import (
	"net/mail"
	"regexp"
	"strings"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// forwarded is the mail a staff member forwarded, as their forward shows it: its sender,
// subject and text. An inline forward shows it in the staff mail's own text under a header
// block ("Van: / From:", "Onderwerp: / Subject:", …); a forward as attachment carries it as
// an attached message.
type forwarded struct {
	Name, Email string
	Subject     string
	Text, HTML  string
	Attachments []mailparse.Attachment
	Language    string
	// Attached is the attached message when the forward is one as attachment; nil inline.
	Attached *mailparse.Message
}

// outermostForward finds the mail a staff mail forwards: the outermost one, as the forward
// shows it. An inline forward in the staff mail's own text comes first: the
// attachments beside it are the forwarded mail's own (a mail it carried, such as a .eml
// with another sender and an old Date:, is nested inside it, never the forward itself).
// Without one, the first attached message is the forwarded mail. ok is false when the mail
// forwards nothing.
func outermostForward(m *mailparse.Message) (forwarded, bool) {
	if f, ok := inlineForward(m.Text); ok {
		f.Attachments, f.Language = m.Attachments, m.Language
		return f, true
	}
	if len(m.Forwarded) > 0 {
		o := m.Forwarded[0]
		return forwarded{Name: o.From.Name, Email: o.From.Email, Subject: o.Subject, Text: o.Text, HTML: o.HTML,
			Attachments: o.Attachments, Language: o.Language, Attached: o}, true
	}
	return forwarded{}, false
}

// fwdFrom is the "Van:" / "From:" line of a forwarded header block, quoted or bold or not.
var fwdFrom = regexp.MustCompile(`(?i)^[ \t>]*\*?(?:van|from)\*?:[ \t]*(.+)$`)

// maxForwardHeader bounds how many lines around "From:" are read as the header block.
const maxForwardHeader = 8

// inlineForward finds the outermost inline forward in a text: the first "Van:" / "From:"
// line naming an address, the header block around it (Onderwerp/Subject, Datum/Date,
// Verzonden/Sent, Aan/To, Cc, Beantwoorden-aan/Reply-To, in any order: Thunderbird puts the
// subject first, Outlook and Gmail the sender), and the text after that block.
func inlineForward(text string) (forwarded, bool) {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		m := fwdFrom.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		a, err := mail.ParseAddress(strings.TrimSpace(m[1]))
		if err != nil {
			continue
		}
		f := forwarded{Name: a.Name, Email: a.Address}
		for j := i - 1; j >= 0 && j >= i-maxForwardHeader; j-- {
			key, value, ok := headerLine(lines[j])
			if !ok {
				break
			}
			if key == "subject" {
				f.Subject = value
			}
		}
		end := i + 1
		for ; end < len(lines) && end <= i+maxForwardHeader; end++ {
			key, value, ok := headerLine(lines[end])
			if ok && key == "subject" {
				f.Subject = value
			}
			if !ok && strings.TrimSpace(strings.TrimLeft(lines[end], "> ")) != "" {
				break
			}
		}
		f.Text = strings.TrimSpace(strings.Join(lines[end:], "\n"))
		return f, true
	}
	return forwarded{}, false
}

// headerLine reads one line of a forwarded header block: its key, lower case, and value.
func headerLine(l string) (key, value string, ok bool) {
	l = strings.TrimSpace(strings.TrimLeft(l, "> "))
	k, v, found := strings.Cut(l, ":")
	if !found || len(l) >= 200 {
		return "", "", false
	}
	k = strings.ToLower(strings.Trim(k, "* "))
	switch k {
	case "onderwerp", "subject":
		return "subject", strings.TrimSpace(strings.TrimLeft(v, "* ")), true
	case "verzonden", "sent", "aan", "to", "cc", "datum", "date", "beantwoorden-aan", "reply-to":
		return k, strings.TrimSpace(v), true
	}
	return "", "", false
}
