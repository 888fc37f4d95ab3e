package cli

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/memimap"
)

// TestInitIntoARoot: init with the plain IMAP preset writes etc/klachtd/config.toml (0644,
// no secret in it), the secrets beside it (0600) and the systemd drop-in naming exactly
// those, runs check against the servers (here on loopback) and says what to do next; the
// file it wrote is a configuration klachtd takes, and a second init does not overwrite it.
func TestInitIntoARoot(t *testing.T) {
	srv, err := memimap.Start("info@intervisie-begeleiding.nl", "geheim-wachtwoord")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, p, _ := net.SplitHostPort(srv.Addr)
	sink := mailtest.StartSMTPSink(t)
	root := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte("geheim-wachtwoord\n"), 0o600)
	args := []string{"init", "--root", root, "--preset", "imap", "--org", "Groeimeesters",
		"--address", "info@intervisie-begeleiding.nl", "--staff", "milou@intervisie-begeleiding.nl, kees@intervisie-begeleiding.nl",
		"--officer", "Milou Meijer", "--commissaris-name", "Kathleen Naber", "--commissaris-email", "info@ivak.nl",
		"--imap-host", "127.0.0.1", "--imap-port", p, "--imap-tls", "none",
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(sink.Port()), "--smtp-tls", "none", "--password-file", pwFile}
	r := mustRun(t, 0, args...)
	etc := filepath.Join(root, "etc", "klachtd")
	cfg := filepath.Join(etc, "config.toml")
	for _, want := range []string{"Written:", cfg, "klachtd check:", "imap 127.0.0.1:" + p + ": logged in", "smtp 127.0.0.1:", "Next:",
		"systemctl enable --now klachtd", "klachtd status"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("init output lacks %q:\n%s", want, r.stdout)
		}
	}
	modes := map[string]os.FileMode{cfg: 0o644, filepath.Join(etc, "imap"): 0o600, filepath.Join(etc, "smtp"): 0o600,
		filepath.Join(root, "etc/systemd/system/klachtd.service.d/credentials.conf"): 0o644}
	for f, want := range modes {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v, mode %v, want %v", f, err, fi.Mode().Perm(), want)
		}
	}
	if fi, _ := os.Stat(etc); fi.Mode().Perm() != 0o755 {
		t.Errorf("%s: mode %v, want 0755 (the service's user reads config.toml)", etc, fi.Mode().Perm())
	}
	if strings.Contains(r.stdout+r.stderr, "geheim") {
		t.Errorf("init echoes the secret:\n%s\n%s", r.stdout, r.stderr)
	}
	text, _ := os.ReadFile(cfg)
	if strings.Contains(string(text), "geheim") || !strings.Contains(string(text), `password_file = "imap"`) {
		t.Errorf("config.toml holds the secret or does not name its file:\n%s", text)
	}
	if b, _ := os.ReadFile(filepath.Join(etc, "imap")); string(b) != "geheim-wachtwoord\n" {
		t.Errorf("imap secret %q", b)
	}
	dropIn, _ := os.ReadFile(filepath.Join(root, "etc/systemd/system/klachtd.service.d/credentials.conf"))
	for _, want := range []string{"[Service]\nLoadCredential=\n", "LoadCredential=imap:/etc/klachtd/imap\n", "LoadCredential=smtp:/etc/klachtd/smtp\n"} {
		if !strings.Contains(string(dropIn), want) {
			t.Errorf("drop-in lacks %q:\n%s", want, dropIn)
		}
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatalf("the written config: %v", err)
	}
	if c.Organisation.Name != "Groeimeesters" || len(c.Staff.Addresses) != 2 || c.Commissaris.Email != "info@ivak.nl" ||
		c.IMAP.Password != "geheim-wachtwoord" || c.SMTP.Username != "info@intervisie-begeleiding.nl" || c.Storage.Path != "/var/lib/klachtd/klachtd.db" {
		t.Errorf("the written config: %+v", c)
	}
	r = mustRun(t, 1, args...)
	if !strings.Contains(r.stderr, "exists already") {
		t.Errorf("a second init: %s", r.stderr)
	}
	mustRun(t, 0, append(args, "--force")...)
}

