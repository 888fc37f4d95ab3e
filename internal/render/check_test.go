package render

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// faultyKind is an override for one kind whose text part fails in every case Check must
// try, each with an error of its own (an index out of range, numbered for the case): with the
// optional parts empty, and for each notice of a notice kind.
func faultyKind(kind string, next *int) (content string, cases []int) {
	var b strings.Builder
	fault := func() string {
		*next++
		cases = append(cases, *next)
		return fmt.Sprintf(`{{index .Case.Fields %d}}`, *next)
	}
	b.WriteString(`{{define "subject"}}Onderwerp{{end}}{{define "html"}}<p>Tekst.</p>{{end}}{{define "text"}}`)
	b.WriteString(`{{if not .StaffText}}` + fault() + `{{end}}`)
	if isNoticeKind(kind) {
		for _, n := range Notices() {
			b.WriteString(`{{if eq .Notice "` + n + `"}}` + fault() + `{{end}}`)
		}
	} else {
		b.WriteString(fault())
	}
	b.WriteString(`{{end}}`)
	return b.String(), cases
}

// TestCheckBuiltin: the built-in templates pass Check, and Check checks what it says. With a
// fault planted in every kind of both languages — one for each notice of the notice kinds, one
// for the data with its optional parts empty — Check reports every one of them, at once, each
// naming its file; and it reports a "<no value>" in a rendered mail.
func TestCheckBuiltin(t *testing.T) {
	if err := newTest(t, "").Check(); err != nil {
		t.Fatalf("Check of the built-in templates: %v", err)
	}
	files := map[string]string{}
	want := map[int]string{} // fault number → file
	next := 1000
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			content, cases := faultyKind(kind, &next)
			files[lang+"/"+kind+".tmpl"] = content
			for _, c := range cases {
				want[c] = lang + "/" + kind + ".tmpl"
			}
		}
	}
	err := newTest(t, writeOverride(t, files)).Check()
	if err == nil {
		t.Fatal("Check of templates with a fault in every kind: no error")
	}
	lines := strings.Split(err.Error(), "\n")
	for n, file := range want {
		found := false
		for _, l := range lines {
			found = found || strings.Contains(l, file) && strings.Contains(l, fmt.Sprintf("out of range: %d", n))
		}
		if !found {
			t.Errorf("Check does not report fault %d in %s", n, file)
		}
	}
	if len(lines) < len(want) {
		t.Errorf("Check reports %d faults, want %d", len(lines), len(want))
	}
	noValue := `{{define "subject"}}Onderwerp{{end}}{{define "text"}}Beste <no value>,{{end}}{{define "html"}}<p>Tekst.</p>{{end}}`
	err = newTest(t, writeOverride(t, map[string]string{"en/afgehandeld.tmpl": noValue})).Check()
	if err == nil || !strings.Contains(err.Error(), "en/afgehandeld.tmpl") || !strings.Contains(err.Error(), "<no value>") {
		t.Errorf("a mail showing <no value>: Check = %v, want it reported in en/afgehandeld.tmpl", err)
	}
}

// TestConcurrentRender: the renderer is safe for concurrent use (run with -race): every
// render of eight goroutines at once gives exactly the mail a sequential render gives.
func TestConcurrentRender(t *testing.T) {
	r := newTest(t, "")
	type key struct{ kind, lang string }
	want := map[key]Mail{}
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			m, err := r.Render(kind, lang, sampleFor(kind, lang))
			if err != nil {
				t.Fatal(err)
			}
			want[key{kind, lang}] = m
		}
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for round := range 3 {
				for j, kind := range Kinds() {
					lang := Languages()[(i+j+round)%2]
					got, err := r.Render(kind, lang, sampleFor(kind, lang))
					if err != nil {
						t.Error(err)
						return
					}
					if got != want[key{kind, lang}] {
						t.Errorf("%s.%s rendered concurrently differs from the sequential render:\n%+v\nwant\n%+v", kind, lang, got, want[key{kind, lang}])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
