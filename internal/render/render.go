// Package render owns klachtd's outgoing mail text: it parses and checks the templates of every
// mail kind in Dutch and English at the start (the built-in ones, optionally replaced file by
// file from an override folder), keeps those rendered last, and renders a kind into a
// subject, a text part and an HTML part.
// It formats nothing itself: dates, terms and labels arrive pre-formatted in Data. It does not
// address, thread or send mail, and it must never log or keep what it renders.
package render

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/clean"
)

// Mail is one rendered mail. Subject is one line without the case reference, which the
// caller prefixes.
type Mail struct{ Subject, Text, HTML string }

// MaxSubject is the longest subject Render returns, in characters; longer ones are shortened.
const MaxSubject = 200

// Errors callers may test with errors.Is.
var (
	ErrUnknownKind = errors.New("unknown mail kind")
	ErrSubject     = errors.New("subject is empty")
)

// Languages lists the languages every kind exists in; the first is the default.
func Languages() []string { return []string{"nl", "en"} }

// set is the parsed templates of one kind in one language.
type set struct {
	source string // the file it came from, for error messages
	text   *texttemplate.Template
	html   *htmltemplate.Template
	sizes  [parts]atomic.Int32 // each part's length as last rendered (renderSet)
}

// Renderer renders mail kinds. It is safe for concurrent use. New parses and checks every
// template; a kind's parsed set is then kept while it is among the maxKept kinds rendered
// last, and parsed again (in a millisecond or two) when it is needed after that. Every
// html/template set holds its own copy of all the partials: the 34 kept at once held 8 MB,
// most of an idle daemon's heap, and a backlog renders two of them.
type Renderer struct {
	langs map[string]*langSets // language → its partials and kinds

	mu   sync.Mutex
	kept []keptSet // at most maxKept, the one rendered last at the end
	// fresh holds the sets New parsed to check them, until Check has rendered them (they are
	// then dropped) or Render takes one (it is then kept): the start parses each kind once.
	fresh map[setKey]*set
}

// maxKept bounds the parsed sets a Renderer keeps.
const maxKept = 8

// setKey names one kind in one language.
type setKey struct{ lang, kind string }

// keptSet is a parsed set a Renderer keeps.
type keptSet struct {
	key setKey
	set *set
}

// langSets is what one language's sets are parsed from: the partials, parsed once, and each
// kind's own file.
type langSets struct {
	base    set
	kinds   map[string]file
	sources map[string]string // file name → where it came from, for checkRefs
}

// New parses every template of both languages. embedded holds nl/ and en/ (or templates/nl
// and templates/en, as in klachtd.Templates). A file overrideDir/LANG/NAME.tmpl replaces the
// built-in file of that name; overrideDir "" means built-in templates only. A missing kind,
// a missing block, an unknown template file or a parse error is an error naming the file.
func New(embedded fs.FS, overrideDir string) (*Renderer, error) {
	if embedded == nil {
		return nil, errors.New("render: no built-in templates")
	}
	root, err := templateRoot(embedded)
	if err != nil {
		return nil, err
	}
	r := &Renderer{langs: map[string]*langSets{}, fresh: map[setKey]*set{}}
	for _, lang := range Languages() {
		files, err := loadFiles(root, overrideDir, lang)
		if err != nil {
			return nil, err
		}
		ls, sets, err := parseLang(files)
		if err != nil {
			return nil, err
		}
		r.langs[lang] = ls
		for kind, s := range sets {
			r.fresh[setKey{lang, kind}] = s
		}
	}
	return r, nil
}

// set returns the parsed set of kind in lang, kept or parsed now; false for an unknown kind.
func (r *Renderer) set(lang, kind string) (*set, bool, error) {
	ls := r.langs[lang]
	if ls == nil {
		return nil, false, nil
	}
	f, ok := ls.kinds[kind]
	if !ok {
		return nil, false, nil
	}
	k := setKey{lang, kind}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.kept {
		if e.key == k { // rendered last now: to the end
			r.kept = append(append(r.kept[:i:i], r.kept[i+1:]...), e)
			return e.set, true, nil
		}
	}
	s, ok := r.fresh[k]
	if ok {
		delete(r.fresh, k)
	} else {
		var err error
		if s, err = parseKind(&ls.base, f, ls.sources); err != nil {
			return nil, true, err // New parsed it before: only a bug gets here
		}
	}
	r.kept = append(r.kept, keptSet{k, s})
	if len(r.kept) > maxKept {
		r.kept = r.kept[1:]
	}
	return s, true, nil
}

