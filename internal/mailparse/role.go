package mailparse

import "strings"

// PartRole is how Parse reads a MIME entity, as its header alone tells. A caller that fetches
// parts of a message one by one (the intake, for larger mail) asks it which parts Parse
// reads, so that it fetches those and leaves the attachments on the server.
type PartRole int

// The roles of an entity.
const (
	// PartAttachment is kept as an attachment: measured, its data decoded only as
	// Options.KeepData wants. Its content never reaches Text, HTML, Bounce or Forwarded.
	PartAttachment PartRole = iota
	// PartText is read as the body's text or HTML.
	PartText
	// PartMultipart is split at its boundary into parts, each read by its own header.
	PartMultipart
	// PartMessage is an attached message (message/rfc822, message/global), parsed.
	PartMessage
	// PartReport is a delivery report's status or returned headers, read for Bounce.
	PartReport
	// PartTNEF is an Outlook winmail.dat: its attachments listed, its body the text when the
	// mail has no other.
	PartTNEF
)

// roleOf is the role of an entity whose header reads as p; entity acts on it.
func roleOf(p part) PartRole {
	switch mt := p.mediaType; {
	case strings.HasPrefix(mt, "multipart/"):
		return PartMultipart
	case mt == "message/rfc822" || mt == "message/global":
		return PartMessage
	case mt == "message/delivery-status" || mt == "message/global-delivery-status",
		mt == "text/rfc822-headers" || mt == "message/global-headers":
		return PartReport
	case mt == "application/ms-tnef" || mt == "application/vnd.ms-tnef" || strings.EqualFold(p.filename, "winmail.dat"):
		return PartTNEF
	case (mt == "text/plain" || mt == "text/html") && p.disposition != "attachment" && p.filename == "":
		return PartText
	}
	return PartAttachment
}

// ReadPartAs tells how Parse reads an entity with header h, and for a multipart the boundary
// it splits at. h is a message's header (top set) or a body part's MIME header, as IMAP's
// BODY[HEADER] and BODY[n.MIME] give them (the blank line that ends them may be there or not).
func ReadPartAs(h []byte, top bool) (role PartRole, boundary string) {
	var hd header
	if top {
		hd, _, _ = splitHeader(h)
	} else {
		hd, _ = splitPartHeader(h)
	}
	w := &walker{msg: &Message{}}
	p := w.readPart(hd)
	role = roleOf(p)
	if role == PartMultipart {
		boundary = p.params["boundary"]
	}
	return role, boundary
}
