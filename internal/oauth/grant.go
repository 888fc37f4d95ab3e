package oauth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/google"
	"golang.org/x/oauth2/jwt"
	"golang.org/x/oauth2/microsoft"

	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// endpoint is the provider's endpoint with the configured URLs over it.
func endpoint(cfg Config) oauth2.Endpoint {
	var e oauth2.Endpoint
	switch cfg.Provider {
	case ProviderMicrosoft:
		e = microsoft.AzureADEndpoint(cfg.Tenant)
	case ProviderGoogle:
		e = google.Endpoint
	}
	if cfg.TokenURL != "" {
		e.TokenURL = cfg.TokenURL
	}
	if cfg.DeviceURL != "" {
		e.DeviceAuthURL = cfg.DeviceURL
	}
	if cfg.AuthURL != "" {
		e.AuthURL = cfg.AuthURL
	}
	e.AuthStyle = oauth2.AuthStyleInParams // Microsoft and Google take the client in the body; so does a public client
	return e
}

// oauthConfig is the golang.org/x/oauth2 config of the refresh_token grant and of the sign-in.
func (m *Manager) oauthConfig() *oauth2.Config {
	return &oauth2.Config{
		ClientID: m.cfg.ClientID, ClientSecret: m.cfg.ClientSecret,
		Endpoint: m.endpoint, Scopes: m.cfg.Scopes,
	}
}

// jwtConfig is the service account's config: the key file's, acting for Subject, with the
// configured token URL over the key file's.
func jwtConfig(cfg Config) (*jwt.Config, error) {
	jc, err := google.JWTConfigFromJSON(cfg.Key, cfg.Scopes...)
	if err != nil {
		return nil, fmt.Errorf("service account key: %w", err)
	}
	jc.Subject = cfg.Subject
	if cfg.TokenURL != "" {
		jc.TokenURL = cfg.TokenURL
	}
	return jc, nil
}

// fetch asks the token server for a new access token with the grant; refreshToken is the one to
// use for the refresh_token grant.
func (m *Manager) fetch(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, m.http)
	switch m.cfg.Grant {
	case GrantClientCredentials:
		cc := clientcredentials.Config{
			ClientID: m.cfg.ClientID, ClientSecret: m.cfg.ClientSecret,
			TokenURL: m.endpoint.TokenURL, Scopes: m.cfg.Scopes, AuthStyle: oauth2.AuthStyleInParams,
		}
		return cc.Token(ctx)
	case GrantJWT:
		return m.jwt.TokenSource(ctx).Token()
	case GrantRefreshToken:
		if refreshToken == "" {
			return nil, ErrNotSignedIn
		}
		return m.oauthConfig().TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	}
	return nil, fmt.Errorf("unknown grant %q", m.cfg.Grant)
}

// httpClient is the client for the token server: a timeout, no redirects (a token endpoint
// that redirects is misconfigured or hostile), TLS 1.2 at least, and https only, but for
// loopback addresses.
func httpClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{
		Timeout:   timeout,
		Transport: httpsOnly{tr},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("the OAuth2 server redirected; klachtd does not follow redirects of a token endpoint")
		},
	}
}

// httpsOnly refuses a request that is not https, unless it goes to a loopback address.
type httpsOnly struct{ next http.RoundTripper }

func (h httpsOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if reason := EndpointProblem(r.URL.String()); reason != "" {
		return nil, errors.New(reason)
	}
	return h.next.RoundTrip(r)
}

// EndpointProblem says why an OAuth2 endpoint must not be used, or "": it must be https, or
// plain http to a loopback address (tests).
func EndpointProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute URL", raw)
	}
	if u.Scheme == "https" || u.Scheme == "http" && tlsclient.Loopback(u.Hostname()) {
		return ""
	}
	return fmt.Sprintf("OAuth2 endpoint %s must be https (plain http only on a loopback address)", u.Redacted())
}

// grantedScopes reads the scopes the server granted, when it said.
func grantedScopes(t *oauth2.Token) []string {
	s, _ := t.Extra("scope").(string)
	return strings.Fields(s)
}

// lifetime is the access token's expires_in (clientcredentials drops ExpiresIn; the raw
// answer still has it), or 0.
func lifetime(t *oauth2.Token) time.Duration {
	if t.ExpiresIn > 0 {
		return time.Duration(t.ExpiresIn) * time.Second
	}
	return seconds(t.Extra("expires_in"))
}

func seconds(v any) time.Duration {
	switch v := v.(type) {
	case float64:
		return time.Duration(v) * time.Second
	case string:
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil {
			return time.Duration(n) * time.Second
		}
	}
	return 0
}

// refreshLifetime reads refresh_token_expires_in (Google for time-limited access, some
// servers always), or 0.
func refreshLifetime(t *oauth2.Token) time.Duration {
	return seconds(t.Extra("refresh_token_expires_in"))
}
