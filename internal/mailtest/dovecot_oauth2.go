package mailtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// DovecotOption changes the configuration StartDovecot writes.
type DovecotOption func(*Dovecot)

// WithOAuth2 makes Dovecot accept XOAUTH2 and OAUTHBEARER with tokens that the introspection
// endpoint (RFC 7662, POST) at introspectURL calls active for the user, through Dovecot's
// oauth2 passdb. The passwd-file passdb stays beside it, so the tests' own clients still log in
// with PLAIN and the password.
func WithOAuth2(introspectURL string) DovecotOption {
	return func(d *Dovecot) { d.oauth2 = introspectURL }
}

// withOAuth2 adds the mechanisms and the oauth2 passdb to conf.
func (d *Dovecot) withOAuth2(t testing.TB, conf string) string {
	t.Helper()
	ext := filepath.Join(d.Dir, "dovecot-oauth2.conf.ext")
	body := fmt.Sprintf(`introspection_mode = post
introspection_url = %s
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
`, d.oauth2)
	if err := os.WriteFile(ext, []byte(body), 0o644); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	conf = strings.Replace(conf, "auth_mechanisms = plain login\n", "auth_mechanisms = plain login xoauth2 oauthbearer\n", 1)
	return conf + fmt.Sprintf(`passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = %s
}
`, ext)
}
