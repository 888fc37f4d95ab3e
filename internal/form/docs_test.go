package form

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// makeDocx builds a minimal .docx whose body is the given WordprocessingML.
func makeDocx(t testing.TB, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`,
	}
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func para(text string) string {
	return `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func sdt(value string, placeholder bool) string {
	plc := ""
	if placeholder {
		plc = `<w:showingPlcHdr/>`
	}
	return `<w:sdt><w:sdtPr><w:alias w:val="x"/>` + plc + `</w:sdtPr><w:sdtContent><w:p><w:r><w:t>` + value + `</w:t></w:r></w:p></w:sdtContent></w:sdt>`
}

func legacyText(value string) string {
	return `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Tekst1"/><w:textInput/></w:ffData></w:fldChar></w:r>` +
		`<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r><w:t>` + value + `</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`
}

func legacyBox(label string, checked bool) string {
	c := ""
	if checked {
		c = `<w:checked/>`
	}
	return `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/><w:default w:val="0"/>` + c +
		`</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> ` + label + `</w:t></w:r></w:p>`
}

func TestDocxText(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"paragraphs, tab, break", para("Naam van indiener") + `<w:p><w:r><w:t>Jan</w:t><w:tab/><w:t>de Vries</w:t><w:br/><w:t>tweede</w:t></w:r></w:p>`,
			"Naam van indiener\nJan\tde Vries\ntweede"},
		{"content controls: value kept, placeholder dropped", para("Datum") + sdt("3 maart", false) + para("Gevolgen") + sdt("Klik of tik om tekst in te voeren.", true),
			"Datum\n3 maart\nGevolgen"},
		{"legacy text field and checkboxes", para("Omschrijving") + legacyText("Te laat begonnen") + legacyBox("intervisie-begeleiding", false) + legacyBox("online cursus", true),
			"Omschrijving\nTe laat begonnen\n[ ]  intervisie-begeleiding\n[x]  online cursus"},
		{"table cells one per line", `<w:tbl><w:tr><w:tc>` + para("Naam") + `</w:tc><w:tc>` + para("Els") + `</w:tc></w:tr></w:tbl>`,
			"Naam\n\nEls"},
		{"drop-down, deleted text and fallback left out", `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="2"/><w:listEntry w:val="intervisie-begeleiding"/><w:listEntry w:val="(in company) training"/><w:listEntry w:val="online cursus"/></w:ddList></w:ffData></w:fldChar></w:r></w:p>` +
			`<w:p><w:del><w:r><w:delText>weg</w:delText></w:r></w:del><mc:AlternateContent><mc:Choice><w:r><w:t>keuze</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>dubbel</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>`,
			"online cursus\nkeuze"},
		{"symbol checkbox", `<w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/><w:t xml:space="preserve"> training</w:t></w:r></w:p>`, "[x]  training"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DocxText(makeDocx(t, tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("DocxText() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDocxTextHostile(t *testing.T) {
	// A zip bomb: document.xml of 11 MB of zeros compresses to a few kilobytes.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("<w:p/>"), 1<<16)
	for n := 0; n < 11<<20; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := DocxText(buf.Bytes()); !errors.Is(err, ErrTooLarge) {
		t.Errorf("zip bomb: err = %v, want ErrTooLarge", err)
	}
	for _, data := range [][]byte{nil, []byte("PK\x03\x04garbage"), makeDocx(t, `<w:p><w:r><w:t>open`)} {
		if got, err := DocxText(data); err == nil && got != "open" {
			t.Errorf("DocxText(%q) = %q, nil; want an error or the readable part", data, got)
		}
	}
}

func acroPDF() []byte {
	return bombs.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 5 0 R 6 0 R 7 0 R 8 0 R 9 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
		"<< /FT /Tx /T (naam) /TU (Naam van indiener) /V (Jos\\351 Jansen) >>",
		"<< /FT /Tx /T (veld2) /TU (Datum van de klacht) /V <FEFF0031003000200061007000720069006C> >>",
		"<< /FT /Tx /T (omschrijving) /V (Regel een\\rRegel twee) >>",
		"<< /FT /Tx /T (gevolgen) /V () >>",
		"<< /FT /Btn /T (intervisie-begeleiding) /V /Off >>",
		"<< /FT /Btn /T (online cursus) /V /Yes >>",
	})
}

func textPDF(t testing.TB, lines []string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.AddPage()
	f.SetFont("Helvetica", "", 11)
	for _, l := range lines {
		f.Cell(0, 6, l)
		f.Ln(6)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPDFText(t *testing.T) {
	got, err := PDFText(acroPDF())
	if err != nil {
		t.Fatal(err)
	}
	want := "Naam van indiener: José Jansen\nDatum van de klacht: 10 april\nomschrijving: Regel een\nRegel twee\nDienst:\n[x] online cursus"
	if got != want {
		t.Errorf("PDFText(AcroForm) = %q, want %q", got, want)
	}

	got, err = PDFText(textPDF(t, []string{"Naam: Eva de Boer", "Datum: 2 maart 2026", "Omschrijving: Geen reactie op mijn mail."}))
	if err != nil {
		t.Fatal(err)
	}
	want = "Naam: Eva de Boer\nDatum: 2 maart 2026\nOmschrijving: Geen reactie op mijn mail."
	if got != want {
		t.Errorf("PDFText(text) = %q, want %q", got, want)
	}

	for _, data := range [][]byte{nil, []byte("%PDF-1.4\ngarbage"), acroPDF()[:200],
		bombs.PDF([]string{"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>", "<< /T (a) /Kids [3 0 R] >>"})} {
		if _, err := PDFText(data); err == nil {
			t.Errorf("PDFText(%.40q): want an error", data)
		}
	}
}

func TestExtractDocuments(t *testing.T) {
	docx := makeDocx(t, para("1. Naam van indiener:")+sdt("Fatima El Amrani", false)+
		para("2. Datum van de klacht:")+legacyText("4 april 2026")+
		para("3. Beschrijf nauwkeurig de details van uw klacht en tegen wie.")+sdt("De coach sprak mij aan waar anderen bij waren.", false)+
		para("4. Beschrijf hoe het incident waar u het over heeft negatieve invloed heeft gehad tijdens uw persoonlijke ontwikkeling.")+sdt("Klik of tik om tekst in te voeren.", true)+
		para("5. Beschrijf hoe Groeimeesters effectief met uw klacht kan omgaan.")+sdt("Excuses.", false)+
		para("7. Geef aan over welke dienst van Groeimeesters uw klacht specifiek gaat.")+
		legacyBox("intervisie-begeleiding", false)+legacyBox("(in company) training", true)+legacyBox("online cursus", false))
	tests := []struct {
		name string
		text string
		atts []Attachment
		want Result
	}{
		{
			name: "docx form with content controls and legacy fields",
			text: "Goedemiddag,\n\nIn de bijlage mijn klachtformulier.\n\nGroet,\nFatima",
			atts: []Attachment{{Filename: "klachtformulier.docx", Data: docx}, {Filename: "foto.jpg", Data: []byte{0xff, 0xd8}}},
			want: Result{
				Fields: complaint.Fields{
					"naam": "Fatima El Amrani", "datum": "4 april 2026",
					"omschrijving":         "De coach sprak mij aan waar anderen bij waren.",
					"gewenste_afhandeling": "Excuses.", "dienst": "(in company) training",
				},
				Missing: []string{"gevolgen"},
				Labels:  6, Sources: []string{"docx:klachtformulier.docx"},
			},
		},
		{
			name: "pdf AcroForm, mail text fills nothing twice",
			text: "Naam: Iemand Anders\nGevolgen: Ik heb een dag vrij moeten nemen.",
			atts: []Attachment{{Filename: "formulier.pdf", ContentType: "application/pdf", Data: acroPDF()}},
			want: Result{
				Fields: complaint.Fields{
					"naam": "José Jansen", "datum": "10 april",
					"omschrijving": "Regel een\nRegel twee", "gevolgen": "Ik heb een dag vrij moeten nemen.",
					"dienst": "online cursus",
				},
				Missing: []string{"gewenste_afhandeling"},
				Labels:  5, Sources: []string{"text", "pdf:formulier.pdf"},
			},
		},
		{
			name: "broken attachments are skipped",
			text: "Mijn klacht: de cursus begon niet.",
			atts: []Attachment{{Filename: "a.docx", Data: []byte("nope")}, {Filename: "b.pdf", Data: []byte("%PDF-")}},
			want: Result{
				Fields:  complaint.Fields{"omschrijving": "Mijn klacht: de cursus begon niet."},
				Missing: []string{"naam", "datum", "gevolgen", "gewenste_afhandeling", "dienst"},
				Sources: []string{"text"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.text, "", tt.atts, "", testServices)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), ignoreText); diff != "" {
				t.Errorf("Extract() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPDFTextTooLarge(t *testing.T) {
	big := append([]byte("%PDF-1.4\n"), []byte(strings.Repeat(" ", maxDocument))...)
	if _, err := PDFText(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
