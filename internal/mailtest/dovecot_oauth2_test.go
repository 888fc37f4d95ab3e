package mailtest

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// xoauth2 is the client side of XOAUTH2, for this test only.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}
func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

func TestDovecotOAuth2(t *testing.T) {
	srv := StartOAuthServer(t, 2*time.Second)
	d := StartDovecot(t, WithOAuth2(srv.URL()+"/introspect"))
	srv.AddClient("app", "s")
	srv.GrantMailbox("app", d.User)
	token := func() string {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		at := randomToken("at")
		srv.access[at] = grantInfo{user: d.User, client: "app", expires: time.Now().Add(srv.ttl)}
		return at
	}
	login := func(mech sasl.Client) error {
		conn, err := net.Dial("tcp", d.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c := imapclient.New(conn, nil)
		defer c.Close()
		if err := c.WaitGreeting(); err != nil {
			t.Fatal(err)
		}
		return c.Authenticate(mech)
	}
	tok := token()
	if err := login(xoauth2{d.User, tok}); err != nil {
		t.Errorf("XOAUTH2 with a live token: %v", err)
	}
	if err := login(sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: d.User, Token: token()})); err != nil {
		t.Errorf("OAUTHBEARER with a live token: %v", err)
	}
	if err := login(xoauth2{d.User, "at-forged"}); err == nil {
		t.Error("XOAUTH2 with an unknown token logged in")
	}
	if err := login(xoauth2{"someone-else", token()}); err == nil {
		t.Error("XOAUTH2 with another user's token logged in")
	}
	time.Sleep(2100 * time.Millisecond)
	var imapErr error
	if imapErr = login(xoauth2{d.User, tok}); imapErr == nil {
		t.Error("XOAUTH2 with an expired token logged in")
	}
	if c := d.Client(t); c == nil { // PLAIN with the password still works
		t.Error("no PLAIN client")
	}
	if imapErr != nil && errors.Is(imapErr, net.ErrClosed) {
		t.Errorf("refusal closed the connection: %v", imapErr)
	}
}
