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
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			notices := []string{SampleData().Notice}
			if isNoticeKind(kind) {
				notices = Notices()
			}
			for _, n := range notices {
				d := SampleData()
				d.Notice = n
				add(r.checkOne(kind, lang, d))
			}
			// Optional parts empty: nothing missing, no staff text, no name.
			d := SampleData()
			d.Case.Missing, d.StaffText, d.Case.Name, d.Body = nil, "", "", ""
			add(r.checkOne(kind, lang, d))
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

// checkOne renders kind in lang with d from a set parsed for the check alone: checking every
// kind does not leave them all kept.
func (r *Renderer) checkOne(kind, lang string, d Data) error {
	ls := r.langs[lang]
	f, ok := ls.kinds[kind]
	if !ok {
		return fmt.Errorf("render %q: %w", kind, ErrUnknownKind)
	}
	s, err := parseKind(&ls.base, f, ls.sources)
	if err != nil {
		return err
	}
	m, err := renderSet(s, lang, d)
	if err != nil {
		return err
	}
	for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
		if strings.Contains(s, "<no value>") || strings.Contains(s, "&lt;no value&gt;") {
			return fmt.Errorf("render %s: %s of %s shows <no value>", r.langs[lang].kinds[kind].source, part, kind)
		}
	}
	return nil
}
