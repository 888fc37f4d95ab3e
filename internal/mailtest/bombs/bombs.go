// Package bombs builds hostile documents for tests: the PDF, .docx and winmail.dat files an
// attacker mails to make a reader exhaust memory or loop, generated on demand so that no large
// binary file lives in the repository. Each is small on the wire and enormous, or endless, to a
// careless reader; TextPDF is an ordinary document beside them, and PDF and TNEF write the two
// formats for tests that build documents of their own. It is used by tests only and does no
// I/O.
package bombs

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"strings"
)

// FlatePDF is a one-page PDF whose content stream inflates to mib MiB of the letter a: one
// PostScript token with no delimiter in it. With mib = 600 it is about 612 KB.
func FlatePDF(mib int) []byte {
	stream := flateRun('a', mib)
	var p pdfFile
	p.object("<< /Type /Catalog /Pages 2 0 R >>")
	p.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>")
	p.object(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(stream), stream))
	return p.bytes("1.4", "/Root 1 0 R")
}

// flateRun is a zlib stream of mib MiB of the byte c, built without compressing all of it:
// after the first MiB, every further MiB of a run deflates to the same bytes.
func flateRun(c byte, mib int) []byte {
	const mb = 1 << 20
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	chunk := bytes.Repeat([]byte{c}, mb)
	var marks []int
	for i := 0; i < 2; i++ {
		_, _ = w.Write(chunk)
		_ = w.Flush()
		marks = append(marks, buf.Len())
	}
	_ = w.Close()
	all := buf.Bytes()
	first, repeat, tail := all[:marks[0]], all[marks[0]:marks[1]], all[marks[1]:len(all)-4]
	var out bytes.Buffer
	out.Write(first)
	for i := 1; i < mib; i++ {
		out.Write(repeat)
	}
	out.Write(tail)
	out.Write(binary.BigEndian.AppendUint32(nil, adlerRun(c, uint64(mib)*mb)))
	return out.Bytes()
}

// adlerRun is the Adler-32 checksum of n bytes c, in closed form.
func adlerRun(c byte, n uint64) uint32 {
	const mod = 65521
	v := uint64(c)
	a := (1 + n%mod*v) % mod
	// b = n + v*n*(n+1)/2, each factor reduced first.
	x, y := n, n+1
	if x%2 == 0 {
		x /= 2
	} else {
		y /= 2
	}
	b := (n%mod + v*((x%mod)*(y%mod)%mod)) % mod
	return uint32(b<<16 | a)
}

// SelfListingPDF is a PDF whose page tree node lists itself n times as its kids (538 bytes
// with n = 50): a reader that follows the tree without counting the nodes it visits never
// finishes.
func SelfListingPDF(n int) []byte {
	var p pdfFile
	p.object("<< /Type /Catalog /Pages 2 0 R >>")
	p.object("<< /Type /Pages /Kids [" + strings.TrimSpace(strings.Repeat("2 0 R ", n)) + fmt.Sprintf("] /Count %d >>", n))
	return p.bytes("1.4", "/Root 1 0 R")
}

// SelfExtendingPDF is a PDF 1.5 file whose catalog is said (by its cross-reference stream) to
// live in an object stream that does not hold it and whose /Extends is the stream itself: a
// reader that follows /Extends without bound searches that stream forever.
func SelfExtendingPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	off2 := b.Len()
	body := "9 0 << /Type /Catalog >>"
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Extends 2 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(body), body)
	off3 := b.Len()
	var xref []byte
	entry := func(typ byte, f2 uint32, f3 uint16) {
		xref = append(xref, typ)
		xref = binary.BigEndian.AppendUint32(xref, f2)
		xref = binary.BigEndian.AppendUint16(xref, f3)
	}
	entry(0, 0, 0xFFFF)
	entry(2, 2, 0) // object 1, the catalog: "in" object stream 2, at index 0
	entry(1, uint32(off2), 0)
	entry(1, uint32(off3), 0)
	fmt.Fprintf(&b, "3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", len(xref))
	b.Write(xref)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", off3)
	return b.Bytes()
}

// PrevCyclePDF is a PDF whose cross-reference table names itself as the previous one
// (/Prev): a reader that follows the /Prev chain without bound reads that table forever.
func PrevCyclePDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	o1 := b.Len()
	b.WriteString("1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 2\n0000000000 65535 f \n%010d 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", o1, x, x)
	return b.Bytes()
}

