package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// m365 is a Microsoft 365 mailbox as the issue promises it: tenant, client id, secret, mailbox.
const m365 = `
[organisation]
name    = "Groeimeesters"
address = "info@example.nl"
[imap]
username = "info@example.nl"
[staff]
addresses = ["milou@example.nl"]
[oauth2]
provider           = "microsoft"
tenant             = "contoso.onmicrosoft.com"
client_id          = "11111111-2222-3333-4444-555555555555"
client_secret_env  = "KLACHTD_TEST_SECRET"
`

func TestOAuth2MicrosoftDefaults(t *testing.T) {
	t.Setenv("KLACHTD_TEST_SECRET", "geheim")
	c, err := Parse([]byte(m365))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	type view struct {
		IMAPHost, IMAPAuth, SMTPHost, SMTPUser, SMTPAuth, SMTPTLS string
		IMAPPort, SMTPPort                                        int
		Grant, Secret, Store                                      string
		Scopes                                                    []string
		Active                                                    bool
	}
	got := view{c.IMAP.Host, c.IMAP.Auth, c.SMTP.Host, c.SMTP.Username, c.SMTP.Auth, c.SMTP.TLS, c.IMAP.Port, c.SMTP.Port,
		c.OAuth2.Grant, c.OAuth2.ClientSecret, c.OAuth2.TokenStore, c.OAuth2.Scopes, c.OAuth2.Active}
	want := view{"outlook.office365.com", "xoauth2", "smtp.office365.com", "info@example.nl", "xoauth2", "starttls", 993, 587,
		"client_credentials", "geheim", "/var/lib/klachtd/klachtd.db.oauth2.json", []string{"https://outlook.office365.com/.default"}, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("derived (-want +got):\n%s", diff)
	}
	if c.OAuth2.WarnBefore != 14*24*time.Hour {
		t.Errorf("warn_before = %v, want 14d", c.OAuth2.WarnBefore)
	}
}

func TestOAuth2ExplicitKeysWin(t *testing.T) {
	t.Setenv("KLACHTD_TEST_SECRET", "geheim")
	t.Setenv("KLACHTD_TEST_IMAP", "pw")
	src := strings.Replace(m365, "[staff]", `host = "imap.example.nl"
password_env = "KLACHTD_TEST_IMAP"
[smtp]
auth = "oauthbearer"
[staff]`, 1)
	c, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.IMAP.Host != "imap.example.nl" || c.IMAP.Auth != "plain" || c.IMAP.Password != "pw" {
		t.Errorf("imap host %q auth %q password %q; want the file's imap.example.nl, plain, pw", c.IMAP.Host, c.IMAP.Auth, c.IMAP.Password)
	}
	if c.SMTP.Auth != "oauthbearer" || c.SMTP.Host != "smtp.office365.com" {
		t.Errorf("smtp auth %q host %q; want oauthbearer on smtp.office365.com", c.SMTP.Auth, c.SMTP.Host)
	}
}

func TestOAuth2GoogleGrants(t *testing.T) {
	key := writeFile(t, "key.json", `{"type":"service_account","client_email":"klachtd@p.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n"}`)
	google := func(extra string) string {
		return strings.Replace(m365, `provider           = "microsoft"
tenant             = "contoso.onmicrosoft.com"
client_id          = "11111111-2222-3333-4444-555555555555"
client_secret_env  = "KLACHTD_TEST_SECRET"`, `provider = "google"`+"\n"+extra, 1)
	}
	c, err := Parse([]byte(google(`key_file = "` + key + `"`)))
	if err != nil {
		t.Fatalf("Parse jwt: %v", err)
	}
	if c.OAuth2.Grant != "jwt" || c.OAuth2.Subject != "info@example.nl" || len(c.OAuth2.Key) == 0 || c.IMAP.Host != "imap.gmail.com" {
		t.Errorf("grant %q subject %q key %d bytes host %q; want jwt for info@example.nl on imap.gmail.com", c.OAuth2.Grant, c.OAuth2.Subject, len(c.OAuth2.Key), c.IMAP.Host)
	}
	if got := c.OAuth2.Scopes; len(got) != 1 || got[0] != "https://mail.google.com/" {
		t.Errorf("scopes %q, want https://mail.google.com/", got)
	}
	c, err = Parse([]byte(google(`client_id = "x.apps.googleusercontent.com"`)))
	if err != nil {
		t.Fatalf("Parse refresh_token: %v", err)
	}
	if c.OAuth2.Grant != "refresh_token" {
		t.Errorf("without key_file grant = %q, want refresh_token", c.OAuth2.Grant)
	}
}

