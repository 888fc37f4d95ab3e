package render

import (
	"errors"
	"fmt"
	"strings"
)

// noticeKinds are the kinds whose text depends on Data.Notice.
var noticeKinds = []string{string(KindMelding), string(KindHerinnering)}

// Check renders every kind in both languages with SampleData (the notice kinds once per
// notice) and reports every failure at once, each naming its template file. A rendered mail
// that shows "<no value>" is a failure too. `klachtd check` and the daemon's start use it.
func (r *Renderer) Check() error {
	var errs []error
	seen := map[string]bool{}
	add := func(err error) {
		if err != nil && !seen[err.Error()] {
			seen[err.Error()] = true
			errs = append(errs, err)
		}
	}
	// The sets New parsed are rendered here and then dropped (a set of its own is parsed for a
	// kind Render took meanwhile): checking every kind does not leave them all kept.
	r.mu.Lock()
	fresh := r.fresh
	r.fresh = map[setKey]*set{}
	r.mu.Unlock()
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			s, ok := fresh[setKey{lang, kind}]
			if !ok {
				ls := r.langs[lang]
				var err error
				if s, err = parseKind(&ls.base, ls.kinds[kind], ls.sources); err != nil {
					add(err)
					continue
				}
			}
			notices := []string{SampleData().Notice}
			if isNoticeKind(kind) {
				notices = Notices()
			}
			for _, n := range notices {
				d := SampleData()
				d.Notice = n
				add(checkOne(s, kind, lang, d))
			}
			// Optional parts empty: nothing missing, no staff text, no name.
			d := SampleData()
			d.Case.Missing, d.StaffText, d.Case.Name, d.Body = nil, "", "", ""
			add(checkOne(s, kind, lang, d))
		}
	}
	return errors.Join(errs...)
}

func isNoticeKind(kind string) bool {
	for _, k := range noticeKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// checkOne renders kind in lang with d from its set s.
func checkOne(s *set, kind, lang string, d Data) error {
	m, err := renderSet(s, lang, d)
	if err != nil {
		return err
	}
	for part, text := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
		if strings.Contains(text, "<no value>") || strings.Contains(text, "&lt;no value&gt;") {
			return fmt.Errorf("render %s: %s of %s shows <no value>", s.source, part, kind)
		}
	}
	return nil
}
