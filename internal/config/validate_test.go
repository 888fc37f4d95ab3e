package config

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// base is a minimal valid configuration: section → key → TOML value.
func base() map[string]map[string]string {
	return map[string]map[string]string{
		"organisation": {"name": `"Groeimeesters"`, "address": `"info@example.nl"`},
		"imap":         {"host": `"imap.example.nl"`, "username": `"info@example.nl"`, "password_env": `"KLACHTD_TEST_IMAP"`},
		"smtp":         {"host": `"smtp.example.nl"`},
		"staff":        {"addresses": `["milou@example.nl"]`},
	}
}

// build renders base with edits applied: "section.key = value" sets a key, "section.key -"
// removes it. It sets the environment the base config needs.
func build(t *testing.T, edits ...string) []byte {
	t.Helper()
	t.Setenv("KLACHTD_TEST_IMAP", "geheim")
	m := base()
	for _, e := range edits {
		name, value, set := strings.Cut(e, "=")
		if !set {
			name = strings.TrimSuffix(name, "-")
		}
		section, key, _ := strings.Cut(strings.TrimSpace(name), ".")
		if m[section] == nil {
			m[section] = map[string]string{}
		}
		if set {
			m[section][key] = strings.TrimSpace(value)
		} else {
			delete(m[section], key)
		}
	}
	var b strings.Builder
	for _, section := range slices.Sorted(maps.Keys(m)) {
		b.WriteString("[" + section + "]\n")
		for _, key := range slices.Sorted(maps.Keys(m[section])) {
			b.WriteString(key + " = " + m[section][key] + "\n")
		}
	}
	return []byte(b.String())
}

// problems parses data and returns its problems, failing when the error is not an *Error.
func problems(t *testing.T, data []byte) []Problem {
	t.Helper()
	c, err := Parse(data)
	if err == nil {
		return nil
	}
	if c != nil {
		t.Errorf("Parse returned a config together with an error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse error %v (%T) is not an *Error", err, err)
	}
	return e.Problems
}

func TestBaseIsValid(t *testing.T) {
	if p := problems(t, build(t)); p != nil {
		t.Fatalf("base config: %v", p)
	}
}