// templateRoot accepts the tree with or without a leading "templates" folder.
func templateRoot(embedded fs.FS) (fs.FS, error) {
	if _, err := fs.Stat(embedded, "nl"); err == nil {
		return embedded, nil
	}
	if _, err := fs.Stat(embedded, "templates/nl"); err == nil {
		return fs.Sub(embedded, "templates")
	}
	return nil, errors.New("render: built-in templates have no nl folder")
}

// parseLang parses the partials of one language once, and each kind into its own clone of
// them (so that every kind may define "subject", "text" and "html"), and returns those sets
// by kind; a kind's set is parsed again when it is rendered after it was dropped
// (Renderer.set).
func parseLang(files []file) (*langSets, map[string]*set, error) {
	lang := files[0].lang
	ls := &langSets{
		base: set{
			text: texttemplate.New(lang).Funcs(textFuncs()).Option("missingkey=error"),
			html: htmltemplate.New(lang).Funcs(htmlFuncs()).Option("missingkey=error"),
		},
		kinds:   map[string]file{},
		sources: map[string]string{},
	}
	found := map[string]file{}
	for _, f := range files {
		ls.sources[f.name()] = f.source
		if !f.partial() {
			found[f.kind()] = f
			continue
		}
		if err := parseInto(&ls.base, f); err != nil {
			return nil, nil, err
		}
	}
	sets := map[string]*set{}
	for _, kind := range Kinds() {
		f, ok := found[kind]
		if !ok {
			return nil, nil, fmt.Errorf("render: template %s/%s.tmpl is missing", lang, kind)
		}
		s, err := parseKind(&ls.base, f, ls.sources)
		if err != nil {
			return nil, nil, err
		}
		ls.kinds[kind] = f
		sets[kind] = s
	}
	return ls, sets, nil
}

func parseKind(base *set, f file, sources map[string]string) (*set, error) {
	tt, err := base.text.Clone()
	if err != nil {
		return nil, fmt.Errorf("render: %s: %w", f.source, err)
	}
	ht, err := base.html.Clone()
	if err != nil {
		return nil, fmt.Errorf("render: %s: %w", f.source, err)
	}
	s := &set{source: f.source, text: tt, html: ht}
	if err := parseInto(s, f); err != nil {
		return nil, err
	}
	for _, block := range []string{"subject", "text", "html"} {
		if tt.Lookup(block) == nil {
			return nil, fmt.Errorf("render: %s has no {{define %q}} block", f.source, block)
		}
	}
	if err := checkRefs(tt, sources); err != nil {
		return nil, err
	}
	return s, nil
}

// parseInto adds one file to both template sets of s.
func parseInto(s *set, f file) error {
	if _, err := s.text.New(f.name()).Parse(f.content); err != nil {
		return fmt.Errorf("render: parse %s: %w", f.source, err)
	}
	if _, err := s.html.New(f.name()).Parse(f.content); err != nil {
		return fmt.Errorf("render: parse %s: %w", f.source, err)
	}
	return nil
}

// Render renders kind in lang ("nl" or "en"; anything else renders Dutch). Every part loses
// control characters and bidirectional overrides (package clean), whatever the data held;
// the subject is made one line, trimmed and shortened to MaxSubject characters.
func (r *Renderer) Render(kind, lang string, d Data) (m Mail, err error) {
	lang = normLang(lang)
	s, ok, err := r.set(lang, kind)
	if !ok {
		return Mail{}, fmt.Errorf("render %q: %w", kind, ErrUnknownKind)
	}
	if err != nil {
		return Mail{}, err
	}
	return renderSet(s, lang, d)
}

