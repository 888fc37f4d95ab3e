package oauth

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

func newServer(t *testing.T) *mailtest.OAuthServer {
	srv := mailtest.StartOAuthServer(t, time.Hour)
	srv.AddClient("app", "app-secret")
	srv.AddClient("desktop", "")
	srv.GrantMailbox("app", "info@example.nl")
	return srv
}

func newManager(t *testing.T, srv *mailtest.OAuthServer, grant, store string, clock *mailtest.Clock) *Manager {
	t.Helper()
	cfg := Config{
		Provider: ProviderCustom, Grant: grant, ClientID: "app", ClientSecret: "app-secret",
		TokenURL: srv.URL() + "/token", DeviceURL: srv.URL() + "/device", AuthURL: srv.URL() + "/authorize",
		Scopes: []string{"mail"}, StorePath: store, LoginCommand: "klachtd oauth2 login --config /etc/klachtd/config.toml",
		RestartCommand: "systemctl restart klachtd", SecretSource: "/run/credentials/klachtd.service/oauth2-secret",
	}
	if grant == GrantRefreshToken {
		cfg.ClientID, cfg.ClientSecret = "desktop", ""
	}
	var o Options
	if clock != nil {
		o.Clock = clock
	}
	m, err := New(cfg, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

func storePath(t *testing.T) string { return filepath.Join(t.TempDir(), "klachtd.db.oauth2.json") }

// signIn writes a refresh token into the store as `klachtd oauth2 login` would.
func signIn(t *testing.T, srv *mailtest.OAuthServer, store string) string {
	t.Helper()
	rt := srv.IssueRefresh("info@example.nl", "desktop", "mail")
	if err := saveStore(store, Stored{Grant: GrantRefreshToken, RefreshToken: rt}); err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestClientCredentialsRenewedAtThreeQuarters(t *testing.T) {
	srv := newServer(t)
	clock := mailtest.NewClock(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	store := storePath(t)
	m := newManager(t, srv, GrantClientCredentials, store, clock)
	ctx := context.Background()
	first, err := m.Token(ctx)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if err := srv.Verify("info@example.nl", first.Access); err != nil {
		t.Errorf("token not valid for the mailbox: %v", err)
	}
	if want := clock.Now().Add(time.Hour); !first.Expiry.Equal(want) {
		t.Errorf("expiry %v, want %v", first.Expiry, want)
	}
	clock.Advance(44 * time.Minute)
	if again, _ := m.Token(ctx); again.Access != first.Access {
		t.Error("renewed before three quarters of its life")
	}
	clock.Advance(time.Minute + time.Second)
	renewed, err := m.Token(ctx)
	if err != nil || renewed.Access == first.Access {
		t.Errorf("not renewed after three quarters of its life (err %v)", err)
	}
	if got := srv.Counts().Issued; got != 2 {
		t.Errorf("server issued %d tokens, want 2", got)
	}
	fi, err := os.Stat(store)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("token store mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	st := m.Status()
	if !st.Last.OK || len(st.Scopes) != 1 || st.Scopes[0] != "mail" {
		t.Errorf("status %+v, want a good last refresh with scope mail", st)
	}
}

func TestRefusedByMailServerRenewsOnce(t *testing.T) {
	srv := newServer(t)
	m := newManager(t, srv, GrantClientCredentials, storePath(t), nil)
	ctx := context.Background()
	first, _ := m.Token(ctx)
	m.Refused("another token")
	if again, _ := m.Token(ctx); again.Access != first.Access {
		t.Fatal("renewed after another token was refused")
	}
	m.Refused(first.Access)
	second, err := m.Token(ctx)
	if err != nil || second.Access == first.Access {
		t.Fatalf("not renewed after a refusal (err %v)", err)
	}
	if third, _ := m.Token(ctx); third.Access != second.Access {
		t.Error("renewed twice after one refusal")
	}
}

func TestRefreshTokenRotationKeptAcrossProcesses(t *testing.T) {
	srv := newServer(t)
	store := storePath(t)
	old := signIn(t, srv, store)
	a := newManager(t, srv, GrantRefreshToken, store, nil)
	if _, err := a.Token(context.Background()); err != nil {
		t.Fatalf("Token: %v", err)
	}
	s, err := ReadStore(store)
	if err != nil {
		t.Fatal(err)
	}
	if s.RefreshToken == old || s.RefreshToken == "" {
		t.Fatalf("rotated refresh token not kept in the store")
	}
	if !srv.Retired(old) {
		t.Error("the server did not retire the old refresh token")
	}
	// Two processes (the daemon and `klachtd check`) take turns: each must use the newest
	// refresh token, never one the other already spent.
	b := newManager(t, srv, GrantRefreshToken, store, nil)
	for i := range 6 {
		m := a
		if i%2 == 1 {
			m = b
		}
		m.mu.Lock()
		m.forced = m.st.AccessToken
		m.mu.Unlock()
		if m.st.AccessToken == "" {
			m.mu.Lock()
			m.st.Issued = time.Now().Add(-2 * time.Hour)
			m.mu.Unlock()
		}
		if _, err := m.Token(context.Background()); err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
		// Make the store's access token stale so that the next process must refresh.
		s, _ := ReadStore(store)
		s.Issued = s.Issued.Add(-2 * time.Hour)
		s.Expiry = s.Expiry.Add(-2 * time.Hour)
		_ = saveStore(store, s)
	}
	if c := srv.Counts(); c.Refused != 0 || c.Rotations < 6 {
		t.Errorf("server counts %+v: want ≥6 rotations and no refusal", c)
	}
}

func TestRevokedRefreshTokenTold(t *testing.T) {
	srv := newServer(t)
	store := storePath(t)
	signIn(t, srv, store)
	m := newManager(t, srv, GrantRefreshToken, store, nil)
	ctx := context.Background()
	if _, err := m.Token(ctx); err != nil {
		t.Fatal(err)
	}
	srv.RevokeUser("info@example.nl")
	s, _ := ReadStore(store)
	s.Issued, s.Expiry = s.Issued.Add(-2*time.Hour), s.Expiry.Add(-2*time.Hour)
	_ = saveStore(store, s)
	m.mu.Lock()
	m.st = s
	m.mu.Unlock()
	_, err := m.Token(ctx)
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("Token after revocation: %v, want a RefusedError", err)
	}
	if re.Code != "invalid_grant" || !strings.Contains(re.What, "AADSTS700082") || !strings.Contains(re.Mend, "klachtd oauth2 login --config /etc/klachtd/config.toml") {
		t.Errorf("refusal %+v: want invalid_grant, AADSTS700082 and the login command", re)
	}
	refused := srv.Counts().Refused
	if _, err := m.Token(ctx); !errors.As(err, &re) {
		t.Errorf("second Token: %v, want the refusal again", err)
	}
	if got := srv.Counts().Refused; got != refused {
		t.Errorf("asked the server again at once with the refused token (%d refusals, want %d)", got, refused)
	}
	if st := m.Status(); st.Refused == nil || !st.Last.Refused {
		t.Errorf("status %+v does not show the refusal", st)
	}
	if s, _ := ReadStore(store); !s.Last.Refused || s.AccessToken != "" {
		t.Errorf("store %+v does not record the refusal", s.Last)
	}
}

func TestClientSecretRefused(t *testing.T) {
	srv := newServer(t)
	m := newManager(t, srv, GrantClientCredentials, storePath(t), nil)
	srv.RemoveClient("app")
	_, err := m.Token(context.Background())
	var re *RefusedError
	if !errors.As(err, &re) || re.Code != "invalid_client" || !strings.Contains(re.Mend, "/run/credentials/klachtd.service/oauth2-secret") || !strings.Contains(re.Mend, "systemctl restart klachtd") {
		t.Fatalf("Token with a deleted secret: %v, want invalid_client naming the secret's file and the restart", err)
	}
}

func TestTemporaryFailure(t *testing.T) {
	srv := newServer(t)
	m := newManager(t, srv, GrantClientCredentials, storePath(t), nil)
	srv.FailNext(1)
	_, err := m.Token(context.Background())
	var te *TemporaryError
	if !errors.As(err, &te) {
		t.Fatalf("Token on a 503: %v, want a TemporaryError", err)
	}
	if _, err := m.Token(context.Background()); err != nil {
		t.Errorf("Token after the outage: %v", err)
	}
}

func TestNotSignedIn(t *testing.T) {
	srv := newServer(t)
	m := newManager(t, srv, GrantRefreshToken, storePath(t), nil)
	_, err := m.Token(context.Background())
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.What, "nobody has signed in") || !strings.Contains(re.Mend, "klachtd oauth2 login") {
		t.Fatalf("Token without a sign-in: %v", err)
	}
}

func TestServiceAccountJWT(t *testing.T) {
	srv := newServer(t)
	key := srv.ServiceAccount(t, "klachtd@project.iam.gserviceaccount.com")
	m, err := New(Config{Provider: ProviderGoogle, Grant: GrantJWT, Key: key, Subject: "info@example.nl",
		Scopes: []string{"https://mail.google.com/"}, StorePath: storePath(t)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if err := srv.Verify("info@example.nl", tok.Access); err != nil {
		t.Errorf("the token does not act for the subject: %v", err)
	}
}

func TestEndpointMustBeHTTPS(t *testing.T) {
	_, err := New(Config{Provider: ProviderCustom, Grant: GrantClientCredentials, TokenURL: "http://login.example.com/token", StorePath: "x"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "must be https") {
		t.Errorf("New with plain http to another host: %v, want a refusal", err)
	}
	if p := EndpointProblem("http://127.0.0.1:8080/token"); p != "" {
		t.Errorf("loopback http refused: %s", p)
	}
}

func TestLoginDevice(t *testing.T) {
	srv := newServer(t)
	srv.Approve("info@example.nl")
	store := storePath(t)
	m := newManager(t, srv, GrantRefreshToken, store, nil)
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := m.LoginDevice(ctx, &out); err != nil {
		t.Fatalf("LoginDevice: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), srv.URL()+"/device-login") || !regexp.MustCompile(`enter the code [0-9A-F]{8}`).MatchString(out.String()) {
		t.Errorf("output does not give the address and the code:\n%s", out.String())
	}
	s, err := ReadStore(store)
	if err != nil || s.RefreshToken == "" || !s.Last.OK {
		t.Fatalf("store after the sign-in: %+v, %v", s, err)
	}
	tok, err := m.Token(ctx)
	if err != nil || srv.Verify("info@example.nl", tok.Access) != nil {
		t.Errorf("no working token after the sign-in: %v", err)
	}
}

func TestLoginBrowser(t *testing.T) {
	srv := newServer(t)
	srv.Approve("info@example.nl")
	store := storePath(t)
	m := newManager(t, srv, GrantRefreshToken, store, nil)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() { done <- m.LoginBrowser(ctx, pw, "127.0.0.1:0"); pw.Close() }()
	var authURL string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, srv.URL()) {
			authURL = line
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	u, err := url.Parse(authURL)
	if err != nil || u.Query().Get("code_challenge") == "" || u.Query().Get("code_challenge_method") != "S256" {
		t.Fatalf("authorization URL %q has no PKCE challenge", authURL)
	}
	resp, err := http.Get(authURL) // the person's browser: approves, is sent back to 127.0.0.1
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatalf("LoginBrowser: %v", err)
	}
	if s, _ := ReadStore(store); s.RefreshToken == "" {
		t.Error("no refresh token kept")
	}
}

func TestLoginRefusesListenerBeyondLoopback(t *testing.T) {
	srv := newServer(t)
	m := newManager(t, srv, GrantRefreshToken, storePath(t), nil)
	if err := m.LoginBrowser(context.Background(), io.Discard, "0.0.0.0:8085"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("LoginBrowser on 0.0.0.0: %v, want a refusal", err)
	}
}
