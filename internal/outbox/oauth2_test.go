package outbox

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/oauth"
)

// tokens hands out the tokens of a list in turn and records refusals.
type tokens struct {
	mu      sync.Mutex
	list    []string
	refused []string
	err     error
}

func (k *tokens) Token(context.Context) (oauth.Token, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return oauth.Token{}, k.err
	}
	t := k.list[0]
	if len(k.list) > 1 {
		k.list = k.list[1:]
	}
	return oauth.Token{Access: t, Expiry: time.Now().Add(time.Hour)}, nil
}

func (k *tokens) Refused(access string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refused = append(k.refused, access)
}

// oauthSink is a sink that takes only tokens of a server of the tests' own, for user.
func oauthSink(t *testing.T, user string) (*mailtest.SMTPSink, string) {
	t.Helper()
	srv := mailtest.StartOAuthServer(t, time.Minute)
	srv.AddClient("app", "s")
	srv.GrantMailbox("app", user)
	m, err := oauth.New(oauth.Config{Provider: oauth.ProviderCustom, Grant: oauth.GrantClientCredentials, ClientID: "app", ClientSecret: "s",
		TokenURL: srv.URL() + "/token", StorePath: t.TempDir() + "/store.json"}, oauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sink := mailtest.StartSMTPSink(t)
	sink.RequireOAuth(srv.Verify)
	return sink, tok.Access
}

func TestSMTPTokenMechanisms(t *testing.T) {
	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		t.Run(mech, func(t *testing.T) {
			sink, good := oauthSink(t, "info@intervisie-begeleiding.nl")
			k := &tokens{list: []string{"forged", good}}
			cfg := sinkConfig(sink)
			cfg.Password, cfg.Auth, cfg.Tokens = "", mech, k
			q := newMemQueue(t0, testRow(1))
			s, _ := newTestSender(t, cfg, q, t0)
			s.drain(t.Context())
			if got := q.get(1); got.state != "sent" {
				t.Fatalf("row state %q (%v), want sent after one renewed token", got.state, got.reasons)
			}
			if len(k.refused) != 1 || k.refused[0] != "forged" {
				t.Errorf("refused %q, want the forged token told once", k.refused)
			}
			if ok, bad := sink.OAuthLogins(); ok != 1 || bad != 1 {
				t.Errorf("sink logins %d ok / %d refused, want 1 / 1", ok, bad)
			}
		})
	}
}

func TestSMTPTokenRefusedTwiceIsTemporary(t *testing.T) {
	sink, _ := oauthSink(t, "info@intervisie-begeleiding.nl")
	k := &tokens{list: []string{"forged"}}
	cfg := sinkConfig(sink)
	cfg.Password, cfg.Auth, cfg.Tokens = "", oauth.MechXOAuth2, k
	q := newMemQueue(t0, testRow(1))
	s, _ := newTestSender(t, cfg, q, t0)
	s.drain(t.Context())
	if got := q.get(1); got.state != "queued" || len(got.retries) != 1 {
		t.Fatalf("row %+v, want queued for a retry", got)
	}
	if _, bad := sink.OAuthLogins(); bad != 2 {
		t.Errorf("%d refused logins, want 2 (the token, then once renewed)", bad)
	}
}

func TestAlarmTakesTheFallbackRoute(t *testing.T) {
	sink, _ := oauthSink(t, "info@intervisie-begeleiding.nl")
	relay := mailtest.StartSMTPSink(t)
	k := &tokens{err: &oauth.RefusedError{What: "refused", Mend: "klachtd oauth2 login"}}
	cfg := sinkConfig(sink)
	cfg.Password, cfg.Auth, cfg.Tokens = "", oauth.MechXOAuth2, k
	alarm, plain := testRow(1), testRow(2)
	alarm.Template, alarm.Date = "storing", t0.Add(-30*24*time.Hour) // older than RetryFor
	q := newMemQueue(t0, alarm, plain)
	s, _ := newTestSender(t, cfg, q, t0)
	fb := Config{Host: relay.Host(), Port: relay.Port(), TLS: "none", Timeout: 5 * time.Second}
	if err := s.SetFallback(Fallback{Config: fb, From: "klachtd@server.example.nl", For: func(r *Row) bool { return r.Template == "storing" }}); err != nil {
		t.Fatal(err)
	}
	s.drain(t.Context())
	if got := q.get(1); got.state != "sent" {
		t.Errorf("alarm row %q, want sent by the fallback route", got.state)
	}
	if got := q.get(2); got.state != "queued" {
		t.Errorf("other row %q, want queued: only alarms take the fallback route", got.state)
	}
	msgs := relay.Messages()
	if len(msgs) != 1 || msgs[0].From != "klachtd@server.example.nl" {
		t.Fatalf("relay got %d mails (%+v), want the alarm from the route's sender", len(msgs), msgs)
	}

	// Both routes down: the alarm stays queued past RetryFor until one works.
	relay.Stop()
	alarm.ID = 3
	q.add(alarm, t0)
	s.drain(t.Context())
	if got := q.get(3); got.state != "queued" {
		t.Errorf("alarm with both routes down: %q, want queued", got.state)
	}
	var re *oauth.RefusedError
	if got := q.get(3); len(got.reasons) == 0 || !errors.As(k.err, &re) {
		t.Errorf("no reason recorded: %+v", got)
	}
}