func TestBadConfigs(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		edit   string
		key    string
		reason string
	}{
		{"organisation.name -", "organisation.name", "is required"},
		{`organisation.name = "Groei\nmeesters"`, "organisation.name", "must be on one line"},
		{`organisation.address = "milou"`, "organisation.address", `"milou" is not a valid email address`},
		{`organisation.address = "Milou <m@example.nl>"`, "organisation.address", "must be a bare address"},
		{`organisation.language = "de"`, "organisation.language", `"de" is not one of "nl", "en"`},
		{`organisation.timezone = "Europe/Utrecht"`, "organisation.timezone", `"Europe/Utrecht" is not a known time zone`},
		{"imap.host -", "imap.host", "is required"},
		{"imap.username -", "imap.username", "is required"},
		{"imap.port = 0", "imap.port", "0 is not a port number (1–65535)"},
		{"imap.port = 70000", "imap.port", "70000 is not a port number"},
		{`imap.port = "993"`, "imap.port", "must be a whole number, not a string"},
		{`imap.tls = "ssl"`, "imap.tls", `"ssl" is not one of "implicit", "starttls", "none"`},
		{`imap.tls = "none"`, "imap.tls", `allowed only for a loopback host (localhost, 127.0.0.1, ::1), not "imap.example.nl"`},
		{`imap.auth = "login"`, "imap.auth", `"login" is not one of "plain", "xoauth2", "oauthbearer"`},
		{`imap.auth = "xoauth2"`, "oauth2.provider", `is required with auth = "xoauth2" or "oauthbearer"`},
		{`imap.auth = "xoauth2"`, "imap.password_env", `is not used with auth = "xoauth2": the token comes from [oauth2]`},
		{`imap.token_file = "/x"`, "imap.token_file", `unknown key; klachtd gets its OAuth2 tokens itself`},
		{"imap.password_env -", "imap.password_file", "is required with auth = \"plain\""},
		{`imap.password_file = "/nonexistent/klachtd-imap"`, "imap.password_file", "cannot read the secret"},
		{`imap.processed = "INBOX"`, "imap.processed", "must differ from imap.mailbox"},
		{`imap.processed = "inbox"`, "imap.processed", "must differ from imap.mailbox"},
		{`imap.mailbox = ""`, "imap.mailbox", "is required"},
		{`imap.max_size = "100B"`, "imap.max_size", "must be between 1KB and 1GB"},
		{`imap.max_size = "2GB"`, "imap.max_size", "must be between 1KB and 1GB"},
		{`imap.max_size = "25 megabytes"`, "imap.max_size", "unknown unit"},
		{`imap.max_size = 25000000`, "imap.max_size", `must be a quoted size, as in "25MB", not a number`},
		{`imap.poll_interval = "0s"`, "imap.poll_interval", "must be a positive duration"},
		{`imap.poll_interval = "60"`, "imap.poll_interval", "unknown unit"},
		{`imap.timeout = "-5s"`, "imap.timeout", "expected a number"},
		{`imap.backfill = "1 november"`, "imap.backfill", `"1 november" is not a date written as 2026-11-01`},
		{`imap.idle = "yes"`, "imap.idle", "must be true or false, not a string"},
		{`imap.ca_file = "/nonexistent/ca.pem"`, "imap.ca_file", "cannot read the CA bundle"},
		{`imap.ca_file = "` + notPEM + `"`, "imap.ca_file", "holds no PEM certificate"},
		{`smtp.host = ""`, "smtp.host", "is required"},
		{`smtp.tls = "none"`, "smtp.tls", `allowed only for a loopback host`},
		{`smtp.username = "info@example.nl"`, "smtp.password_file", "is required"},
		{`smtp.password_env = "X"`, "smtp.password_env", "needs smtp.username"},
		{`smtp.retry_for = "0s"`, "smtp.retry_for", "must be a positive duration"},
		{`smtp.retry_first = "2h"`, "smtp.retry_first", "must be at most 1h"},
		{`smtp.retry_first = "0s"`, "smtp.retry_first", "must be a positive duration"},
		{`staff.addresses = []`, "staff.addresses", "is required"},
		{`staff.addresses = "milou@example.nl"`, "staff.addresses", "must be a list of quoted strings"},
		{`staff.addresses = ["milou"]`, "staff.addresses", `"milou" is not a valid email address`},
		{`staff.notify = ["a@example.nl\nBcc: x@example.org"]`, "staff.notify", "must be on one line"},
		{`staff.authentication = "authserv"`, "staff.authserv_id", `is required with authentication = "authserv"`},
		{`staff.authserv_hops = 9`, "staff.authserv_hops", "must be between 0 and 5"},
		{`deadlines.auto_extend_by = "12h"`, "deadlines.auto_extend_by", "must be longer than deadlines.auto_extend_before"},
		{`staff.authentication = "spf"`, "staff.authentication", `"spf" is not one of "dkim", "authserv", "none"`},
		{`staff.authentication = "none"`, "staff.authentication", `is for tests and the demo on a loopback mailbox only`},
		{`staff.dkim_domains = ["milou@example.nl"]`, "staff.dkim_domains", "is not a domain name"},
		{`commissaris.name = "Kathleen Naber"`, "commissaris.email", "is required with commissaris.name"},
		{`commissaris.email = "info@ivak.nl"`, "commissaris.name", "is required with commissaris.email"},
		{`complaints.keywords = []`, "complaints.keywords", "needs at least one word"},
		{`complaints.keywords = ["klacht", " "]`, "complaints.keywords", "holds an empty word"},
		{`deadlines.confirm_alarm = "48h"`, "deadlines.confirm_alarm", "must be shorter than deadlines.confirm_within"},
		{`deadlines.remind_before = "4w"`, "deadlines.remind_before", "must be shorter than deadlines.handle_within"},
		{`deadlines.auto_extend_before = "4w"`, "deadlines.auto_extend_before", "must be shorter than deadlines.handle_within"},
		{`deadlines.auto_extend_before = "0s"`, "deadlines.auto_extend_before", "must be a positive duration"},
		{`deadlines.auto_reply_limit = -1`, "deadlines.auto_reply_limit", "must be 0 or more"},
		{`deadlines.handle_within = "4 weken"`, "deadlines.handle_within", `written as a number and a one-letter unit, without a space: "30s", "15m", "48h", "3d", "4w", "2y" (or combined, "1w3d"). Did you mean "4w"?`},
		{`deadlines.effectiveness = 90`, "deadlines.effectiveness", "must be a quoted duration, as in \"30s\", \"48h\", \"3d\" or \"4w\", not a number"},
		{`deadlines.auto_extend = 1`, "deadlines.auto_extend", "must be true or false, not a number"},
		{`retention.keep = "1w"`, "retention.keep", "must be longer than deadlines.handle_within"},
		{`report.digest = "someday 08:00"`, "report.digest", `unknown day "someday"`},
		{`report.digest = "mon 25:00"`, "report.digest", "must be HH:MM on a 24-hour clock"},
		{`report.digest = "mon"`, "report.digest", "expected a day and a time"},
		{`report.recipients = ["x"]`, "report.recipients", `"x" is not a valid email address`},
		{`storage.path = ""`, "storage.path", "is required"},
		{`log.level = "verbose"`, "log.level", `"verbose" is not one of "debug", "info", "warn", "error"`},
		{`log.format = "xml"`, "log.format", `"xml" is not one of "text", "json"`},
	}
	for _, tt := range tests {
		t.Run(tt.edit, func(t *testing.T) {
			probs := problems(t, build(t, tt.edit))
			for _, p := range probs {
				if p.Key == tt.key && strings.Contains(p.Reason, tt.reason) {
					return
				}
			}
			t.Errorf("problems %q; want %s: …%s…", probs, tt.key, tt.reason)
		})
	}
}

