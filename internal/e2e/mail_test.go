package e2e

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// complaint is a plain Dutch complaint from a unique address.
type complaint struct {
	Name, Email, MessageID string
	Date                   time.Time
}

func newComplaint(tag string, i int) complaint {
	return complaint{
		Name:      fmt.Sprintf("Klant %s %d", tag, i),
		Email:     fmt.Sprintf("klant-%s-%d@example.nl", strings.ToLower(tag), i),
		MessageID: fmt.Sprintf("<%s-%d-%d@example.nl>", strings.ToLower(tag), i, time.Now().UnixNano()),
		Date:      time.Now().Truncate(time.Second),
	}
}

func (c complaint) raw() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: Groeimeesters <%s>\r\nSubject: Klacht over de training\r\n", c.Name, c.Email, orgAddress)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		c.Date.Format(time.RFC1123Z), c.MessageID)
	fmt.Fprintf(&b, "Beste Groeimeesters,\r\n\r\nIk wil een klacht indienen over de training die ik vorige week heb gevolgd.\r\n"+
		"De trainer was niet voorbereid en het lesmateriaal ontbrak.\r\n\r\nMet vriendelijke groet,\r\n%s\r\n", c.Name)
	return b.Bytes()
}

// ordinaryMail is a mail that is no complaint.
func ordinaryMail(id string) []byte {
	return []byte("From: Jan Jansen <jan@example.nl>\r\nTo: " + orgAddress + "\r\nSubject: Vraag over de planning\r\n" +
		"Date: Thu, 26 Nov 2026 10:00:00 +0100\r\nMessage-ID: <" + id + "@example.nl>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nHoi, wanneer is de volgende intervisiebijeenkomst?\r\n\r\nGroet, Jan\r\n")
}

// sent is one message at the sink, with its header parsed.
type sent struct {
	mailtest.Received
	Header mail.Header
}

func parseSent(t testing.TB, msgs []mailtest.Received) []sent {
	t.Helper()
	out := make([]sent, 0, len(msgs))
	for i, m := range msgs {
		pm, err := mail.ReadMessage(bytes.NewReader(m.Raw))
		if err != nil {
			t.Fatalf("sink message %d does not parse: %v\n%s", i, err, m.Raw)
		}
		out = append(out, sent{Received: m, Header: pm.Header})
	}
	return out
}

// to returns the messages whose envelope recipients include addr.
func to(msgs []sent, addr string) []sent {
	var out []sent
	for _, m := range msgs {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// countTo counts messages per envelope recipient.
func countTo(msgs []mailtest.Received) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		for _, r := range m.To {
			n[strings.ToLower(r)]++
		}
	}
	return n
}

var subjectRef = regexp.MustCompile(`^\[(KL-\d{4}-\d{4,})\] `)

func decodedSubject(t testing.TB, h mail.Header) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Errorf("subject %q does not decode: %v", h.Get("Subject"), err)
		return h.Get("Subject")
	}
	return s
}
