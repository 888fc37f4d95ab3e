package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRelativeSecretFiles: password_file = "imap" is the file beside the configuration at a
// shell, and systemd's credential of that name under the unit (CREDENTIALS_DIRECTORY); an
// absolute path is taken as written.
func TestRelativeSecretFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "imap"), []byte("aan-de-shell\n"), 0o600)
	cfg := `[organisation]
name = "G"
address = "info@example.nl"
[imap]
host = "imap.example.nl"
username = "info@example.nl"
password_file = "imap"
[smtp]
host = "smtp.example.nl"
[staff]
addresses = ["milou@example.nl"]
`
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(cfg), 0o600)
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	t.Chdir(t.TempDir()) // not the config's folder
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.IMAP.Password != "aan-de-shell" || c.IMAP.PasswordFile != filepath.Join(dir, "imap") {
		t.Errorf("at a shell: password %q from %s, want the file beside the config", c.IMAP.Password, c.IMAP.PasswordFile)
	}
	creds := t.TempDir()
	os.WriteFile(filepath.Join(creds, "imap"), []byte("onder-systemd\n"), 0o400)
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	if c, err = Load(path); err != nil {
		t.Fatal(err)
	}
	if c.IMAP.Password != "onder-systemd" {
		t.Errorf("under systemd: password %q, want the credential's", c.IMAP.Password)
	}
	if got := resolvePath("/etc/klachtd/imap", dir, creds); got != "/etc/klachtd/imap" {
		t.Errorf("an absolute path became %q", got)
	}
	if got := resolvePath("sub/imap", dir, creds); got != filepath.Join(dir, "sub/imap") {
		t.Errorf("a relative path with a folder became %q", got)
	}
}
