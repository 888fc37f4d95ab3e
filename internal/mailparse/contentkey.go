package mailparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// authorFields are the header fields a mail's author (their mail client) writes, in the
// order the key takes them. Fields added in transit (Received, Return-Path, Delivered-To,
// Authentication-Results, ARC, a relay's X- fields, a forwarder's DKIM-Signature) are not
// among them: they differ between two deliveries of one mail.
var authorFields = []string{"Message-Id", "Date", "From", "Sender", "Reply-To", "To", "Cc",
	"Subject", "In-Reply-To", "References", "Mime-Version", "Content-Type", "Content-Transfer-Encoding"}

// ContentKey identifies a mail as its author sent it: the hex SHA-256 of the author's header
// fields (authorFields, every occurrence, white space folded) and the body (line endings
// normalised), so that one mail delivered twice (an SMTP retry after a lost reply, a copy to
// two addresses that end in one mailbox, a server that adds its own trace fields on a
// redelivery) has one key while its bytes differ. "" for mail without a Message-ID: two
// such mails are never taken for one.
func ContentKey(raw []byte) string {
	h, body, _ := splitHeader(raw)
	if len(MessageIDs(strings.Join(h.values("Message-Id"), " "))) == 0 {
		return ""
	}
	sum := sha256.New()
	sum.Write([]byte("klachtd content key 1\n"))
	for _, k := range authorFields {
		for _, v := range h.values(k) {
			sum.Write([]byte(k))
			sum.Write([]byte{':'})
			sum.Write([]byte(strings.Join(strings.Fields(v), " ")))
			sum.Write([]byte{'\n'})
		}
	}
	sum.Write([]byte{'\n'})
	for len(body) > 0 {
		line, rest := cutLine(body)
		sum.Write(bytes.TrimRight(line, "\r\n"))
		sum.Write([]byte{'\n'})
		body = rest
	}
	return hex.EncodeToString(sum.Sum(nil))
}