func TestUnknownKeys(t *testing.T) {
	tests := []struct {
		name, toml string
		want       []Problem
	}{
		{"typo", "[imap]\nhots = \"x\"", []Problem{{"imap.hots", "unknown key; did you mean imap.host?"}}},
		{"inline password", "[imap]\npassword = \"x\"",
			[]Problem{{"imap.password", "unknown key; secrets go in password_file or password_env, never in the config file"}}},
		{"inline token", "[smtp]\ntoken = \"x\"",
			[]Problem{{"smtp.token", "unknown key; klachtd gets its OAuth2 tokens itself: set auth = \"xoauth2\" and fill in [oauth2]"}}},
		{"section typo", "[imapp]\nhost = \"x\"", []Problem{{"imapp", "unknown key; did you mean imap?"}}},
		{"case matters", "[IMAP]\nhost = \"x\"", []Problem{{"IMAP", "unknown key; did you mean imap?"}}},
		{"top-level key", "debug = true", []Problem{{"debug", "unknown key"}}},
		{"nested unknown table, once", "[foo.bar]\nx = 1\n[foo.baz]\ny = 2", []Problem{{"foo", "unknown key"}}},
		{"dotted key", "[deadlines]\nconfirm.within = \"48h\"", []Problem{{"deadlines.confirm", "unknown key"}}},
		{"key where a table belongs", "organisation = \"x\"",
			[]Problem{{"organisation", "must be a table, written [organisation] on a line of its own, not a string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Problem
			for _, p := range problems(t, []byte(tt.toml)) {
				if strings.HasPrefix(p.Reason, "unknown key") || strings.HasPrefix(p.Reason, "must be a table") {
					got = append(got, p)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unknown keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSyntaxError(t *testing.T) {
	probs := problems(t, []byte("[imap]\nport = 993\nhost = \"x\n"))
	if len(probs) != 1 || probs[0].Key != "line 3" || !strings.HasPrefix(probs[0].Reason, "TOML syntax: ") {
		t.Errorf("problems = %q, want one TOML syntax problem on line 3", probs)
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	data := build(t,
		`imap.hots = "x"`,
		`imap.port = "993"`,
		`smtp.port = 0`,
		`organisation.language = "de"`,
		`deadlines.confirm_alarm = "3d"`,
		`log.format = "xml"`,
	)
	want := []Problem{
		{"imap.hots", "unknown key; did you mean imap.host?"},
		{"imap.port", "must be a whole number, not a string"},
		{"organisation.language", `"de" is not one of "nl", "en"`},
		{"smtp.port", "0 is not a port number (1–65535)"},
		{"deadlines.confirm_alarm", "must be shorter than deadlines.confirm_within: the alarm must come before the promise is broken"},
		{"log.format", `"xml" is not one of "text", "json"`},
	}
	_, err := Parse(data)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse error = %v, want *Error", err)
	}
	if diff := cmp.Diff(want, e.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(want) || lines[0] != "imap.hots: unknown key; did you mean imap.host?" {
		t.Errorf("Error() = %q, want one line per problem", err.Error())
	}
}

func TestValidateDefault(t *testing.T) {
	var e *Error
	if !errors.As(Default().Validate(), &e) {
		t.Fatal("Default().Validate() = nil, want the required keys")
	}
	var keys []string
	for _, p := range e.Problems {
		keys = append(keys, p.Key)
	}
	want := []string{"organisation.name", "organisation.address", "imap.host", "imap.username",
		"imap.password_file", "smtp.host", "staff.addresses"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("problems of Default (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../../config.example.toml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("[imap]\nport = 993\n[report]\ndigest = \"ma 08:00\"\n[foo.bar]\nx = [1, {a = 2}]\n"))
	f.Add([]byte("organisation = 3\n[[imap]]\nhost = \"x\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if (c == nil) == (err == nil) {
			t.Fatalf("Parse = %v, %v: want exactly one of config and error", c, err)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || len(e.Problems) == 0) {
			t.Fatalf("Parse error %v is not an *Error with problems", err)
		}
	})
}

// TestShortTermsScaleTheDefaults: a file that shortens only the main terms (a whole case in a
// minute, for a test) gets lesser terms to match instead of a refusal over defaults it never
// wrote; terms it does write are kept and checked.
func TestShortTermsScaleTheDefaults(t *testing.T) {
	c, err := Parse(build(t, `deadlines.handle_within = "1m"`, `deadlines.confirm_within = "20s"`))
	if err != nil {
		t.Fatalf("short terms refused: %v", err)
	}
	d := c.Deadlines
	if d.RemindBefore != 15*time.Second || d.ConfirmAlarm != 10*time.Second || d.AutoExtendBefore <= 0 || d.AutoExtendBefore >= d.HandleWithin {
		t.Errorf("scaled terms: remind_before %v, confirm_alarm %v, auto_extend_before %v", d.RemindBefore, d.ConfirmAlarm, d.AutoExtendBefore)
	}
	if _, err := Parse(build(t, `deadlines.handle_within = "1m"`, `deadlines.remind_before = "2m"`)); err == nil ||
		!strings.Contains(err.Error(), "deadlines.remind_before") {
		t.Errorf("a remind_before written longer than handle_within: err %v, want it named", err)
	}
	c, err = Parse(build(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Deadlines.RemindBefore != 7*24*time.Hour || c.Deadlines.AutoExtendBefore != 24*time.Hour || c.Deadlines.ConfirmAlarm != 24*time.Hour {
		t.Errorf("defaults changed: %+v", c.Deadlines)
	}
}