func TestOAuth2Problems(t *testing.T) {
	notKey := writeFile(t, "key.json", `{"type":"authorized_user"}`)
	tests := []struct {
		edit   string // replaces the client secret line of m365
		key    string
		reason string
	}{
		{``, "oauth2.client_secret_file", `is required with grant = "client_credentials"`},
		{"client_secret = \"x\"", "oauth2.client_secret", "unknown key; secrets go in client_secret_file or client_secret_env"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\ntoken_url = \"http://login.example.com/token\"", "oauth2.token_url", "must be https (plain http only on a loopback address)"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\ndevice_url = \"ftp://x\"", "oauth2.device_url", "must be https"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nauth_url = \"/authorize\"", "oauth2.auth_url", "is not an absolute URL"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\ngrant = \"jwt\"", "oauth2.grant", `"jwt" is not one of "client_credentials", "refresh_token"`},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nscopes = [\"a b\"]", "oauth2.scopes", `"a b" is not a scope`},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nwarn_before = \"0s\"", "oauth2.warn_before", "must be a positive duration"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nsubject = \"azure\"", "oauth2.provider", `"azure" is not one of "microsoft", "google", "custom"`},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nkey_file = \"" + notKey + "\"", "oauth2.key_file", "is not a service account's JSON key"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nclient_secret_file = \"" + notKey + "\"", "oauth2.client_secret_file", "set only one of"},
		{"client_secret_env = \"KLACHTD_TEST_SECRET\"\nclient_secret_expires = \"mei 2028\"", "oauth2.client_secret_expires", "is not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.key+" "+tt.reason, func(t *testing.T) {
			t.Setenv("KLACHTD_TEST_SECRET", "geheim")
			src := strings.Replace(m365, `client_secret_env  = "KLACHTD_TEST_SECRET"`, tt.edit, 1)
			if strings.Contains(tt.edit, `"azure"`) {
				src = strings.Replace(strings.Replace(src, `subject = "azure"`, "", 1), `provider           = "microsoft"`, `provider = "azure"`, 1)
			}
			probs := problems(t, []byte(src))
			for _, p := range probs {
				if p.Key == tt.key && strings.Contains(p.Reason, tt.reason) {
					return
				}
			}
			t.Errorf("problems %q; want %s: …%s…", probs, tt.key, tt.reason)
		})
	}
}

func TestOAuth2TenantAloneMeansMicrosoft(t *testing.T) {
	t.Setenv("KLACHTD_TEST_SECRET", "geheim")
	c, err := Parse([]byte(strings.Replace(m365, `provider           = "microsoft"`, "", 1)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.OAuth2.Provider != "microsoft" || c.IMAP.Host != "outlook.office365.com" {
		t.Errorf("provider %q host %q; want microsoft, outlook.office365.com", c.OAuth2.Provider, c.IMAP.Host)
	}
}

func TestOAuth2HTTPOnLoopback(t *testing.T) {
	t.Setenv("KLACHTD_TEST_SECRET", "geheim")
	src := strings.Replace(m365, `provider           = "microsoft"`, `provider = "custom"
token_url = "http://127.0.0.1:8080/token"
grant = "client_credentials"`, 1)
	src = strings.Replace(src, "[imap]", "[imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nauth = \"xoauth2\"", 1)
	src = strings.Replace(src, "[staff]", "[smtp]\nhost = \"127.0.0.1\"\ntls = \"none\"\n[staff]", 1)
	c, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.OAuth2.TokenURL != "http://127.0.0.1:8080/token" || c.SMTP.Username != "" || c.SMTP.Auth != "plain" {
		t.Errorf("custom: token_url %q smtp user %q auth %q; want the loopback URL and no SMTP login", c.OAuth2.TokenURL, c.SMTP.Username, c.SMTP.Auth)
	}
}

func TestAlarmSMTP(t *testing.T) {
	tests := []struct {
		edits  []string
		key    string
		reason string
	}{
		{[]string{`alarm_smtp.username = "x"`}, "alarm_smtp.username", "needs alarm_smtp.host"},
		{[]string{`alarm_smtp.host = "relay.example.nl"`, `alarm_smtp.tls = "none"`}, "alarm_smtp.tls", "allowed only for a loopback host"},
		{[]string{`alarm_smtp.host = "relay.example.nl"`, `alarm_smtp.username = "x"`}, "alarm_smtp.password_file", "is required"},
		{[]string{`alarm_smtp.host = "smtp.example.nl"`}, "alarm_smtp.host", "must be another way out"},
		{[]string{`alarm_smtp.host = "relay.example.nl"`, `alarm_smtp.from = "x"`}, "alarm_smtp.from", "is not a valid email address"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			probs := problems(t, build(t, tt.edits...))
			for _, p := range probs {
				if p.Key == tt.key && strings.Contains(p.Reason, tt.reason) {
					return
				}
			}
			t.Errorf("problems %q; want %s: …%s…", probs, tt.key, tt.reason)
		})
	}
	c, err := Parse(build(t, `alarm_smtp.host = "localhost"`, `alarm_smtp.port = 25`, `alarm_smtp.tls = "none"`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.AlarmSMTP.Host != "localhost" || c.AlarmSMTP.Port != 25 {
		t.Errorf("alarm_smtp %+v", c.AlarmSMTP)
	}
}
