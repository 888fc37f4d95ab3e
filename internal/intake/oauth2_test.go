package intake

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/oauth"
)

// liveTokens hands out tokens of the OAuth2 test server for user, a forged one first when
// forgeFirst, and records what it was told was refused.
type liveTokens struct {
	t          *testing.T
	m          *oauth.Manager
	mu         sync.Mutex
	forgeFirst bool
	handed     []string
	refused    []string
}

func (k *liveTokens) Token(ctx context.Context) (oauth.Token, error) {
	k.mu.Lock()
	forge := k.forgeFirst
	k.forgeFirst = false
	k.mu.Unlock()
	tok := oauth.Token{Access: "at-forged", Expiry: time.Now().Add(time.Hour)}
	if !forge {
		var err error
		if tok, err = k.m.Token(ctx); err != nil {
			return tok, err
		}
	}
	k.mu.Lock()
	k.handed = append(k.handed, tok.Access)
	k.mu.Unlock()
	return tok, nil
}

func (k *liveTokens) Refused(access string) {
	k.mu.Lock()
	k.refused = append(k.refused, access)
	k.mu.Unlock()
	k.m.Refused(access)
}

func (k *liveTokens) snapshot() (handed, refused []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.handed), slices.Clone(k.refused)
}

// oauthDovecot is Dovecot taking tokens of a test server, behind a proxy, and a token source.
func oauthDovecot(t *testing.T, mech string, forgeFirst bool) (Config, *mailtest.Dovecot, *mailtest.Proxy, *liveTokens) {
	t.Helper()
	srv := mailtest.StartOAuthServer(t, time.Minute)
	d := mailtest.StartDovecot(t, mailtest.WithOAuth2(srv.URL()+"/introspect"))
	srv.AddClient("app", "s")
	srv.GrantMailbox("app", d.User)
	m, err := oauth.New(oauth.Config{Provider: oauth.ProviderCustom, Grant: oauth.GrantClientCredentials, ClientID: "app", ClientSecret: "s",
		TokenURL: srv.URL() + "/token", StorePath: t.TempDir() + "/tokens.json"}, oauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := &liveTokens{t: t, m: m, forgeFirst: forgeFirst}
	p := mailtest.NewProxy(t, d.Addr())
	host, port := splitAddr(t, p.Addr())
	cfg := Config{Host: host, Port: port, TLS: "none", Username: d.User, Auth: mech, Tokens: k,
		Mailbox: "INBOX", IDLE: true, PollInterval: 300 * time.Millisecond, Timeout: 5 * time.Second} // Dovecot answers a refusal after 2 s
	return cfg, d, p, k
}

func TestTokenLoginBothMechanisms(t *testing.T) {
	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		t.Run(mech, func(t *testing.T) {
			cfg, _, _, k := oauthDovecot(t, mech, false)
			caps, err := Check(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Check with %s: %v", mech, err)
			}
			if !caps.IDLE {
				t.Errorf("capabilities after a token login: %+v", caps)
			}
			if handed, refused := k.snapshot(); len(handed) != 1 || len(refused) != 0 {
				t.Errorf("handed %d tokens, %d refused; want 1, 0", len(handed), len(refused))
			}
		})
	}
}

// A refused AUTHENTICATE renews the token once, on a new connection.
func TestRefusedTokenRenewedOnce(t *testing.T) {
	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		t.Run(mech, func(t *testing.T) {
			cfg, _, _, k := oauthDovecot(t, mech, true)
			if _, err := Check(context.Background(), cfg); err != nil {
				t.Fatalf("Check after a refused token: %v, want a login with the renewed one", err)
			}
			handed, refused := k.snapshot()
			if len(handed) != 2 || len(refused) != 1 || refused[0] != "at-forged" {
				t.Errorf("handed %q, refused %q; want the forged token refused and one renewal", handed, refused)
			}
		})
	}
}

// A session the server ends (Microsoft: BYE … AccessTokenExpired) makes the reconnect renew
// the token first, and no mail is missed.
func TestByeRenewsTheToken(t *testing.T) {
	cfg, d, p, k := oauthDovecot(t, oauth.MechXOAuth2, false)
	cp := newCheckpoints()
	rec := &recorder{}
	in := startIntake(t, cfg, cp, rec.handle)
	started(t, cp)
	p.Bye("* BYE Session invalidated - AccessTokenExpired")
	d.Append(t, "INBOX", message("na-bye", 2))
	eventually(t, 15*time.Second, "the mail after the BYE", func() bool { return len(rec.all()) == 1 })
	handed, refused := k.snapshot()
	if len(refused) != 1 || refused[0] != handed[0] {
		t.Errorf("refused %q, want the first session's token %q", refused, handed[0])
	}
	if len(handed) < 2 || handed[1] == handed[0] {
		t.Errorf("handed %d tokens; the reconnect reused the first", len(handed))
	}
	if st := in.Stats(); st.LastLogin.IsZero() || st.LoginError != "" {
		t.Errorf("stats %+v: want a last login and no login error", st)
	}
}
