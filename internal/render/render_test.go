package render

import (
	"errors"
	"github.com/groeimeesters/klachtd/internal/clean"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKindsRenderInBothLanguages(t *testing.T) {
	r := newTest(t, "")
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			t.Run(kind+"."+lang, func(t *testing.T) {
				d := sampleFor(kind, lang)
				m, err := r.Render(kind, lang, d)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				if m.Subject == "" || strings.ContainsAny(m.Subject, "\r\n") {
					t.Errorf("subject %q: want one non-empty line", m.Subject)
				}
				if strings.Contains(m.Subject, d.Case.ID) {
					t.Errorf("subject %q holds the case reference; the caller prefixes it", m.Subject)
				}
				for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
					if strings.Contains(s, "no value") {
						t.Errorf("%s shows <no value>:\n%s", part, s)
					}
				}
				if kind != "rapport" && kind != "overzicht" && kind != "storing" && !strings.Contains(m.Text, d.Case.ID) {
					t.Errorf("text lacks the case id %s:\n%s", d.Case.ID, m.Text)
				}
				if !strings.HasPrefix(m.HTML, "<!DOCTYPE html>") || !strings.Contains(m.HTML, `<html lang="`+lang+`">`) {
					t.Errorf("html does not start as an %s document:\n%.200s", lang, m.HTML)
				}
				if !strings.HasSuffix(m.HTML, "</html>\n") {
					t.Errorf("html is not closed:\n%s", m.HTML[max(0, len(m.HTML)-200):])
				}
			})
		}
	}
}

