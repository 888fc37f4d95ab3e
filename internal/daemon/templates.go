package daemon

import (
	"context"
	"errors"
	"sync"

	"github.com/groeimeesters/klachtd/internal/render"
)

// The templates are parsed and each rendered once at start (so that a broken override stops
// the start, exit 2): about 60 ms, more than logging in to IMAP and fetching the first mail
// take. With Options.Templates, Run does it beside the intake's start: the first FETCH does not
// wait for it, only the first mail rendered does (compose, through renderer).

// errTemplates is what a render gets when the templates failed to load: Run stops with their
// error, and nothing is rendered or quarantined for it meanwhile.
var errTemplates = errors.New("templates not loaded")

// templateLoad is the daemon's templates, loaded at New or by Run.
type templateLoad struct {
	load   func() (*render.Renderer, error) // nil: given at New
	ready  chan struct{}                    // closed once Daemon.render is set
	failed chan struct{}                    // closed when load failed
	once   sync.Once
}

func newTemplateLoad(r *render.Renderer, load func() (*render.Renderer, error)) *templateLoad {
	t := &templateLoad{ready: make(chan struct{}), failed: make(chan struct{})}
	if r != nil {
		close(t.ready)
	} else {
		t.load = load
	}
	return t
}

// loadTemplates loads the templates once. On failure it first stops the run (cancel), so that
// the intake, whose handler may be waiting to render, sees the daemon stopping rather than a
// mail that cannot be processed, then releases those waiting with errTemplates.
func (d *Daemon) loadTemplates(cancel context.CancelFunc) error {
	var err error
	d.tmpl.once.Do(func() {
		var r *render.Renderer
		if r, err = d.tmpl.load(); err != nil {
			cancel()
			close(d.tmpl.failed)
			return
		}
		d.render = r
		close(d.tmpl.ready)
	})
	return err
}

// renderer waits for the templates and returns them.
func (d *Daemon) renderer() (*render.Renderer, error) {
	select {
	case <-d.tmpl.ready:
		return d.render, nil
	case <-d.tmpl.failed:
		return nil, errTemplates
	}
}
