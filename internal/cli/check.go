package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/oauth"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
)

// serverCheck is one server `check` logs in to: what to call it and how to try it.
type serverCheck struct {
	name string // "IMAP", "SMTP"
	run  func(ctx context.Context) (string, error)
	// explain says what a failure means in terms of the configuration, or "".
	explain func(err error) string
}

// cmdCheck validates the configuration and the templates, warns of secret files others may
// read, and logs in to every server, each whatever became of the one before: a run reports
// everything that needs mending at once.
func cmdCheck(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, err := e.loadConfig()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "config %s: ok\n", e.configPath)
	for _, w := range secretWarnings(c) {
		fmt.Fprintf(e.stdout, "warning: %s\n", w)
	}
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err == nil {
		err = r.Check()
	}
	if err != nil {
		return failf("templates: %v", err)
	}
	fmt.Fprintf(e.stdout, "templates: ok (%d kinds in nl and en)\n", len(render.Kinds()))
	var failed []string
	// Local, so also --offline: the child process the daemon reads attached documents in.
	if line, hint, err := checkDocReader(ctx, selfExecutable()); err != nil {
		failed = append(failed, "the document reader")
		fmt.Fprintf(e.stderr, "%s: FAILED: %v\n", line, err)
		if hint != "" {
			fmt.Fprintf(e.stderr, "  %s\n", hint)
		}
	} else {
		fmt.Fprintln(e.stdout, line)
	}
	if e.offline {
		if len(failed) > 0 {
			return failf("%s failed (see above)", strings.Join(failed, " and "))
		}
		return nil
	}
	tokens, err := kd.NewTokens(c, e.configPath, e.log)
	if err != nil {
		return failf("%v", err)
	}
	for _, s := range serverChecks(c, tokens) {
		// A token may take a round trip to the provider first.
		cctx, cancel := context.WithTimeout(ctx, 2*max(c.IMAP.Timeout, c.SMTP.Timeout)+30*time.Second)
		line, err := s.run(cctx)
		cancel()
		if err != nil {
			// On standard error, as every failure: what works goes on standard output.
			failed = append(failed, s.name)
			fmt.Fprintf(e.stderr, "%s: FAILED: %v\n", line, err)
			if hint := s.explain(err); hint != "" {
				fmt.Fprintf(e.stderr, "  %s\n", hint)
			}
			continue
		}
		fmt.Fprintln(e.stdout, line)
	}
	if len(failed) > 0 {
		return failf("%s failed (see above)", strings.Join(failed, " and "))
	}
	return nil
}

// serverChecks are the logins `check` tries, in order: the OAuth2 token when one is used,
// then IMAP and SMTP.
func serverChecks(c *config.Config, tokens *oauth.Manager) []serverCheck {
	im, sm := c.IMAP, c.SMTP
	var checks []serverCheck
	if tokens != nil {
		checks = append(checks, serverCheck{name: "OAuth2", run: func(ctx context.Context) (string, error) {
			var b strings.Builder
			if err := checkTokens(ctx, &b, c, tokens); err != nil {
				return "oauth2 " + c.OAuth2.Provider, err
			}
			return strings.TrimSpace(b.String()), nil
		}, explain: func(error) string { return "" }})
	}
	return append(checks, []serverCheck{
		{name: "IMAP", run: func(ctx context.Context) (string, error) {
			where := fmt.Sprintf("imap %s:%d", im.Host, im.Port)
			caps, err := intake.Check(ctx, kd.IntakeConfigWith(c, tokens))
			if err != nil {
				return where, err
			}
			folder := "exists"
			if !caps.ProcessedExists {
				folder = "does not exist yet (it will be created)"
			}
			line := fmt.Sprintf("%s: logged in; %s has %s (UIDVALIDITY %d); IDLE %s, MOVE %s, UIDPLUS %s",
				where, im.Mailbox, plural(int(caps.Messages), "message", "messages"), caps.UIDValidity,
				yes(caps.IDLE), yes(caps.MOVE), yes(caps.UIDPLUS))
			if im.Processed != "" {
				line += fmt.Sprintf("; folder %q %s", im.Processed, folder)
			}
			return line, nil
		}, explain: func(err error) string { return explainConn("imap", im.Host, im.Port, im.TLS, err) }},
		{name: "SMTP", run: func(ctx context.Context) (string, error) {
			where := fmt.Sprintf("smtp %s:%d", sm.Host, sm.Port)
			if err := outbox.Check(ctx, kd.SenderConfigWith(c, tokens)); err != nil {
				return where, err
			}
			if sm.Username == "" {
				return where + ": connected (no login configured: mail is sent without logging in)", nil
			}
			return where + ": logged in", nil
		}, explain: func(err error) string { return explainConn("smtp", sm.Host, sm.Port, sm.TLS, err) }},
	}...)
}