// PartsDocx is a .docx with n XML parts of size bytes each, word/document.xml the first of
// them; each is paragraphs of text, so that a reader that reads every part, or all of one,
// holds n*size bytes.
func PartsDocx(n, size int) []byte {
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + ns + `><w:body>`
	tail := `</w:body></w:document>`
	para := `<w:p><w:r><w:t>Klacht klacht klacht klacht.</w:t></w:r></w:p>`
	var xml bytes.Buffer
	xml.WriteString(head)
	for xml.Len()+len(para)+len(tail) <= size {
		xml.WriteString(para)
	}
	xml.WriteString(tail)
	for xml.Len() < size {
		xml.WriteByte(' ')
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	write := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err == nil {
			_, _ = w.Write(data)
		}
	}
	write("[Content_Types].xml", []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	write("word/document.xml", xml.Bytes())
	for i := 1; i < n; i++ {
		write(fmt.Sprintf("word/header%d.xml", i), xml.Bytes())
	}
	_ = zw.Close()
	return buf.Bytes()
}

// TNEFLongName is a winmail.dat holding one small attachment whose long file name
// (PR_ATTACH_LONG_FILENAME, UTF-16) is n bytes long.
func TNEFLongName(n int) []byte {
	le := binary.LittleEndian
	var t TNEF
	attr := t.Attr
	attr(1, 0x00089006, le.AppendUint32(nil, 0x00010000))              // attTnefVersion
	attr(2, 0x00069002, make([]byte, 14))                              // attAttachRendData
	attr(2, 0x00018010, []byte("KLACHT.PDF\x00"))                      // attAttachTitle
	attr(2, 0x0006800F, []byte("%PDF-1.4 een klein bestand\n%%EOF\n")) // attAttachData
	name := make([]byte, n&^1)
	for i := 0; i+1 < len(name); i += 2 {
		le.PutUint16(name[i:], uint16('a'+i/2%26)) // "abc…", UTF-16LE
	}
	var props []byte
	props = le.AppendUint32(props, 1)
	props = le.AppendUint16(props, 0x001F) // PT_UNICODE
	props = le.AppendUint16(props, 0x3707) // PR_ATTACH_LONG_FILENAME
	props = le.AppendUint32(props, 1)
	props = le.AppendUint32(props, uint32(len(name)))
	props = append(props, name...)
	props = append(props, make([]byte, (len(name)+3)&^3-len(name))...)
	attr(2, 0x00069005, props) // attAttachment
	return t.Bytes()
}

// TNEF writes a TNEF stream (winmail.dat): the signature and key, then each attribute with its
// level, id, length and checksum, as Outlook writes them. The zero value is ready to use.
type TNEF struct {
	b bytes.Buffer
}

// Attr adds an attribute: level 1 for the message, 2 for an attachment.
func (t *TNEF) Attr(level byte, id uint32, data []byte) {
	le := binary.LittleEndian
	if t.b.Len() == 0 {
		t.b.Write(le.AppendUint32(nil, 0x223E9F78)) // the TNEF signature
		t.b.Write(le.AppendUint16(nil, 0x0001))     // the key
	}
	t.b.WriteByte(level)
	t.b.Write(le.AppendUint32(nil, id))
	t.b.Write(le.AppendUint32(nil, uint32(len(data))))
	t.b.Write(data)
	var sum uint16
	for _, c := range data {
		sum += uint16(c)
	}
	t.b.Write(le.AppendUint16(nil, sum))
}

// Bytes is the stream written so far.
func (t *TNEF) Bytes() []byte { return t.b.Bytes() }

// TextPDF is an ordinary one-page PDF with the given lines of text (ASCII), one under another.
func TextPDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("0 -16 Td\n")
		}
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&content, "(%s) Tj\n", l)
	}
	content.WriteString("ET")
	var p pdfFile
	p.object("<< /Type /Catalog /Pages 2 0 R >>")
	p.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
		"/Resources << /Font << /F1 5 0 R >> >> >>")
	p.object(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
	p.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	return p.bytes("1.4", "/Root 1 0 R")
}

// PDF is a PDF 1.4 of the given object bodies (object i+1 is objs[i], the catalog first) with
// a correct cross-reference table: for tests that write a document's objects themselves.
func PDF(objs []string) []byte {
	p := pdfFile{objs: objs}
	return p.bytes("1.4", "/Root 1 0 R")
}

// pdfFile assembles numbered objects with a cross-reference table.
type pdfFile struct {
	objs []string
}

func (p *pdfFile) object(body string) {
	p.objs = append(p.objs, body)
}

func (p *pdfFile) bytes(version, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-" + version + "\n")
	offs := make([]int, len(p.objs))
	for i, o := range p.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	start := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(p.objs)+1, trailer, start)
	return b.Bytes()
}
