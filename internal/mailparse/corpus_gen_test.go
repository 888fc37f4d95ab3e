package mailparse

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// The corpus files that carry binary attachments are built here, so that the PDF, the .docx
// and the winmail.dat in them are real, valid files. TestCorpusGenerated checks that the files
// on disk are what these builders make; -update writes them.

// generatedCorpus returns the generated .eml files by name.
func generatedCorpus() map[string][]byte {
	return map[string][]byte{
		"outlook-pdf-bijlage.eml":      outlookWithPDF(),
		"thunderbird-docx-bijlage.eml": thunderbirdWithDOCX(),
		"outlook-winmail-dat.eml":      outlookWithTNEF(),
		"diep-genest.eml":              nested(maxDepth + 1),
	}
}

func TestCorpusGenerated(t *testing.T) {
	for name, want := range generatedCorpus() {
		path := filepath.Join(corpusDir, name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v (run go test ./internal/mailparse -update)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what corpus_gen_test.go builds; run with -update", name)
		}
	}
}

// wrap64 base64-encodes b in lines of n characters.
func wrap64(b []byte, n int) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > n {
		out.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	out.WriteString(s + "\n")
	return out.String()
}

// minimalPDF builds a one-page PDF 1.4 showing text, with a correct cross-reference table.
func minimalPDF(text string) []byte {
	stream := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	return bombs.PDF(objs)
}

// minimalDOCX builds a Word document with one paragraph per line of text.
func minimalDOCX(text string) []byte {
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, line)
	}
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate,
			Modified: time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(f.data))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

type tnefFile struct {
	title, longName, mimeTag string
	data                     []byte
}

// buildTNEF writes a TNEF stream with a body and attachments, as Outlook does (simplified:
// no message class or dates, which the reader skips anyway).
func buildTNEF(body string, files []tnefFile) []byte {
	le := binary.LittleEndian
	var t bombs.TNEF
	attr := t.Attr
	attr(tnefLevelMessage, 0x00089006, le.AppendUint32(nil, 0x00010000)) // attTnefVersion
	attr(tnefLevelMessage, attOemCodepage, le.AppendUint32(le.AppendUint32(nil, 1252), 0))
	if body != "" {
		attr(tnefLevelMessage, attBody, []byte(body))
	}
	for _, f := range files {
		attr(tnefLevelAttachment, attAttachRendData, make([]byte, 14))
		attr(tnefLevelAttachment, attAttachTitle, append([]byte(f.title), 0))
		attr(tnefLevelAttachment, attAttachData, f.data)
		attr(tnefLevelAttachment, attAttachment, mapiProps(f.longName, f.mimeTag))
	}
	return t.Bytes()
}

// mapiProps encodes PR_ATTACH_LONG_FILENAME (PT_UNICODE) and PR_ATTACH_MIME_TAG (PT_STRING8),
// preceded by a fixed-size property to exercise the reader.
func mapiProps(longName, mimeTag string) []byte {
	le := binary.LittleEndian
	var b []byte
	b = le.AppendUint32(b, 3)
	b = le.AppendUint16(b, 0x0003) // PT_LONG
	b = le.AppendUint16(b, 0x0E21) // PR_ATTACH_NUM
	b = le.AppendUint32(b, 7)
	str := func(ptype, id uint16, v []byte) {
		b = le.AppendUint16(b, ptype)
		b = le.AppendUint16(b, id)
		b = le.AppendUint32(b, 1)
		b = le.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
		b = append(b, make([]byte, pad4(len(v))-len(v))...)
	}
	var u []byte
	for _, r := range longName + "\x00" {
		u = le.AppendUint16(u, uint16(r))
	}
	str(ptUnicode, prAttachLongFilename, u)
	str(ptString8, prAttachMimeTag, append([]byte(mimeTag), 0))
	return b
}

func outlookWithPDF() []byte {
	pdf := minimalPDF("Verslag intervisie 17 maart 2026")
	return []byte(`From: Esther van Leeuwen <esther.vanleeuwen@example.nl>
To: "info@intervisie-begeleiding.nl" <info@intervisie-begeleiding.nl>
Subject: Verslag en aanvullende stukken
Thread-Topic: Verslag en aanvullende stukken
Thread-Index: AdyZ0aB1c2D3e4F5g6H7i8J9k0L1mA==
Date: Wed, 18 Mar 2026 16:45:02 +0000
Message-ID: <AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411@AM9PR04MB8411.eurprd04.prod.outlook.com>
Accept-Language: nl-NL, en-US
Content-Language: nl-NL
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
	boundary="_004_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_"
MIME-Version: 1.0

--_004_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_
Content-Type: multipart/alternative;
	boundary="_000_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_"

--_000_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Beste Milou,

In de bijlage het verslag van de intervisiebijeenkomst van 17 maart, zoals =
afgesproken.

Groet,
Esther

--_000_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
=3Dus-ascii"></head><body lang=3D"NL"><div class=3D"WordSection1"><p class=
=3D"MsoNormal">Beste Milou,<o:p></o:p></p><p class=3D"MsoNormal"><o:p>&nbsp=
;</o:p></p><p class=3D"MsoNormal">In de bijlage het verslag van de intervis=
iebijeenkomst van 17 maart, zoals afgesproken.<o:p></o:p></p><p class=3D"Ms=
oNormal"><o:p>&nbsp;</o:p></p><p class=3D"MsoNormal">Groet,<o:p></o:p></p>=
<p class=3D"MsoNormal">Esther<o:p></o:p></p></div></body></html>

--_000_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_--

--_004_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_
Content-Type: application/pdf; name="Verslag intervisie 17-03.pdf"
Content-Description: Verslag intervisie 17-03.pdf
Content-Disposition: attachment; filename="Verslag intervisie 17-03.pdf";
	size=` + fmt.Sprint(len(pdf)) + `; creation-date="Wed, 18 Mar 2026 16:44:51 GMT";
	modification-date="Wed, 18 Mar 2026 16:45:02 GMT"
Content-Transfer-Encoding: base64

` + wrap64(pdf, 76) + `
--_004_AM9PR04MB8411A1B2C3D4E5F60718293A4B5C6D7EAM9PR04MB8411eurp_--
`)
}

