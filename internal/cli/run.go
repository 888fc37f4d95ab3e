package cli

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"

	"github.com/coreos/go-systemd/v22/daemon"
	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
)

func cmdCheck(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, err := e.loadConfig()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "config %s: ok\n", e.configPath)
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err != nil {
		return failf("templates: %v", err)
	}
	if err := r.Check(); err != nil {
		return failf("templates: %v", err)
	}
	fmt.Fprintf(e.stdout, "templates: ok (%d kinds in nl and en)\n", len(render.Kinds()))
	if e.offline {
		return nil
	}
	tokens, err := kd.NewTokens(c, e.configPath, e.log)
	if err != nil {
		return failf("%v", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 2*c.IMAP.Timeout+30*time.Second)
	defer cancel()
	if tokens != nil {
		if err := checkTokens(cctx, e.stdout, c, tokens); err != nil {
			return err
		}
	}
	caps, err := intake.Check(cctx, kd.IntakeConfigWith(c, tokens))
	if err != nil {
		return failf("IMAP %s:%d: %v", c.IMAP.Host, c.IMAP.Port, err)
	}
	fmt.Fprintf(e.stdout, "imap %s:%d: logged in; %s has %d messages (UIDVALIDITY %d); IDLE %s, MOVE %s, UIDPLUS %s; folder %q %s\n",
		c.IMAP.Host, c.IMAP.Port, c.IMAP.Mailbox, caps.Messages, caps.UIDValidity, yes(caps.IDLE), yes(caps.MOVE), yes(caps.UIDPLUS),
		c.IMAP.Processed, map[bool]string{true: "exists", false: "does not exist yet (it will be created)"}[caps.ProcessedExists])
	if err := outbox.Check(cctx, kd.SenderConfigWith(c, tokens)); err != nil {
		return failf("SMTP %s:%d: %v", c.SMTP.Host, c.SMTP.Port, err)
	}
	fmt.Fprintf(e.stdout, "smtp %s:%d: logged in\n", c.SMTP.Host, c.SMTP.Port)
	return nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func cmdRun(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := templates(c)
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: the collector works harder as the heap nears it, so a backlog or a
		// 25 MB mail does not leave the daemon holding memory it no longer uses.
		debug.SetMemoryLimit(48 << 20)
	}
	tokens, err := kd.NewTokens(c, e.configPath, e.log.With("component", "oauth2"))
	if err != nil {
		return &config.Error{Problems: []config.Problem{{Key: "oauth2", Reason: err.Error()}}}
	}
	d, err := kd.New(kd.Options{Config: c, Store: st, Renderer: r, Log: e.log, Tokens: tokens, ConfigPath: e.configPath,
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
