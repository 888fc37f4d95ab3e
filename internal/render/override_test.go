package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeOverride writes files (relative path → content) into a fresh override folder.
func writeOverride(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOverrideReplacesOneTemplate(t *testing.T) {
	dir := writeOverride(t, map[string]string{
		"nl/bevestiging.tmpl": `{{define "subject"}}Wij hebben uw klacht{{end}}
{{define "text"}}{{template "greeting" .}} Eigen tekst voor {{.Case.ID}}.{{end}}
{{define "html"}}<p>Eigen tekst voor {{.Case.Name}}</p>{{end}}`,
		"nl/README.md": "not a template, ignored",
	})
	r := newTest(t, dir)
	m, err := r.Render("bevestiging", "nl", SampleData())
	if err != nil {
		t.Fatal(err)
	}
	want := Mail{Subject: "Wij hebben uw klacht", Text: "Beste Jan de Vries, Eigen tekst voor KL-2026-0007.\n",
		HTML: "<p>Eigen tekst voor Jan de Vries</p>\n"}
	if m != want {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
	// The other language and the other kinds stay built-in.
	if m, _ := r.Render("bevestiging", "en", SampleData()); m.Subject != "Confirmation of your complaint" {
		t.Errorf("en bevestiging: got subject %q, want the built-in one", m.Subject)
	}
	if m, _ := r.Render("status", "nl", SampleData()); m.Subject != "Uw klacht: stand van zaken" {
		t.Errorf("nl status: got subject %q, want the built-in one", m.Subject)
	}
	if err := r.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestOverridePartial(t *testing.T) {
	dir := writeOverride(t, map[string]string{
		"en/_layout.tmpl": strings.Replace(mustRead(t, "../../templates/en/_layout.tmpl"),
			`Dear {{.}},`, `Hi {{.}},`, 1),
	})
	r := newTest(t, dir)
	m, err := r.Render("status", "en", SampleData())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Text, "Hi Jan de Vries,\n") {
		t.Errorf("partial not replaced:\n%s", m.Text)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOverrideErrorsNameTheFile(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantFile string
		wantMsg  string
	}{
		{"parse error", map[string]string{"nl/status.tmpl": `{{define "subject"}}Stand{{end}}{{define "text"}}{{if .Case.ID}}{{end}}{{define "html"}}x{{end}}`},
			"nl/status.tmpl", "parse"},
		{"missing block", map[string]string{"en/verlenging.tmpl": `{{define "subject"}}Extension{{end}}{{define "text"}}x{{end}}`},
			"en/verlenging.tmpl", `"html"`},
		{"unknown kind", map[string]string{"nl/bevestigng.tmpl": `{{define "subject"}}x{{end}}`},
			"nl/bevestigng.tmpl", "not a known mail kind"},
		{"broken partial", map[string]string{"nl/_extra.tmpl": `{{define "x"}}{{.Case.ID}`},
			"nl/_extra.tmpl", "parse"},
		{"undefined partial", map[string]string{"nl/afgehandeld.tmpl": `{{define "subject"}}x{{end}}{{define "text"}}{{if .Case.ID}}{{template "groet" .}}{{end}}{{end}}{{define "html"}}x{{end}}`},
			"nl/afgehandeld.tmpl", `"groet"`},
		{"unknown function", map[string]string{"en/status.tmpl": `{{define "subject"}}{{upper .Case.ID}}{{end}}`},
			"en/status.tmpl", "upper"},
	}
	for _, tt := range tests {
		dir := writeOverride(t, tt.files)
		_, err := New(os.DirFS("../../templates"), dir)
		if err == nil {
			t.Errorf("%s: New succeeded, want an error", tt.name)
			continue
		}
		want := filepath.Join(dir, filepath.FromSlash(tt.wantFile))
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.wantMsg) {
			t.Errorf("%s: got %q, want it to name %s and say %s", tt.name, err, want, tt.wantMsg)
		}
	}
}

func TestOverrideFolderMissing(t *testing.T) {
	_, err := New(os.DirFS("../../templates"), filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("got %v, want an error naming the folder", err)
	}
}

func TestBuiltinKindMissing(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range Languages() {
		if err := os.MkdirAll(filepath.Join(dir, lang), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err := os.WriteFile(filepath.Join(dir, "nl", "status.tmpl"),
		[]byte(`{{define "subject"}}x{{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(os.DirFS(dir), "")
	if err == nil || !strings.Contains(err.Error(), "nl/bevestiging.tmpl is missing") {
		t.Errorf("got %v, want the missing kind named", err)
	}
}

func TestCheckNamesFailingOverride(t *testing.T) {
	dir := writeOverride(t, map[string]string{
		"en/afgehandeld.tmpl": `{{define "subject"}}Closed{{end}}{{define "text"}}{{.Case.NoSuchField}}{{end}}{{define "html"}}x{{end}}`,
		"nl/status.tmpl":      `{{define "subject"}}Stand{{end}}{{define "text"}}x{{end}}{{define "html"}}<a href="{{.Case.ID}}>{{end}}`,
	})
	r := newTest(t, dir) // parses: both fail only when rendered
	err := r.Check()
	if err == nil {
		t.Fatal("Check succeeded, want errors")
	}
	for _, f := range []string{"en/afgehandeld.tmpl", "nl/status.tmpl"} {
		if !strings.Contains(err.Error(), filepath.Join(dir, filepath.FromSlash(f))) {
			t.Errorf("Check error does not name %s:\n%v", f, err)
		}
	}
}
