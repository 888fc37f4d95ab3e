package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyCommandsNeedNoSecrets: with the IMAP password in a systemd credential that does
// not exist here and the SMTP password in an environment variable that is not set (a shell
// outside systemd), list, show, report, export and purge --dry-run still work; check and run,
// which log in, say what is missing.
func TestReadOnlyCommandsNeedNoSecrets(t *testing.T) {
	cfg := writeConfig(t, "")
	id := newCase(t, cfg, "--name", "Jan Jansen", "--email", "jan@example.nl", "--text", "De module bleef onbereikbaar.")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pw := filepath.Join(filepath.Dir(cfg), "imap-password")
	s := strings.Replace(string(b), `password_file = "`+pw+`"`, `password_file = "/run/credentials/klachtd.service/imap"`, 1)
	s = strings.Replace(s, "port = 1025\n", "port = 1025\nusername = \"info@intervisie-begeleiding.nl\"\npassword_env = \"KLACHTD_TEST_NOT_SET\"\n", 1)
	if s == string(b) {
		t.Fatal("the test configuration did not change")
	}
	if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Unsetenv("KLACHTD_TEST_NOT_SET")
	out := t.TempDir()
	for _, args := range [][]string{
		{"list"}, {"list", "--json"}, {"show", id}, {"show", id, "--json"}, {"report", "--period", "2026H2"},
		{"report", "--format", "csv"}, {"export", id}, {"export", id, "--out", filepath.Join(out, "x")}, {"purge", "--dry-run"},
	} {
		mustRun(t, 0, append(args, "--config", cfg)...)
	}
	r := mustRun(t, 2, "check", "--offline", "--config", cfg)
	for _, want := range []string{"imap.password_file", "smtp.password_env", "KLACHTD_TEST_NOT_SET"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("check does not name %q:\n%s", want, r.stderr)
		}
	}
}

// TestRunReadsTheSecrets: the configuration `run` (and `new`) open holds the IMAP password;
// only the read-only commands go without it.
func TestRunReadsTheSecrets(t *testing.T) {
	cfg := writeConfig(t, "")
	e := &env{configPath: cfg, stderr: io.Discard}
	c, st, err := e.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if c.IMAP.Password != "geheim" {
		t.Errorf("open: IMAP password %q, want the one in the password file", c.IMAP.Password)
	}
	c, st, err = e.openExisting(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if c.IMAP.Password != "" {
		t.Errorf("openExisting read the IMAP password")
	}
}
