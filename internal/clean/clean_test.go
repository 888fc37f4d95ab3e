package clean

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// hostile holds every kind of character that must not reach a terminal or a mail.
const hostile = "a\x1b[31mred\x1b]0;pwned\x07 \x00nul\x7fdel \u009bcsi\u0085nel " +
	"\u202eevil\u202c \u2066iso\u2069 \u202aemb\u202b\u202d end\rCR"

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"gewone tekst\n\tmet tab", "gewone tekst\n\tmet tab"},
		{"regel 1\r\nregel 2\rregel 3", "regel 1\nregel 2\nregel 3"},
		{hostile, "a[31mred]0;pwned nuldel csinel evil iso emb end\nCR"},
		{"\xffkapot", "\uFFFDkapot"},
		{"Zoë Ångström — ‘citaat’ ✓ العربية", "Zoë Ångström — ‘citaat’ ✓ العربية"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if r, bad := Find(Text(tt.in)); bad {
			t.Errorf("Text(%q) still holds %U", tt.in, r)
		}
	}
}

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Jan de Vries", "Jan de Vries"},
		{"Jan\r\nde\tVries\u2028!", "Jan  de Vries !"},
		{"\u202eseirV ed naJ\x1b[0m", "seirV ed naJ[0m"},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterJoinsSplitCharacters(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	in := []byte("ë" + hostile + "€")
	// One byte at a time: every multi-byte character (U+009B, U+202E, €) arrives in pieces.
	for i := range in {
		if n, err := w.Write(in[i : i+1]); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "ëa[31mred]0;pwned nuldel csinel evil iso emb endCR€"
	if out.String() != want {
		t.Errorf("written %q, want %q", out.String(), want)
	}
	out.Reset()
	w.Write([]byte("x\xe2\x82")) // a character that never ends
	w.Flush()
	if out.String() != "x\uFFFD" {
		t.Errorf("an unfinished character: %q, want %q", out.String(), "x\uFFFD")
	}
}

func TestJSONEscapesAndKeepsTheValue(t *testing.T) {
	raw, err := json.Marshal(map[string]string{"name": hostile})
	if err != nil {
		t.Fatal(err)
	}
	got := JSON(raw)
	if r, bad := Find(string(got)); bad {
		t.Errorf("JSON output still holds %U: %s", r, got)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("escaped JSON does not decode: %v\n%s", err, got)
	}
	if back["name"] != hostile {
		t.Errorf("decoded %q, want the original %q", back["name"], hostile)
	}
	if !strings.Contains(string(got), `\u202e`) {
		t.Errorf("no \\u202e escape in %s", got)
	}
}

func FuzzText(f *testing.F) {
	f.Add(hostile)
	f.Add("gewoon\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Text(s), Line(s)} {
			if r, bad := Find(out); bad {
				t.Fatalf("%q still holds %U", out, r)
			}
		}
		if strings.ContainsAny(Line(s), "\n\r") {
			t.Fatalf("Line(%q) holds a line break", s)
		}
		var b bytes.Buffer
		w := NewWriter(&b)
		w.Write([]byte(s))
		w.Flush()
		if r, bad := Find(b.String()); bad || strings.Contains(b.String(), "\r") {
			t.Fatalf("Writer passed %U in %q", r, b.String())
		}
	})
}
