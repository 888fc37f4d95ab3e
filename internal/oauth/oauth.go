// Package oauth owns klachtd's OAuth2 tokens for IMAP and SMTP (README, docs/oauth2.md): it
// gets them with golang.org/x/oauth2 (client credentials, a refresh token from a one-time
// sign-in, or a service account's signed JWT), renews the access token at three quarters of its
// life and after a mail server refused it, keeps every refresh token the server hands out at
// once in the token store (atomically, 0600), and says plainly when the server refuses the
// grant and what mends it. It also holds the SASL mechanisms XOAUTH2 and OAUTHBEARER for
// go-imap and go-mail, and the sign-in flows of `klachtd oauth2 login`.
//
// It must never log or return a token or secret in an error; it knows no mail, no database and
// no configuration file.
package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"

	"github.com/groeimeesters/klachtd/internal/clock"
)

// Providers and grants, as in [oauth2].
const (
	ProviderMicrosoft = "microsoft"
	ProviderGoogle    = "google"
	ProviderCustom    = "custom"

	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantJWT               = "jwt"
)

// Config is the [oauth2] section with its secrets read, and how to name the remedies.
type Config struct {
	Provider     string
	Tenant       string
	Grant        string
	ClientID     string
	ClientSecret string
	Key          []byte // grant jwt: the service account's JSON key
	Subject      string // grant jwt: the mailbox acted for
	TokenURL     string // "" = the provider's
	DeviceURL    string
	AuthURL      string
	Scopes       []string
	StorePath    string
	WarnBefore   time.Duration
	// Location is the organisation's time zone, in which a sign-in tells people the time
	// (nil: UTC, never the machine's zone).
	Location *time.Location

	// LoginCommand, RestartCommand, SecretSource and KeySource name the remedies in messages:
	// "klachtd oauth2 login --config /etc/klachtd/config.toml", "systemctl restart klachtd",
	// the secret's file or variable, the key's file.
	LoginCommand   string
	RestartCommand string
	SecretSource   string
	KeySource      string
}

// Options are a Manager's dependencies; zero values mean the real ones.
type Options struct {
	Clock      clock.Clock
	Log        *slog.Logger
	HTTPClient *http.Client // default: 30 s timeout, no redirects, https or loopback only
}

// Token is an access token and when it stops working.
type Token struct {
	Access string
	Expiry time.Time
}

// Status is what the manager knows, for the daemon's alarms, `check` and `oauth2 status`.
type Status struct {
	Grant          string
	Last           Attempt // the last attempt to get a token
	Refused        *RefusedError
	Expiry         time.Time // of the access token held; zero when none
	Scopes         []string
	RefreshExpires time.Time // the refresh token's end, when the server said
	RefreshUsed    time.Time
	Fetched        uint64 // tokens this process got from the server
}

// Manager hands out access tokens and keeps them fresh. It is safe for concurrent use; the
// refreshes of several processes sharing one token store are serialised by a file lock.
type Manager struct {
	cfg      Config
	endpoint oauth2.Endpoint
	jwt      *jwt.Config
	http     *http.Client
	now      func() time.Time
	log      *slog.Logger

	refreshMu sync.Mutex // one refresh at a time in this process

	mu      sync.Mutex
	st      Stored // the store as last read or written
	forced  string // an access token a mail server refused: renew before handing it out again
	refused *RefusedError
	fetched uint64
	changed chan struct{} // closed and replaced at every change of Status
}

// New checks cfg and returns a manager; it does no I/O beyond reading nothing.
func New(cfg Config, o Options) (*Manager, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	m := &Manager{cfg: cfg, now: o.Clock.Now, log: o.Log, http: o.HTTPClient, changed: make(chan struct{})}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.http == nil {
		m.http = httpClient(30 * time.Second)
	}
	if cfg.StorePath == "" {
		return nil, errors.New("oauth2: no token store")
	}
	m.endpoint = endpoint(cfg)
	switch cfg.Grant {
	case GrantJWT:
		jc, err := jwtConfig(cfg)
		if err != nil {
			return nil, fmt.Errorf("oauth2: %w", err)
		}
		m.jwt = jc
		m.endpoint.TokenURL = jc.TokenURL
	case GrantClientCredentials, GrantRefreshToken:
	default:
		return nil, fmt.Errorf("oauth2: unknown grant %q", cfg.Grant)
	}
	if m.endpoint.TokenURL == "" {
		return nil, errors.New("oauth2: no token endpoint")
	}
	if p := EndpointProblem(m.endpoint.TokenURL); p != "" {
		return nil, errors.New("oauth2: " + p)
	}
	if m.cfg.WarnBefore <= 0 {
		m.cfg.WarnBefore = 14 * 24 * time.Hour
	}
	return m, nil
}

