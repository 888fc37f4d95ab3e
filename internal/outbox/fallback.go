package outbox

import (
	"context"
	"errors"
	"fmt"
)

// Fallback is a second route for the mails that must reach staff even when the account of the
// main route cannot send (its OAuth2 grant refused, its server down): the alarms about the
// mailbox itself. For such a row the sender tries the main route, then this one, and keeps the
// row queued, past RetryFor, until one of them takes it.
type Fallback struct {
	Config Config
	From   string // the sender on this route; "" = the row's From
	// For reports whether a row is one of those mails; nil means none is.
	For func(r *Row) bool
}

// SetFallback gives the sender a second route; call it before Run.
func (s *Sender) SetFallback(f Fallback) error {
	cfg, err := f.Config.normalized()
	if err != nil {
		return fmt.Errorf("fallback route: %w", err)
	}
	f.Config = cfg
	s.fallback = &f
	return nil
}

// urgent reports whether r may go by the fallback route and is kept until it is sent.
func (s *Sender) urgent(r *Row) bool {
	return s.fallback != nil && s.fallback.For != nil && s.fallback.For(r)
}

// sendFallback delivers r over the fallback route on a connection of its own, after the main
// route failed with mainErr.
func (s *Sender) sendFallback(ctx context.Context, r *Row, mainErr error) error {
	if s.fallback.From != "" {
		cp := *r
		cp.From.Email = s.fallback.From
		r = &cp
	}
	msg, err := Build(r)
	if err != nil {
		return fmt.Errorf("build row %d: %w", r.ID, err)
	}
	cfg := s.fallback.Config
	c, err := dial(ctx, cfg)
	if err == nil {
		stop := context.AfterFunc(ctx, c.abort)
		err = c.transact(r.From.Email, recipients(r), msg, cfg.Timeout)
		stop()
		if err == nil {
			s.accepted(r)
			_ = c.client.Quit()
		}
		c.abort()
	}
	if err != nil {
		return errors.Join(mainErr, fmt.Errorf("fallback route %s: %w", cfg.Host, err))
	}
	s.log.Warn("mail sent by the fallback route; the main route failed", "case_id", r.CaseID, "row_id", r.ID,
		"template", r.Template, "route", cfg.Host, "reason", logReason(mainErr))
	return nil
}
