package form

import (
	"errors"
	"runtime"
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// hostileDocuments are the attacks of issue 6 on the document readers, as files.
func hostileDocuments() []struct {
	name, kind string
	data       []byte
	want       error
} {
	return []struct {
		name, kind string
		data       []byte
		want       error
	}{
		{"flate bomb: page content inflating to 600 MiB", "pdf", bombs.FlatePDF(600), ErrTooLarge},
		{"page tree listing itself fifty times", "pdf", bombs.SelfListingPDF(50), ErrTooComplex},
		{"object stream extending itself", "pdf", bombs.SelfExtendingPDF(), ErrTooComplex},
		{"cross-reference table that is its own /Prev", "pdf", bombs.PrevCyclePDF(), ErrTooComplex},
		{"docx with ten 10 MiB XML parts", "docx", bombs.PartsDocx(10, 10<<20), nil},
	}
}

// TestHostileDocuments reads each attack in this process: the readers' own bounds end it with
// the expected error, having allocated a bounded amount (at most 64 MiB beyond 8 times the
// file), where the library alone runs out of memory or never finishes.
func TestHostileDocuments(t *testing.T) {
	for _, d := range hostileDocuments() {
		t.Run(d.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			text, err := ReadDocument(d.kind, d.data)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d bytes: %d allocated, %d bytes of text, err %v", len(d.data), alloc, len(text), err)
			if d.want != nil && !errors.Is(err, d.want) {
				t.Errorf("err = %v, want %v", err, d.want)
			}
			if d.want == nil && (err != nil || len(text) == 0 || len(text) > maxText) {
				t.Errorf("err = %v with %d bytes of text, want the text up to %d bytes", err, len(text), maxText)
			}
			if limit := uint64(8*len(d.data) + 64<<20); alloc > limit {
				t.Errorf("allocated %d bytes, want at most %d", alloc, limit)
			}
		})
	}
}

// hostileSeeds are the hostile documents of a kind for a fuzz target's corpus, each scaled
// down to just beyond the limit it tests, so that the fuzzer mutates kilobytes, not megabytes.
func hostileSeeds(kind string) [][]byte {
	switch kind {
	case KindPDF:
		return [][]byte{bombs.FlatePDF(maxPDFContent>>20 + 1), bombs.SelfListingPDF(50), bombs.SelfExtendingPDF(), bombs.PrevCyclePDF()}
	case KindDocx:
		return [][]byte{bombs.PartsDocx(3, maxText+1<<10)}
	}
	return nil
}