func TestContent(t *testing.T) {
	noMissing := func(d *Data) { d.Case.Missing = nil }
	tests := []struct {
		kind, lang string
		edit       func(*Data)
		want       []string // in both text and html
		wantText   []string
		not        []string // in neither
	}{
		{kind: "bevestiging", lang: "nl",
			want: []string{"Beste Jan de Vries,", "KL-2026-0007", "12 januari 2027", "binnen 4 weken",
				"Gewenste afhandeling", "Dienst", "Kathleen Naber", "info@ivak.nl", "maximaal 2 jaar",
				"in het onderwerp", "vertrouwelijk", "Milou Meijer", "06 58949869", "Naam van indiener"},
			wantText: []string{"binnen 4 weken, uiterlijk op 12 januari 2027, bericht", "    Ik heb hiervoor een vrije dag opgenomen."}},
		{kind: "bevestiging", lang: "nl", edit: noMissing,
			want: []string{"KL-2026-0007"},
			not:  []string{"nog de volgende gegevens", "Gewenste afhandeling", "aanvullen"}},
		{kind: "bevestiging", lang: "nl", edit: func(d *Data) { d.HandleWeeks = 1 },
			wantText: []string{"binnen 1 week, uiterlijk"}},
		{kind: "bevestiging", lang: "nl", edit: func(d *Data) { d.HandleWeeks = 0; d.Case.Name = "" },
			wantText: []string{"Goedendag,", "U ontvangt uiterlijk op 12 januari 2027 bericht"}, not: []string{"binnen 0"}},
		{kind: "bevestiging", lang: "en",
			want: []string{"Dear Jan de Vries,", "KL-2026-0007", "12 January 2027", "within 4 weeks",
				"Desired resolution", "Kathleen Naber", "info@ivak.nl", "2 years", "Kind regards"}},
		{kind: "bevestiging", lang: "en", edit: noMissing, not: []string{"Desired resolution", "still need"}},
		{kind: "nadere-info", lang: "nl", want: []string{"vervangende bijeenkomst", "Gewenste afhandeling"}},
		{kind: "nadere-info", lang: "nl", edit: noMissing, not: []string{"ontbreken"}},
		{kind: "verlenging", lang: "nl", want: []string{"9 februari 2027", "beslistermijn", "4 weken"}},
		{kind: "verlenging", lang: "en", want: []string{"9 February 2027", "decision term"}},
		{kind: "uitkomst-gegrond", lang: "nl", want: []string{"gegrond", "31 januari 2027", "Kathleen Naber", "vervangende bijeenkomst"}},
		{kind: "uitkomst-ongegrond", lang: "nl",
			want: []string{"niet gegrond", "Kathleen Naber", "info@ivak.nl", "onafhankelijke klachtencommissaris", "rechter", "bindend"}},
		{kind: "uitkomst-ongegrond", lang: "en",
			want: []string{"not consider it justified", "Kathleen Naber", "info@ivak.nl", "independent complaints commissioner", "court"}},
		{kind: "escalatie", lang: "nl",
			want: []string{"Kathleen Naber", "info@ivak.nl", "bemiddelaar", "bindend", "rechter", "zonder bericht is vervallen", "Aan Kathleen Naber"},
			not:  []string{"De afmelding is niet", "Afmeldingen gaan"}},
		{kind: "escalatie", lang: "en",
			want: []string{"Kathleen Naber", "mediator", "binding", "court", "cancelled without notice", "To Kathleen Naber"},
			not:  []string{"De afmelding is niet", "Afmeldingen gaan"}},
		{kind: "bindend-advies", lang: "nl", want: []string{"bindend", "Kathleen Naber", "9 februari 2027"}},
		{kind: "afgehandeld", lang: "nl", want: []string{"20 januari 2027", "afgerond", "maximaal 2 jaar"}},
		{kind: "melding-nieuw", lang: "nl",
			want: []string{"KL-2026-0007", "jan.devries@example.nl", "12 januari 2027", "Gewenste afhandeling",
				"Ik heb hiervoor een vrije dag opgenomen.", "[gegrond]", "[ongegrond]", "[verlenging 3w]",
				"[info-nodig]", "[in-behandeling]", "[hersteltermijn 2027-01-31]", "[escalatie]",
				"[bindend-advies]", "[afgehandeld]", "[heropend]", "[intern]", "Oorzaak:", "Maatregel:"},
			wantText: []string{"Re: [KL-2026-0007] [gegrond]"}},
		{kind: "melding-nieuw", lang: "nl", edit: noMissing, not: []string{"Ontbrekende gegevens"}},
		{kind: "melding-nieuw", lang: "en", want: []string{"[gegrond]", "Missing information", "12 January 2027"}},
		{kind: "melding-nieuw", lang: "nl", edit: func(d *Data) { d.HowToReply = "Extra hint voor u." },
			want: []string{"Extra hint voor u."}},
		{kind: "commando-fout", lang: "nl", want: []string{"Onbekende tag [gegrnd].", "niets gewijzigd", "[gegrond]"}},
		{kind: "commando-ok", lang: "nl", want: []string{"Uitkomst verstuurd aan jan.devries@example.nl.", "beoordeeld (gegrond)"}},
		{kind: "commando-ok", lang: "en", edit: func(d *Data) { d.Changes = nil }, want: []string{"Nothing has been changed."}},
		{kind: "melding", lang: "nl", want: []string{"De klager heeft gereageerd", "Hierbij de gevraagde gegevens."}},
		{kind: "herinnering", lang: "nl", want: []string{"12 januari 2027", "[verlenging 3w]"}},
		{kind: "herinnering", lang: "nl", edit: func(d *Data) { d.Notice = NoticeEffectiveness },
			want: []string{"De afmelding is niet naar alle deelnemers verstuurd.", "Afmeldingen gaan voortaan"}},
		{kind: "herinnering", lang: "nl", edit: func(d *Data) { d.Notice = NoticeConfirmAlarm },
			want: []string{"48 uur", "15 december 2026"}},
		{kind: "overzicht", lang: "nl", want: []string{"KL-2026-0007", "KL-2026-0005", "18 december 2026", "12 januari 2027 (beslistermijn)"}},
		{kind: "overzicht", lang: "nl", edit: func(d *Data) { d.Cases, d.Overdue = nil, nil },
			want: []string{"Er staan geen klachten open."}, not: []string{"Over de beslistermijn"}},
		{kind: "rapport", lang: "nl", want: []string{"2026H2", "intervisie-begeleiding        3"}},
	}
	r := newTest(t, "")
	for _, tt := range tests {
		d := sampleFor(tt.kind, tt.lang)
		if tt.edit != nil {
			tt.edit(&d)
		}
		m, err := r.Render(tt.kind, tt.lang, d)
		if err != nil {
			t.Errorf("%s.%s: %v", tt.kind, tt.lang, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s.%s text lacks %q:\n%s", tt.kind, tt.lang, w, m.Text)
			}
			if !strings.Contains(m.HTML, htmlEscape(w)) {
				t.Errorf("%s.%s html lacks %q:\n%s", tt.kind, tt.lang, w, m.HTML)
			}
		}
		for _, w := range tt.wantText {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s.%s text lacks %q:\n%s", tt.kind, tt.lang, w, m.Text)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(m.Text, n) || strings.Contains(m.HTML, htmlEscape(n)) {
				t.Errorf("%s.%s holds %q, want it absent:\n%s", tt.kind, tt.lang, n, m.Text)
			}
		}
	}
}