// renderSet renders one parsed set (of lang) with d. Each part is written into a builder of
// the size the part had the last time (set.sizes): a confirmation's parts are 0.1 to 8 KB,
// and a builder that starts empty copies them a dozen times on the way.
func renderSet(s *set, lang string, d Data) (m Mail, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = Mail{}, fmt.Errorf("render %s: panic: %v", s.source, p)
		}
	}()
	d.Language = lang
	subject, err := s.execute(partSubject, d)
	if err != nil {
		return Mail{}, err
	}
	if m.Subject, err = cleanSubject(subject); err != nil {
		return Mail{}, fmt.Errorf("render %s: %w", s.source, err)
	}
	text, err := s.execute(partText, d)
	if err != nil {
		return Mail{}, err
	}
	m.Text = cleanText(clean.Text(text))
	html, err := s.execute(partHTML, d)
	if err != nil {
		return Mail{}, err
	}
	m.HTML = trimLine(clean.Text(html))
	return m, nil
}

// The parts of a mail, in the order renderSet renders them, and the blocks they are.
const (
	partSubject = iota
	partText
	partHTML
	parts
)

var partBlock = [parts]string{"subject", "text", "html"}

// execute renders one part of s with d; the HTML part ends with a newline (trimLine).
func (s *set) execute(part int, d Data) (string, error) {
	var b strings.Builder
	hint := int(s.sizes[part].Load())
	b.Grow(hint + hint/4) // room for a longer name or field than last time
	var err error
	if part == partHTML {
		if err = s.html.ExecuteTemplate(&b, partBlock[part], d); err == nil {
			b.WriteByte('\n')
		}
	} else {
		err = s.text.ExecuteTemplate(&b, partBlock[part], d)
	}
	if err != nil {
		return "", fmt.Errorf("render %s %s: %w", s.source, partBlock[part], err)
	}
	s.sizes[part].Store(int32(min(b.Len(), maxSizeHint)))
	return b.String(), nil
}

// maxSizeHint bounds the size a part's builder starts with: a mail that quoted a 1 MB
// complaint does not make every later one start at 1 MB.
const maxSizeHint = 64 << 10

// trimLine returns s without leading and trailing white space, followed by one newline: a
// substring of s when s has a newline right after its last character (execute writes one
// after the HTML part), else a copy.
func trimLine(s string) string {
	end := len(strings.TrimRightFunc(s, unicode.IsSpace))
	start := end - len(strings.TrimLeftFunc(s[:end], unicode.IsSpace))
	switch {
	case start == end:
		return "\n"
	case end < len(s) && s[end] == '\n':
		return s[start : end+1]
	}
	return s[start:end] + "\n"
}

// normLang maps "en", "EN", "en-GB" to "en" and everything else to "nl".
func normLang(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if lang == "en" {
		return "en"
	}
	return "nl"
}

// cleanSubject makes the subject one clean line (a line break in a service name or a term
// becomes a space, control characters go: nothing of the data can add a header), trims it,
// and shortens it. Only an empty subject is an error.
func cleanSubject(s string) (string, error) {
	s = strings.Join(strings.Fields(clean.Line(s)), " ")
	if s == "" {
		return "", fmt.Errorf("empty subject: %w", ErrSubject)
	}
	if utf8.RuneCountInString(s) > MaxSubject {
		runes := []rune(s)
		s = strings.TrimSpace(string(runes[:MaxSubject-1])) + "…"
	}
	return s, nil
}

// cleanText normalises line ends, drops trailing spaces, collapses runs of blank lines that
// conditional blocks leave behind, and ends the text with one newline; in one pass, into one
// string of at most the size of s.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	blank := false // a blank line is owed before the next line with text
	for rest := s; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line = strings.TrimRight(line, " \t\r"); line == "" {
			blank = b.Len() > 0 // leading blank lines go, and a run of them is one
			continue
		}
		if blank {
			b.WriteByte('\n')
			blank = false
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return "\n"
	}
	return b.String()
}

// Partial renders one partial template of lang's text set ("tags": the staff tag card) with
// d, cleaned like every part of a mail; `klachtd help tags` prints it.
func (r *Renderer) Partial(lang, name string, d Data) (string, error) {
	lang = normLang(lang)
	s, ok, err := r.set(lang, string(KindMeldingNieuw)) // every set holds the partials
	if err != nil {
		return "", err
	}
	if !ok || s.text.Lookup(name) == nil {
		return "", fmt.Errorf("render partial %q: %w", name, ErrUnknownKind)
	}
	d.Language = lang
	var b strings.Builder
	if err := s.text.ExecuteTemplate(&b, name, d); err != nil {
		return "", fmt.Errorf("render partial %s: %w", name, err)
	}
	return cleanText(clean.Text(b.String())), nil
}
