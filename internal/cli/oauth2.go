package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/oauth"
)

// defaultListen is where `oauth2 login --browser` waits for the browser: a fixed port, so that
// the SSH tunnel of a headless server can be written down once.
const defaultListen = "127.0.0.1:8085"

// cmdOAuth2 is `klachtd oauth2 login [--device|--browser] [--listen ADDR]` and `klachtd oauth2 status`.
func cmdOAuth2(ctx context.Context, e *env) error {
	if len(e.args) != 1 || (e.args[0] != "login" && e.args[0] != "status") {
		return usageError{"give login or status"}
	}
	if e.device && e.browser {
		return usageError{"give --device or --browser, not both"}
	}
	if e.args[0] == "status" && (e.device || e.browser || e.listen != defaultListen) {
		return usageError{"--device, --browser and --listen are for login"}
	}
	c, err := e.loadConfig()
	if err != nil {
		return err
	}
	if !c.OAuth2.Active {
		return failf("%s uses no OAuth2: imap.auth and smtp.auth are not \"xoauth2\" or \"oauthbearer\" and [oauth2] names no provider", e.configPath)
	}
	m, err := kd.NewTokens(c, e.configPath, e.log)
	if err != nil {
		return failf("%v", err)
	}
	if e.args[0] == "status" {
		return oauthStatus(e.stdout, c, m, e.configPath)
	}
	return oauthLogin(ctx, e, c, m)
}

func oauthLogin(ctx context.Context, e *env, c *config.Config, m *oauth.Manager) error {
	if c.OAuth2.Grant != config.GrantRefreshToken {
		return failf("oauth2.grant is %q, which needs no sign-in: klachtd gets its tokens itself; `klachtd check` shows whether that works", c.OAuth2.Grant)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	var err error
	if e.browser {
		err = m.LoginBrowser(ctx, e.stdout, e.listen)
	} else {
		err = m.LoginDevice(ctx, e.stdout)
	}
	if err != nil {
		return failf("sign-in failed: %v", err)
	}
	tok, err := m.Token(ctx)
	if err != nil {
		return failf("signed in, but no access token could be had: %v", err)
	}
	fmt.Fprintf(e.stdout, "Signed in. The refresh token is kept in %s (mode 0600); a running klachtd takes it up within seconds.\n", c.OAuth2.TokenStore)
	fmt.Fprintf(e.stdout, "Access token valid until %s. `klachtd check` logs in with it.\n", complaint.FormatStamp(tok.Expiry, c.Organisation.Location))
	return nil
}

// oauthStatus prints the grant, the tokens' ends, the last refresh and its result; a refused
// grant exits 1 with what mends it.
func oauthStatus(w io.Writer, c *config.Config, m *oauth.Manager, configPath string) error {
	s, err := oauth.ReadStore(c.OAuth2.TokenStore)
	if err != nil {
		return failf("%v", err)
	}
	loc := c.Organisation.Location
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return complaint.FormatStamp(t, loc)
	}
	fmt.Fprintf(w, "provider:       %s\ngrant:          %s\ntoken store:    %s\n", c.OAuth2.Provider, c.OAuth2.Grant, c.OAuth2.TokenStore)
	if s.Grant != "" && s.Grant != c.OAuth2.Grant {
		fmt.Fprintf(w, "                (holds tokens of grant %s, which are not used)\n", s.Grant)
	}
	fmt.Fprintf(w, "access token:   expires %s\n", at(s.Expiry))
	if len(s.Scopes) > 0 {
		fmt.Fprintf(w, "scopes:         %s\n", strings.Join(s.Scopes, " "))
	}
	if c.OAuth2.Grant == config.GrantRefreshToken {
		switch {
		case s.RefreshToken == "":
			fmt.Fprintf(w, "refresh token:  none: sign in with klachtd oauth2 login --config %s\n", configPath)
		default:
			fmt.Fprintf(w, "refresh token:  issued %s, last used %s", at(s.RefreshIssued), at(s.RefreshUsed))
			if !s.RefreshExpires.IsZero() {
				fmt.Fprintf(w, ", ends %s", at(s.RefreshExpires))
			} else if c.OAuth2.Provider == config.ProviderMicrosoft && !s.RefreshUsed.IsZero() {
				fmt.Fprintf(w, ", ends if unused until %s (Microsoft: 90 days)", at(s.RefreshUsed.Add(90*24*time.Hour)))
			}
			fmt.Fprintln(w)
		}
	}
	if !c.OAuth2.SecretExpires.IsZero() {
		fmt.Fprintf(w, "client secret:  ends %s\n", complaint.FormatDate(c.OAuth2.SecretExpires, "en", loc))
	}
	result := "ok"
	if !s.Last.OK {
		result = "failed: " + s.Last.Error
	}
	if s.Last.At.IsZero() {
		result = "none yet"
	}
	fmt.Fprintf(w, "last refresh:   %s: %s\n", at(s.Last.At), result)
	if s.Last.Refused {
		st := m.Status()
		mend := "klachtd oauth2 login --config " + configPath
		if st.Refused != nil {
			mend = st.Refused.Mend
		}
		return failf("%s. To mend it: %s", s.Last.Error, mend)
	}
	return nil
}

// checkTokens is the token part of `klachtd check`: the grant, whether a token could be had,
// its expiry and its scopes. A refused grant fails with the words of the staff alarm.
func checkTokens(ctx context.Context, w io.Writer, c *config.Config, m *oauth.Manager) error {
	tok, err := m.Token(ctx)
	var re *oauth.RefusedError
	switch {
	case errors.As(err, &re):
		return failf("oauth2 (%s): %s. To mend it: %s", c.OAuth2.Grant, re.What, re.Mend)
	case err != nil:
		return failf("oauth2 (%s): no token: %v", c.OAuth2.Grant, err)
	}
	st := m.Status()
	scopes := strings.Join(st.Scopes, " ")
	if scopes == "" {
		scopes = "(the server named none)"
	}
	fmt.Fprintf(w, "oauth2 %s (%s): token ok, expires %s; scopes %s\n", c.OAuth2.Provider, c.OAuth2.Grant,
		complaint.FormatStamp(tok.Expiry, c.Organisation.Location), scopes)
	return nil
}
