package render

import (
	"reflect"
	"testing"

	"github.com/groeimeesters/klachtd/internal/clean"
)

// hostile is what a PDF form field or a display name may hold: terminal escapes (colour,
// window title, BEL), C1 controls, a carriage return and bidirectional overrides.
const hostile = "Jan\x1b[31m rood\x1b]0;pwned\x07 \u009b2J\u0085 \r\u202eseirV\u202c \u2066x\u2069"

// poison sets every string in v (structs, slices of strings and of structs) to hostile text.
func poison(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + hostile)
	case reflect.Struct:
		for i := range v.NumField() {
			poison(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			poison(v.Index(i))
		}
	}
}

// Every kind, in both languages and with every notice, renders without a control character
// or bidi override in its subject, text or HTML, whatever the data held.
func TestRenderedMailHoldsNoControlCharacters(t *testing.T) {
	r := newTest(t, "")
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			for _, notice := range Notices() {
				d := SampleData()
				poison(reflect.ValueOf(&d).Elem())
				d.Notice, d.Language = notice, ""
				m, err := r.Render(kind, lang, d)
				if err != nil {
					t.Fatalf("%s/%s: %v", lang, kind, err)
				}
				for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
					if c, bad := clean.Find(s); bad {
						t.Errorf("%s/%s (%s): %s holds %U", lang, kind, notice, part, c)
					}
				}
				if !isNoticeKind(kind) {
					break
				}
			}
		}
	}
}
