package render

import (
	"strings"
	"testing"
)

// cleanTextSplit is cleanText as it was written first (split, trim, join): the one-pass
// cleanText must give the same text for every input.
func cleanTextSplit(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	blank := true
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}

var onePassCases = []string{
	"", "\n", "\n\n\n", " \t ", "a", "a\n", "a\n\n", "\n\na", "a\r\nb\r\n", "a\rb",
	"a\n \n\t\nb", "a  \nb\t\n\n\n\nc \r\n", "  lead\n", "x\n\n \n\ny\n\n", "é\u00a0\n\nü",
}

func TestCleanTextOnePass(t *testing.T) {
	for _, in := range onePassCases {
		if got, want := cleanText(in), cleanTextSplit(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, in := range onePassCases {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := cleanText(in), cleanTextSplit(in); got != want {
			t.Fatalf("cleanText(%q) = %q, want %q", in, got, want)
		}
		if got, want := trimLine(in), strings.TrimSpace(in)+"\n"; got != want {
			t.Fatalf("trimLine(%q) = %q, want %q", in, got, want)
		}
	})
}

func TestTrimLine(t *testing.T) {
	for _, in := range append(onePassCases, "<p>x</p>\n", "\n <p>x</p>\n\n", "<p>x</p>\u2028\n") {
		if got, want := trimLine(in), strings.TrimSpace(in)+"\n"; got != want {
			t.Errorf("trimLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// A part's builder starts at the size the part had last time; what it rendered then must not
// show in what it renders next, whichever is longer.
func TestRenderSizeHintKeepsNothing(t *testing.T) {
	long := SampleData()
	long.Body = strings.Repeat("Een lange klacht over de dienstverlening. ", 3000)
	long.Case.Name = strings.Repeat("Naam ", 40)
	short := SampleData()
	short.Body, short.Case.Name = "Kort.", "Jan"
	for _, kind := range Kinds() {
		fresh, used := newTest(t, ""), newTest(t, "")
		want := map[string]Mail{}
		for _, d := range []struct {
			name string
			data Data
		}{{"short", short}, {"long", long}} {
			m, err := fresh.Render(kind, "nl", d.data)
			if err != nil {
				t.Fatal(err)
			}
			want[d.name] = m
		}
		for _, name := range []string{"long", "short", "long", "short"} {
			d := short
			if name == "long" {
				d = long
			}
			got, err := used.Render(kind, "nl", d)
			if err != nil {
				t.Fatal(err)
			}
			if got != want[name] {
				t.Fatalf("%s: the %s mail after others differs from one rendered first", kind, name)
			}
		}
	}
}