// TestInitPresets: the Microsoft 365 and Google Workspace presets write what [oauth2] needs,
// their secret in a file of its own, and a drop-in with just that credential.
func TestInitPresets(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("azure-secret-value\n"), 0o600)
	key := filepath.Join(t.TempDir(), "key.json")
	os.WriteFile(key, []byte(`{"type":"service_account","client_email":"klachtd@project.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAvHhBz2zmyQ5eTkvW\n-----END PRIVATE KEY-----\n","token_uri":"https://oauth2.googleapis.com/token"}`), 0o600)
	common := []string{"--org", "Groeimeesters", "--address", "info@intervisie-begeleiding.nl", "--staff", "milou@intervisie-begeleiding.nl", "--offline"}
	tests := []struct {
		preset string
		args   []string
		file   string
		want   []string
	}{
		{"microsoft", []string{"--tenant", "groeimeesters.onmicrosoft.com", "--client-id", "11111111-2222-3333-4444-555555555555", "--client-secret-file", secret},
			"oauth2-client-secret", []string{`provider           = "microsoft"`, `tenant             = "groeimeesters.onmicrosoft.com"`, `client_secret_file = "oauth2-client-secret"`}},
		{"google", []string{"--key-file", key}, "google-key.json", []string{`provider = "google"`, `key_file = "google-key.json"`}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			root := t.TempDir()
			r := run(t, append(append([]string{"init", "--root", root, "--preset", tt.preset}, common...), tt.args...)...)
			etc := filepath.Join(root, "etc", "klachtd")
			text, _ := os.ReadFile(filepath.Join(etc, "config.toml"))
			for _, want := range tt.want {
				if !strings.Contains(string(text), want) {
					t.Errorf("config.toml lacks %q:\n%s\nstdout:\n%s\nstderr:\n%s", want, text, r.stdout, r.stderr)
				}
			}
			if r.code != 0 {
				t.Fatalf("init %s: exit %d\n%s\n%s", tt.preset, r.code, r.stdout, r.stderr)
			}
			if fi, err := os.Stat(filepath.Join(etc, tt.file)); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v", tt.file, err)
			}
			dropIn, _ := os.ReadFile(filepath.Join(root, "etc/systemd/system/klachtd.service.d/credentials.conf"))
			if !strings.Contains(string(dropIn), "LoadCredential="+tt.file+":/etc/klachtd/"+tt.file) || strings.Contains(string(dropIn), "imap:") {
				t.Errorf("drop-in:\n%s", dropIn)
			}
			c, err := config.Load(filepath.Join(etc, "config.toml"))
			if err != nil {
				t.Fatalf("the written config: %v", err)
			}
			p, _ := config.PresetFor(tt.preset)
			if c.IMAP.Host != p.IMAPHost || c.SMTP.Host != p.SMTPHost || !config.IsOAuth2(c.IMAP.Auth) {
				t.Errorf("servers %s / %s, auth %s: not the preset's", c.IMAP.Host, c.SMTP.Host, c.IMAP.Auth)
			}
		})
	}
}

// TestInitNamesWhatIsMissing: without a terminal to ask at, init names the flags it lacks.
func TestInitNamesWhatIsMissing(t *testing.T) {
	r := mustRun(t, 2, "init", "--root", t.TempDir(), "--preset", "imap", "--org", "G")
	if !strings.Contains(r.stderr, "give --address") || !strings.Contains(r.stderr, "run klachtd init at a terminal") {
		t.Errorf("stderr: %s", r.stderr)
	}
	r = mustRun(t, 2, "init", "--root", t.TempDir(), "--preset", "exchange")
	if !strings.Contains(r.stderr, `--preset "exchange": is not one of imap, microsoft, google`) {
		t.Errorf("stderr: %s", r.stderr)
	}
}
