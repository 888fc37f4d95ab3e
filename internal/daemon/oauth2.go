package daemon

import (
	"fmt"
	"log/slog"

	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/oauth"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
)

// alarmTemplate is the staff mail of an alarm about the mailbox itself; such rows may go by
// the [alarm_smtp] route.
const alarmTemplate = string(render.KindStoring)

// OAuthConfig is the [oauth2] section as the token manager takes it. configPath names the
// configuration in the remedies it gives ("klachtd oauth2 login --config …"); "" leaves
// --config out.
func OAuthConfig(c *config.Config, configPath string) oauth.Config {
	o := c.OAuth2
	flag := ""
	if configPath != "" {
		flag = " --config " + configPath
	}
	secret := o.ClientSecretFile
	if secret == "" && o.ClientSecretEnv != "" {
		secret = "the environment variable " + o.ClientSecretEnv
	}
	return oauth.Config{
		Provider: o.Provider, Tenant: o.Tenant, Grant: o.Grant, ClientID: o.ClientID,
		ClientSecret: o.ClientSecret, Key: o.Key, Subject: o.Subject,
		TokenURL: o.TokenURL, DeviceURL: o.DeviceURL, AuthURL: o.AuthURL, Scopes: o.Scopes,
		StorePath: o.TokenStore, WarnBefore: o.WarnBefore, Location: c.Organisation.Location,
		LoginCommand:   "klachtd oauth2 login" + flag,
		RestartCommand: "klachtd check" + flag + ", then restart klachtd (systemctl restart klachtd)",
		SecretSource:   secret, KeySource: o.KeyFile,
	}
}

// NewTokens builds the token manager of the configuration, or nil when it uses no OAuth2.
func NewTokens(c *config.Config, configPath string, log *slog.Logger) (*oauth.Manager, error) {
	if !c.OAuth2.Active {
		return nil, nil
	}
	m, err := oauth.New(OAuthConfig(c, configPath), oauth.Options{Log: log})
	if err != nil {
		return nil, fmt.Errorf("oauth2: %w", err)
	}
	return m, nil
}

// IntakeConfigWith is IntakeConfig with the token manager where imap.auth uses OAuth2.
func IntakeConfigWith(c *config.Config, m *oauth.Manager) intake.Config {
	ic := IntakeConfig(c)
	if m != nil && config.IsOAuth2(c.IMAP.Auth) {
		ic.Tokens = m
	}
	return ic
}

// SenderConfigWith is SenderConfig with the token manager where smtp.auth uses OAuth2.
func SenderConfigWith(c *config.Config, m *oauth.Manager) outbox.Config {
	sc := SenderConfig(c)
	if m != nil && config.IsOAuth2(c.SMTP.Auth) {
		sc.Tokens = m
	}
	return sc
}

// alarmRoute is the [alarm_smtp] route as the sender's fallback.
func alarmRoute(c *config.Config) (outbox.Fallback, bool) {
	a := c.AlarmSMTP
	if a.Host == "" {
		return outbox.Fallback{}, false
	}
	return outbox.Fallback{
		Config: outbox.Config{Host: a.Host, Port: a.Port, TLS: a.TLS, CAFile: a.CAFile, Username: a.Username,
			Password: a.Password, Auth: "plain", Timeout: a.Timeout},
		From: a.From,
		For:  func(r *outbox.Row) bool { return r.Template == alarmTemplate },
	}, true
}

// initTokens takes or builds the token manager and the alarm settings.
func (d *Daemon) initTokens(o Options) error {
	d.configPath, d.loginAlarmAfter = o.ConfigPath, o.LoginAlarmAfter
	if d.loginAlarmAfter <= 0 {
		d.loginAlarmAfter = defaultLoginAlarmAfter
	}
	d.tokens = o.Tokens
	if d.tokens != nil || !d.cfg.OAuth2.Active {
		return nil
	}
	m, err := NewTokens(d.cfg, o.ConfigPath, d.log.With("component", "oauth2"))
	if err != nil {
		return err
	}
	d.tokens = m
	return nil
}
