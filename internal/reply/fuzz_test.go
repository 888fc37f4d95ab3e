package reply

import (
	"strings"
	"testing"
)

// FuzzStrip checks that Strip never panics, never grows its input, and only returns text that
// was in the input: every output line occurs in the input (line ends normalised).
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
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Strip(in)
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
