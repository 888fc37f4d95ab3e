package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/oauth"
)

// oauthEnv is an env whose mailbox and SMTP server take only OAuth2 tokens of the tests' own
// authorization server: Dovecot's oauth2 passdb and the SMTP sink both ask it.
type oauthEnv struct {
	*env
	srv    *mailtest.OAuthServer
	proxy  *mailtest.Proxy    // in front of Dovecot
	alarm  *mailtest.SMTPSink // the [alarm_smtp] route: a relay without login
	store  string             // the token store
	notify *notifySocket      // the daemon's systemd notifications
}

const oauthClient = "klachtd-test"

// newOAuthEnv starts the servers and writes a configuration with the grant; ttl is the life
// of an access token.
func newOAuthEnv(t *testing.T, grant string, ttl time.Duration) *oauthEnv {
	t.Helper()
	srv := mailtest.StartOAuthServer(t, ttl)
	dv := mailtest.StartDovecot(t, mailtest.WithOAuth2(srv.URL()+"/introspect"))
	sink := mailtest.StartSMTPSink(t)
	sink.RequireOAuth(srv.Verify)
	o := &oauthEnv{
		env: &env{t: t, dv: dv, sink: sink, dir: t.TempDir()},
		srv: srv, proxy: mailtest.NewProxy(t, dv.Addr()), alarm: mailtest.StartSMTPSink(t),
	}
	o.db = filepath.Join(o.dir, "klachtd.db")
	o.store = o.db + ".oauth2.json"
	o.notify = listenNotify(t, filepath.Join(o.dir, "notify.sock"))
	secret := ""
	switch grant {
	case oauth.GrantRefreshToken:
		srv.AddClient(oauthClient, "")
	case oauth.GrantClientCredentials:
		srv.AddClient(oauthClient, "app-secret")
		srv.GrantMailbox(oauthClient, dv.User)
		path := filepath.Join(o.dir, "oauth2-secret")
		if err := os.WriteFile(path, []byte("app-secret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		secret = fmt.Sprintf("client_secret_file = %q\n", path)
	}
	_, port, _ := net.SplitHostPort(o.proxy.Addr())
	cfg := fmt.Sprintf(`[organisation]
name    = "Groeimeesters"
address = %q
[imap]
host          = "127.0.0.1"
port          = %s
tls           = "none"
timeout       = "3s"
username      = %q
auth          = "xoauth2"
poll_interval = "1s"
[smtp]
host        = %q
port        = %d
tls         = "none"
timeout     = "5s"
retry_first = "1s"
username    = %q
auth        = "oauthbearer"
[staff]
addresses      = [%q]
authentication = "none"
[oauth2]
provider   = "custom"
grant      = %q
client_id  = %q
%stoken_url  = %q
device_url = %q
scopes     = ["mail"]
[alarm_smtp]
host = %q
port = %d
tls  = "none"
[complaints]
max_new_per_hour = 1000 # a complaint every 2 s for minutes: each is confirmed at once
[storage]
path = %q
[log]
level = "debug"
`, orgAddress, port, dv.User, sink.Host(), sink.Port(), dv.User, staffAddress, grant, oauthClient, secret,
		srv.URL()+"/token", srv.URL()+"/device", o.alarm.Host(), o.alarm.Port(), o.db)
	o.cfg = filepath.Join(o.dir, "config.toml")
	if err := os.WriteFile(o.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.printLogs)
	return o
}

// login runs `klachtd oauth2 login` against the server's device endpoint, the user approving.
func (o *oauthEnv) login() string {
	o.t.Helper()
	o.srv.Approve(o.dv.User)
	out, errOut, code := klachtd(o.t, "oauth2", "login", "--config", o.cfg)
	if code != 0 {
		o.t.Fatalf("klachtd oauth2 login: exit %d\n%s%s", code, out, errOut)
	}
	return out
}

// refreshToken is the refresh token in the token store now.
func (o *oauthEnv) refreshToken() string {
	s, err := oauth.ReadStore(o.store)
	if err != nil {
		o.t.Fatalf("read token store: %v", err)
	}
	return s.RefreshToken
}

// start starts `klachtd run` with NOTIFY_SOCKET set to the test's socket.
func (o *oauthEnv) start() *proc {
	o.t.Helper()
	return o.run("oauth-daemon", o.notify.path)
}

// confirmations counts the confirmations each address got.
func confirmations(t testing.TB, msgs []mailtest.Received) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, m := range parseSent(t, msgs) {
		if strings.Contains(m.Header.Get("Message-Id"), ".bevestiging.") {
			for _, r := range m.To {
				n[strings.ToLower(r)]++
			}
		}
	}
	return n
}

// TestOAuth2TwoMinutes runs the daemon for two minutes on 3-second tokens (a refresh token
// grant that rotates on every use, XOAUTH2 on IMAP, OAUTHBEARER on SMTP) while the IMAP
// connection is cut every 10 s, every other time with Microsoft's BYE for an expired token:
// every complaint is confirmed, none twice.
func TestOAuth2TwoMinutes(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs for two minutes")
	}
	const (
		run      = 2 * time.Minute
		cutEvery = 10 * time.Second
		every    = 2 * time.Second // a complaint arrives this often
	)
	o := newOAuthEnv(t, oauth.GrantRefreshToken, 3*time.Second)
	o.login()
	p := o.start()
	p.waitLog(t, "first start", 20*time.Second)

	var cs []complaint
	start := time.Now()
	cut, nextCut := 0, start.Add(cutEvery)
	c := o.dv.Client(t) // PLAIN with the password, beside the oauth2 passdb
	for i := 0; time.Since(start) < run; i++ {
		cm := newComplaint("oauth", i)
		cs = append(cs, cm)
		mailtest.AppendTo(t, c, "INBOX", cm.raw())
		time.Sleep(every)
		if time.Now().After(nextCut) {
			if cut%2 == 0 {
				o.proxy.CloseAll()
			} else {
				o.proxy.Bye("* BYE Session invalidated - AccessTokenExpired")
			}
			cut++
			nextCut = nextCut.Add(cutEvery)
		}
	}
	msgs, ok := waitSink(t, o.sink, 30*time.Second, func(msgs []mailtest.Received) bool {
		n := confirmations(t, msgs)
		for _, cm := range cs {
			if n[cm.Email] == 0 {
				return false
			}
		}
		return true
	})
	n := confirmations(t, msgs)
	missing, doubled := 0, 0
	for _, cm := range cs {
		switch n[cm.Email] {
		case 0:
			missing++
		case 1:
		default:
			doubled++
		}
	}
	if !ok || missing > 0 || doubled > 0 {
		t.Errorf("of %d complaints: %d not confirmed, %d confirmed more than once", len(cs), missing, doubled)
	}
	if !p.running() {
		t.Fatalf("klachtd exited: %v", p.err)
	}
	reconnects := p.logCount("imap session ended, reconnecting")
	for wait := time.Now().Add(10 * time.Second); reconnects < cut && time.Now().Before(wait); {
		time.Sleep(50 * time.Millisecond) // the last cut may have come a moment ago
		reconnects = p.logCount("imap session ended, reconnecting")
	}
	counts := o.srv.Counts()
	accepted, refusedSMTP := o.sink.OAuthLogins()
	t.Logf("measured over %s: %d complaints; %d refreshes (%d rotations, %d refused), %d access tokens, %d IMAP cuts, %d IMAP reconnects, %d introspections (%d inactive), SMTP token logins %d accepted / %d refused",
		time.Since(start).Round(time.Second), len(cs), counts.Refreshed, counts.Rotations, counts.Refused, counts.Issued, cut, reconnects,
		counts.Introspections, counts.Inactive, accepted, refusedSMTP)
	if counts.Refused != 0 {
		t.Errorf("the server refused %d token requests; every rotated refresh token must be the one used", counts.Refused)
	}
	if min := int(run / (3 * time.Second)); counts.Refreshed < min {
		t.Errorf("%d refreshes in %s of 3-second tokens, want at least %d (renewed at 3/4 of their life)", counts.Refreshed, run, min)
	}
	if reconnects < cut {
		t.Errorf("%d reconnects for %d cuts", reconnects, cut)
	}
}