// htmlEscape escapes s as html/template does in text.
func htmlEscape(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;").Replace(s)
}

func TestRapportChart(t *testing.T) {
	r := newTest(t, "")
	m, err := r.Render("rapport", "nl", SampleData())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.HTML, `src="cid:chart-2026H2@klachtd"`) {
		t.Errorf("html lacks the chart:\n%s", m.HTML)
	}
	d := SampleData()
	d.ChartPNGCID = ""
	m, err = r.Render("rapport", "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<img") || strings.Contains(m.Text, "grafiek") {
		t.Errorf("no chart given, yet the mail mentions one:\n%s\n%s", m.Text, m.HTML)
	}
}

func TestNoticesHaveOwnSubjects(t *testing.T) {
	r := newTest(t, "")
	for _, lang := range Languages() {
		for _, kind := range noticeKinds {
			d := SampleData()
			d.Notice = "no-such-notice"
			fallback, err := r.Render(kind, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]string{}
			for _, n := range Notices() {
				d.Notice = n
				m, err := r.Render(kind, lang, d)
				if err != nil {
					t.Fatalf("%s %s %s: %v", kind, lang, n, err)
				}
				if m.Subject == fallback.Subject {
					t.Errorf("%s %s %s: got the fallback subject %q", kind, lang, n, m.Subject)
				}
				if prev, ok := seen[m.Subject]; ok {
					t.Errorf("%s %s: %s and %s share subject %q", kind, lang, prev, n, m.Subject)
				}
				seen[m.Subject] = n
			}
		}
	}
}

func TestEscapingAndInjection(t *testing.T) {
	r := newTest(t, "")
	const script = `<script>alert("x")</script>`
	const inject = `{{.Org.Name}}{{template "signature" .}}`
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			d := sampleFor(kind, lang)
			d.Case.Name = script
			d.StaffText = inject + "\n" + script
			d.Body = script
			d.Case.Fields = []Field{{Key: "omschrijving", Label: "Omschrijving", Value: inject + "\n" + script}}
			d.Commissaris.Email = `x"><script>@example.nl`
			m, err := r.Render(kind, lang, d)
			if err != nil {
				t.Fatalf("%s.%s: %v", kind, lang, err)
			}
			if strings.Contains(m.HTML, "<script") {
				t.Errorf("%s.%s: unescaped script in html:\n%s", kind, lang, m.HTML)
			}
			if strings.Contains(m.Text, "Beste "+script) || strings.Contains(m.Text, "Dear "+script) {
				if !strings.Contains(m.HTML, "&lt;script&gt;") {
					t.Errorf("%s.%s: name not escaped in html", kind, lang)
				}
			}
			if strings.Contains(m.Text, "&lt;") {
				t.Errorf("%s.%s: text part is html-escaped:\n%s", kind, lang, m.Text)
			}
		}
	}
	// A kind that shows all of them: literal in text, escaped (not executed) in html.
	d := SampleData()
	d.Case.Name, d.StaffText = script, inject
	m, err := r.Render("status", "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Beste " + script + ",", inject} {
		if !strings.Contains(m.Text, w) {
			t.Errorf("text lacks %q literally:\n%s", w, m.Text)
		}
	}
	for _, w := range []string{"Beste &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;,", htmlEscape(inject)} {
		if !strings.Contains(m.HTML, w) {
			t.Errorf("html lacks %q:\n%s", w, m.HTML)
		}
	}
}

