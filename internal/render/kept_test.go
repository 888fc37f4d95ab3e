package render

import (
	"testing"
)

// A Renderer keeps at most maxKept parsed sets, the ones rendered last, and a kind rendered
// again after it was dropped renders as it did the first time; checking every kind keeps none.
func TestKeptSetsBounded(t *testing.T) {
	r := newTest(t, "")
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	if n := r.keptSets(); n != 0 {
		t.Errorf("after Check %d sets kept, want 0", n)
	}
	first := map[string]Mail{}
	for round := range 2 {
		for _, lang := range Languages() {
			for _, kind := range Kinds() {
				m, err := r.Render(kind, lang, sampleFor(kind, lang))
				if err != nil {
					t.Fatalf("render %s.%s: %v", kind, lang, err)
				}
				if round == 0 {
					first[kind+"."+lang] = m
				} else if m != first[kind+"."+lang] {
					t.Errorf("%s.%s rendered again after it was dropped differs from the first time", kind, lang)
				}
				if n := r.keptSets(); n > maxKept {
					t.Fatalf("%d sets kept, want at most %d", n, maxKept)
				}
			}
		}
	}
	// The kind rendered last is kept; the first of the round is not.
	last, firstKind := Kinds()[len(Kinds())-1], Kinds()[0]
	lastKept, firstKept := r.isKept(setKey{"en", last}), r.isKept(setKey{"nl", firstKind})
	if !lastKept || firstKept {
		t.Errorf("kept: en/%s %v (want true), nl/%s %v (want false)", last, lastKept, firstKind, firstKept)
	}
}

func (r *Renderer) keptSets() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.kept)
}

func (r *Renderer) isKept(k setKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.kept {
		if e.key == k {
			return true
		}
	}
	return false
}
