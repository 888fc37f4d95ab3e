// Package config owns klachtd's configuration: the TOML file of config.example.toml, decoded
// strictly (an unknown key is refused, naming it), turned into typed values (durations, sizes,
// a time zone, a weekly moment), with its secrets read from files or the environment, and
// validated so that every problem is reported at once with its key.
//
// It must not open network connections or touch the database; reading the config file and
// the secret files it names is its only I/O.
package config

import (
	"log/slog"
	"strings"
	"time"

	// The organisation's time zone must load on a machine without a zoneinfo database.
	_ "time/tzdata"
)

// Values of the enumerated keys.
const (
	TLSImplicit = "implicit" // TLS from the first byte (IMAP 993, SMTP 465)
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (SMTP 587)
	TLSNone     = "none"     // no TLS at all: loopback hosts only

	AuthPlain       = "plain"       // username and password
	AuthXOAuth2     = "xoauth2"     // username and an OAuth2 bearer token of [oauth2] (Google, Microsoft)
	AuthOAuthBearer = "oauthbearer" // the same as RFC 7628 OAUTHBEARER

	AuthenticationDKIM     = "dkim"     // a staff mail must carry a DKIM signature of its domain
	AuthenticationAuthserv = "authserv" // trust Authentication-Results of our own mail server
	AuthenticationNone     = "none"     // trust the From header: tests and demos only
)

// Config is the whole configuration. The toml tags are the public key names; fields tagged
// "-" are derived while loading and cannot be written in the file.
type Config struct {
	Organisation Organisation `toml:"organisation"`
	IMAP         IMAP         `toml:"imap"`
	SMTP         SMTP         `toml:"smtp"`
	Staff        Staff        `toml:"staff"`
	Commissaris  Commissaris  `toml:"commissaris"`
	Complaints   Complaints   `toml:"complaints"`
	Deadlines    Deadlines    `toml:"deadlines"`
	Retention    Retention    `toml:"retention"`
	OAuth2       OAuth2       `toml:"oauth2"`
	AlarmSMTP    AlarmSMTP    `toml:"alarm_smtp"`
	Report       Report       `toml:"report"`
	Storage      Storage      `toml:"storage"`
	Templates    Templates    `toml:"templates"`
	Log          Log          `toml:"log"`
	Metrics      Metrics      `toml:"metrics"`
}

// Organisation is who runs the procedure.
type Organisation struct {
	Name     string         `toml:"name"`
	Address  string         `toml:"address"` // the mailbox complainants write to; From of every mail
	Phone    string         `toml:"phone"`
	Officer  string         `toml:"officer"` // signs the mails
	Timezone string         `toml:"timezone"`
	Location *time.Location `toml:"-"`        // Timezone, loaded
	Language string         `toml:"language"` // "nl" or "en"
}

// IMAP is the mailbox klachtd reads.
type IMAP struct {
	Host         string        `toml:"host"`
	Port         int           `toml:"port"`
	TLS          string        `toml:"tls"`
	CAFile       string        `toml:"ca_file"` // PEM bundle of a private CA; "" = system roots
	Timeout      time.Duration `toml:"timeout"` // dial and command timeout
	Username     string        `toml:"username"`
	PasswordFile string        `toml:"password_file"`
	PasswordEnv  string        `toml:"password_env"`
	Password     string        `toml:"-"`    // read from PasswordFile or PasswordEnv
	Auth         string        `toml:"auth"` // plain | xoauth2 | oauthbearer (then [oauth2])
	Mailbox      string        `toml:"mailbox"`
	Processed    string        `toml:"processed"` // "" = leave processed mail in place, flagged
	Idle         bool          `toml:"idle"`
	PollInterval time.Duration `toml:"poll_interval"`
	Backfill     time.Time     `toml:"backfill"` // midnight in Location; zero = only new mail
	MaxSize      int64         `toml:"max_size" kind:"size"`
}

// SMTP is the server klachtd sends through.
type SMTP struct {
	Host         string        `toml:"host"`
	Port         int           `toml:"port"`
	TLS          string        `toml:"tls"`
	CAFile       string        `toml:"ca_file"`
	Timeout      time.Duration `toml:"timeout"`
	RetryFor     time.Duration `toml:"retry_for"`   // temporary failures retried this long, then failed
	RetryFirst   time.Duration `toml:"retry_first"` // wait before the first retry; doubles up to an hour
	Username     string        `toml:"username"`    // "" = no authentication
	PasswordFile string        `toml:"password_file"`
	PasswordEnv  string        `toml:"password_env"`
	Password     string        `toml:"-"`
	Auth         string        `toml:"auth"`
}

// Staff are the people who handle complaints.
type Staff struct {
	Addresses      []string `toml:"addresses"`      // may send tag commands
	Notify         []string `toml:"notify"`         // new-complaint mails, reminders, digest; empty = Addresses
	Authentication string   `toml:"authentication"` // dkim | authserv | none
	AuthservID     string   `toml:"authserv_id"`
	AuthservHops   int      `toml:"authserv_hops"` // Received: lines our own delivery adds above that header
	DKIMDomains    []string `toml:"dkim_domains"`  // accepted DKIM signers; empty = domains of Addresses
}