func thunderbirdWithDOCX() []byte {
	docx := minimalDOCX("Toelichting bij mijn klacht\nDe training van 10 maart begon te laat.")
	return []byte(`Content-Type: multipart/mixed; boundary="------------0aB1cD2eF3gH4iJ5kL6mN7oP"
Message-ID: <b7c8d9e0-f1a2-4b3c-8d4e-5f60718293a4@example.nl>
Date: Thu, 19 Mar 2026 20:10:33 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: nl
To: info@intervisie-begeleiding.nl
From: Thomas Brouwer <thomas.brouwer@example.nl>
Subject: Re: Klacht over de training
References: <9C8B7A6F-5E4D-4C3B-A291-807F6E5D4C3B@example.nl>
 <kl-2026-0005.bevestiging.1@intervisie-begeleiding.nl>
In-Reply-To: <kl-2026-0005.bevestiging.1@intervisie-begeleiding.nl>

This is a multi-part message in MIME format.
--------------0aB1cD2eF3gH4iJ5kL6mN7oP
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Goedenavond,

Zoals gevraagd stuur ik als bijlage een toelichting bij mijn klacht, met 
de tijden waarop de training begon en eindigde.

Met vriendelijke groet,
Thomas Brouwer

--------------0aB1cD2eF3gH4iJ5kL6mN7oP
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;
 name*=UTF-8''Toelichting%20klacht%20%E2%80%93%20maart.docx
Content-Disposition: attachment;
 filename*=UTF-8''Toelichting%20klacht%20%E2%80%93%20maart.docx
Content-Transfer-Encoding: base64

` + wrap64(docx, 72) + `
--------------0aB1cD2eF3gH4iJ5kL6mN7oP--
`)
}

func outlookWithTNEF() []byte {
	tnef := buildTNEF("Hierbij de presentielijst van de training.\r\n\r\nMet vriendelijke groet,\r\nGert-Jan Smits\r\n",
		[]tnefFile{
			{title: "PRESEN~1.PDF", longName: "Presentielijst training 12 maart.pdf", mimeTag: "application/pdf",
				data: minimalPDF("Presentielijst")},
			{title: "notitie.txt", data: []byte("Twee deelnemers afwezig.\r\n")},
		})
	return []byte(`From: Gert-Jan Smits <gj.smits@example.nl>
To: <info@intervisie-begeleiding.nl>
Subject: Presentielijst training
Date: Fri, 13 Mar 2026 11:30:00 +0100
Message-ID: <001501dc92c1$a1b2c3d4$e5f6a7b8$@example.nl>
MIME-Version: 1.0
X-Mailer: Microsoft Outlook 16.0
Thread-Index: AdySwaGyw9Tl9qe4k3Jv5w8x0y2z4A==
Content-Language: nl
X-MS-TNEF-Correlator: 00000000A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6
Content-Type: multipart/mixed;
	boundary="----=_NextPart_000_0016_01DC92C9.A1B2C3D0"

This is a multipart message in MIME format.

------=_NextPart_000_0016_01DC92C9.A1B2C3D0
Content-Type: text/plain;
	charset="us-ascii"
Content-Transfer-Encoding: 7bit

Hierbij de presentielijst van de training.

Met vriendelijke groet,
Gert-Jan Smits

------=_NextPart_000_0016_01DC92C9.A1B2C3D0
Content-Type: application/ms-tnef;
	name="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
	filename="winmail.dat"

` + wrap64(tnef, 76) + `
------=_NextPart_000_0016_01DC92C9.A1B2C3D0--
`)
}

// nested builds a mail that forwards a mail that forwards ... levels deep.
func nested(levels int) []byte {
	inner := "From: Laagste Niveau <diep@example.nl>\nTo: info@intervisie-begeleiding.nl\n" +
		"Subject: Niveau " + fmt.Sprint(levels) + "\nMessage-ID: <nest-" + fmt.Sprint(levels) +
		"@example.nl>\nContent-Type: text/plain; charset=utf-8\n\nHet diepste bericht.\n"
	for i := levels - 1; i >= 0; i-- {
		b := fmt.Sprintf("nest-%02d", i)
		inner = fmt.Sprintf("From: Doorsturer %d <door%d@example.nl>\nTo: info@intervisie-begeleiding.nl\n"+
			"Subject: Fwd: niveau %d\nDate: Tue, 31 Mar 2026 18:00:%02d +0200\nMessage-ID: <nest-%d@example.nl>\n"+
			"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"%s\"\n\n--%s\n"+
			"Content-Type: text/plain; charset=utf-8\n\nDoorgestuurd, niveau %d.\n\n--%s\n"+
			"Content-Type: message/rfc822\nContent-Disposition: attachment; filename=\"niveau-%d.eml\"\n\n%s\n--%s--\n",
			i, i, i+1, i, i, b, b, i, b, i+1, inner, b)
	}
	return []byte(inner)
}
