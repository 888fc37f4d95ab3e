package cli

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"

	"github.com/coreos/go-systemd/v22/daemon"
	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/render"
)

func cmdRun(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: the collector works harder as the heap nears it, so a backlog or a
		// 25 MB mail does not leave the daemon holding memory it no longer uses.
		debug.SetMemoryLimit(48 << 20)
	}
	tokens, err := kd.NewTokens(c, e.configPath, e.log.With("component", "oauth2"))
	if err != nil {
		return &config.Error{Problems: []config.Problem{{Key: "oauth2", Reason: err.Error()}}}
	}
	// The templates load beside the intake's start (they take longer than logging in and
	// fetching the first mail); a broken one still stops the start, exit 2, before anything
	// is rendered.
	load := func() (*render.Renderer, error) {
		r, err := templates(c)
		if err == nil {
			// Parsing and checking every template leaves some 8 MB behind (render.Renderer
			// keeps only the sets in use); an idle daemon's heap would carry it until it
			// doubles, and the first large mail would come on top of it.
			go debug.FreeOSMemory()
		}
		return r, err
	}
	d, err := kd.New(kd.Options{Config: c, Store: st, Templates: load, Log: e.log, Tokens: tokens, ConfigPath: e.configPath,
		Executable: selfExecutable(),
		Notify:     func(state string) { _, _ = daemon.SdNotify(false, state) }})
	if err != nil {
		return err
	}
	return d.Run(ctx)
}

// templates loads the built-in templates with the configured overrides and renders each once,
// so that a broken override stops the start (exit 2, like a configuration error) instead of
// failing on the first complaint.
func templates(c *config.Config) (*render.Renderer, error) {
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err == nil {
		err = r.Check()
	}
	if err != nil {
		return nil, &config.Error{Problems: []config.Problem{{Key: "templates.dir", Reason: err.Error()}}}
	}
	return r, nil
}