// tlsPorts are the usual ports of each section: TLS from the first byte, and STARTTLS.
var tlsPorts = map[string][2]int{"imap": {993, 143}, "smtp": {465, 587}}

// explainConn says what a failure to connect means in terms of section.host, .port and .tls:
// the classic mistakes are TLS from the first byte on a STARTTLS port and the other way round.
func explainConn(section, host string, port int, mode string, err error) string {
	implicitPort, starttlsPort := tlsPorts[section][0], tlsPorts[section][1]
	var (
		rec     tls.RecordHeaderError
		unknown x509.UnknownAuthorityError
		verify  *tls.CertificateVerificationError
		name    x509.HostnameError
		dnsErr  *net.DNSError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &rec):
		return fmt.Sprintf(`%s.tls = %q starts TLS at once, but the server on port %d answered in plain text: `+
			`it expects STARTTLS (set %s.tls = "starttls") or TLS is on another port (usually %d for "implicit")`,
			section, mode, port, section, implicitPort)
	case errors.As(err, &name):
		return fmt.Sprintf("the server's certificate is not for %q: set %s.host to a name the certificate names (%s)",
			host, section, strings.Join(name.Certificate.DNSNames, ", "))
	case errors.As(err, &unknown) || errors.As(err, &verify):
		return fmt.Sprintf("the server's certificate is not signed by an authority this machine trusts: "+
			"for a private CA, set %s.ca_file to its certificate (PEM)", section)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("%s.host %q is not a name the DNS knows: check the spelling", section, host)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing accepts connections on %s port %d: check %s.host and %s.port (usually %d with \"implicit\", %d with \"starttls\")",
			host, port, section, section, implicitPort, starttlsPort)
	case section == "smtp" && strings.Contains(err.Error(), "does not support SMTP AUTH"):
		return fmt.Sprintf("the server on port %d offers no login: to send without one (a local relay), remove smtp.username and smtp.password_file; "+
			"else check smtp.port (%d usually offers a login after STARTTLS)", port, starttlsPort)
	case mode == config.TLSStartTLS && strings.Contains(strings.ToLower(err.Error()), "starttls"):
		return fmt.Sprintf(`the server on port %d does not offer STARTTLS: if it speaks TLS from the first byte, set %s.tls = "implicit" (usually port %d)`,
			port, section, implicitPort)
	case mode != config.TLSImplicit && (errors.As(err, &netErr) && netErr.Timeout() || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return fmt.Sprintf(`the server on port %d sent no greeting: it may expect TLS from the first byte, as port %d usually does; then set %s.tls = "implicit"`,
			port, implicitPort, section)
	case mode == config.TLSImplicit && (errors.As(err, &netErr) && netErr.Timeout() || errors.Is(err, io.EOF)):
		return fmt.Sprintf(`the TLS handshake on port %d did not complete: if the server expects a plain start (usually port %d), set %s.tls = "starttls"`,
			port, starttlsPort, section)
	}
	return ""
}

// secretWarnings names the secret files that others than the service user may read.
func secretWarnings(c *config.Config) []string {
	var out []string
	files := []struct{ key, path string }{
		{"imap.password_file", c.IMAP.PasswordFile}, {"smtp.password_file", c.SMTP.PasswordFile},
		{"alarm_smtp.password_file", c.AlarmSMTP.PasswordFile},
	}
	if c.OAuth2.Active {
		files = append(files, []struct{ key, path string }{{"oauth2.client_secret_file", c.OAuth2.ClientSecretFile},
			{"oauth2.key_file", c.OAuth2.KeyFile}, {"oauth2.token_store", c.OAuth2.TokenStore}}...)
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		fi, err := os.Stat(f.path)
		if err != nil || fi.Mode().Perm()&0o044 == 0 {
			continue // unreadable files are the configuration's problem, reported there
		}
		out = append(out, fmt.Sprintf("%s %s is readable by group or others (mode %04o): chmod 600 %s",
			f.key, f.path, fi.Mode().Perm(), f.path))
	}
	return out
}

// plural is "1 message" or "3 messages".
func plural(n int, one, more string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, more)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
