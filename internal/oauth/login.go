package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/oauth2"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// ErrNoRefreshToken is a sign-in that ended without a refresh token, so that klachtd could not
// renew its access on its own.
var ErrNoRefreshToken = errors.New("the OAuth2 server handed out no refresh token (Microsoft: the scopes need offline_access; Google: the client must be a Desktop app)")

// LoginDevice signs a person in with the device authorization grant (RFC 8628): it prints the
// address to open and the code to type, waits until the person has signed in (or the code
// expires, or ctx ends) and keeps the refresh token in the token store.
func (m *Manager) LoginDevice(ctx context.Context, w io.Writer) error {
	if err := m.canLogin(m.endpoint.DeviceAuthURL, "device_url"); err != nil {
		return err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, m.http)
	conf := m.oauthConfig()
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return fmt.Errorf("start the sign-in at %s: %w", m.endpoint.DeviceAuthURL, m.loginError(err))
	}
	fmt.Fprintf(w, "To sign in klachtd, open %s in a browser and enter the code %s\n", clean(da.VerificationURI), clean(da.UserCode))
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(w, "(or open %s)\n", clean(da.VerificationURIComplete))
	}
	fmt.Fprintf(w, "Sign in as the mailbox's account. Waiting")
	if !da.Expiry.IsZero() {
		fmt.Fprintf(w, " until %s", complaint.FormatStamp(da.Expiry, m.cfg.Location))
	}
	fmt.Fprintln(w, " …")
	tok, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		return fmt.Errorf("sign-in: %w", m.loginError(err))
	}
	return m.keepLogin(tok)
}

// LoginBrowser signs a person in with the authorization code grant and PKCE, redirected to a
// listener on listen (127.0.0.1:PORT): it prints the address to open, waits for the browser to
// come back with the code (or ctx to end) and keeps the refresh token. On a headless server the
// person forwards the port first: ssh -L PORT:127.0.0.1:PORT server.
func (m *Manager) LoginBrowser(ctx context.Context, w io.Writer, listen string) error {
	if err := m.canLogin(m.endpoint.AuthURL, "auth_url"); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil || !tlsclient.Loopback(host) {
		return fmt.Errorf("the sign-in listens on a loopback address only, such as 127.0.0.1:8085, not %q", listen)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen for the sign-in: %w", err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	conf := m.oauthConfig()
	conf.RedirectURL = "http://127.0.0.1:" + strconv.Itoa(port) + "/"
	state, verifier := randomString(), oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.ApprovalForce, oauth2.S256ChallengeOption(verifier))
	fmt.Fprintf(w, "To sign in klachtd, open this address in a browser on this machine (or, on a server, after ssh -L %d:127.0.0.1:%d this-server):\n\n  %s\n\nSign in as the mailbox's account. Waiting …\n", port, port, authURL)

	codes := make(chan string, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: callback(state, codes)}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	var code string
	select {
	case <-ctx.Done():
		return ctx.Err()
	case code = <-codes:
	}
	if code == "" {
		return errors.New("sign-in refused or cancelled in the browser")
	}
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, m.http), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return fmt.Errorf("sign-in: %w", m.loginError(err))
	}
	return m.keepLogin(tok)
}

// callback handles the browser's return: the code when the state matches, "" for an error.
func callback(state string, codes chan<- string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			http.Error(w, "This is not the sign-in klachtd started.", http.StatusBadRequest)
			return
		}
		code := q.Get("code")
		msg := "klachtd is signed in. You can close this window."
		if code == "" {
			msg = "The sign-in did not succeed: " + clean(q.Get("error")) + " " + clean(q.Get("error_description"))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>klachtd</title><p>%s</p>", html.EscapeString(msg))
		select {
		case codes <- code:
		default:
		}
	})
}

func (m *Manager) canLogin(url, key string) error {
	if m.cfg.Grant != GrantRefreshToken {
		return fmt.Errorf("oauth2.grant is %q: signing in is only for grant \"refresh_token\"; this grant needs no person", m.cfg.Grant)
	}
	if url == "" {
		return fmt.Errorf("no sign-in endpoint: set oauth2.%s", key)
	}
	if p := EndpointProblem(url); p != "" {
		return errors.New(p)
	}
	return nil
}

// loginError says what a failed sign-in step means, without the server's raw body.
func (m *Manager) loginError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		return fmt.Errorf("the OAuth2 server refused: %s %s", clean(re.ErrorCode), clean(re.ErrorDescription))
	}
	return err
}

// keepLogin writes a sign-in's tokens to the store, replacing whatever was there.
func (m *Manager) keepLogin(tok *oauth2.Token) error {
	if tok.RefreshToken == "" {
		return ErrNoRefreshToken
	}
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	unlock, err := lockStore(m.cfg.StorePath)
	if err != nil {
		return err
	}
	defer unlock()
	s := Stored{Grant: m.cfg.Grant}
	now := m.now()
	m.took(&s, tok, now)
	if err := saveStore(m.cfg.StorePath, s); err != nil {
		return fmt.Errorf("keep the sign-in: %w", err)
	}
	m.adopt(s, nil)
	return nil
}

func randomString() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