// Grant is the configured grant.
func (m *Manager) Grant() string { return m.cfg.Grant }

// Token returns an access token with more than a quarter of its life left, getting a new one
// when needed. An error is a *RefusedError (a person must act) or a *TemporaryError.
func (m *Manager) Token(ctx context.Context) (Token, error) {
	if t, ok := m.fresh(); ok {
		return t, nil
	}
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	if t, ok := m.fresh(); ok { // another goroutine renewed it meanwhile
		return t, nil
	}
	return m.renew(ctx)
}

// Refused tells the manager that a mail server refused access (a failed AUTHENTICATE, or a
// session ended by the server) while access was the token in use: the next Token renews it
// first, once, whatever its expiry says.
func (m *Manager) Refused(access string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if access != "" && access == m.st.AccessToken {
		m.forced = access
	}
}

// Status returns what the manager knows now.
func (m *Manager) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Status{
		Grant: m.cfg.Grant, Last: m.st.Last, Refused: m.refused, Scopes: m.st.Scopes,
		Expiry: m.st.Expiry, RefreshExpires: m.st.RefreshExpires, RefreshUsed: m.st.RefreshUsed,
		Fetched: m.fetched,
	}
}

// Changed is closed at the next change of Status.
func (m *Manager) Changed() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.changed
}

// fresh returns the held access token if it has more than a quarter of its life left and no
// mail server refused it.
func (m *Manager) fresh() (Token, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.st
	if s.AccessToken == "" || s.AccessToken == m.forced || !m.now().Before(renewAt(s)) {
		return Token{}, false
	}
	return Token{Access: s.AccessToken, Expiry: s.Expiry}, true
}

// renewAt is three quarters into the access token's life; a token without an expiry is
// taken to live an hour, as Microsoft's and Google's do.
func renewAt(s Stored) time.Time {
	expiry := s.Expiry
	if expiry.IsZero() {
		expiry = s.Issued.Add(time.Hour)
	}
	life := expiry.Sub(s.Issued)
	return s.Issued.Add(life * 3 / 4)
}

// renew gets a new access token under the store's lock: it first reads the store, so that a
// refresh token rotated by another process (or a new sign-in) is used, and an access token
// another process just got is taken over instead of asking again. Every answer of the server,
// good or bad, is written to the store before the token is handed out.
func (m *Manager) renew(ctx context.Context) (Token, error) {
	unlock, err := lockStore(m.cfg.StorePath)
	if err != nil {
		return Token{}, &TemporaryError{Err: err}
	}
	defer unlock()
	s, err := loadStore(m.cfg.StorePath)
	if err != nil {
		return Token{}, &TemporaryError{Err: err}
	}
	m.mu.Lock()
	forced := m.forced
	m.mu.Unlock()
	now := m.now()
	if s.Grant == m.cfg.Grant && s.AccessToken != "" && s.AccessToken != forced && now.Before(renewAt(s)) {
		m.adopt(s, nil)
		return Token{Access: s.AccessToken, Expiry: s.Expiry}, nil
	}
	if s.Grant != m.cfg.Grant {
		s = Stored{Grant: m.cfg.Grant} // a store of another grant: its tokens do not apply
	}
	if s.Refused != "" && s.Refused == credential(m.cfg, s) && now.Sub(s.Last.At) < refusedPause {
		// Refused a moment ago with these very credentials: do not ask again yet.
		e := m.refusedFrom(s)
		m.adopt(s, e)
		return Token{}, e
	}
	tok, ferr := m.fetch(ctx, s.RefreshToken)
	s.Last = Attempt{At: now}
	if ferr != nil {
		return Token{}, m.failed(s, ferr)
	}
	m.took(&s, tok, now)
	if err := saveStore(m.cfg.StorePath, s); err != nil {
		// The token works, but a rotated refresh token that is not kept would be lost with
		// the next restart: say so loudly, and use it meanwhile.
		m.log.Error("oauth2: the new token could not be kept in the token store; a restart now would need a new sign-in", "path", m.cfg.StorePath, "err", err)
	}
	m.mu.Lock()
	m.fetched++
	m.mu.Unlock()
	m.adopt(s, nil)
	m.log.Info("oauth2 token renewed", "grant", m.cfg.Grant, "expires", s.Expiry.Format(time.RFC3339))
	return Token{Access: s.AccessToken, Expiry: s.Expiry}, nil
}

