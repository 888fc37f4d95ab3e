package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// Problem is one thing wrong with the configuration: the key, as written in the file
// ("imap.port"), and why.
type Problem struct {
	Key    string
	Reason string
}

func (p Problem) String() string { return p.Key + ": " + p.Reason }

// Error lists every problem found in a configuration; it prints one per line.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// checker collects problems.
type checker struct{ probs []Problem }

func (k *checker) add(key, format string, args ...any) {
	k.probs = append(k.probs, Problem{key, fmt.Sprintf(format, args...)})
}

func (k *checker) required(key, value string) bool {
	if strings.TrimSpace(value) == "" {
		k.add(key, "is required")
		return false
	}
	return true
}

func (k *checker) oneOf(key, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	k.add(key, "%q is not one of %s", value, strings.Join(quoteAll(allowed), ", "))
}

func (k *checker) positive(key string, d time.Duration) {
	if d <= 0 {
		k.add(key, "must be a positive duration, as in \"48h\" or \"4w\"")
	}
}

func (k *checker) email(key, value string) {
	if strings.ContainsFunc(value, isControl) {
		return // checkOneLine reports it
	}
	if reason := emailProblem(value); reason != "" {
		k.add(key, "%s", reason)
	}
}

func (k *checker) emails(key string, list []string) {
	for _, a := range list {
		k.email(key, a)
	}
}

// Validate checks the whole configuration and reports every problem at once, as an *Error.
// It reads nothing: the secrets are checked for being configured, not for being readable.
func (c *Config) Validate() error {
	k := &checker{}
	c.checkOrganisation(k)
	c.checkIMAP(k)
	c.checkSMTP(k)
	c.checkStaff(k)
	c.checkDeadlines(k)
	c.checkRest(k)
	c.checkOAuth2(k)
	c.checkMetrics(k)
	checkOneLine(c, k)
	if len(k.probs) > 0 {
		return &Error{Problems: k.probs}
	}
	return nil
}

func (c *Config) checkOrganisation(k *checker) {
	o := c.Organisation
	k.required("organisation.name", o.Name)
	if k.required("organisation.address", o.Address) {
		k.email("organisation.address", o.Address)
	}
	k.oneOf("organisation.language", o.Language, "nl", "en")
	if _, err := time.LoadLocation(o.Timezone); err != nil || o.Timezone == "" {
		k.add("organisation.timezone", "%q is not a known time zone; use a name such as \"Europe/Amsterdam\"", o.Timezone)
	} else if o.Location == nil {
		k.add("organisation.timezone", "is not loaded; build the config with Default, Parse or Load")
	}
}

func (c *Config) checkIMAP(k *checker) {
	m := c.IMAP
	c.checkServer(k, "imap", m.Host, m.Port, m.TLS)
	k.positive("imap.timeout", m.Timeout)
	k.required("imap.username", m.Username)
	k.oneOf("imap.auth", m.Auth, AuthPlain, AuthXOAuth2, AuthOAuthBearer)
	checkSecrets(k, "imap", m.Auth, m.PasswordFile, m.PasswordEnv, m.Password)
	if k.required("imap.mailbox", m.Mailbox) && strings.EqualFold(m.Processed, m.Mailbox) {
		k.add("imap.processed", "must differ from imap.mailbox (%q): mail would be moved to where it already is; use \"\" to flag it instead", m.Mailbox)
	}
	k.positive("imap.poll_interval", m.PollInterval)
	if m.MaxSize < 1000 || m.MaxSize > 1000*1000*1000 {
		k.add("imap.max_size", "must be between 1KB and 1GB")
	}
}

func (c *Config) checkSMTP(k *checker) {
	s := c.SMTP
	c.checkServer(k, "smtp", s.Host, s.Port, s.TLS)
	k.positive("smtp.timeout", s.Timeout)
	k.positive("smtp.retry_for", s.RetryFor)
	k.positive("smtp.retry_first", s.RetryFirst)
	if s.RetryFirst > time.Hour {
		k.add("smtp.retry_first", "must be at most 1h (retries double from it up to an hour)")
	}
	k.oneOf("smtp.auth", s.Auth, AuthPlain, AuthXOAuth2, AuthOAuthBearer)
	if s.Username != "" {
		checkSecrets(k, "smtp", s.Auth, s.PasswordFile, s.PasswordEnv, s.Password)
		return
	}
	for _, f := range []struct{ key, value string }{
		{"smtp.password_file", s.PasswordFile}, {"smtp.password_env", s.PasswordEnv},
	} {
		if f.value != "" {
			k.add(f.key, "needs smtp.username; without a username klachtd sends without logging in")
		}
	}
}

// checkServer checks host, port and tls of the IMAP or SMTP section.
func (c *Config) checkServer(k *checker, section, host string, port int, tls string) {
	k.required(section+".host", host)
	if port < 1 || port > 65535 {
		k.add(section+".port", "%d is not a port number (1–65535)", port)
	}
	k.oneOf(section+".tls", tls, TLSImplicit, TLSStartTLS, TLSNone)
	if tls == TLSNone && host != "" && !tlsclient.Loopback(host) {
		k.add(section+".tls", "\"none\" sends passwords and complaints unencrypted, so it is allowed only "+
			"for a loopback host (localhost, 127.0.0.1, ::1), not %q; use \"implicit\" or \"starttls\"", host)
	}
}

// checkSecrets demands exactly one source of the password with auth "plain", and none with
// OAuth2, whose tokens come from [oauth2]. A password set directly in code counts as configured.
func checkSecrets(k *checker, section, auth, file, env, value string) {
	fileKey, envKey := section+".password_file", section+".password_env"
	switch {
	case IsOAuth2(auth):
		for _, f := range []struct{ key, value string }{{fileKey, file}, {envKey, env}} {
			if f.value != "" {
				k.add(f.key, "is not used with auth = %q: the token comes from [oauth2]", auth)
			}
		}
	case auth != AuthPlain:
	case file != "" && env != "":
		k.add(fileKey, "set only one of password_file and password_env")
	case file == "" && env == "" && value == "":
		k.add(fileKey, "is required with auth = %q (or %s); secrets go in a file or an environment variable", auth, envKey)
	}
}
