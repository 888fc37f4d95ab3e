package render

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	texttemplate "text/template"
)

// maxTemplateSize bounds one template file; anything larger is surely not a template.
const maxTemplateSize = 1 << 20

// file is one template file of one language, built-in or from the override folder.
type file struct {
	lang    string
	base    string // "bevestiging.tmpl", "_layout.tmpl"
	source  string // where it was read, for error messages
	content string
}

func (f file) name() string  { return f.lang + "/" + f.base }
func (f file) kind() string  { return strings.TrimSuffix(f.base, ".tmpl") }
func (f file) partial() bool { return strings.HasPrefix(f.base, "_") }

// known reports whether a file name is a partial or the file of a known kind.
func known(base string) bool {
	return strings.HasPrefix(base, "_") || slices.Contains(Kinds(), strings.TrimSuffix(base, ".tmpl"))
}

// loadFiles reads the built-in files of lang and replaces them by name with the files of
// overrideDir/lang. The result is sorted by name, partials first.
func loadFiles(root fs.FS, overrideDir, lang string) ([]file, error) {
	byName := map[string]file{}
	entries, err := fs.ReadDir(root, lang)
	if err != nil {
		return nil, fmt.Errorf("render: read built-in templates %s: %w", lang, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		source := "templates/" + lang + "/" + e.Name() + " (built-in)"
		if !known(e.Name()) {
			return nil, fmt.Errorf("render: %s is not a known mail kind", source)
		}
		b, err := fs.ReadFile(root, lang+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("render: read %s: %w", source, err)
		}
		byName[e.Name()] = file{lang: lang, base: e.Name(), source: source, content: string(b)}
	}
	if overrideDir != "" {
		if err := loadOverrides(byName, overrideDir, lang); err != nil {
			return nil, err
		}
	}
	files := make([]file, 0, len(byName))
	for _, f := range byName {
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("render: no templates for language %s", lang)
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.base, b.base) })
	return files, nil
}

func loadOverrides(byName map[string]file, overrideDir, lang string) error {
	if st, err := os.Stat(overrideDir); err != nil {
		return fmt.Errorf("render: template folder: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("render: template folder %s is not a folder", overrideDir)
	}
	dir := filepath.Join(overrideDir, lang)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("render: read template folder: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if !known(e.Name()) {
			return fmt.Errorf("render: %s is not a known mail kind (known: %s)", path,
				strings.Join(Kinds(), ", "))
		}
		b, err := readSmall(path)
		if err != nil {
			return err
		}
		byName[e.Name()] = file{lang: lang, base: e.Name(), source: path, content: string(b)}
	}
	return nil
}

func readSmall(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("render: read %s: %w", path, err)
	}
	if st.Size() > maxTemplateSize {
		return nil, fmt.Errorf("render: %s is larger than %d bytes", path, maxTemplateSize)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("render: read %s: %w", path, err)
	}
	return b, nil
}

// textFuncs are the functions text templates may use besides the built-ins.
func textFuncs() texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"join":   join,
		"indent": indent,
		"lines":  func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") },
		"inc":    inc,
	}
}

// htmlFuncs are the same functions for HTML; lines escapes its text and breaks it with <br>.
func htmlFuncs() htmltemplate.FuncMap {
	return htmltemplate.FuncMap{
		"join":   join,
		"indent": indent,
		"lines":  htmlLines,
		"inc":    inc,
	}
}

// inc is i+1, for numbering from a range's index: {{range $i, $m := .Case.Missing}}{{inc $i}}.
func inc(i int) int { return i + 1 }

// join joins items with sep: {{join ", " .Case.Missing}}.
func join(sep string, items []string) string { return strings.Join(items, sep) }

// indent puts n spaces before every non-empty line of s.
func indent(n int, s string) string {
	n = max(0, min(n, 40))
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}
