package daemon

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// mimePart builds MIME test mail: a header (lines without the blank line) and either a body
// or, for a multipart, parts under a boundary.
type mimePart struct {
	header   string
	body     string
	boundary string
	parts    []mimePart
	preamble string
	epilogue string
	open     bool // no closing delimiter
}

func (p mimePart) write(b *bytes.Buffer) {
	b.WriteString(p.header)
	if p.boundary != "" && !strings.Contains(p.header, "boundary=") {
		fmt.Fprintf(b, "; boundary=\"%s\"", p.boundary)
	}
	b.WriteString("\r\n\r\n")
	if p.boundary == "" {
		b.WriteString(p.body)
		return
	}
	b.WriteString(p.preamble)
	for _, c := range p.parts {
		fmt.Fprintf(b, "\r\n--%s\r\n", p.boundary)
		c.write(b)
	}
	if !p.open {
		fmt.Fprintf(b, "\r\n--%s--\r\n", p.boundary)
	}
	b.WriteString(p.epilogue)
}

// mimeMail is a whole message: the envelope header, then p (its header continues the message's).
func mimeMail(from, subject, id string, p mimePart) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Tue, 01 Dec 2026 10:00:00 +0100\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
		from, orgAddr, subject, id)
	p.write(&b)
	return b.Bytes()
}

func textPart(text string) mimePart {
	return mimePart{header: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit", body: text}
}

func htmlPart(html string) mimePart {
	return mimePart{header: "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable", body: html}
}

// attachmentPart is a base64 attachment of n pseudo-random bytes (seeded: the same every run).
func attachmentPart(contentType, name string, n int, seed uint64) mimePart {
	return mimePart{header: fmt.Sprintf("Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"+
		"Content-Transfer-Encoding: base64", contentType, name, name), body: base64Lines(pseudoRandom(n, seed))}
}

func pseudoRandom(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(r.Uint32())
	}
	if n > 5 {
		copy(out, "%PDF-") // sniffed as a PDF when the type says so
	}
	return out
}

