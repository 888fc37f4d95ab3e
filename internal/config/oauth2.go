package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// OAuth2 is the [oauth2] section: how klachtd gets its own tokens for imap.auth and smtp.auth
// "xoauth2" or "oauthbearer" (every key in config.example.toml; the steps in docs/oauth2.md).
type OAuth2 struct {
	Provider         string `toml:"provider"` // microsoft | google | custom
	Tenant           string `toml:"tenant"`   // microsoft: the tenant id or domain
	Grant            string `toml:"grant"`    // client_credentials | refresh_token | jwt
	ClientID         string `toml:"client_id"`
	ClientSecretFile string `toml:"client_secret_file"`
	ClientSecretEnv  string `toml:"client_secret_env"`
	ClientSecret     string `toml:"-"` // read from ClientSecretFile or ClientSecretEnv
	// SecretExpires is the day the client secret expires (Azure secrets do, after at most two
	// years); staff are warned WarnBefore ahead. Zero: not known.
	SecretExpires time.Time     `toml:"client_secret_expires"`
	KeyFile       string        `toml:"key_file"` // jwt: the service account's JSON key
	Key           []byte        `toml:"-"`        // read from KeyFile
	Subject       string        `toml:"subject"`  // jwt: the mailbox the service account acts for; default imap.username
	TokenURL      string        `toml:"token_url"`
	DeviceURL     string        `toml:"device_url"` // the device authorization endpoint (RFC 8628) of `oauth2 login`
	AuthURL       string        `toml:"auth_url"`   // the authorization endpoint of `oauth2 login --browser`
	Scopes        []string      `toml:"scopes"`
	TokenStore    string        `toml:"token_store"` // default: storage.path + ".oauth2.json"
	WarnBefore    time.Duration `toml:"warn_before"`
	// Active is set while loading when imap.auth or smtp.auth uses OAuth2 or the file names a
	// provider or a tenant.
	Active bool `toml:"-"`
}

// AlarmSMTP is the [alarm_smtp] section: a second way to reach staff for the alarms about the
// mailbox itself (a refused OAuth2 refresh, an intake that cannot log in) when the account of
// [smtp] cannot send them. Empty Host: no such route.
type AlarmSMTP struct {
	Host         string        `toml:"host"`
	Port         int           `toml:"port"`
	TLS          string        `toml:"tls"`
	CAFile       string        `toml:"ca_file"`
	Timeout      time.Duration `toml:"timeout"`
	Username     string        `toml:"username"` // "" = send without logging in
	PasswordFile string        `toml:"password_file"`
	PasswordEnv  string        `toml:"password_env"`
	Password     string        `toml:"-"`
	From         string        `toml:"from"` // default organisation.address
}

// IsOAuth2 reports whether an auth value of [imap] or [smtp] uses [oauth2].
func IsOAuth2(auth string) bool { return auth == AuthXOAuth2 || auth == AuthOAuthBearer }

// applyOAuth2Defaults fills what a provider's preset implies for every key the file leaves
// out: servers, the auth method, the SMTP username, the grant, the scopes, the subject and the
// token store.
func (c *Config) applyOAuth2Defaults(defined map[string]bool) {
	o := &c.OAuth2
	o.Active = defined["oauth2.provider"] || defined["oauth2.tenant"] ||
		IsOAuth2(c.IMAP.Auth) || (c.SMTP.Username != "" && IsOAuth2(c.SMTP.Auth))
	if !o.Active {
		return
	}
	if !defined["oauth2.provider"] && defined["oauth2.tenant"] {
		o.Provider = ProviderMicrosoft // only Microsoft has tenants
	}
	if !defined["oauth2.token_store"] {
		o.TokenStore = c.Storage.Path + ".oauth2.json"
	}
	if !defined["oauth2.subject"] {
		o.Subject = c.IMAP.Username
	}
	p, ok := PresetFor(o.Provider)
	if !ok {
		return
	}
	server := func(section string, host *string, port *int, tls *string, ph string, pp int, pt string) {
		if !defined[section+".host"] {
			*host = ph
		}
		if !defined[section+".port"] {
			*port = pp
		}
		if !defined[section+".tls"] {
			*tls = pt
		}
	}
	server("imap", &c.IMAP.Host, &c.IMAP.Port, &c.IMAP.TLS, p.IMAPHost, p.IMAPPort, p.IMAPTLS)
	server("smtp", &c.SMTP.Host, &c.SMTP.Port, &c.SMTP.TLS, p.SMTPHost, p.SMTPPort, p.SMTPTLS)
	noPassword := func(section string) bool {
		return !defined[section+".auth"] && !defined[section+".password_file"] && !defined[section+".password_env"]
	}
	if noPassword("imap") {
		c.IMAP.Auth = p.Auth
	}
	if !defined["smtp.username"] {
		c.SMTP.Username = c.IMAP.Username
	}
	if noPassword("smtp") {
		c.SMTP.Auth = p.Auth
	}
	if !defined["oauth2.grant"] {
		o.Grant = p.Grant
		if o.Provider == ProviderGoogle && o.KeyFile == "" {
			o.Grant = GrantRefreshToken
		}
	}
	if !defined["oauth2.scopes"] {
		o.Scopes = append([]string(nil), p.Scopes[o.Grant]...)
	}
}