// TestOAuth2KillAfterRotation kills the daemon with SIGKILL right after the server rotated its
// refresh token: restarted, it goes on with the rotated token, and the old one is refused.
func TestOAuth2KillAfterRotation(t *testing.T) {
	t.Parallel()
	o := newOAuthEnv(t, oauth.GrantRefreshToken, 3*time.Second)
	o.login()
	signedIn := o.refreshToken()
	p := o.start()
	p.waitLog(t, "first start", 20*time.Second)
	// Wait for a rotation to reach the store, then kill at once.
	var rotated string
	deadline := time.Now().Add(20 * time.Second)
	for rotated == "" || rotated == signedIn {
		if time.Now().After(deadline) {
			t.Fatal("no rotation of the refresh token within 20s")
		}
		rotated = o.refreshToken()
		time.Sleep(time.Millisecond)
	}
	p.kill()
	if got := o.refreshToken(); got == signedIn {
		t.Fatal("after the kill the store holds the refresh token of the sign-in")
	}
	old := signedIn
	if code := tokenRequest(t, o.srv.URL(), old); code != "invalid_grant" {
		t.Errorf("the server answered %q to the spent refresh token, want invalid_grant", code)
	}
	refusedBefore := o.srv.Counts().Refused
	p = o.start()
	cm := newComplaint("rotated", 1)
	o.dv.Append(t, "INBOX", cm.raw())
	if _, ok := waitSink(t, o.sink, 30*time.Second, func(msgs []mailtest.Received) bool {
		return confirmations(t, msgs)[cm.Email] == 1
	}); !ok {
		t.Fatal("after the restart the complaint was not confirmed")
	}
	if got := o.srv.Counts().Refused; got != refusedBefore {
		t.Errorf("the restarted daemon had %d token requests refused, want none", got-refusedBefore)
	}
	if !p.running() {
		t.Errorf("the restarted klachtd exited: %v", p.err)
	}
}

