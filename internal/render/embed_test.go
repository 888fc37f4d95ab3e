package render_test

import (
	"testing"

	"github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/render"
)

// The embedded tree, with its leading "templates" folder, is what the daemon passes.
func TestEmbeddedTemplates(t *testing.T) {
	r, err := render.New(klachtd.Templates, "")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := r.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	m, err := r.Render("bevestiging", "nl", render.SampleData())
	if err != nil || m.Subject != "Bevestiging van uw klacht" {
		t.Errorf("got %q, %v", m.Subject, err)
	}
}

func TestNewWithoutTemplates(t *testing.T) {
	if _, err := render.New(nil, ""); err == nil {
		t.Error("New(nil) succeeded, want an error")
	}
}
