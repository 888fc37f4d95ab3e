package reply

import (
	"strings"
	"testing"
)

// FuzzStrip checks that Strip never panics, never grows its input, and only returns text that
// was in the input: every output line occurs in the input (line ends normalised); and that its
// shortcut for a mail that keeps every line gives what joining the lines gives.
func FuzzStrip(f *testing.F) {
	seeds := []string{
		"",
		"Hallo\n\nOp di 3 dec. 2026 om 10:12 schreef Jan <jan@x.nl>:\n> Hoi\n",
		"On Tue, Dec 3, 2026 at 10:12 AM Jan <jan@x.nl>\nwrote:\n\n> hi\n\nown text",
		"Van: a\r\nVerzonden: b\r\nAan: c\r\nOnderwerp: d\r\n",
		"Tekst\n-- \nsig",
		"Verstuurd vanaf mijn iPhone",
		"Get Outlook for Android<https://aka.ms/x>",
		"> a\n>> b\n\nc\n> d\ne",
		"\r\r\n\n>",
		"-----Oorspronkelijk bericht-----",
		"________________________________\nFrom: x\nSent: y\nTo: z",
		"Op 3 dec. 2026, om 10:12 heeft Jan <…> het volgende geschreven:\n\n> x",
		"a\xff\xfe\n> \xff\nOn \xff 1 wrote:",
		"\u00a0\n \t\n---\n",
		"  Geachte heer,\n\nIk wil een afspraak maken.\n\nMet vriendelijke groet,\nJan\n\n",
		"Tekst\n---",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Strip(in)
		if joined := strip(in, false); got != joined {
			t.Fatalf("Strip(%q) = %q, joining the lines kept gives %q", in, got, joined)
		}
		if len(got) > len(in) {
			t.Fatalf("output longer than input: %d > %d", len(got), len(in))
		}
		norm := strings.ReplaceAll(strings.ReplaceAll(in, "\r\n", "\n"), "\r", "\n")
		for _, l := range strings.Split(got, "\n") {
			if !strings.Contains(norm, l) {
				t.Fatalf("output line %q is not in the input", l)
			}
		}
	})
}

// TestStripKeepsWhole: a mail that keeps every line comes back as its own text, trimmed, and
// one that loses a line or a trailing space does not.
func TestStripKeepsWhole(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\n Geachte heer,\n\nIk wil een afspraak maken.\n\nJan\n\n", "Geachte heer,\n\nIk wil een afspraak maken.\n\nJan"},
		{"Tekst  \nmeer\t\n", "Tekst\nmeer"},
		{"Tekst  \nmeer", "Tekst\nmeer"},
		{"Tekst\nmeer\u00a0", "Tekst\nmeer"},
		{"Tekst\r\nmeer\r\n", "Tekst\nmeer"},
		{"Tekst\n\n---\n", "Tekst"},
		{"Tekst\n-- \nJan", "Tekst"},
		{"Tekst\n--\nJan", "Tekst"},
		{"Tekst\n\nVerstuurd vanaf mijn iPhone", "Tekst"},
		{"Ja.\n\nOp 3 dec. 2026 schreef Jan <jan@x.nl>:\n> vraag", "Ja."},
	}
	for _, tt := range tests {
		for _, whole := range []bool{true, false} {
			if got := strip(tt.in, whole); got != tt.want {
				t.Errorf("strip(%q, %v) = %q, want %q", tt.in, whole, got, tt.want)
			}
		}
	}
}