// tokenRequest spends refresh token rt at the server and returns the error code ("" = a token).
func tokenRequest(t *testing.T, base, rt string) string {
	t.Helper()
	resp, err := http.PostForm(base+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {oauthClient}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if resp.StatusCode == 200 {
		return ""
	}
	if strings.Contains(b.String(), "invalid_grant") {
		return "invalid_grant"
	}
	return b.String()
}

// TestOAuth2Revoked revokes the sign-in while the daemon runs: staff get the alarm within a
// minute by the [alarm_smtp] route (the account itself cannot send either), the systemd status
// line says it, `klachtd check` exits 1 naming `klachtd oauth2 login`; after that login the
// daemon goes on by itself.
func TestOAuth2Revoked(t *testing.T) {
	t.Parallel()
	o := newOAuthEnv(t, oauth.GrantRefreshToken, 3*time.Second)
	o.login()
	p := o.start()
	p.waitLog(t, "first start", 20*time.Second)
	first := newComplaint("revoke", 1)
	o.dv.Append(t, "INBOX", first.raw())
	if _, ok := waitSink(t, o.sink, 20*time.Second, func(msgs []mailtest.Received) bool { return confirmations(t, msgs)[first.Email] == 1 }); !ok {
		t.Fatal("the first complaint was not confirmed")
	}

	revoked := time.Now()
	o.srv.RevokeUser(o.dv.User)
	msgs, ok := waitSink(t, o.alarm, time.Minute, func(msgs []mailtest.Received) bool { return len(msgs) > 0 })
	if !ok {
		t.Fatal("no alarm reached staff within a minute of the revocation")
	}
	toAlarm := time.Since(revoked)
	alarm := parseSent(t, msgs)[0]
	body := bodyText(t, alarm.Raw)
	if !strings.EqualFold(alarm.To[0], staffAddress) || !strings.Contains(body, "invalid_grant") ||
		!strings.Contains(body, "klachtd oauth2 login --config "+o.cfg) {
		t.Errorf("alarm to %v does not say what happened and what mends it:\n%s", alarm.To, body)
	}
	if status := o.notify.wait(t, "STATUS=ALARM", 10*time.Second); !strings.Contains(status, "klachtd oauth2 login") {
		t.Errorf("status line %q does not name the remedy", status)
	}
	p.waitLog(t, `level=ERROR msg="alarm: the OAuth2 server refused`, 5*time.Second)
	out, errOut, code := klachtd(t, "check", "--config", o.cfg)
	if code != 1 || !strings.Contains(errOut, "klachtd oauth2 login --config "+o.cfg) || !strings.Contains(errOut, "invalid_grant") {
		t.Errorf("klachtd check after the revocation: exit %d, want 1 naming the login\n%s%s", code, out, errOut)
	}
	t.Logf("time to alarm: %s", toAlarm.Round(time.Millisecond))

	// Mend it: one sign-in; the running daemon takes it up and the alarm clears.
	o.login()
	o.notify.wait(t, "STATUS=running", 30*time.Second)
	second := newComplaint("revoke", 2)
	o.dv.Append(t, "INBOX", second.raw())
	if _, ok := waitSink(t, o.sink, 30*time.Second, func(msgs []mailtest.Received) bool { return confirmations(t, msgs)[second.Email] == 1 }); !ok {
		t.Fatal("after the new sign-in the complaint was not confirmed")
	}
	if n := len(o.alarm.Messages()); n != 1 {
		t.Errorf("%d alarm mails, want 1", n)
	}
	if out, _, code := klachtd(t, "oauth2", "status", "--config", o.cfg); code != 0 || !strings.Contains(out, "grant:          refresh_token") || !strings.Contains(out, ": ok") {
		t.Errorf("klachtd oauth2 status: exit %d\n%s", code, out)
	}
}

// TestOAuth2LoginAndCheck signs in with `klachtd oauth2 login` against the device endpoint and
// checks with `klachtd check`, which logs in with the token on both sides.
func TestOAuth2LoginAndCheck(t *testing.T) {
	t.Parallel()
	o := newOAuthEnv(t, oauth.GrantRefreshToken, time.Minute)
	if _, errOut, code := klachtd(t, "check", "--config", o.cfg); code != 1 || !strings.Contains(errOut, "nobody has signed in") || !strings.Contains(errOut, "klachtd oauth2 login --config "+o.cfg) {
		t.Errorf("check before any sign-in: exit %d, want 1 naming the login\n%s", code, errOut)
	}
	out := o.login()
	if !strings.Contains(out, o.srv.URL()+"/device-login") || !strings.Contains(out, "enter the code") || !strings.Contains(out, "Signed in.") {
		t.Errorf("login output:\n%s", out)
	}
	fi, err := os.Stat(o.store)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token store %v, mode %v; want 0600", err, fi)
	}
	out, errOut, code := klachtd(t, "check", "--config", o.cfg)
	if code != 0 || !strings.Contains(out, "oauth2 custom (refresh_token): token ok") || !strings.Contains(out, "scopes mail") ||
		!strings.Contains(out, "imap 127.0.0.1") || !strings.Contains(out, "smtp 127.0.0.1") {
		t.Errorf("check after the sign-in: exit %d\n%s%s", code, out, errOut)
	}
	if accepted, _ := o.sink.OAuthLogins(); accepted == 0 {
		t.Error("check did not log in to SMTP with a token")
	}
}

