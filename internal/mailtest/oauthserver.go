package mailtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// OAuthServer is an OAuth2 authorization server of the tests' own, on loopback over plain
// http: a token endpoint for client_credentials, refresh_token (rotated on every use, old ones
// refused, revocable), the device code grant (RFC 8628), the JWT bearer grant (RFC 7523) of a
// service account, and authorization_code with PKCE; a device authorization endpoint, an
// authorization endpoint that approves at once, and an introspection endpoint (RFC 7662) for
// Dovecot's oauth2 passdb and the SMTP sink. Lifetimes are seconds.
type OAuthServer struct {
	srv *httptest.Server

	mu        sync.Mutex
	ttl       time.Duration
	clients   map[string]string         // client id → secret ("" = public client)
	accounts  map[string]*rsa.PublicKey // service account email → key
	access    map[string]grantInfo      // access token → what it is for
	refresh   map[string]grantInfo      // live refresh tokens
	retired   map[string]bool           // rotated or revoked refresh tokens
	devices   map[string]*deviceGrant   // device code → state
	codes     map[string]codeGrant
	approver  string // user who approves device and browser sign-ins at once; "" = nobody
	refusal   string // error_description of invalid_grant
	failNext  int    // token requests to answer 503
	counts    OAuthCounts
	mailboxes map[string]string // client id → the mailbox its app-only tokens may open
}

// OAuthCounts counts what the server did.
type OAuthCounts struct {
	Issued         int // access tokens handed out
	Refreshed      int // refresh_token grants answered with a token
	Rotations      int // refresh tokens replaced by a new one
	Refused        int // token requests refused (invalid_grant, invalid_client)
	Introspections int
	Inactive       int // introspections of an unknown or expired token
}

type grantInfo struct {
	user, client, scope string
	expires             time.Time
}

type deviceGrant struct {
	userCode, client, scope, user string
	expires                       time.Time
}

type codeGrant struct {
	client, redirect, challenge, scope, user string
}

// StartOAuthServer starts the server; access tokens live ttl. It stops when the test ends.
func StartOAuthServer(t testing.TB, ttl time.Duration) *OAuthServer {
	t.Helper()
	o := &OAuthServer{
		ttl: ttl, clients: map[string]string{}, accounts: map[string]*rsa.PublicKey{},
		access: map[string]grantInfo{}, refresh: map[string]grantInfo{}, retired: map[string]bool{},
		devices: map[string]*deviceGrant{}, codes: map[string]codeGrant{}, mailboxes: map[string]string{},
		refusal: "AADSTS700082: The refresh token has expired due to inactivity.",
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", o.token)
	mux.HandleFunc("POST /device", o.device)
	mux.HandleFunc("GET /authorize", o.authorize)
	mux.HandleFunc("POST /introspect", o.introspect)
	o.srv = httptest.NewServer(mux)
	t.Cleanup(o.srv.Close)
	return o
}

// URL is the server's base, http://127.0.0.1:PORT; the endpoints are /token, /device,
// /authorize and /introspect.
func (o *OAuthServer) URL() string { return o.srv.URL }

// AddClient registers a client; secret "" makes it a public client.
func (o *OAuthServer) AddClient(id, secret string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clients[id] = secret
}

// GrantMailbox lets the app-only (client_credentials) tokens of client open user's mailbox, as
// Exchange Online's mailbox permission for a service principal does.
func (o *OAuthServer) GrantMailbox(client, user string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mailboxes[client] = user
}

// RemoveClient deletes a client, as when its secret is deleted: its grants are refused.
func (o *OAuthServer) RemoveClient(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.clients, id)
}

// Approve makes user approve every device and browser sign-in at once.
func (o *OAuthServer) Approve(user string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.approver = user
}

// FailNext makes the next n token requests fail with 503.
func (o *OAuthServer) FailNext(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failNext = n
}