// resolveOAuth2Files reads the client secret, the service account key and the alarm route's
// password.
func (c *Config) resolveOAuth2Files(add func(key, reason string)) {
	if a := &c.AlarmSMTP; a.Host != "" && a.Username != "" {
		a.Password = secret("alarm_smtp.password", a.PasswordFile, a.PasswordEnv, add)
		checkCAFile("alarm_smtp.ca_file", a.CAFile, add)
	}
	o := &c.OAuth2
	if !o.Active {
		return
	}
	if o.ClientSecretFile != "" || o.ClientSecretEnv != "" {
		o.ClientSecret = secret("oauth2.client_secret", o.ClientSecretFile, o.ClientSecretEnv, add)
	}
	if o.KeyFile == "" {
		return
	}
	data, err := readLimited(o.KeyFile, 64<<10)
	if err != nil {
		add("oauth2.key_file", fmt.Sprintf("cannot read the service account key: %v", err))
		return
	}
	var key struct {
		Type        string `json:"type"`
		ClientEmail string `json:"client_email"`
		PrivateKey  string `json:"private_key"`
	}
	if json.Unmarshal(data, &key) != nil || key.ClientEmail == "" || key.PrivateKey == "" {
		add("oauth2.key_file", fmt.Sprintf("%s is not a service account's JSON key (with client_email and private_key); download it from the service account's Keys tab", o.KeyFile))
		return
	}
	o.Key = data
}