// refusedPause is how long a refused grant is not tried again with the same credentials.
const refusedPause = 5 * time.Minute

// credential is what the server refused, to tell whether it has changed since: the refresh
// token, or the client id with the grant.
func credential(cfg Config, s Stored) string {
	if cfg.Grant == GrantRefreshToken {
		return fingerprint(s.RefreshToken)
	}
	return fingerprint(cfg.Grant + "\x00" + cfg.ClientID + "\x00" + cfg.ClientSecret + "\x00" + string(cfg.Key))
}

// took records a token the server handed out.
func (m *Manager) took(s *Stored, tok *oauth2.Token, now time.Time) {
	s.Grant, s.ClientID = m.cfg.Grant, m.cfg.ClientID
	s.AccessToken, s.TokenType, s.Issued = tok.AccessToken, tok.TokenType, now
	s.Expiry = time.Time{}
	if d := lifetime(tok); d > 0 {
		s.Expiry = now.Add(d) // on our clock, not x/oauth2's
	} else if !tok.Expiry.IsZero() {
		s.Expiry = tok.Expiry
	}
	if sc := grantedScopes(tok); len(sc) > 0 {
		s.Scopes = sc
	} else if len(s.Scopes) == 0 {
		s.Scopes = m.cfg.Scopes
	}
	if m.cfg.Grant == GrantRefreshToken {
		if tok.RefreshToken != "" && tok.RefreshToken != s.RefreshToken {
			s.RefreshToken, s.RefreshIssued = tok.RefreshToken, now
		}
		s.RefreshUsed = now
		if d := refreshLifetime(tok); d > 0 {
			s.RefreshExpires = now.Add(d)
		}
	}
	s.Last = Attempt{At: now, OK: true}
	s.Refused = ""
}

// failed records a failed attempt in the store and returns the classified error.
func (m *Manager) failed(s Stored, ferr error) error {
	var err error
	if errors.Is(ferr, ErrNotSignedIn) {
		err = m.refusal("", "")
	} else {
		err = m.classify(ferr)
	}
	var re *RefusedError
	if errors.As(err, &re) {
		s.Last.Refused, s.Last.Error = true, re.What
		s.Refused = credential(m.cfg, s)
		s.AccessToken, s.Expiry = "", time.Time{}
	} else {
		s.Last.Error = err.Error()
	}
	if serr := saveStore(m.cfg.StorePath, s); serr != nil {
		m.log.Warn("oauth2: the token store could not be written", "path", m.cfg.StorePath, "err", serr)
	}
	m.adopt(s, re)
	return err
}

// refusedFrom rebuilds the RefusedError of a refusal recorded in the store.
func (m *Manager) refusedFrom(s Stored) *RefusedError {
	m.mu.Lock()
	e := m.refused
	m.mu.Unlock()
	if e != nil {
		return e
	}
	if m.cfg.Grant == GrantRefreshToken && s.RefreshToken == "" {
		return m.refusal("", "")
	}
	e = m.refusal("refused", "")
	e.What = s.Last.Error
	return e
}

// adopt makes s the manager's state and tells the watchers.
func (m *Manager) adopt(s Stored, refused *RefusedError) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s.AccessToken != m.forced {
		m.forced = ""
	}
	m.st, m.refused = s, refused
	close(m.changed)
	m.changed = make(chan struct{})
}