func base64Lines(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func mixed(boundary string, parts ...mimePart) mimePart {
	return mimePart{header: "Content-Type: multipart/mixed", boundary: boundary, parts: parts}
}

func alternative(boundary string, parts ...mimePart) mimePart {
	return mimePart{header: "Content-Type: multipart/alternative", boundary: boundary, parts: parts}
}

// structuredMails are mails of many MIME shapes, with attachments large enough that the intake
// fetches them by structure: the cases a view must read as the whole does.
func structuredMails() map[string][]byte {
	klacht := "Beste,\r\n\r\nIk wil een klacht indienen over de training van vorige week.\r\n\r\nGroet, Anna"
	gewoon := "Hoi,\r\n\r\nHierbij de offerte voor volgend jaar, zoals besproken.\r\n\r\nGroet, Piet"
	pdf := func(name string, n int, seed uint64) mimePart {
		return attachmentPart("application/pdf", name, n, seed)
	}
	jpg := func(n int, seed uint64) mimePart { return attachmentPart("image/jpeg", "foto.jpg", n, seed) }
	original := mimeMail("Klachtd <info@intervisie-begeleiding.nl>", "Bevestiging", "klachtd.1@intervisie-begeleiding.nl",
		mixed("orig-b", textPart("Uw klacht is ontvangen."), pdf("bijlage.pdf", 40<<10, 7)))
	m := map[string][]byte{
		"complaint-with-pdf": mimeMail("Anna <anna@example.nl>", "Training", "p1@example.nl",
			mixed("b-p1", textPart(klacht), pdf("scan.pdf", 200<<10, 1))),
		"ordinary-with-pdf": mimeMail("Piet <piet@example.org>", "Offerte", "p2@example.org",
			mixed("b-p2", textPart(gewoon), pdf("offerte.pdf", 300<<10, 2))),
		"alternative-and-photo": mimeMail("Piet <piet@example.org>", "Foto's", "p3@example.org",
			mixed("b-p3-outer", alternative("b-p3-inner", textPart(gewoon), htmlPart("<p>Hoi, hierbij de foto's.</p>")), jpg(120<<10, 3))),
		"related-html-only-complaint": mimeMail("Anna <anna@example.nl>", "Vraag", "p4@example.nl",
			mimePart{header: "Content-Type: multipart/related", boundary: "b-p4", parts: []mimePart{
				htmlPart("<p>Ik heb een klacht over de cursus.</p><img src=3D\"cid:logo\">"),
				{header: "Content-Type: image/png\r\nContent-ID: <logo>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64",
					body: base64Lines(pseudoRandom(80<<10, 4))}}}),
		"nested-related-in-alternative": mimeMail("Piet <piet@example.org>", "Nieuwsbrief", "p5@example.org",
			mixed("b-p5-mixed",
				alternative("b-p5-alt", textPart("Nieuws van deze maand; geen klacht, wel een compliment."),
					mimePart{header: "Content-Type: multipart/related", boundary: "b-p5-rel", parts: []mimePart{
						htmlPart("<p>Nieuws</p>"), jpg(60<<10, 5)}}),
				pdf("nieuwsbrief.pdf", 150<<10, 6))),
		"bounce-with-original": mimeMail("Mail Delivery System <MAILER-DAEMON@mx.example.nl>", "Undelivered Mail Returned to Sender",
			"p6@mx.example.nl", mimePart{header: "Content-Type: multipart/report; report-type=delivery-status", boundary: "b-p6",
				parts: []mimePart{textPart("Your message could not be delivered."),
					{header: "Content-Type: message/delivery-status", body: "Reporting-MTA: dns; mx.example.nl\r\n\r\n" +
						"Final-Recipient: rfc822; anna@example.nl\r\nAction: failed\r\nStatus: 5.1.1\r\n"},
					{header: "Content-Type: message/rfc822", body: string(original)}}}),
		"forward-as-attachment": mimeMail("Milou <"+staffAddr+">", "[nieuw] Fwd: klacht", "p7@intervisie-begeleiding.nl",
			mixed("b-p7", textPart("Zie de doorgestuurde mail."),
				mimePart{header: "Content-Type: message/rfc822; name=\"klacht.eml\"", body: string(mimeMail("Kees <kees@example.nl>",
					"Mijn klacht", "p7-inner@example.nl", mixed("b-p7-inner", textPart(klacht), pdf("foto.pdf", 30<<10, 8))))})),
		"text-attachment-csv": mimeMail("Piet <piet@example.org>", "Export", "p8@example.org",
			mixed("b-p8", textPart(gewoon), mimePart{header: "Content-Type: text/csv; name=\"export.csv\"\r\nContent-Disposition: attachment; filename=\"export.csv\"",
				body: strings.Repeat("klacht;datum;status\r\n", 4000)})),
		"inline-text-with-filename": mimeMail("Piet <piet@example.org>", "Log", "p9@example.org",
			mixed("b-p9", textPart(gewoon), mimePart{header: "Content-Type: text/plain; name=\"log.txt\"\r\nContent-Disposition: inline; filename=\"log.txt\"",
				body: strings.Repeat("klacht in het logboek\r\n", 3000)})),
		"form-docx-and-photo": mimeMail("Anna <anna@example.nl>", "Ingevuld formulier", "p10@example.nl",
			mixed("b-p10", textPart("Zie bijlage."), attachmentPart("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
				"klachtformulier.docx", 30<<10, 10), jpg(200<<10, 11))),
		"single-part-pdf": mimeMail("Scanner <scan@example.org>", "Scan", "p11@example.org",
			mimePart{header: "Content-Type: application/pdf; name=\"scan.pdf\"\r\nContent-Transfer-Encoding: base64", body: base64Lines(pseudoRandom(100<<10, 12))}),
		"single-part-long-text": mimeMail("Anna <anna@example.nl>", "Lang verhaal", "p12@example.nl",
			textPart(strings.Repeat("Een lange brief zonder het woord. ", 4000)+"\r\nDit is mijn klacht.")),
		"preamble-and-epilogue": mimeMail("Anna <anna@example.nl>", "Vraag", "p13@example.nl",
			mimePart{header: "Content-Type: multipart/mixed", boundary: "b-p13", preamble: "This is a multi-part message in MIME format. klacht\r\n",
				epilogue: "\r\nepiloog met klacht\r\n", parts: []mimePart{textPart(gewoon), pdf("x.pdf", 90<<10, 13)}}),
		"no-closing-delimiter": mimeMail("Piet <piet@example.org>", "Afgebroken", "p14@example.org",
			mimePart{header: "Content-Type: multipart/mixed", boundary: "b-p14", open: true, parts: []mimePart{textPart(klacht), pdf("y.pdf", 90<<10, 14)}}),
		"overlapping-boundaries": mimeMail("Piet <piet@example.org>", "Overlap", "p15@example.org",
			mixed("b-p15", alternative("b-p15-alt", textPart(gewoon), htmlPart("<p>gewoon</p>")), pdf("z.pdf", 90<<10, 15))),
		"part-without-header": mimeMail("Anna <anna@example.nl>", "Zonder kop", "p16@example.nl",
			mimePart{header: "Content-Type: multipart/mixed", boundary: "b-p16", parts: []mimePart{{body: klacht}, pdf("w.pdf", 90<<10, 16)}}),
		"base64-latin1-text": mimeMail("Anna <anna@example.nl>", "Latin", "p17@example.nl",
			mixed("b-p17", mimePart{header: "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64",
				body: base64Lines([]byte("Ik heb een klacht: het was geen co\xf6rdinatie, \xe9\xe9n keer."))}, jpg(90<<10, 17))),
		"flowed-qp-text": mimeMail("Anna <anna@example.nl>", "Flowed", "p18@example.nl",
			mixed("b-p18", mimePart{header: "Content-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: quoted-printable",
				body: "Ik wil een =\r\nklacht indienen over =\r\nde training. \r\nGroet"}, jpg(90<<10, 18))),
		"double-content-type": mimeMail("Piet <piet@example.org>", "Dubbel", "p19@example.org",
			mixed("b-p19", textPart(gewoon), mimePart{header: "Content-Type: application/octet-stream\r\nContent-Type: text/plain; charset=utf-8",
				body: "Dit deel noemt een klacht.\r\n" + strings.Repeat("x", 70<<10)}, jpg(60<<10, 19))),
		"delimiter-prefix-line": mimeMail("Piet <piet@example.org>", "Rommel", "p20@example.org",
			mixed("b-p20", textPart(gewoon+"\r\n--b-p20-geen-grens\r\nContent-Type: text/plain\r\n\r\nklacht in rommel"), pdf("v.pdf", 90<<10, 20))),
		"deep-nesting": func() []byte {
			p := mixed("deep-leaf", textPart(klacht), jpg(30<<10, 21))
			for i := range 12 {
				p = mixed(fmt.Sprintf("deep-%02d", i), p)
			}
			return mimeMail("Anna <anna@example.nl>", "Diep", "p21@example.nl", p)
		}(),
		"auto-reply-with-attachment": mimeMail("Piet <piet@example.org>", "Afwezig: klacht", "p22@example.org",
			mimePart{header: "Auto-Submitted: auto-replied\r\nContent-Type: multipart/mixed", boundary: "b-p22",
				parts: []mimePart{textPart("Ik ben afwezig."), jpg(70<<10, 22)}}),
		"form-pdf-named-by-subject": mimeMail("Anna <anna@example.nl>", "Klachtformulier", "p23@example.nl",
			mixed("b-p23", textPart("Bijgaand."), pdf("scan-001.pdf", 50<<10, 23), jpg(100<<10, 24))),
	}
	return m
}
