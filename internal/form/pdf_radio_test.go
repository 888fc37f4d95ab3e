package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// radioPDF is a form as Acrobat writes a radio group: the field "Dienst" holds the value and
// its kids are the buttons' widget annotations (no /T of their own, each with its appearance
// state). "Naam" is a text field shown twice, so it too has widget kids.
func radioPDF() []byte {
	return bombs.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 5 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [6 0 R 7 0 R 8 0 R 9 0 R] >>",
		"<< /FT /Tx /T (naam) /TU (Naam van indiener) /V (Sanne de Wit) /Kids [8 0 R 9 0 R] >>",
		"<< /FT /Btn /Ff 49152 /T (Dienst) /V /online#20cursus /Kids [6 0 R 7 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [50 700 62 712] /AS /Off /AP << /N << /intervisie-begeleiding 10 0 R /Off 10 0 R >> >> >>",
		"<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [50 680 62 692] /AS /online#20cursus /AP << /N << /online#20cursus 10 0 R /Off 10 0 R >> >> >>",
		"<< /Type /Annot /Subtype /Widget /Parent 4 0 R /Rect [50 600 300 612] >>",
		"<< /Type /Annot /Subtype /Widget /Parent 4 0 R /Rect [50 100 300 112] >>",
		"<< /Length 0 >>\nstream\n\nendstream",
	})
}

// TestPDFRadioGroup: a field whose kids are widgets, not fields, keeps its own value.
func TestPDFRadioGroup(t *testing.T) {
	got, err := PDFText(radioPDF())
	if err != nil {
		t.Fatal(err)
	}
	if want := "Naam van indiener: Sanne de Wit\nDienst: online cursus"; got != want {
		t.Errorf("PDFText(radio group) = %q, want %q", got, want)
	}
	res := Extract("Zie bijlage.", "", []Attachment{{Filename: "klachtformulier.pdf", Data: radioPDF()}}, "", testServices)
	want := complaint.Fields{"naam": "Sanne de Wit", "dienst": "online cursus", "omschrijving": "Zie bijlage."}
	if diff := cmp.Diff(want, res.Fields, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Extract() fields mismatch (-want +got):\n%s", diff)
	}
}
