package outbox

import (
	"bytes"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/wneessen/go-mail"
)

// ErrInvalidRow marks a row that cannot become a mail (a CR or LF in a header value, a missing
// recipient, a malformed Message-ID). Such a row fails permanently and nothing is sent.
var ErrInvalidRow = errors.New("invalid outgoing mail row")

// Headers klachtd adds to every mail.
const (
	headerAutoSubmitted = mail.Header("Auto-Submitted")
	headerCase          = mail.Header("X-Klachtd-Case") // recognises our own mail coming back
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidRow, fmt.Sprintf(format, args...))
}

// Build turns a row into a go-mail message carrying every header klachtd promises: From, To, Cc,
// Subject, Date, the row's own Message-ID, In-Reply-To and References, Auto-Submitted,
// X-Auto-Response-Suppress and X-Klachtd-Case; a text part, an HTML alternative when present
// (UTF-8, quoted-printable) and attachments. It never lets a header value from the row add a
// header: CR, LF or another control character gives an error wrapping ErrInvalidRow.
func Build(r *Row) (*mail.Msg, error) {
	if r == nil {
		return nil, invalid("nil row")
	}
	if err := checkRow(r); err != nil {
		return nil, err
	}
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP),
		mail.WithNoDefaultUserAgent())

	m.FromMailAddress(netAddress(r.From))
	for _, a := range r.To {
		m.AddToMailAddress(netAddress(a))
	}
	for _, a := range r.Cc {
		m.AddCcMailAddress(netAddress(a))
	}
	m.Subject(r.Subject)
	m.SetDateWithValue(r.Date)
	m.SetMessageIDWithValue(r.MessageID)
	if id := r.InReplyTo; id != "" && looseMsgID(id) {
		m.SetGenHeader(mail.HeaderInReplyTo, "<"+id+">")
	}
	var refs []string
	for _, id := range r.References {
		if looseMsgID(id) {
			refs = append(refs, "<"+id+">")
		}
	}
	if len(refs) > 0 {
		// One value: go-mail joins several values with commas, References wants spaces.
		m.SetGenHeader(mail.HeaderReferences, strings.Join(refs, " "))
	}
	auto := r.AutoSubmitted
	if auto == "" {
		auto = "auto-generated"
	}
	m.SetGenHeader(headerAutoSubmitted, auto)
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	if r.CaseID != "" {
		m.SetGenHeader(headerCase, r.CaseID)
	}

	m.SetBodyString(mail.TypeTextPlain, r.Text)
	if r.HTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, r.HTML)
	}
	for i, a := range r.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		add := m.AttachReader
		if a.Inline {
			add = m.EmbedReader
		}
		err := add(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(ct)))
		if err != nil {
			return nil, fmt.Errorf("attach %d: %w", i, err)
		}
	}
	return m, nil
}

// Compose returns the raw RFC 5322 bytes of the row's mail, as Build makes it (for .eml copies
// and tests). Multipart boundaries are random, so two calls differ there and only there.
func Compose(r *Row) ([]byte, error) {
	m, err := Build(r)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message %d: %w", r.ID, err)
	}
	return buf.Bytes(), nil
}

// checkRow validates everything that goes into a header. Error messages name the field, never
// its value, so they can be logged.
func checkRow(r *Row) error {
	if err := checkAddress("from", r.From); err != nil {
		return err
	}
	if len(r.To)+len(r.Cc) == 0 {
		return invalid("no recipients")
	}
	for i, a := range r.To {
		if err := checkAddress(fmt.Sprintf("to[%d]", i), a); err != nil {
			return err
		}
	}
	for i, a := range r.Cc {
		if err := checkAddress(fmt.Sprintf("cc[%d]", i), a); err != nil {
			return err
		}
	}
	fields := []struct{ name, value string }{
		{"subject", r.Subject}, {"case id", r.CaseID}, {"auto-submitted", r.AutoSubmitted},
		{"in-reply-to", r.InReplyTo},
	}
	for i, id := range r.References {
		fields = append(fields, struct{ name, value string }{fmt.Sprintf("references[%d]", i), id})
	}
	for i, a := range r.Attachments {
		fields = append(fields, struct{ name, value string }{fmt.Sprintf("attachment %d name", i), a.Name},
			struct{ name, value string }{fmt.Sprintf("attachment %d content type", i), a.ContentType})
	}
	for _, f := range fields {
		if err := checkHeaderValue(f.name, f.value); err != nil {
			return err
		}
	}
	if !strictMsgID(r.MessageID) {
		return invalid("message id is empty or malformed")
	}
	if r.Date.IsZero() {
		return invalid("date is not set")
	}
	if r.Text == "" && r.HTML == "" {
		return invalid("no body")
	}
	if !utf8.ValidString(r.Text) || !utf8.ValidString(r.HTML) {
		return invalid("body is not valid UTF-8")
	}
	for i, a := range r.Attachments {
		if a.Name == "" {
			return invalid("attachment %d has no name", i)
		}
	}
	return nil
}

// checkHeaderValue refuses what could end a header line or confuse a reader: any control
// character (CR and LF above all) and invalid UTF-8.
func checkHeaderValue(field, v string) error {
	if !utf8.ValidString(v) {
		return invalid("%s is not valid UTF-8", field)
	}
	for _, c := range v {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029' {
			return invalid("%s contains a control character or line break", field)
		}
	}
	return nil
}

func checkAddress(field string, a mailparse.Address) error {
	if err := checkHeaderValue(field+" name", a.Name); err != nil {
		return err
	}
	if err := checkHeaderValue(field+" address", a.Email); err != nil {
		return err
	}
	if a.Email == "" || strings.ContainsAny(a.Email, " <>,;\"") {
		return invalid("%s address is empty or malformed", field)
	}
	p, err := netmail.ParseAddress(a.Email)
	if err != nil || p.Address != a.Email {
		return invalid("%s address is malformed", field)
	}
	return nil
}

func netAddress(a mailparse.Address) *netmail.Address {
	return &netmail.Address{Name: a.Name, Address: a.Email}
}

// strictMsgID accepts the Message-IDs klachtd makes: printable ASCII without spaces or angle
// brackets, with an "@" between two non-empty halves.
func strictMsgID(id string) bool {
	at := strings.LastIndexByte(id, '@')
	return looseMsgID(id) && at > 0 && at < len(id)-1
}

// looseMsgID accepts any identifier that can stand between angle brackets. Threading ids come
// from other people's mail; ones that cannot be written safely are left out, not fatal.
func looseMsgID(id string) bool {
	if id == "" || len(id) > 998 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// recipients returns the envelope recipients, To then Cc, each address once.
func recipients(r *Row) []string {
	seen := make(map[string]bool)
	var out []string
	for _, a := range append(append([]mailparse.Address(nil), r.To...), r.Cc...) {
		k := strings.ToLower(a.Email)
		if !seen[k] {
			seen[k] = true
			out = append(out, a.Email)
		}
	}
	return out
}
