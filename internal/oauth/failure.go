package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/oauth2"
)

// RefusedError is a token server refusing the grant itself: a revoked or expired refresh
// token (invalid_grant, Microsoft's AADSTS700082), a withdrawn consent, a deleted or expired
// client secret (invalid_client, AADSTS7000215 / AADSTS7000222), or no sign-in yet. Trying
// again does not help; a person must act, and Mend says what to do.
type RefusedError struct {
	Grant       string
	Code        string // RFC 6749's error, "invalid_grant"; "" when klachtd has no refresh token
	Description string // the server's error_description, cleaned and shortened
	What        string // what happened, in a sentence
	Mend        string // the one thing that mends it
}

func (e *RefusedError) Error() string { return e.What + ". To mend it: " + e.Mend }

// Summary is What with the server's code, for a status line.
func (e *RefusedError) Summary() string { return e.What }

// ErrNotSignedIn is wrapped by the RefusedError of a refresh_token grant that has no refresh
// token yet: nobody has run `klachtd oauth2 login`.
var ErrNotSignedIn = errors.New("not signed in")

// TemporaryError is a failure to get a token that may pass: the token server unreachable,
// overloaded (5xx, 429) or slow.
type TemporaryError struct{ Err error }

func (e *TemporaryError) Error() string { return "get OAuth2 token: " + e.Err.Error() }
func (e *TemporaryError) Unwrap() error { return e.Err }

// classify turns an error of golang.org/x/oauth2 into a *RefusedError or a *TemporaryError.
// The HTTP status and RFC 6749's error code decide, never the text.
func (m *Manager) classify(err error) error {
	var re *oauth2.RetrieveError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &re) {
		return &TemporaryError{Err: err}
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	switch {
	case re.ErrorCode == "temporarily_unavailable" || re.ErrorCode == "slow_down",
		status >= 500, status == http.StatusTooManyRequests, status == http.StatusRequestTimeout:
		return &TemporaryError{Err: fmt.Errorf("token server answered %d %s", status, clean(re.ErrorCode))}
	case status >= 400 || re.ErrorCode != "":
		return m.refusal(clean(re.ErrorCode), clean(re.ErrorDescription))
	}
	return &TemporaryError{Err: fmt.Errorf("token server answered %d", status)}
}

// refused builds the RefusedError of this grant: what happened and the one thing that mends it.
func (m *Manager) refusal(code, description string) *RefusedError {
	e := &RefusedError{Grant: m.cfg.Grant, Code: code, Description: description}
	reason := code
	if description != "" {
		reason += ": " + description
	}
	switch m.cfg.Grant {
	case GrantRefreshToken:
		e.What = "the OAuth2 server refused klachtd's refresh token (" + reason + "), so klachtd can no longer log in to the mailbox"
		if code == "" {
			e.What = "nobody has signed in for klachtd yet, so it cannot log in to the mailbox"
		}
		e.Mend = "sign in again, once: " + m.cfg.LoginCommand
	case GrantJWT:
		e.What = "the OAuth2 server refused the service account's signed request (" + reason + "), so klachtd can no longer log in to the mailbox"
		e.Mend = "check the service account key (" + orDefault(m.cfg.KeySource, "oauth2.key_file") + ") and its domain-wide delegation for the scope " + strings.Join(m.cfg.Scopes, " ") + " (docs/oauth2.md), then run " + m.cfg.RestartCommand
	default:
		e.What = "the OAuth2 server refused klachtd's client id and secret (" + reason + "), so klachtd can no longer log in to the mailbox"
		e.Mend = "create a new client secret in the app registration, put it in " + orDefault(m.cfg.SecretSource, "oauth2.client_secret_file") + " and run " + m.cfg.RestartCommand + " (docs/oauth2.md)"
	}
	return e
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// clean makes server text safe for a log line, a mail and a terminal: one line, no control
// characters, at most 300 characters.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
