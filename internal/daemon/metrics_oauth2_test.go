package daemon

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/oauth"
)

// TestMetricsOAuth2Token: with an OAuth2 token manager the daemon serves when its access
// token expires, and whether the provider refuses the grant; without one, no OAuth2 metric.
func TestMetricsOAuth2Token(t *testing.T) {
	srv := mailtest.StartOAuthServer(t, time.Hour)
	srv.AddClient("app", "app-secret")
	srv.GrantMailbox("app", "info@example.nl")
	clock := mailtest.NewClock(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	tokens, err := oauth.New(oauth.Config{Provider: oauth.ProviderCustom, Grant: oauth.GrantClientCredentials,
		ClientID: "app", ClientSecret: "app-secret", TokenURL: srv.URL() + "/token", Scopes: []string{"mail"},
		StorePath: filepath.Join(t.TempDir(), "klachtd.db.oauth2.json")}, oauth.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := newDaemonWith(t, Options{Config: cfg, Clock: clock, Tokens: tokens, Log: slog.New(slog.DiscardHandler)})
	h := httptest.NewServer(d.metrics.Handler())
	defer h.Close()
	const expiry, refused = "klachtd_oauth2_access_token_expiry_timestamp_seconds", "klachtd_oauth2_refused"

	got := scrapeURL(t, h.URL)
	if _, ok := got[expiry]; ok || got[refused] != 0 {
		t.Errorf("before any token: expiry present %v, refused %v; want absent and 0", ok, got[refused])
	}
	tok, err := tokens.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got = scrapeURL(t, h.URL)
	if want := float64(tok.Expiry.Unix()); got[expiry] != want || got[refused] != 0 {
		t.Errorf("with a token: expiry %v, refused %v; want %v (%s) and 0", got[expiry], got[refused], want, tok.Expiry)
	}

	srv.RemoveClient("app") // the app registration deleted: every renewal is refused
	clock.Set(clock.Now().Add(50 * time.Minute))
	if _, err := tokens.Token(context.Background()); err == nil {
		t.Fatal("a renewal for a removed client succeeded")
	}
	got = scrapeURL(t, h.URL)
	if got[refused] != 1 {
		t.Errorf("after the provider refused: klachtd_oauth2_refused = %v, want 1 (status %+v)", got[refused], tokens.Status())
	}

	plain, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	h2 := httptest.NewServer(plain.metrics.Handler())
	defer h2.Close()
	for k := range scrapeURL(t, h2.URL) {
		if strings.HasPrefix(k, "klachtd_oauth2_") {
			t.Errorf("without OAuth2: %s served", k)
		}
	}
}
