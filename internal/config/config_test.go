package config

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// cmpConfig compares configs: locations by name, CA pools by content.
func cmpConfig() cmp.Options {
	return cmp.Options{
		cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() }),
		cmp.Comparer(func(a, b *x509.CertPool) bool { return a.Equal(b) }),
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExample(t *testing.T) {
	data, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	// As installed: the secrets beside the configuration, found by their bare names.
	dir := t.TempDir()
	imapPW, smtpPW := filepath.Join(dir, "imap"), filepath.Join(dir, "smtp")
	os.WriteFile(imapPW, []byte("imap-geheim\n"), 0o600)
	os.WriteFile(smtpPW, []byte("smtp-geheim"), 0o600)
	os.WriteFile(filepath.Join(dir, "config.toml"), data, 0o644)
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	got, err := Load(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatalf("Parse(config.example.toml):\n%v", err)
	}

	want := Default()
	milou := []string{"milou@intervisie-begeleiding.nl"}
	want.Organisation.Name = "Groeimeesters"
	want.Organisation.Address = "info@intervisie-begeleiding.nl"
	want.Organisation.Phone = "06 58949869"
	want.Organisation.Officer = "Milou Meijer"
	want.IMAP.Host, want.IMAP.Username = "imap.example.nl", "info@intervisie-begeleiding.nl"
	want.IMAP.PasswordFile, want.IMAP.Password = imapPW, "imap-geheim"
	want.SMTP.Host, want.SMTP.Username = "smtp.example.nl", "info@intervisie-begeleiding.nl"
	want.SMTP.PasswordFile, want.SMTP.Password = smtpPW, "smtp-geheim"
	want.Staff.Addresses, want.Staff.Notify = milou, milou
	want.Staff.DKIMDomains = []string{"intervisie-begeleiding.nl"}
	want.Commissaris = Commissaris{Name: "Kathleen Naber", Email: "info@ivak.nl"}
	want.Complaints.Services = []string{"intervisie-begeleiding", "(in company) training", "online cursus"}
	want.Report.Recipients = milou
	if diff := cmp.Diff(want, got, cmpConfig()); diff != "" {
		t.Errorf("config.example.toml (-want +got):\n%s", diff)
	}
}

// TestExampleDocumentsEveryKey keeps config.example.toml complete: every key of Config is
// written (or shown commented out) in its section, with a comment.
func TestExampleDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	parts := regexp.MustCompile(`(?m)^\[(\w+)\]$`).Split(string(data), -1)
	names := regexp.MustCompile(`(?m)^\[(\w+)\]$`).FindAllStringSubmatch(string(data), -1)
	text := make(map[string]string)
	for i, n := range names {
		text[n[1]] = parts[i+1]
	}
	sections, keys := knownKeys()
	for _, section := range sections {
		for _, key := range keys[section] {
			line := regexp.MustCompile(`(?m)^#? *` + key + ` +=[^\n]*#`)
			if !line.MatchString(text[section]) {
				t.Errorf("config.example.toml does not document %s.%s with a comment", section, key)
			}
		}
	}
}

func TestDurations(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"30s", 30 * time.Second},
		{"15m", 15 * time.Minute},
		{"48h", 48 * time.Hour},
		{"3d", 3 * day},
		{"4w", 28 * day},
		{"2y", 730 * day},
		{"1w3d", 10 * day},
	}
	for _, tt := range tests {
		c, err := Parse(build(t, `deadlines.effectiveness = "`+tt.in+`"`, `smtp.retry_for = "`+tt.in+`"`))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if c.Deadlines.Effectiveness != tt.want || c.SMTP.RetryFor != tt.want {
			t.Errorf("%s: effectiveness %v, retry_for %v; want %v", tt.in, c.Deadlines.Effectiveness, c.SMTP.RetryFor, tt.want)
		}
	}
	// A whole case in seconds: short terms are valid as long as their order holds.
	c, err := Parse(build(t, `deadlines.confirm_within = "30s"`, `deadlines.confirm_alarm = "15s"`,
		`deadlines.handle_within = "2m"`, `deadlines.remind_before = "1m"`, `deadlines.auto_extend_before = "20s"`,
		`retention.keep = "15m"`))
	if err != nil {
		t.Fatalf("short terms: %v", err)
	}
	if d := c.Deadlines; d.HandleWithin != 2*time.Minute || d.AutoExtendBefore != 20*time.Second || c.Retention.Keep != 15*time.Minute {
		t.Errorf("short terms = %v, %v, %v", d.HandleWithin, d.AutoExtendBefore, c.Retention.Keep)
	}
}

