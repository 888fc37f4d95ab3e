package form

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// FuzzExtract reads hostile mail. Beyond not panicking: every answer is the mail's own words
// (nothing invented), every sentence of the text is in the whole text, and the result is
// consistent (trimmed answers, missing exactly the empty required fields).
func FuzzExtract(f *testing.F) {
	f.Add("Naam: Jan\nDatum: nu\nOmschrijving:\nregel\n\nDienst: [x] online cursus", "", []byte(nil))
	f.Add("**1. Naam van indiener**\n\nJan\nOp 1 mrt schreef X:\n> Naam: Y", "<table><tr><td>Naam</td><td>Jan</td></tr></table>", []byte("%PDF-1.4"))
	f.Add("---------- Forwarded message ---------\nFrom: a\n\nKlacht: b", "<blockquote><p>Datum:</p></blockquote>", []byte("PK\x03\x04"))
	f.Add("Van: a\nVerzonden: b\nAan: c\nOnderwerp: FW: d\n\nGevolgen\tveel", "<p><b>Dienst</b></p><p>☒ training</p>", acroPDF())
	f.Add("Naam: Sophie\nWat zijn de gevolgen voor u: Ik heb de deadline voor de eindopdracht gemist.\n"+
		"Hoe wilt u dat de klacht wordt afgehandeld: Verlenging van de deadline…\nCursusnummer: 12", "", []byte(nil))
	f.Add("1. Jan de Vries\n2. 3 maart\n3. De les ging niet door.\n4. Hierdoor miste ik de stof.\n5. Ik wil een nieuwe les.\n6. -\n7. online cursus", "", []byte(nil))
	f.Add("Beste,\n\nDe cursus begon niet. Daardoor heb ik mijn examen gemist. Ik wil graag mijn geld terug.\n\nGroet,\nAnna", "", []byte(nil))
	f.Add("", `<table><tr><td><b>Wat is er gebeurd?</b></td><td>Niets<br>meer</td></tr><tr><td><p><b>Heeft u al eerder contact gehad?</b></p></td></tr></table>`, radioPDF())
	f.Fuzz(func(t *testing.T, text, htmlBody string, doc []byte) {
		atts := []Attachment{{Filename: "f.docx", Data: doc}, {Filename: "f.pdf", Data: doc}}
		r := Extract(text, htmlBody, atts, "Naam", testServices)
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
		for _, k := range complaint.FormFields {
			if k != complaint.FieldAanvullend && r.Fields[k] == "" && !contains(r.Missing, k) {
				t.Fatalf("%s is empty but not listed missing", k)
			}
		}
		if r.Fields[complaint.FieldNaam] == "" {
			t.Fatal("naam empty despite fallback")
		}

		// Nothing invented: every answer is made of the words of the mail, its HTML or its
		// documents (the fallback name and a canonical service aside).
		input := []string{text, strings.Join(htmlLines(htmlBody), "\n"), "Naam"}
		if d, err := DocxText(doc); err == nil {
			input = append(input, d)
		}
		if d, err := PDFText(doc); err == nil {
			input = append(input, d)
		}
		checkNoInvention(t, r, strings.Join(input, "\n"), testServices)

		// Every sentence of the text reaches the whole text.
		if utf8.ValidString(text) {
			checkWholeText(t, r, text)
		}

		if n := CountLabels(text); n < 0 || n > len(complaint.FormFields) {
			t.Fatalf("CountLabels = %d", n)
		}
		if utf8.ValidString(text) {
			if s, ok := MatchService(text, testServices); ok && !contains(testServices, s) {
				t.Fatalf("MatchService gave %q, not a configured service", s)
			}
		}
	})
}

// roundTripLabels are the labels a rendered form is written with, in form order.
var roundTripLabels = []string{"Naam van indiener", "Datum van de klacht", "Omschrijving", "Gevolgen",
	"Gewenste afhandeling", "Aanvullende informatie", "Dienst"}

// FuzzFormRoundTrip renders a form from random answers, as text with the answers on the
// labels' lines and as an HTML table, and reads it back: each gives those answers.
func FuzzFormRoundTrip(f *testing.F) {
	f.Add("Jan de Vries", "3 maart 2026", "De trainer kwam te laat", "Ik miste de stof", "Een extra les", "Geen", "online cursus")
	f.Add("Ik wil", "gisteren", "Naam van indiener", "Hierdoor miste ik alles", "", "Dienst", "onlinecrusus")
	f.Add("", "", "Ik wil graag mijn geld terug", "", "", "Cursusnummer 12", "")
	f.Add("1", "2", "3", "4", "5", "6", "7")
	f.Fuzz(func(t *testing.T, naam, datum, omschrijving, gevolgen, afhandeling, aanvullend, dienst string) {
		values := []string{naam, datum, omschrijving, gevolgen, afhandeling, aanvullend, dienst}
		want := complaint.Fields{}
		var text, table strings.Builder
		table.WriteString("<table>")
		for i, v := range values {
			v = plainAnswer(v)
			values[i] = v
			fmt.Fprintf(&text, "%s: %s\n", roundTripLabels[i], v)
			fmt.Fprintf(&table, "<tr><td><b>%s</b></td><td>%s</td></tr>", roundTripLabels[i], html.EscapeString(v))
			if v == "" {
				continue
			}
			if complaint.FormFields[i] == complaint.FieldDienst {
				if canon, ok := MatchService(v, testServices); ok {
					v = canon
				}
			}
			want[complaint.FormFields[i]] = v
		}
		table.WriteString("</table>")
		for _, src := range []struct{ name, text, html string }{{"text", text.String(), ""}, {"html", "", table.String()}} {
			r := Extract(src.text, src.html, nil, "", testServices)
			for k, v := range want {
				if r.Fields[k] != v {
					t.Fatalf("%s form: %s = %q, want %q\n%s%s", src.name, k, r.Fields[k], v, src.text, src.html)
				}
			}
			// A field left empty may be answered by what the other answers say (the free
			// text's wish or consequence, a service named), never by other words.
			for k, v := range r.Fields {
				if want[k] == "" && !inAnswers(v, values) {
					t.Fatalf("%s form: %s = %q, which no answer says\n%s%s", src.name, k, v, src.text, src.html)
				}
			}
		}
	})
}