func (c *Config) checkOAuth2(k *checker) {
	c.checkAlarmSMTP(k)
	o := c.OAuth2
	k.positive("oauth2.warn_before", o.WarnBefore)
	if !o.Active {
		return
	}
	if !IsOAuth2(c.IMAP.Auth) && !(c.SMTP.Username != "" && IsOAuth2(c.SMTP.Auth)) {
		k.add("oauth2.provider", "is set, but neither imap.auth nor smtp.auth is \"xoauth2\" or \"oauthbearer\": remove [oauth2] or set auth")
	}
	if o.Provider == "" {
		k.add("oauth2.provider", "is required with auth = \"xoauth2\" or \"oauthbearer\": \"microsoft\", \"google\" or \"custom\"")
		return
	}
	k.oneOf("oauth2.provider", o.Provider, ProviderMicrosoft, ProviderGoogle, ProviderCustom)
	grants := []string{GrantClientCredentials, GrantRefreshToken, GrantJWT}
	if p, ok := PresetFor(o.Provider); ok {
		grants = p.Grants
	}
	if o.Grant == "" {
		k.add("oauth2.grant", "is required with provider %q: one of %s", o.Provider, strings.Join(quoteAll(grants), ", "))
	} else {
		k.oneOf("oauth2.grant", o.Grant, grants...)
	}
	switch o.Provider {
	case ProviderMicrosoft:
		if k.required("oauth2.tenant", o.Tenant) && strings.Trim(o.Tenant, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != "" {
			k.add("oauth2.tenant", "%q is not a tenant id (a GUID) or domain (contoso.onmicrosoft.com)", o.Tenant)
		}
	case ProviderCustom:
		k.required("oauth2.token_url", o.TokenURL)
	}
	for _, u := range []struct{ key, value string }{{"oauth2.token_url", o.TokenURL}, {"oauth2.device_url", o.DeviceURL}, {"oauth2.auth_url", o.AuthURL}} {
		if reason := endpointProblem(u.value); reason != "" {
			k.add(u.key, "%s", reason)
		}
	}
	c.checkOAuth2Credentials(k)
	for _, s := range o.Scopes {
		if s == "" || strings.ContainsAny(s, " \t") {
			k.add("oauth2.scopes", "%q is not a scope: one scope per quoted string, without spaces", s)
		}
	}
	k.required("oauth2.token_store", o.TokenStore)
}

// checkOAuth2Credentials checks what the grant needs: a client id, a secret, a key.
func (c *Config) checkOAuth2Credentials(k *checker) {
	o := c.OAuth2
	hasSecret := o.ClientSecretFile != "" || o.ClientSecretEnv != "" || o.ClientSecret != ""
	if o.ClientSecretFile != "" && o.ClientSecretEnv != "" {
		k.add("oauth2.client_secret_file", "set only one of client_secret_file and client_secret_env")
	}
	switch o.Grant {
	case GrantClientCredentials:
		k.required("oauth2.client_id", o.ClientID)
		if !hasSecret {
			k.add("oauth2.client_secret_file", "is required with grant = \"client_credentials\" (or client_secret_env): the secret's value from the app registration")
		}
	case GrantRefreshToken:
		k.required("oauth2.client_id", o.ClientID)
	case GrantJWT:
		if o.KeyFile == "" && len(o.Key) == 0 {
			k.add("oauth2.key_file", "is required with grant = \"jwt\": the service account's JSON key")
		}
		if hasSecret {
			k.add("oauth2.client_secret_file", "is not used with grant = \"jwt\": the key file signs the request")
		}
		k.required("oauth2.subject", o.Subject)
	}
	if o.Grant != GrantJWT && o.KeyFile != "" {
		k.add("oauth2.key_file", "is used only with grant = \"jwt\"")
	}
	if !o.SecretExpires.IsZero() && !hasSecret {
		k.add("oauth2.client_secret_expires", "is set, but there is no client secret")
	}
}

func (c *Config) checkAlarmSMTP(k *checker) {
	a := c.AlarmSMTP
	if a.Host == "" {
		for _, f := range []struct{ key, value string }{
			{"alarm_smtp.username", a.Username}, {"alarm_smtp.password_file", a.PasswordFile},
			{"alarm_smtp.password_env", a.PasswordEnv}, {"alarm_smtp.from", a.From},
		} {
			if f.value != "" {
				k.add(f.key, "needs alarm_smtp.host: without a host there is no alarm route")
			}
		}
		return
	}
	c.checkServer(k, "alarm_smtp", a.Host, a.Port, a.TLS)
	k.positive("alarm_smtp.timeout", a.Timeout)
	if a.From != "" {
		k.email("alarm_smtp.from", a.From)
	}
	if a.Username != "" {
		checkSecrets(k, "alarm_smtp", AuthPlain, a.PasswordFile, a.PasswordEnv, a.Password)
	} else if a.PasswordFile != "" || a.PasswordEnv != "" {
		k.add("alarm_smtp.password_file", "needs alarm_smtp.username")
	}
	if strings.EqualFold(a.Host, c.SMTP.Host) && a.Port == c.SMTP.Port && a.Username == c.SMTP.Username {
		k.add("alarm_smtp.host", "is the server and account of [smtp]: the alarm route must be another way out (another relay, or the server's own mail system)")
	}
}

// endpointProblem says why an OAuth2 endpoint cannot be used, or "": it must be https, or
// http on a loopback address (tests).
func endpointProblem(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return fmt.Sprintf("%q is not an absolute URL such as https://login.example.com/token", raw)
	}
	switch {
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && tlsclient.Loopback(u.Hostname()):
		return ""
	}
	return fmt.Sprintf("%q must be https (plain http only on a loopback address): tokens and secrets travel over it", raw)
}
