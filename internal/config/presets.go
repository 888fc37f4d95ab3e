package config

// Grants of [oauth2].
const (
	GrantClientCredentials = "client_credentials" // app-only (Microsoft 365): client id and secret
	GrantRefreshToken      = "refresh_token"      // a person signs in once: klachtd oauth2 login
	GrantJWT               = "jwt"                // a service account's signed assertion (Google Workspace)
)

// Providers of [oauth2].
const (
	ProviderMicrosoft = "microsoft"
	ProviderGoogle    = "google"
	ProviderCustom    = "custom" // any other OAuth2 server: token_url (and device_url, auth_url) given
)

// Preset is what a mail provider needs beyond the account itself: its servers, the SASL
// mechanism, the grant that suits an unattended daemon and the scopes of each grant. A config
// that names the provider in [oauth2] gets these as defaults for every key it leaves out, so
// that a Microsoft 365 config needs only the tenant, the client id, the secret and the mailbox.
// `klachtd init` offers them as presets.
type Preset struct {
	Provider string // the value of oauth2.provider
	Name     string // what people call it

	IMAPHost string
	IMAPPort int
	IMAPTLS  string
	SMTPHost string
	SMTPPort int
	SMTPTLS  string
	Auth     string // the SASL mechanism of imap.auth and smtp.auth

	Grant  string              // the default grant (Google: jwt when key_file is set, else refresh_token)
	Grants []string            // the grants the provider offers
	Scopes map[string][]string // the default scopes of each grant
	Docs   string              // where docs/oauth2.md explains the set-up
}

// Presets returns the known providers, Microsoft 365 first. The table is built on each call:
// callers may change their copy.
func Presets() []Preset {
	return []Preset{
		{
			Provider: ProviderMicrosoft, Name: "Microsoft 365",
			IMAPHost: "outlook.office365.com", IMAPPort: 993, IMAPTLS: TLSImplicit,
			SMTPHost: "smtp.office365.com", SMTPPort: 587, SMTPTLS: TLSStartTLS,
			Auth:   AuthXOAuth2,
			Grant:  GrantClientCredentials,
			Grants: []string{GrantClientCredentials, GrantRefreshToken},
			Scopes: map[string][]string{
				GrantClientCredentials: {"https://outlook.office365.com/.default"},
				GrantRefreshToken: {
					"https://outlook.office365.com/IMAP.AccessAsUser.All",
					"https://outlook.office365.com/SMTP.Send",
					"offline_access",
				},
			},
			Docs: "docs/oauth2.md#microsoft-365",
		},
		{
			Provider: ProviderGoogle, Name: "Google Workspace",
			IMAPHost: "imap.gmail.com", IMAPPort: 993, IMAPTLS: TLSImplicit,
			SMTPHost: "smtp.gmail.com", SMTPPort: 587, SMTPTLS: TLSStartTLS,
			Auth:   AuthXOAuth2,
			Grant:  GrantJWT,
			Grants: []string{GrantJWT, GrantRefreshToken},
			Scopes: map[string][]string{
				GrantJWT:          {"https://mail.google.com/"},
				GrantRefreshToken: {"https://mail.google.com/"},
			},
			Docs: "docs/oauth2.md#google-workspace",
		},
	}
}

// PresetFor returns the preset of a provider; false for "custom" and unknown names.
func PresetFor(provider string) (Preset, bool) {
	for _, p := range Presets() {
		if p.Provider == provider {
			return p, true
		}
	}
	return Preset{}, false
}
