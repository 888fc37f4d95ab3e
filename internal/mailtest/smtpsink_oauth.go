package mailtest

import (
	"bytes"
	"encoding/json"

	"strings"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sinkOAuth is the sink's OAuth2 state: how tokens are verified and who logged in.
type sinkOAuth struct {
	mu      sync.Mutex
	verify  func(user, token string) error
	logins  int
	refused int
}

// RequireOAuth makes the sink offer only XOAUTH2 and OAUTHBEARER, check every token with
// verify (OAuthServer.Verify: the same server Dovecot asks), and refuse mail from a session that
// has not logged in.
func (s *SMTPSink) RequireOAuth(verify func(user, token string) error) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.verify = verify
}

// OAuthLogins returns the token logins accepted and refused so far.
func (s *SMTPSink) OAuthLogins() (accepted, refused int) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return s.oauth.logins, s.oauth.refused
}

func (s *SMTPSink) oauthVerifier() func(user, token string) error {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return s.oauth.verify
}

func (s *SMTPSink) countLogin(ok bool) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	if ok {
		s.oauth.logins++
	} else {
		s.oauth.refused++
	}
}

func oauthMechanisms() []string { return []string{"XOAUTH2", sasl.OAuthBearer} }

func (ss *sinkSession) oauthServer(mech string, verify func(user, token string) error) (sasl.Server, error) {
	check := func(user, token string) error {
		err := verify(user, token)
		ss.sink.countLogin(err == nil)
		if err == nil {
			ss.user = user
		}
		return err
	}
	switch strings.ToUpper(mech) {
	case "XOAUTH2":
		return &xoauth2Server{check: check}, nil
	case sasl.OAuthBearer:
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if check(o.Username, o.Token) != nil {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			return nil
		}), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// xoauth2Server is the server side of XOAUTH2 (go-sasl has none): a refused token gets the
// JSON error challenge, and the client's empty answer ends the exchange with a failure.
type xoauth2Server struct {
	check  func(user, token string) error
	failed error
}

func (x *xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	if x.failed != nil {
		return nil, true, x.failed
	}
	if response == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	var user, token string
	for _, f := range bytes.Split(response, []byte{0x01}) {
		k, v, _ := strings.Cut(string(f), "=")
		switch k {
		case "user":
			user = v
		case "auth":
			if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
				token = v[7:]
			}
		}
	}
	if err := x.check(user, token); err != nil {
		x.failed = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		challenge, _ := json.Marshal(map[string]string{"status": "401", "schemes": "bearer", "scope": "https://mail.example/"})
		return challenge, false, nil
	}
	return nil, true, nil
}
