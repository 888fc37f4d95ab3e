package daemon

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/oauth"
)

// TestAlarmDatesAsPeopleRead: the client-secret alarm, which staff read in a mail and on the
// status line, names the day the secret ends as a letter writes it, in the organisation's
// zone; and the token manager is given that zone for what it tells at a sign-in.
func TestAlarmDatesAsPeopleRead(t *testing.T) {
	cfg := testConfig(t, "", "", "", 0)
	if got := OAuthConfig(cfg, "").Location; got != cfg.Organisation.Location {
		t.Errorf("OAuthConfig gives the token manager the zone %v, want the organisation's %v", got, cfg.Organisation.Location)
	}
	// Midnight in Amsterdam, as the configuration reads client_secret_expires: 22:00 UTC
	// the day before.
	cfg.OAuth2.SecretExpires = time.Date(2027, 7, 1, 0, 0, 0, 0, cfg.Organisation.Location)
	clock := mailtest.NewClock(time.Date(2027, 6, 28, 9, 0, 0, 0, time.UTC))
	tokens, err := oauth.New(oauth.Config{Provider: oauth.ProviderCustom, Grant: oauth.GrantClientCredentials,
		ClientID: "app", ClientSecret: "s", TokenURL: "http://127.0.0.1:1/token",
		StorePath: filepath.Join(t.TempDir(), "klachtd.db.oauth2.json")}, oauth.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := newDaemonWith(t, Options{Config: cfg, Clock: clock, Tokens: tokens, Log: slog.New(slog.DiscardHandler)})
	var secret *alarm
	for _, a := range d.alarms(clock.Now()) {
		if a.kind == AlarmSecretExpiry {
			secret = &a
		}
	}
	if secret == nil || !secret.holds {
		t.Fatalf("no secret-expiry alarm three days before the end: %+v", secret)
	}
	if want := "the client secret ends on 1 July 2027 "; !strings.Contains(secret.detail, want) {
		t.Errorf("detail %q, want it to say %q", secret.detail, want)
	}
}
