package mailparse

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/mail golden files and generated .eml files")

const corpusDir = "../../testdata/mail"

// golden is what a .golden.json holds: the Message as JSON, plus its Header map.
type golden struct {
	*Message
	Header map[string][]string `json:"header,omitempty"`
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(files) < 30 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	return files
}

func parseFile(t *testing.T, name string) *Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return m
}

func TestGolden(t *testing.T) {
	for _, file := range corpusFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			m := parseFile(t, name+".eml")
			got, err := json.MarshalIndent(golden{Message: m, Header: m.Header}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join(corpusDir, name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/mailparse -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("parsed %s differs from golden (-want +got):\n%s", name, diff)
			}
		})
	}
}

// TestCRLF checks that every corpus mail parses the same with CRLF line endings, as it
// arrives over IMAP.
func TestCRLF(t *testing.T) {
	for _, file := range corpusFiles(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		crlf := bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		a, err1 := Parse(raw)
		b, err2 := Parse(crlf)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v / %v", file, err1, err2)
		}
		a.Size, b.Size = 0, 0
		opts := cmp.Options{
			cmp.FilterPath(func(p cmp.Path) bool {
				// Sizes and binary data of attachments sent as 8bit text may differ in line endings.
				last := p.Last().String()
				return last == ".Size" || last == ".Data" || last == ".HTML"
			}, cmp.Ignore()),
		}
		if diff := cmp.Diff(a, b, opts); diff != "" {
			t.Errorf("%s: LF and CRLF parse differently (-lf +crlf):\n%s", filepath.Base(file), diff)
		}
	}
}

func TestParseRejectsHeaderless(t *testing.T) {
	for _, raw := range []string{"", "\n\nbody only", "geen header hier\n\ntekst"} {
		if m, err := Parse([]byte(raw)); err == nil {
			t.Errorf("Parse(%q) = %+v, want error", raw, m)
		}
	}
}

func TestDecoding(t *testing.T) {
	tests := []struct {
		file, subject string
		text          []string // substrings of Text
	}{
		{"outlook-nl-alternative-qp.eml", "Vraag over intervisietraject najaar",
			[]string{"(€ 345,- zoals op de website?)", "intervisietraject in het najaar"}},
		{"gmail-alternative-utf8.eml", "Vervolgcursus na ‘Intervisie voor beginners’",
			[]string{"Dank jullie wel, het was erg leerzaam!"}},
		{"iso-8859-1-plain.eml", "Reünie deelnemers training",
			[]string{"Zou één van de trainers", "Het café is al gereserveerd."}},
		{"utf8-nederlandse-tekens.eml", "Over de ‘coaching’ en de prijs (€)",
			[]string{"Zoë", "‘coaching op maat’", "één", "€ 120", "naïeve", "vóór"}},
		{"html-only-windows1252.eml", "Informatie training",
			[]string{"- de training ‘Lastige gesprekken’", "in €", "café-sessie",
				"ons opleidingsplan (https://www.example.nl/opleidingsplan)", "Met vriendelijke groet,\nTruus de Boer"}},
		{"broken-unknown-charset.eml", "Café na de training", []string{"het café op de hoek", "€ 10"}},
		{"broken-8bit-header.eml", "Vraag over de cursus ‘Effectief coördineren’",
			[]string{"coördineren? Ik heb één vraag."}},
		{"thunderbird-flowed.eml", "Aanmelding training feedback",
			[]string{"'Feedback geven en ontvangen' op 14 april. Mijn werkgever betaalt de factuur; het factuuradres volgt nog."}},
		{"encoded-words-kapot.eml", "Klacht over de training(vervolg)cafénot padded =?utf-8?X?weird?=", nil},
		{"klacht-html-windows1252.eml", "Klacht intervisiebegeleiding (klachtformulier)",
			[]string{"Naam van indiener: Ingrid Willems\n",
				"Geef aan over welke dienst van Groeimeesters uw klacht specifiek gaat: intervisie-begeleiding",
				"De ‘veilige ruimte’ is weg.", "€ 1.250,-"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := parseFile(t, tt.file)
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			for _, s := range tt.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
		})
	}
}

func TestHeaderInjection(t *testing.T) {
	m := parseFile(t, "header-injectie.eml")
	if m.Subject != "hi Bcc: x" {
		t.Errorf("Subject = %q, want %q", m.Subject, "hi Bcc: x")
	}
	if m.From.Name != "Aanval Bcc: victim@example.com" || m.From.Email != "attacker@example.com" {
		t.Errorf("From = %+v", m.From)
	}
	if diff := cmp.Diff([]string{"a@bc"}, m.InReplyTo); diff != "" {
		t.Errorf("InReplyTo (-want +got):\n%s", diff)
	}
	var names []string
	for _, a := range m.Attachments {
		names = append(names, a.Filename)
	}
	want := []string{"evil.exe", "klacht overzicht €.txt", strings.Repeat("heel-lange-naam-", 12) + "heel.pdf"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("attachment names (-want +got):\n%s", diff)
	}
	if len(names) == 3 && len(names[2]) != 200 {
		t.Errorf("long name has %d bytes, want 200", len(names[2]))
	}
}

func TestAttachments(t *testing.T) {
	tests := []struct {
		file string
		want []Attachment // Data compared by prefix below
		text string
	}{
		{"outlook-pdf-bijlage.eml", []Attachment{{Filename: "Verslag intervisie 17-03.pdf", ContentType: "application/pdf"}},
			"In de bijlage het verslag van de intervisiebijeenkomst van 17 maart, zoals afgesproken."},
		{"thunderbird-docx-bijlage.eml", []Attachment{{Filename: "Toelichting klacht – maart.docx",
			ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}},
			"een toelichting bij mijn klacht, met de tijden"},
		{"outlook-winmail-dat.eml", []Attachment{
			{Filename: "Presentielijst training 12 maart.pdf", ContentType: "application/pdf"},
			{Filename: "notitie.txt", ContentType: "text/plain"}}, "Hierbij de presentielijst van de training."},
		{"broken-truncated.eml", []Attachment{{Filename: "verslag.pdf", ContentType: "application/pdf"}},
			"In de bijlage het verslag"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := parseFile(t, tt.file)
			var got []Attachment
			for _, a := range m.Attachments {
				if a.Size != len(a.Data) || a.Size == 0 {
					t.Errorf("%s: Size %d, %d bytes of data", a.Filename, a.Size, len(a.Data))
				}
				if a.ContentType == "application/pdf" && !bytes.HasPrefix(a.Data, []byte("%PDF-1.4")) {
					t.Errorf("%s: data does not start like a PDF: %q", a.Filename, a.Data[:min(8, len(a.Data))])
				}
				got = append(got, Attachment{Filename: a.Filename, ContentType: a.ContentType})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("attachments (-want +got):\n%s", diff)
			}
			if !strings.Contains(m.Text, tt.text) {
				t.Errorf("Text lacks %q:\n%s", tt.text, m.Text)
			}
		})
	}
}
