package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/groeimeesters/klachtd/internal/clock"
)

// Waits of the keeper.
const (
	// retryTemporary is the pause after a temporary failure, doubling to retryMax.
	retryTemporary = 5 * time.Second
	retryMax       = 5 * time.Minute
	// watchRefused is how often the store is looked at while the grant is refused: a new
	// sign-in (`klachtd oauth2 login` in another process) is taken up within it.
	watchRefused = 5 * time.Second
)

// Run keeps the access token fresh until ctx is done: it renews it at three quarters of its
// life whether or not anyone asks, so that a refresh token is used at least that often (and
// at least every warn_before/2 even for long-lived access tokens) and never ages out while the
// daemon runs. While the server refuses the grant it watches the token store for a new
// sign-in. It returns nil when ctx is done; a panic becomes an error.
func (m *Manager) Run(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("oauth2 keeper: panic: %v\n%s", p, debug.Stack())
		}
	}()
	failures := 0
	for {
		_, terr := m.Token(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := m.untilRenewal()
		var re *RefusedError
		switch {
		case errors.As(terr, &re):
			failures = 0
			m.log.Error("oauth2: "+re.What, "mend", re.Mend, "code", re.Code)
			if !m.awaitCredentials(ctx) {
				return nil
			}
			continue
		case terr != nil:
			wait = min(retryTemporary<<min(failures, 10), retryMax)
			failures++
			m.log.Warn("oauth2: no token; will try again", "err", terr, "delay", wait)
		default:
			failures = 0
		}
		if !clock.Sleep(ctx, wait) {
			return nil
		}
	}
}

// untilRenewal is the time until the held token is due for renewal, and never longer than
// half of warn_before since the refresh token was last used.
func (m *Manager) untilRenewal() time.Duration {
	m.mu.Lock()
	s := m.st
	m.mu.Unlock()
	now := m.now()
	at := renewAt(s)
	if m.cfg.Grant == GrantRefreshToken && !s.RefreshUsed.IsZero() {
		if keep := s.RefreshUsed.Add(m.cfg.WarnBefore / 2); keep.Before(at) {
			at = keep
		}
	}
	if m.forcedSet() {
		return 0
	}
	return max(at.Sub(now), 100*time.Millisecond)
}

func (m *Manager) forcedSet() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.forced != "" && m.forced == m.st.AccessToken
}

// awaitCredentials waits, while the grant is refused, until the store holds other credentials
// (a new sign-in), a mail server asks for a token again after refusedPause, or ctx is done.
// It reports whether to go on.
func (m *Manager) awaitCredentials(ctx context.Context) bool {
	m.mu.Lock()
	before := m.st.RefreshToken
	m.mu.Unlock()
	since := m.now()
	for {
		if !clock.Sleep(ctx, watchRefused) {
			return false
		}
		s, err := loadStore(m.cfg.StorePath)
		if err == nil && s.RefreshToken != before && s.RefreshToken != "" {
			m.log.Info("oauth2: a new sign-in was found in the token store")
			m.clearRefusal()
			return true
		}
		if m.now().Sub(since) >= refusedPause {
			return true
		}
	}
}

// clearRefusal forgets a refusal, so that the next Token asks the server at once.
func (m *Manager) clearRefusal() {
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	unlock, err := lockStore(m.cfg.StorePath)
	if err != nil {
		return
	}
	defer unlock()
	s, err := loadStore(m.cfg.StorePath)
	if err != nil {
		return
	}
	s.Refused = ""
	_ = saveStore(m.cfg.StorePath, s)
	m.mu.Lock()
	m.refused = nil
	m.mu.Unlock()
}

// fingerprint identifies a credential without keeping it.
func fingerprint(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}
