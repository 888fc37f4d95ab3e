package render

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/clean"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\r\nb", "a\nb\n"},
		{"\n\n  \na\n\n\n\nb  \n\n", "a\n\nb\n"},
		{"a \t\n", "a\n"},
		{"", "\n"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndent(t *testing.T) {
	tests := []struct {
		n        int
		in, want string
	}{
		{4, "a\nb", "    a\n    b"},
		{2, "a\n\nb", "  a\n\n  b"},
		{-3, "a", "a"},
		{2, "a\r\nb", "  a\n  b"},
	}
	for _, tt := range tests {
		if got := indent(tt.n, tt.in); got != tt.want {
			t.Errorf("indent(%d, %q) = %q, want %q", tt.n, tt.in, got, tt.want)
		}
	}
}

func TestHTMLLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\nb", "a<br>\nb"},
		{"<b>x</b>\r\n&", "&lt;b&gt;x&lt;/b&gt;<br>\n&amp;"},
		{"\n a \n", "a"},
		// A mail program's wrapping is taken out; the writer's paragraphs stay.
		{"Op 3 november begon de training een uur te laat en niemand liet\niets weten. Ik heb een halve dag vrij genomen, die ik nu kwijt\nben.\n\nMet groet,\nJan",
			"Op 3 november begon de training een uur te laat en niemand liet iets weten. Ik heb een halve dag vrij genomen, die ik nu kwijt ben.<br>\n<br>\nMet groet,<br>\nJan"},
		// A list and form labels keep their lines.
		{"Dit wil ik graag als oplossing zien, in deze volgorde:\n- geld terug\n- excuses",
			"Dit wil ik graag als oplossing zien, in deze volgorde:<br>\n- geld terug<br>\n- excuses"},
		{"Naam: Jan de Vries, wonend in de gemeente Utrecht sinds 2019\nDatum: 3 november",
			"Naam: Jan de Vries, wonend in de gemeente Utrecht sinds 2019<br>\nDatum: 3 november"},
		{"  ingesprongen, en lang genoeg om door het mailprogramma\n   afgebroken te zijn", "ingesprongen, en lang genoeg om door het mailprogramma afgebroken te zijn"},
	}
	for _, tt := range tests {
		if got := string(htmlLines(tt.in)); got != tt.want {
			t.Errorf("htmlLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanSubject(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  Bevestiging\n", "Bevestiging", true},
		{"a\nb", "a b", true},
		{"a\tb", "a b", true},
		{"a\x1b[31mb\u202e", "a[31mb", true},
		{"", "", false},
		{" \n\x07 ", "", false},
		{"\xff", "\uFFFD", true},
	}
	for _, tt := range tests {
		got, err := cleanSubject(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("cleanSubject(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Jan", "tekst\nmet regels", "<script>x</script>")
	f.Add("{{.}}", "{{template \"html\" .}}", "\x00\r\n")
	r, err := New(osDirFS(), "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, staff, body string) {
		for _, kind := range Kinds() {
			d := SampleData()
			d.Case.Name, d.StaffText, d.Body, d.Notice = name, staff, body, NoticeReplyComplainant
			m, err := r.Render(kind, "nl", d)
			if err != nil {
				t.Fatalf("%s: %v", kind, err) // none of these fields is in a subject
			}
			if containsFold(m.HTML, "<script") {
				t.Fatalf("%s: script in html", kind)
			}
			for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
				if c, bad := clean.Find(s); bad {
					t.Fatalf("%s: %s holds %U", kind, part, c)
				}
			}
		}
	})
}
