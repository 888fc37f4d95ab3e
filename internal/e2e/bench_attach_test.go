package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// The attachment-heavy backlog is an info@ as organisations have it: 10,000 messages of about
// 160 MB, 1 in 10 a complaint, and 5 % of the ordinary mail carrying a PDF of 20–400 KB
// (invoices, quotes, scans). Its mail under 64 KiB is 27 MB of it; mbsync must copy every
// byte, klachtd needs only the text of ordinary mail.

// attachmentBacklog returns total messages, every every-th a complaint, 1 in 20 of the rest
// with a PDF, and the complainants' addresses. The same seed gives the same mailbox.
func attachmentBacklog(total, every int) ([][]byte, []string) {
	rnd := rand.New(rand.NewPCG(11, 2026))
	raws := make([][]byte, 0, total)
	var complainants []string
	filler := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40) // ~2.7 KB
	pdfBody := pseudoPDF(400 << 10)
	for i := range total {
		if i%every == every-1 {
			c := newComplaint("bijlagen", i)
			raws = append(raws, c.raw())
			complainants = append(complainants, c.Email)
			continue
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "From: Relatie %d <relatie-%d@example.org>\r\nTo: %s\r\nSubject: Afspraak %d\r\n", i, i, orgAddress, i)
		fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <bijlagen-%d@example.org>\r\nMIME-Version: 1.0\r\n", time.Now().Format(time.RFC1123Z), i)
		text := filler + "\r\n"
		if rnd.IntN(20) != 0 {
			b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n" + text)
			raws = append(raws, b.Bytes())
			continue
		}
		n := 20<<10 + rnd.IntN(380<<10)
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"grens-%d\"\r\n\r\n--grens-%d\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nBijgaand de factuur.\r\n\r\n%s\r\n--grens-%d\r\n"+
			"Content-Type: application/pdf; name=\"factuur-%d.pdf\"\r\nContent-Disposition: attachment; filename=\"factuur-%d.pdf\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n", i, i, text, i, i, i)
		writeBase64(&b, pdfBody[:n])
		fmt.Fprintf(&b, "\r\n--grens-%d--\r\n", i)
		raws = append(raws, b.Bytes())
	}
	return raws, complainants
}

// pseudoPDF is n bytes that begin as a PDF does and do not compress.
func pseudoPDF(n int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(r.Uint32())
	}
	copy(out, "%PDF-1.4\n")
	return out
}

func writeBase64(b *bytes.Buffer, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
}

// BenchmarkBacklogAttachments: the attachment-heavy backlog on loopback, klachtd beside mbsync
// in the same run (target: klachtd ≤ 0.5 × mbsync).
func BenchmarkBacklogAttachments(b *testing.B) {
	raws, complainants := attachmentBacklog(10000, 10)
	for i := 0; i < b.N; i++ {
		benchBacklog(b, raws, complainants, mailtest.Link{})
	}
}

// BenchmarkBacklogAttachmentsLink: the same across a link of 10 ms each way and 100 Mbit/s,
// the tests' own proxy in front of Dovecot, for klachtd and mbsync alike (target: klachtd ≤
// 0.25 × mbsync). The bytes that crossed are reported too: they do not depend on the load.
func BenchmarkBacklogAttachmentsLink(b *testing.B) {
	raws, complainants := attachmentBacklog(10000, 10)
	for i := 0; i < b.N; i++ {
		benchBacklog(b, raws, complainants, wan)
	}
}

// wan is a path to a mail host as deployments have it: 20 ms there and back, 100 Mbit/s.
var wan = mailtest.Link{Delay: 10 * time.Millisecond, Rate: 100e6 / 8}