// ServiceAccount registers a service account and returns its JSON key, as Google's console
// hands it out, with this server as token_uri.
func (o *OAuthServer) ServiceAccount(t testing.TB, email string) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oauth server: %v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("oauth server: %v", err)
	}
	o.mu.Lock()
	o.accounts[email] = &key.PublicKey
	o.mu.Unlock()
	data, _ := json.Marshal(map[string]string{
		"type": "service_account", "client_email": email, "private_key_id": "k1", "client_id": "1234",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"token_uri":   o.URL() + "/token",
	})
	return data
}

// IssueRefresh hands out a refresh token for user and client, as a sign-in would.
func (o *OAuthServer) IssueRefresh(user, client, scope string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	rt := randomToken("rt")
	o.refresh[rt] = grantInfo{user: user, client: client, scope: scope}
	return rt
}

// RevokeUser withdraws every refresh and access token of user (consent revoked, password
// reset): the next refresh is refused with invalid_grant.
func (o *OAuthServer) RevokeUser(user string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for rt, g := range o.refresh {
		if g.user == user {
			delete(o.refresh, rt)
			o.retired[rt] = true
		}
	}
	for at, g := range o.access {
		if g.user == user {
			delete(o.access, at)
		}
	}
}

// Counts returns the counters.
func (o *OAuthServer) Counts() OAuthCounts {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts
}

// Retired reports whether rt was a refresh token that has been rotated or revoked.
func (o *OAuthServer) Retired(rt string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.retired[rt]
}

// Verify checks an access token for user as the introspection endpoint does; the SMTP sink
// uses it.
func (o *OAuthServer) Verify(user, token string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.counts.Introspections++
	g, ok := o.access[token]
	if !ok || !time.Now().Before(g.expires) || g.user != user {
		o.counts.Inactive++
		return errors.New("invalid or expired token")
	}
	return nil
}

func (o *OAuthServer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failNext > 0 {
		o.failNext--
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try later")
		return
	}
	grant := r.PostForm.Get("grant_type")
	var g grantInfo
	var rotate string
	var code, desc string
	switch grant {
	case "client_credentials":
		client, ok := o.client(r)
		if !ok {
			code, desc = "invalid_client", "AADSTS7000215: Invalid client secret provided."
			break
		}
		g = grantInfo{user: o.mailboxes[client], client: client, scope: r.PostForm.Get("scope")}
	case "refresh_token":
		client, ok := o.client(r)
		rt := r.PostForm.Get("refresh_token")
		old, live := o.refresh[rt]
		switch {
		case !ok:
			code, desc = "invalid_client", "AADSTS7000215: Invalid client secret provided."
		case !live || old.client != client:
			code, desc = "invalid_grant", o.refusal
		default:
			delete(o.refresh, rt)
			o.retired[rt] = true
			g, rotate = old, rt
			o.counts.Refreshed++
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		var err error
		if g, err = o.jwtGrant(r.PostForm.Get("assertion")); err != nil {
			code, desc = "invalid_grant", err.Error()
		}
	case "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := o.devices[r.PostForm.Get("device_code")]
		switch {
		case !ok || time.Now().After(d.expires):
			code, desc = "expired_token", "the device code expired"
		case d.user == "" && o.approver == "":
			oauthError(w, http.StatusBadRequest, "authorization_pending", "")
			return
		default:
			if d.user == "" {
				d.user = o.approver
			}
			delete(o.devices, r.PostForm.Get("device_code"))
			g = grantInfo{user: d.user, client: d.client, scope: d.scope}
			rotate = "new"
		}
	case "authorization_code":
		c, ok := o.codes[r.PostForm.Get("code")]
		delete(o.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case !ok || c.redirect != r.PostForm.Get("redirect_uri") || c.client != r.PostForm.Get("client_id"):
			code, desc = "invalid_grant", "unknown code"
		case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
			code, desc = "invalid_grant", "PKCE verification failed"
		default:
			g, rotate = grantInfo{user: c.user, client: c.client, scope: c.scope}, "new"
		}
	default:
		code, desc = "unsupported_grant_type", grant
	}
	if code != "" {
		o.counts.Refused++
		status := http.StatusBadRequest
		if code == "invalid_client" {
			status = http.StatusUnauthorized
		}
		oauthError(w, status, code, desc)
		return
	}
	o.issue(w, g, rotate != "")
	if rotate != "" && rotate != "new" {
		o.counts.Rotations++
	}
}

// issue answers with a new access token for g, and a new refresh token when withRefresh.
func (o *OAuthServer) issue(w http.ResponseWriter, g grantInfo, withRefresh bool) {
	at := randomToken("at")
	g.expires = time.Now().Add(o.ttl)
	o.access[at] = g
	o.counts.Issued++
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(o.ttl / time.Second), "scope": g.scope}
	if withRefresh {
		rt := randomToken("rt")
		o.refresh[rt] = grantInfo{user: g.user, client: g.client, scope: g.scope}
		resp["refresh_token"] = rt
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(resp)
}

// client authenticates the client by basic auth or form fields; a public client by its id.
func (o *OAuthServer) client(r *http.Request) (string, bool) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	want, ok := o.clients[id]
	return id, ok && subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1
}

