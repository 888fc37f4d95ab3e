package form

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

func FuzzExtract(f *testing.F) {
	f.Add("Naam: Jan\nDatum: nu\nOmschrijving:\nregel\n\nDienst: [x] online cursus", "", []byte(nil))
	f.Add("**1. Naam van indiener**\n\nJan\nOp 1 mrt schreef X:\n> Naam: Y", "<table><tr><td>Naam</td><td>Jan</td></tr></table>", []byte("%PDF-1.4"))
	f.Add("---------- Forwarded message ---------\nFrom: a\n\nKlacht: b", "<blockquote><p>Datum:</p></blockquote>", []byte("PK\x03\x04"))
	f.Add("Van: a\nVerzonden: b\nAan: c\nOnderwerp: FW: d\n\nGevolgen\tveel", "<p><b>Dienst</b></p><p>☒ training</p>", acroPDF())
	f.Fuzz(func(t *testing.T, text, html string, doc []byte) {
		atts := []Attachment{{Filename: "f.docx", Data: doc}, {Filename: "f.pdf", Data: doc}}
		r := Extract(text, html, atts, "Naam", testServices)
		if r.Labels < 0 || r.Labels > len(complaint.FormFields) {
			t.Fatalf("Labels = %d", r.Labels)
		}
		for k, v := range r.Fields {
			if v != strings.TrimSpace(v) || v == "" {
				t.Fatalf("field %s not trimmed or empty: %q", k, v)
			}
		}
		for _, m := range r.Missing {
			if r.Fields[m] != "" || m == complaint.FieldAanvullend {
				t.Fatalf("%s listed missing but is %q", m, r.Fields[m])
			}
		}
		if r.Fields[complaint.FieldNaam] == "" {
			t.Fatal("naam empty despite fallback")
		}
		_ = CountLabels(text)
		if utf8.ValidString(text) {
			_, _ = MatchService(text, testServices)
		}
	})
}

func FuzzDocx(f *testing.F) {
	f.Add(makeDocx(f, para("Naam")+sdt("Jan", false)+legacyBox("a", true)))
	f.Add(makeDocx(f, `<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:sdt><w:sdtContent>`))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	seedHostile(f, KindDocx)
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := DocxText(data)
		if err != nil && text != "" {
			t.Fatalf("error %v with text %q", err, text)
		}
	})
}

func FuzzPDF(f *testing.F) {
	f.Add(acroPDF())
	f.Add(textPDF(f, []string{"Naam: a", "Datum: b"}))
	seedHostile(f, KindPDF)
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := PDFText(data)
		if err != nil && text != "" {
			t.Fatalf("error %v with text %q", err, text)
		}
	})
}
