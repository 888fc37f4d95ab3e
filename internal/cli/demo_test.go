package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoKeepsAConfig: demo --keep DIR writes DIR/config.toml beside the database (its
// password in a file of its own, 0600), prints each thing the daemon does as it happens and
// the follow-up commands; those commands then work on the demo's cases as printed.
func TestDemoKeepsAConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	r := mustRun(t, 0, "demo", "--exit", "--keep", dir)
	cfg := filepath.Join(dir, "config.toml")
	for _, want := range []string{
		"mail in     uid 1: a complaint: case KL-",
		"not for klachtd (ordinary mail): left in the inbox as it was",
		"mail out    confirmation of receipt to emily.carter@example.com",
		"notice of a new complaint to milou@intervisie-begeleiding.nl",
		"a staff reply on KL-", "command carried out (status bevestigd → in-behandeling)",
		"klachtd list --config " + cfg,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The event of a mail in comes before the mails it caused.
	if in, out := strings.Index(r.stdout, "uid 1: a complaint: case KL-2026-0001"), strings.Index(r.stdout, "confirmation of receipt to emily.carter@example.com"); in < 0 || out < in {
		t.Errorf("the confirmation is reported before the complaint it answers:\n%s", r.stdout)
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"demo"`) || !strings.Contains(string(b), `password_file = "`+filepath.Join(dir, "imap-password")+`"`) ||
		!strings.Contains(string(b), `path = "`+filepath.Join(dir, "klachtd.db")+`"`) {
		t.Errorf("config.toml holds its secret or names another database:\n%s", b)
	}
	for _, f := range []string{cfg, filepath.Join(dir, "imap-password")} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want mode 0600", f, err)
		}
	}
	// The follow-up commands, exactly as printed (after the demo, whose servers are gone).
	cmds := regexp.MustCompile(`(?m)^  klachtd (.+)$`).FindAllStringSubmatch(r.stdout, -1)
	if len(cmds) < 4 {
		t.Fatalf("the demo printed %d follow-up commands, want list, show, report and export:\n%s", len(cmds), r.stdout)
	}
	for _, c := range cmds {
		out := mustRun(t, 0, strings.Fields(c[1])...)
		if strings.HasPrefix(c[1], "list") && strings.Count(out.stdout, "KL-2026-") != 4 {
			t.Errorf("klachtd %s lists no four cases:\n%s", c[1], out.stdout)
		}
	}
}

// TestDemoHelpAndLog: demo --help lists the demo's flags only; with --log the daemon's log
// replaces the running commentary.
func TestDemoHelpAndLog(t *testing.T) {
	r := mustRun(t, 0, "demo", "--help")
	for _, want := range []string{"usage: klachtd demo", "--keep DIR", "--exit", "--log", "--config FILE"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo --help lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, foreign := range []string{"--period", "--status", "--eml", "--offline", "--json", "--name"} {
		if strings.Contains(r.stdout, foreign) {
			t.Errorf("demo --help lists %s, a flag of another command:\n%s", foreign, r.stdout)
		}
	}
	r = mustRun(t, 0, "demo", "--exit", "--log")
	if strings.Contains(r.stdout, "mail in ") || !strings.Contains(r.stderr, "complaint registered") || !strings.Contains(r.stderr, "klachtd stopped") {
		t.Errorf("demo --log: stdout with events or a log without registrations and the stop:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// TestNewWarnsOfAnUnknownService: klachtd new --service with a service that is not configured
// registers the case and says what that means.
func TestNewWarnsOfAnUnknownService(t *testing.T) {
	cfg := writeConfig(t, "")
	r := mustRun(t, 0, "new", "--config", cfg, "--name", "Jan", "--email", "jan@example.nl", "--text", "klacht", "--service", "boekhouding")
	if !strings.Contains(r.stderr, `warning: --service "boekhouding" is not one of the services`) || !strings.Contains(r.stderr, "online cursus") {
		t.Errorf("no warning of the unknown service:\n%s", r.stderr)
	}
	r = mustRun(t, 0, "new", "--config", cfg, "--name", "Jan", "--email", "jan@example.nl", "--text", "klacht", "--service", "Online Cursus")
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("a configured service is warned of:\n%s", r.stderr)
	}
}