// plainAnswer makes a random string an answer that cannot be read as anything else: one line
// of letters, digits and single spaces, at most 200 bytes.
func plainAnswer(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return r
		case unicode.IsSpace(r):
			return ' '
		}
		return -1
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	for len(s) > 200 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return strings.TrimSpace(s)
}

// inAnswers reports whether every line of v is an answer's words, or a configured service.
func inAnswers(v string, answers []string) bool {
	if contains(testServices, v) {
		return true
	}
	all := " " + normWords(strings.Join(answers, " \n ")) + " "
	for _, line := range strings.Split(v, "\n") {
		if w := normWords(line); w != "" && !strings.Contains(all, " "+w+" ") {
			return false
		}
	}
	return true
}

// FuzzDocx reads hostile .docx files; and a document built from random paragraphs (a bold
// question, its answer in a content control) gives those paragraphs back, one per line.
func FuzzDocx(f *testing.F) {
	f.Add(makeDocx(f, para("Naam")+sdt("Jan", false)+legacyBox("a", true)), "Wat is er gebeurd?", "De les ging niet door.")
	f.Add(makeDocx(f, `<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:sdt><w:sdtContent>`), "<&>", "\"'")
	f.Add([]byte("PK\x05\x06"+strings.Repeat("\x00", 18)), "", "x\ty")
	for _, doc := range hostileSeeds(KindDocx) {
		f.Add(doc, "", "")
	}
	f.Fuzz(func(t *testing.T, data []byte, question, answer string) {
		text, err := DocxText(data)
		if err != nil && text != "" {
			t.Fatalf("error %v with text %q", err, text)
		}
		q, a := xmlText(question), xmlText(answer)
		got, err := DocxText(makeDocx(t, para(html.EscapeString(q))+sdt(html.EscapeString(a), false)))
		if err != nil {
			t.Fatalf("DocxText of a valid document: %v", err)
		}
		lines := strings.Split(got, "\n")
		var want []string
		for _, s := range []string{q, a} {
			if strings.TrimSpace(s) != "" {
				want = append(want, strings.TrimRight(s, " \t\u00a0"))
			}
		}
		if strings.Join(lines, "\n") != strings.TrimSpace(strings.Join(want, "\n")) {
			t.Fatalf("DocxText = %q, want the paragraphs %q", got, want)
		}
	})
}

// xmlText keeps what can be a paragraph's text in XML: valid characters, no line breaks.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r < 0x20, r == 0x7f, r >= 0xd800 && r < 0xe000, r == 0xfffe, r == 0xffff, r == utf8.RuneError:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// FuzzPDF reads hostile PDFs; and an AcroForm built from random values (a text field and a
// radio group whose kids are widgets) gives those values back as "Label: value" lines.
func FuzzPDF(f *testing.F) {
	f.Add(acroPDF(), "Naam van indiener", "José Jansen", "online")
	f.Add(textPDF(f, []string{"Naam: a", "Datum: b"}), "(", ")\\", "x")
	f.Add(radioPDF(), "Omschrijving", "regel een\nregel twee", "")
	for _, doc := range hostileSeeds(KindPDF) {
		f.Add(doc, "", "", "")
	}
	f.Fuzz(func(t *testing.T, data []byte, label, value, choice string) {
		text, err := PDFText(data)
		if err != nil && text != "" {
			t.Fatalf("error %v with text %q", err, text)
		}
		label = strings.Join(strings.Fields(pdfPlain(label)), " ")
		value = strings.TrimSpace(strings.ReplaceAll(pdfPlain(value), "\r", ""))
		choice = strings.Map(func(r rune) rune {
			if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return r
			}
			return -1
		}, choice)
		if label == "" || value == "" || choice == "" || choice == "Off" || choice == "Yes" || choice == "On" || choice == "Ja" || choice == "1" {
			return
		}
		got, err := PDFText(fieldsPDF(label, value, choice))
		if err != nil {
			t.Fatalf("PDFText of a valid form: %v", err)
		}
		want := label + ": " + value + "\nDienst: " + choice
		if got != want {
			t.Fatalf("PDFText = %q, want %q", got, want)
		}
	})
}

// pdfPlain keeps the characters a PDF text string holds as UTF-16 without loss.
func pdfPlain(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r >= 0x20 && r != 0x7f && r != utf8.RuneError && unicode.IsPrint(r) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, ""))
}

// fieldsPDF is an AcroForm with a text field (tooltip label, value) and the radio group
// "Dienst" set to choice, its buttons widgets.
func fieldsPDF(label, value, choice string) []byte {
	return bombs.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 5 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [6 0 R 7 0 R] >>",
		"<< /FT /Tx /T (veld) /TU " + pdfString(label) + " /V " + pdfString(value) + " >>",
		"<< /FT /Btn /Ff 49152 /T (Dienst) /V /" + choice + " /Kids [6 0 R 7 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [50 700 62 712] /AS /Off >>",
		"<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [50 680 62 692] /AS /" + choice + " >>",
	})
}

// pdfString writes s as a PDF text string in UTF-16BE with its byte order mark.
func pdfString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}