// jwtGrant checks a service account's RS256 assertion and returns the grant for its subject.
func (o *OAuthServer) jwtGrant(assertion string) (grantInfo, error) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return grantInfo{}, errors.New("malformed assertion")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return grantInfo{}, errors.New("malformed assertion")
	}
	var claims struct {
		Iss, Sub, Scope, Aud string
		Exp                  int64
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return grantInfo{}, errors.New("malformed claims")
	}
	key, ok := o.accounts[claims.Iss]
	if !ok {
		return grantInfo{}, errors.New("unknown service account")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return grantInfo{}, errors.New("invalid signature")
	}
	if time.Unix(claims.Exp, 0).Before(time.Now()) || claims.Aud != o.URL()+"/token" {
		return grantInfo{}, errors.New("assertion expired or for another audience")
	}
	user := claims.Sub
	if user == "" {
		user = claims.Iss
	}
	return grantInfo{user: user, client: claims.Iss, scope: claims.Scope}, nil
}

func (o *OAuthServer) device(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	client := r.PostForm.Get("client_id")
	if _, ok := o.clients[client]; !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client")
		return
	}
	dc, uc := randomToken("dc"), strings.ToUpper(randomToken("")[:8])
	o.devices[dc] = &deviceGrant{userCode: uc, client: client, scope: r.PostForm.Get("scope"), expires: time.Now().Add(time.Minute)}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"device_code": dc, "user_code": uc, "verification_uri": o.URL() + "/device-login",
		"expires_in": 60, "interval": 1,
	})
}

func (o *OAuthServer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o.mu.Lock()
	defer o.mu.Unlock()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if _, ok := o.clients[q.Get("client_id")]; !ok || err != nil || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	v := url.Values{"state": {q.Get("state")}}
	if o.approver == "" {
		v.Set("error", "access_denied")
	} else {
		code := randomToken("code")
		o.codes[code] = codeGrant{client: q.Get("client_id"), redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), scope: q.Get("scope"), user: o.approver}
		v.Set("code", code)
	}
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// introspect answers RFC 7662 for Dovecot: {"active": true, "username": …} for a live token.
func (o *OAuthServer) introspect(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	o.counts.Introspections++
	g, ok := o.access[r.PostForm.Get("token")]
	active := ok && time.Now().Before(g.expires)
	if !active {
		o.counts.Inactive++
	}
	o.mu.Unlock()
	resp := map[string]any{"active": active}
	if active {
		resp["username"], resp["exp"], resp["scope"] = g.user, g.expires.Unix(), g.scope
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func randomToken(prefix string) string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