// Commissaris is the independent complaints officer of the escalation step.
type Commissaris struct {
	Name  string `toml:"name"`
	Email string `toml:"email"`
}

// Complaints says how a complaint is recognised and what it may be about.
type Complaints struct {
	Keywords []string `toml:"keywords"`
	Services []string `toml:"services"`
	// FormSenders are the addresses a web form on the organisation's site sends from; their
	// Reply-To names the complainant (when the mail is authenticated as staff mail is).
	FormSenders []string `toml:"form_senders"`
	// MaxNewPerHour caps the new-case confirmations that go out per hour for the whole
	// mailbox; more wait their turn, so a flood of forged complaints cannot
	// turn the mailbox into a relay.
	MaxNewPerHour int `toml:"max_new_per_hour"`
}

// Deadlines are the terms of the procedure ([deadlines] in config.example.toml).
type Deadlines struct {
	ConfirmWithin time.Duration `toml:"confirm_within"`
	ConfirmAlarm  time.Duration `toml:"confirm_alarm"`
	HandleWithin  time.Duration `toml:"handle_within"`
	RemindBefore  time.Duration `toml:"remind_before"`
	AutoExtend    bool          `toml:"auto_extend"`
	AutoExtendBy  time.Duration `toml:"auto_extend_by"`
	// AutoExtendBefore is how long before the due date the automatic extension notice goes
	// out, so that the complainant has it before the term passes.
	AutoExtendBefore time.Duration `toml:"auto_extend_before"`
	Effectiveness    time.Duration `toml:"effectiveness"`
	AutoReplyLimit   int           `toml:"auto_reply_limit"`
}

// Retention is the archive limit.
type Retention struct {
	Keep time.Duration `toml:"keep"`
}

// Report says who receives the half-yearly report and when the weekly digest goes out.
type Report struct {
	Recipients []string `toml:"recipients"` // empty = Staff.Notify
	Digest     Digest   `toml:"digest"`
}

// Storage is where the database lives.
type Storage struct {
	Path string `toml:"path"`
}

// Templates may override the built-in templates.
type Templates struct {
	Dir string `toml:"dir"` // "" = built-in only
}

// Log configures log/slog.
type Log struct {
	Level  string `toml:"level"`  // debug | info | warn | error
	Format string `toml:"format"` // text | json
}

// SlogLevel is Level as a log/slog level; Validate has checked it.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Default returns every default config.example.toml names, without hosts, usernames or addresses.
func Default() *Config {
	return &Config{
		Organisation: Organisation{
			Timezone: "Europe/Amsterdam",
			Location: mustLoadAmsterdam(),
			Language: "nl",
		},
		IMAP: IMAP{
			Port: 993, TLS: TLSImplicit, Timeout: 30 * time.Second, Auth: AuthPlain,
			Mailbox: "INBOX", Processed: "Klachten", Idle: true,
			PollInterval: 60 * time.Second, MaxSize: 25_000_000,
		},
		SMTP: SMTP{
			Port: 587, TLS: TLSStartTLS, Timeout: 30 * time.Second,
			RetryFor: 3 * day, RetryFirst: 30 * time.Second, Auth: AuthPlain,
		},
		Staff:      Staff{Authentication: AuthenticationDKIM},
		Complaints: Complaints{Keywords: []string{"klacht", "klachtformulier", "complaint", "beklag"}, MaxNewPerHour: 30},
		Deadlines: Deadlines{
			ConfirmWithin: 48 * time.Hour, ConfirmAlarm: 24 * time.Hour,
			HandleWithin: 4 * week, RemindBefore: 7 * day,
			AutoExtend: true, AutoExtendBy: 4 * week, AutoExtendBefore: day,
			Effectiveness: 90 * day, AutoReplyLimit: 3,
		},
		Retention: Retention{Keep: 2 * year},
		OAuth2:    OAuth2{WarnBefore: 14 * day},
		AlarmSMTP: AlarmSMTP{Port: 587, TLS: TLSStartTLS, Timeout: 30 * time.Second},
		Report:    Report{Digest: Digest{Enabled: true, Weekday: time.Monday, Hour: 8}},
		Storage:   Storage{Path: "/var/lib/klachtd/klachtd.db"},
		Log:       Log{Level: "info", Format: "text"},
	}
}

const (
	day  = 24 * time.Hour
	week = 7 * day
	year = 365 * day
)

// mustLoadAmsterdam loads the default zone, which time/tzdata guarantees; UTC is a fallback
// that cannot be reached but keeps Default free of panics.
func mustLoadAmsterdam() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}

// StaffAddress reports whether email is one of staff.addresses, ignoring case and spaces.
func (c *Config) StaffAddress(email string) bool {
	email = strings.TrimSpace(email)
	for _, a := range c.Staff.Addresses {
		if strings.EqualFold(strings.TrimSpace(a), email) {
			return true
		}
	}
	return false
}