// TestOAuth2ClientCredentials checks the app-only grant and a deleted client secret.
func TestOAuth2ClientCredentials(t *testing.T) {
	t.Parallel()
	o := newOAuthEnv(t, oauth.GrantClientCredentials, time.Minute)
	out, errOut, code := klachtd(t, "check", "--config", o.cfg)
	if code != 0 || !strings.Contains(out, "(client_credentials): token ok") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
	o.srv.RemoveClient(oauthClient)
	_ = os.Remove(o.store) // the held token would still work for a minute
	_, errOut, code = klachtd(t, "check", "--config", o.cfg)
	if code != 1 || !strings.Contains(errOut, "invalid_client") || !strings.Contains(errOut, filepath.Join(o.dir, "oauth2-secret")) {
		t.Errorf("check with a deleted secret: exit %d, want 1 naming the secret's file\n%s", code, errOut)
	}
}

// notifySocket collects what the daemon tells systemd.
type notifySocket struct {
	path string
	mu   sync.Mutex
	msgs []string
}

func listenNotify(t *testing.T, path string) *notifySocket {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatalf("notify socket: %v", err)
	}
	n := &notifySocket{path: path}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := conn.Read(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, string(buf[:k]))
			n.mu.Unlock()
		}
	}()
	return n
}

// wait returns the first message since the last wait that starts with prefix.
func (n *notifySocket) wait(t *testing.T, prefix string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		n.mu.Lock()
		for i, m := range n.msgs {
			if strings.HasPrefix(m, prefix) {
				n.msgs = n.msgs[i+1:]
				n.mu.Unlock()
				return m
			}
		}
		n.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no %q notification within %s", prefix, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
