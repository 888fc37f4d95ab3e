// Package outbox delivers klachtd's outgoing mail. Every mail is a row that the store wrote in the
// same transaction as its cause, with its Message-ID fixed at that moment; this package turns a
// row into an RFC 5322 message (Build, Compose) and hands it to the organisation's SMTP server
// (Sender), retrying temporary failures with backoff until the server accepts it or the row is
// too old.
//
// Delivery is at least once with at most one duplicate: a row is claimed by pushing its next
// attempt back before the send (as the mox queue does), so a crash never spins on one row. A
// row the server accepted is named in the Journal until its record is written, so it is only
// resent when the process died within the SMTP exchange itself, after the server took the data
// and before its 250 was read (or the journal was lost with the page cache).
//
// The package owns no SQL and no templates: the Queue interface is implemented by the store,
// and rows arrive fully rendered. It never logs addresses, subjects or bodies at info level.
package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/oauth"
	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// Row is one outgoing mail as the store keeps it.
type Row struct {
	ID       int64
	CaseID   string // "KL-2026-0007"; empty for mail about no case (digest, report)
	Template string // "bevestiging", "melding-nieuw", …

	From mailparse.Address
	To   []mailparse.Address
	Cc   []mailparse.Address // envelope recipients are To + Cc

	Subject string
	Text    string
	HTML    string // optional; with it the mail is multipart/alternative

	// MessageID is fixed when the row was written, without angle brackets, for example
	// "kl-2026-0007.bevestiging.3@intervisie-begeleiding.nl".
	MessageID  string
	InReplyTo  string   // without angle brackets; empty when the mail starts a thread
	References []string // without angle brackets, oldest first
	Date       time.Time

	// AutoSubmitted is "auto-replied" for an answer to incoming mail, else "auto-generated".
	AutoSubmitted string

	// Attempts counts the delivery attempts made before this claim (0 on the first send).
	// The store increments it in Retry; the next attempt's delay is Backoff(Attempts+1).
	Attempts int

	Attachments []Attachment
}

// Attachment is a file sent with a mail, such as the report's chart.
type Attachment struct {
	Name        string
	ContentType string // "image/png"; empty means application/octet-stream
	Data        []byte
	// Inline embeds the file in the HTML part (multipart/related) with Content-ID <Name>, so
	// the HTML can show it as cid:Name.
	Inline bool
}

// Queue is the store's side of the outbox.
type Queue interface {
	// Claim returns the next row due at or before now and pushes its next attempt to now+lease in the same
	// write, so a crash never spins on one row; nil, nil when nothing is due.
	Claim(ctx context.Context, now time.Time, lease time.Duration) (*Row, error)
	Sent(ctx context.Context, id int64, at time.Time) error
	// SentClaim is Sent and then Claim in one write, for a sender in a burst: one commit a
	// mail instead of two. Nothing of it is recorded when it returns an error.
	SentClaim(ctx context.Context, id int64, at, now time.Time, lease time.Duration) (*Row, error)
	Retry(ctx context.Context, id int64, next time.Time, reason string) error
	Failed(ctx context.Context, id int64, at time.Time, reason string) error // permanent; the store records it on the case and queues a staff notice
	NextDue(ctx context.Context) (time.Time, bool, error)
}

// Config is the [smtp] section, with secrets already read from their files.
type Config struct {
	Host     string
	Port     int    // 0: 465 for implicit TLS, 587 for starttls, 25 for none
	TLS      string // "implicit" | "starttls" | "none" (loopback hosts only); "" means starttls
	CAFile   string // PEM bundle of a private CA, added to the system roots
	Username string // empty: no SMTP AUTH
	Password string
	Auth     string        // "plain" (default) | "login" | "xoauth2" | "oauthbearer" (then Tokens)
	Tokens   Tokens        // the OAuth2 tokens of "xoauth2" and "oauthbearer"
	Timeout  time.Duration // per connection; 0 means DefaultTimeout
	RetryFor time.Duration // give up on a row this long after its Date; 0 means DefaultRetryFor
	// RetryFirst is the wait before the first retry; it doubles up to an hour. 0 means 30s.
	RetryFirst time.Duration

	tlsConf *tls.Config // built from Host and CAFile by normalized, shared by every connection
}

// Tokens hands out OAuth2 access tokens: an *oauth.Manager.
type Tokens interface {
	Token(ctx context.Context) (oauth.Token, error)
	// Refused tells that a server refused the token: the next Token renews it.
	Refused(access string)
}

// Defaults for zero Config fields.
const (
	DefaultTimeout  = time.Minute
	DefaultRetryFor = 5 * 24 * time.Hour // as Postfix's maximal_queue_lifetime
)

// ErrConfig marks an SMTP configuration that cannot work; errors.Is finds it.
var ErrConfig = errors.New("invalid smtp configuration")

// normalized returns cfg with defaults filled in, or an error wrapping ErrConfig that names
// every problem at once.
func (cfg Config) normalized() (Config, error) {
	var problems []string
	cfg.TLS = strings.ToLower(strings.TrimSpace(cfg.TLS))
	if cfg.TLS == "" {
		cfg.TLS = "starttls"
	}
	if cfg.Host == "" {
		problems = append(problems, "host is empty")
	}
	switch cfg.TLS {
	case "implicit", "starttls":
	case "none":
		if cfg.Host != "" && !tlsclient.Loopback(cfg.Host) {
			problems = append(problems, fmt.Sprintf("tls \"none\" is only allowed for a loopback host, not %q", cfg.Host))
		}
	default:
		problems = append(problems, fmt.Sprintf("tls %q: want implicit, starttls or none", cfg.TLS))
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{"implicit": 465, "starttls": 587, "none": 25}[cfg.TLS]
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		problems = append(problems, fmt.Sprintf("port %d out of range", cfg.Port))
	}
	cfg.Auth = strings.ToLower(strings.TrimSpace(cfg.Auth))
	if cfg.Auth == "" {
		cfg.Auth = "plain"
	}
	switch cfg.Auth {
	case "plain", "login":
	case oauth.MechXOAuth2, oauth.MechOAuthBearer:
		if cfg.Username != "" && cfg.Tokens == nil {
			problems = append(problems, fmt.Sprintf("auth %q needs an OAuth2 token source", cfg.Auth))
		}
	default:
		problems = append(problems, fmt.Sprintf("auth %q: want plain, login, xoauth2 or oauthbearer", cfg.Auth))
	}
	if cfg.Timeout < 0 || cfg.RetryFor < 0 {
		problems = append(problems, "timeout and retry_for must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RetryFirst <= 0 {
		cfg.RetryFirst = 30 * time.Second
	}
	if cfg.RetryFor == 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if tc, err := tlsclient.Config(cfg.Host, cfg.CAFile); err != nil {
		problems = append(problems, err.Error())
	} else {
		cfg.tlsConf = tc
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	return cfg, nil
}

// Backoff is the delay before attempt number attempt+1 after attempt failed: 30s, 1m, 2m, 4m …
// capped at 1h, with ±20% jitter from rnd (a value in [0,1); nil means no jitter).
func Backoff(attempt int, rnd func() float64) time.Duration {
	return BackoffFrom(30*time.Second, attempt, rnd)
}

// BackoffFrom is Backoff with another first wait.
func BackoffFrom(first time.Duration, attempt int, rnd func() float64) time.Duration {
	const limit = time.Hour
	d := first
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if rnd == nil {
		return d
	}
	f := min(max(rnd(), 0), 1)
	return time.Duration(float64(d) * (0.8 + 0.4*f))
}