func TestDigest(t *testing.T) {
	tests := []struct {
		in   string
		want Digest
		err  bool
	}{
		{"mon 08:00", Digest{Enabled: true, Weekday: time.Monday, Hour: 8}, false},
		{"maandag 8:30", Digest{Enabled: true, Weekday: time.Monday, Hour: 8, Minute: 30}, false},
		{"Vr 17:05", Digest{Enabled: true, Weekday: time.Friday, Hour: 17, Minute: 5}, false},
		{"zo. 00:00", Digest{Enabled: true, Weekday: time.Sunday}, false},
		{"Thursday 23:59", Digest{Enabled: true, Weekday: time.Thursday, Hour: 23, Minute: 59}, false},
		{"woensdag 12:00", Digest{Enabled: true, Weekday: time.Wednesday, Hour: 12}, false},
		{"off", Digest{}, false},
		{"", Digest{}, false},
		{"mon 8", Digest{}, true},
		{"mon 08:0", Digest{}, true},
		{"mon 24:00", Digest{}, true},
		{"mon 08:00 utc", Digest{}, true},
		{"mo 08:00", Digest{}, true},
	}
	for _, tt := range tests {
		got, err := parseDigest(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseDigest(%q) = %+v, %v; want %+v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if got := (Digest{Enabled: true, Weekday: time.Tuesday, Hour: 7, Minute: 5}).String(); got != "tue 07:05" {
		t.Errorf("String() = %q, want tue 07:05", got)
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true,
		"imap.example.nl": false, "10.0.0.1": false, "128.0.0.1": false, "localhost.example.nl": false, "": false,
	} {
		if got := tlsclient.Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
	for _, host := range []string{"localhost", "127.0.0.5", "::1"} {
		if _, err := Parse(build(t, `imap.host = "`+host+`"`, `imap.tls = "none"`, `smtp.host = "`+host+`"`, `smtp.tls = "none"`)); err != nil {
			t.Errorf("tls none on %s: %v", host, err)
		}
	}
}

func TestSecrets(t *testing.T) {
	file := writeFile(t, "pw", "van-bestand\r\n")
	empty := writeFile(t, "empty", "\n")
	tests := []struct {
		name     string
		env      map[string]string
		edits    []string
		password string // IMAP password, when valid
		token    string // OAuth2 client secret, when valid
		problem  Problem
	}{
		{"file, trailing newline trimmed", nil,
			[]string{"imap.password_env -", `imap.password_file = "` + file + `"`}, "van-bestand", "", Problem{}},
		{"env", map[string]string{"KLACHTD_TEST_IMAP": "uit-env"}, nil, "uit-env", "", Problem{}},
		{"oauth2 client secret from env", map[string]string{"KLACHTD_TEST_TOKEN": "tok"},
			[]string{`smtp.username = "info@example.nl"`, `smtp.auth = "xoauth2"`, `oauth2.provider = "microsoft"`, `oauth2.tenant = "contoso.onmicrosoft.com"`,
				`oauth2.client_id = "id"`, `oauth2.client_secret_env = "KLACHTD_TEST_TOKEN"`}, "geheim", "tok", Problem{}},
		{"both file and env", nil, []string{`imap.password_file = "` + file + `"`}, "", "",
			Problem{"imap.password_file", "set only one of password_file and password_env"}},
		{"env not set", nil, []string{`imap.password_env = "KLACHTD_TEST_UNSET"`}, "", "",
			Problem{"imap.password_env", "environment variable KLACHTD_TEST_UNSET is not set"}},
		{"env empty", map[string]string{"KLACHTD_TEST_IMAP": ""}, nil, "", "",
			Problem{"imap.password_env", "environment variable KLACHTD_TEST_IMAP is empty"}},
		{"file too large", nil, []string{"imap.password_env -", `imap.password_file = "/dev/zero"`}, "", "",
			Problem{"imap.password_file", "cannot read the secret: /dev/zero is larger than 65536 bytes"}},
		{"file empty", nil, []string{"imap.password_env -", `imap.password_file = "` + empty + `"`}, "", "",
			Problem{"imap.password_file", empty + " is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := build(t, tt.edits...)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Parse(data)
			if tt.problem != (Problem{}) {
				var e *Error
				if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.problem.String()) {
					t.Fatalf("Parse error = %v, want %s", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.IMAP.Password != tt.password || c.OAuth2.ClientSecret != tt.token {
				t.Errorf("password %q, client secret %q; want %q, %q", c.IMAP.Password, c.OAuth2.ClientSecret, tt.password, tt.token)
			}
		})
	}
}

func TestDerived(t *testing.T) {
	c, err := Parse(build(t, `imap.backfill = "2026-11-01"`, `staff.addresses = ["a@Example.nl", "b@example.nl", "c@other.nl"]`))
	if err != nil {
		t.Fatal(err)
	}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, ams); !c.IMAP.Backfill.Equal(want) {
		t.Errorf("backfill = %v, want %v", c.IMAP.Backfill, want)
	}
	if diff := cmp.Diff([]string{"example.nl", "other.nl"}, c.Staff.DKIMDomains); diff != "" {
		t.Errorf("dkim_domains (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(c.Staff.Addresses, c.Report.Recipients); diff != "" {
		t.Errorf("report.recipients should default to staff.notify, then staff.addresses:\n%s", diff)
	}
	if !c.StaffAddress(" A@example.NL") || c.StaffAddress("info@example.nl") {
		t.Errorf("StaffAddress: case-insensitive match wrong")
	}
	c, err = Parse(build(t, `organisation.timezone = "UTC"`, `imap.backfill = "2026-11-01"`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.IMAP.Backfill; got.Location().String() != "UTC" || got.Day() != 1 {
		t.Errorf("backfill in UTC = %v", got)
	}
}

func TestLoad(t *testing.T) {
	t.Setenv("KLACHTD_TEST_IMAP", "geheim")
	good := writeFile(t, "good.toml", string(build(t)))
	if c, err := Load(good); err != nil || c.IMAP.Password != "geheim" {
		t.Errorf("Load(good) = %v", err)
	}
	bad := writeFile(t, "bad.toml", string(build(t, "imap.port = 0")))
	_, err := Load(bad)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), bad+": imap.port: 0 is not a port number") {
		t.Errorf("Load(bad) = %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); err == nil || !strings.Contains(err.Error(), "read config") {
		t.Errorf("Load(missing) = %v", err)
	}
}
