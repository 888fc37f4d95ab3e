package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/wneessen/go-mail/smtp"
)

// SASL mechanisms, the values of imap.auth and smtp.auth that use a token.
const (
	MechXOAuth2     = "xoauth2"
	MechOAuthBearer = "oauthbearer"
)

// ServerError is what a mail server said when it refused a token in the SASL exchange (the
// JSON challenge of XOAUTH2 and OAUTHBEARER, RFC 7628 section 3.2.2).
type ServerError struct {
	Status string `json:"status"` // "invalid_token", "401", …
	Scope  string `json:"scope"`
}

// ErrTokenRefused is returned by the IMAP client of XOAUTH2 when the server refused the token:
// go-imap cannot send the empty response XOAUTH2 asks for then (it writes "="), so the exchange
// is abandoned and the connection must be closed.
var ErrTokenRefused = errors.New("the server refused the OAuth2 token")

// IMAPClient returns the SASL client of mech (XOAUTH2 or OAUTHBEARER) for go-imap.
// host and port go into OAUTHBEARER's message. After a refusal, Refusal holds what the
// server said; with XOAUTH2, Next then fails with ErrTokenRefused.
func IMAPClient(mech, user, token, host string, port int) *Client {
	c := newClient(mech, user, token, host, port)
	c.imap = true
	return c
}

func newClient(mech, user, token, host string, port int) *Client {
	c := &Client{mech: mech, user: user, token: token}
	if mech == MechOAuthBearer {
		c.bearer = sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: token, Host: host, Port: port})
	}
	return c
}

// Client is a SASL client of XOAUTH2 or OAUTHBEARER that completes the exchange after a
// refusal as both specifications require (an empty response, or %x01), so that the server
// ends the command with its NO and the connection stays usable.
type Client struct {
	mech, user, token string
	bearer            sasl.Client // OAUTHBEARER from go-sasl
	imap              bool
	Refusal           *ServerError
}

// Start sends the initial response.
func (c *Client) Start() (string, []byte, error) {
	if c.bearer != nil {
		return c.bearer.Start()
	}
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers a challenge, which in both mechanisms is the server's error in JSON.
func (c *Client) Next(challenge []byte) ([]byte, error) {
	var e ServerError
	if json.Unmarshal(challenge, &e) == nil {
		c.Refusal = &e
	} else {
		c.Refusal = &ServerError{Status: "refused"}
	}
	if c.bearer != nil {
		return []byte{0x01}, nil // RFC 7628 3.2.3: the client's dummy response after an error
	}
	if c.imap {
		return nil, fmt.Errorf("%w (%s)", ErrTokenRefused, c.Refusal.Status)
	}
	return []byte{}, nil // XOAUTH2: an empty response, after which the server fails the command
}

// SMTPAuth returns go-mail's smtp.Auth of mech (XOAUTH2, or OAUTHBEARER which go-mail lacks)
// over the same SASL client as IMAP's; after a failed login, Refusal says whether the server
// refused the token itself.
func SMTPAuth(mech, user, token, host string, port int) *SMTPAuthClient {
	if !strings.EqualFold(mech, MechOAuthBearer) {
		mech = MechXOAuth2
	}
	return &SMTPAuthClient{c: newClient(strings.ToLower(mech), user, token, host, port)}
}

// SMTPAuthClient adapts a SASL client to go-mail's smtp.Auth.
type SMTPAuthClient struct{ c *Client }

var _ smtp.Auth = (*SMTPAuthClient)(nil)

// Start sends the initial response.
func (a *SMTPAuthClient) Start(*smtp.ServerInfo) (string, []byte, error) { return a.c.Start() }

// Next answers the server's challenge.
func (a *SMTPAuthClient) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	return a.c.Next(fromServer)
}

// Refusal is what the server said when it refused the token, or nil.
func (a *SMTPAuthClient) Refusal() *ServerError { return a.c.Refusal }
