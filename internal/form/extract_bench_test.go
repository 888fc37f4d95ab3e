package form

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkExtractForm reads a typical filled-in form (a corpus form with rephrased
// questions).
func BenchmarkExtractForm(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "nl-gemengd.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Extract(string(data), "", nil, "", testServices)
	}
}

// BenchmarkExtractLargest reads the largest text the form package reads (maxText) made of
// label-like lines, the worst case for label recognition: every line is tried as every kind
// of label.
func BenchmarkExtractLargest(b *testing.B) {
	line := "Wat zijn de gevolgen voor u van het incident: Ik heb de deadline gemist en moest\n"
	text := strings.Repeat(line, maxText/len(line))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Extract(text, "", nil, "", testServices)
	}
}