func TestSubjectMustBeOneLine(t *testing.T) {
	r := newTest(t, "")
	tests := []struct {
		name, kind string
		edit       func(*Data)
		want       string // in the subject
	}{
		{"newline in service", "melding-nieuw", func(d *Data) { d.Case.Service = "online\nBcc: x@example.nl" }, "online Bcc: x@example.nl"},
		{"carriage return in due date", "herinnering", func(d *Data) { d.Case.Due = "12 januari\r2027" }, "12 januari 2027"},
		{"control character in period", "rapport", func(d *Data) { d.PeriodName = "2026\x07H2" }, "2026H2"},
		{"line separator", "rapport", func(d *Data) { d.PeriodName = "2026\u2028H2" }, "2026 H2"},
		{"bidi override in service", "melding-nieuw", func(d *Data) { d.Case.Service = "\u202eesruc enilno" }, "esruc enilno"},
	}
	for _, tt := range tests {
		d := SampleData()
		tt.edit(&d)
		m, err := r.Render(tt.kind, "nl", d)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if strings.ContainsAny(m.Subject, "\r\n\u2028") || !strings.Contains(m.Subject, tt.want) {
			t.Errorf("%s: subject %q, want one line holding %q", tt.name, m.Subject, tt.want)
		}
		if c, bad := clean.Find(m.Subject); bad {
			t.Errorf("%s: subject %q holds %U", tt.name, m.Subject, c)
		}
	}
}

func TestSubjectShortened(t *testing.T) {
	r := newTest(t, "")
	d := SampleData()
	d.Case.Service = strings.Repeat("é", 500)
	m, err := r.Render("melding-nieuw", "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(m.Subject); n != MaxSubject || !strings.HasSuffix(m.Subject, "…") {
		t.Errorf("subject of %d characters %q: want %d ending in …", n, m.Subject, MaxSubject)
	}
}

func TestUnknownKindAndLanguage(t *testing.T) {
	r := newTest(t, "")
	if _, err := r.Render("bestaat-niet", "nl", SampleData()); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: got %v, want ErrUnknownKind", err)
	}
	for _, lang := range []string{"", "fr", "NL", "nl-BE"} {
		m, err := r.Render("bevestiging", lang, SampleData())
		if err != nil || m.Subject != "Bevestiging van uw klacht" {
			t.Errorf("lang %q: got %q, %v; want the Dutch mail", lang, m.Subject, err)
		}
	}
	if m, _ := r.Render("bevestiging", "en-GB", SampleData()); m.Subject != "Confirmation of your complaint" {
		t.Errorf("en-GB: got %q, want the English mail", m.Subject)
	}
}

func TestZeroDataRenders(t *testing.T) {
	r := newTest(t, "")
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			m, err := r.Render(kind, lang, Data{})
			if err != nil {
				t.Errorf("%s.%s with empty data: %v", kind, lang, err)
				continue
			}
			if strings.Contains(m.Text+m.HTML, "no value") {
				t.Errorf("%s.%s with empty data shows <no value>", kind, lang)
			}
		}
	}
}
