package triage

import (
	"strings"
	"testing"
)

// lowerText is appendLower for a string: lowered after a prefix, then the prefix cut off
// again, so that the tests also see it append.
func lowerText(s string) string {
	return string(appendLower([]byte("PREFIX"), s)[len("PREFIX"):])
}

// TestLowerText: appendLower appends strings.ToLower, for every ASCII byte at every place of an
// eight-byte word and in the tail, and for text that is not ASCII (the Kelvin sign lowers to
// an ASCII "k", the dotted capital I to "i").
func TestLowerText(t *testing.T) {
	cases := []string{"", "A", "Klacht", "KLACHT OVER DE TRAINING", "@AZ[`az{", "\x00\x7f",
		"Geachte heer, Ik wil een KLACHT indienen.", "Wörld ÀÉÎ", "\u212Alacht", "\u0130K", "abc\xffDEF", "ABCDEFGH\xc3"}
	for c := range 128 {
		for n := 1; n <= 17; n++ {
			cases = append(cases, strings.Repeat("x", n-1)+string(rune(c))+"Yz")
		}
	}
	for _, s := range cases {
		if got, want := lowerText(s), strings.ToLower(s); got != want {
			t.Errorf("lowerText(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzLowerText(f *testing.F) {
	for _, s := range []string{"", "Klacht over de TRAINING", "Wörld", "\u212A", "ABCDEFGHIJ\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerText(s), strings.ToLower(s); got != want {
			t.Errorf("lowerText(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkLowerText(b *testing.B) {
	body := strings.Repeat(strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40)+"\n", 2)
	b.Run("appendLower", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendLower(buf[:0], body)
		}
	})
	b.Run("strings.ToLower", func(b *testing.B) {
		for b.Loop() {
			_ = strings.ToLower(body)
		}
	})
}
