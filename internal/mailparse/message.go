// Package mailparse turns raw RFC 5322 bytes into a Message that the rest of klachtd can
// trust: decoded headers, the text body (HTML-only mail turned into readable text),
// attachments (including those inside Outlook's winmail.dat), and the facts triage needs
// (automatic mail, bounces, threading headers, and the duplicated or malformed header fields
// that make a mail unfit to carry a command: HeaderFacts). It is pure: no I/O, no clock, no logging.
// Hostile input gives an error or a best-effort Message, never a panic.
package mailparse

import "time"

// Address is one mailbox: a display name and an addr-spec, both decoded and without CR or LF.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"` // lower-cased domain; empty when unparseable
}

// Attachment is one non-body part, or a part extracted from a TNEF winmail.dat.
type Attachment struct {
	Filename    string `json:"filename"` // sanitised: no path, no control characters, at most 200 bytes
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Data        []byte `json:"-"`
}

// Message is a parsed mail. Every string is valid UTF-8 without NUL; header strings hold no CR or LF.
type Message struct {
	MessageID     string    `json:"message_id,omitempty"`  // without angle brackets; empty when absent
	InReplyTo     []string  `json:"in_reply_to,omitempty"` // message ids, without angle brackets
	References    []string  `json:"references,omitempty"`
	From          Address   `json:"from"`
	ReplyTo       []Address `json:"reply_to,omitempty"`
	To            []Address `json:"to,omitempty"`
	Cc            []Address `json:"cc,omitempty"`
	Subject       string    `json:"subject"`
	Date          time.Time `json:"date"` // zero when absent or unparseable
	ReturnPath    string    `json:"return_path,omitempty"`
	HasReturnPath bool      `json:"-"` // a Return-Path header is present ("<>" means empty)

	// Text is the body as plain text: the text/plain part when present, else the HTML part
	// converted to text. HTML is the raw HTML part when present (for form extraction).
	Text        string       `json:"text"`
	HTML        string       `json:"-"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Forwarded holds messages attached as message/rfc822 (a staff forward), parsed.
	Forwarded []*Message `json:"forwarded,omitempty"`

	// Auto is non-empty when the mail declares itself automatic: the reason, such as
	// "auto-submitted: auto-replied", "precedence: bulk", "list-id", "x-autoreply", "out-of-office subject".
	Auto string `json:"auto,omitempty"`
	// Bounce is set for delivery status reports and classic bounces.
	Bounce *Bounce `json:"bounce,omitempty"`
	// Header gives raw access to a few more headers by canonical name (decoded, one line each):
	// at least Authentication-Results (all of them), X-Klachtd-*, Auto-Submitted, Language hints.
	Header map[string][]string `json:"-"`
	// Duplicates lists the fields RFC 5322 allows once (SingletonFields) that the header
	// carries more than once, and HeaderMalformed why readers may split the header into
	// different fields (see HeaderFacts). Either makes the mail unfit to carry a command:
	// the fields above are read from the first copy, a DKIM verifier checks the last.
	Duplicates      []Duplicate `json:"duplicates,omitempty"`
	HeaderMalformed string      `json:"header_malformed,omitempty"`
	// Language is "nl" or "en" when it can be told from the text, else "".
	Language string `json:"language,omitempty"`
	// Problems lists what was wrong with the mail and repaired or skipped ("unknown charset x-foo",
	// "truncated multipart"); a mail with problems is still processed.
	Problems []string `json:"problems,omitempty"`
	Size     int      `json:"size"`
}

// Bounce is what a delivery failure report says.
type Bounce struct {
	// OriginalMessageID is the Message-ID of the mail that could not be delivered, when the
	// report names it (message/rfc822 or text/rfc822-headers part, or quoted in the text).
	OriginalMessageID string   `json:"original_message_id,omitempty"`
	Recipients        []string `json:"recipients,omitempty"` // failed recipients
	Status            string   `json:"status,omitempty"`     // e.g. "5.1.1"
	Permanent         bool     `json:"permanent"`
	Diagnostic        string   `json:"diagnostic,omitempty"`
}
