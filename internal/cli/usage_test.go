package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	cfg := writeConfig(t, "")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string // a part of standard output
		stderr   string // a part of standard error
		noStdout bool
	}{
		{name: "no arguments", args: nil, code: 2, stdout: "Commands:"},
		{name: "help", args: []string{"help"}, code: 0, stdout: "  list "},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`, noStdout: true},
		{name: "unknown flag", args: []string{"list", "--config", cfg, "--bogus"}, code: 2, stderr: "flag provided but not defined: -bogus", noStdout: true},
		{name: "unknown flag after a case number", args: []string{"show", "KL-2026-0001", "--verbose"}, code: 2, stderr: "-verbose", noStdout: true},
		{name: "a flag of another command", args: []string{"list", "--config", cfg, "--eml", "x.eml"}, code: 2, stderr: "--eml is not a flag of this command", noStdout: true},
		{name: "json is no flag of export", args: []string{"export", "KL-2026-0001", "--json", "--config", cfg}, code: 2, stderr: "--json is not a flag of this command", noStdout: true},
		{name: "show without a case number", args: []string{"show", "--config", cfg}, code: 2, stderr: "give one case number", noStdout: true},
		{name: "show with two case numbers", args: []string{"show", "--config", cfg, "KL-2026-0001", "KL-2026-0002"}, code: 2, stderr: "give one case number", noStdout: true},
		{name: "show notacase", args: []string{"show", "--config", cfg, "notacase"}, code: 2, stderr: `"notacase" is not a case number`, noStdout: true},
		{name: "export notacase", args: []string{"export", "notacase", "--config", cfg}, code: 2, stderr: "is not a case number", noStdout: true},
		{name: "list with a bogus status", args: []string{"list", "--config", cfg, "--status", "bogus"}, code: 2, stderr: `unknown status "bogus"`, noStdout: true},
		{name: "list with an argument", args: []string{"list", "--config", cfg, "extra"}, code: 2, stderr: `unexpected argument "extra"`, noStdout: true},
		{name: "new without a name", args: []string{"new", "--config", cfg, "--text", "slecht"}, code: 2, stderr: "--name", noStdout: true},
		{name: "report with a bogus format", args: []string{"report", "--config", cfg, "--period", "2026H2", "--format", "bogus"}, code: 2, stderr: `unknown --format "bogus"`, noStdout: true},
		{name: "report with a garbage period", args: []string{"report", "--config", cfg, "--period", "garbage"}, code: 2, stderr: `--period "garbage"`, noStdout: true},
		{name: "flag without its value", args: []string{"list", "--config"}, code: 2, stderr: "flag needs an argument", noStdout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, r.stderr)
			}
			if tt.noStdout && r.stdout != "" {
				t.Errorf("stdout is not empty on bad usage:\n%s", r.stdout)
			}
			if tt.code == 2 && tt.stderr != "" && !strings.Contains(r.stderr, "usage: klachtd") && !strings.Contains(r.stderr, "Commands:") {
				t.Errorf("bad usage does not show the usage:\n%s", r.stderr)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	good := writeConfig(t, "")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name   string
		path   string
		code   int
		stderr []string
	}{
		{name: "missing file", path: filepath.Join(t.TempDir(), "nope.toml"), code: 1,
			stderr: []string{"nope.toml", "--config", "KLACHTD_CONFIG"}},
		{name: "unknown key", path: write("unknown.toml", string(data)+"\n[retention]\nkeeep = \"2y\"\n"), code: 2,
			stderr: []string{"invalid configuration", "retention.keeep"}},
		{name: "bad duration", path: write("duration.toml", string(data)+"\n[deadlines]\nhandle_within = \"vier weken\"\n"), code: 2,
			stderr: []string{"invalid configuration", "deadlines.handle_within"}},
		{name: "syntax error", path: write("syntax.toml", "[organisation\n"), code: 2,
			stderr: []string{"invalid configuration", "syntax.toml", "line 2"}},
	}
	for _, tt := range tests {
		for _, cmd := range [][]string{{"list"}, {"check", "--offline"}, {"show", "KL-2026-0001"}, {"purge", "--dry-run"}} {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				r := run(t, append(cmd, "--config", tt.path)...)
				if r.code != tt.code {
					t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
				}
				for _, s := range tt.stderr {
					if !strings.Contains(r.stderr, s) {
						t.Errorf("stderr does not name %q:\n%s", s, r.stderr)
					}
				}
			})
		}
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	cfg := writeConfig(t, "")
	t.Setenv("KLACHTD_CONFIG", cfg)
	id := newCase(t, "", "--name", "Jan Jansen", "--email", "jan@example.nl", "--text", "Klacht over de factuur")
	r := mustRun(t, 0, "list", "--json")
	cases := decodeJSON[[]map[string]any](t, r.stdout)
	if len(cases) != 1 || cases[0]["id"] != id {
		t.Errorf("list with KLACHTD_CONFIG = %s: got %v, want the one case %s", cfg, cases, id)
	}

	// --config wins over the environment.
	other := writeConfig(t, "")
	r = mustRun(t, 0, "list", "--json", "--config", other)
	if got := decodeJSON[[]map[string]any](t, r.stdout); len(got) != 0 {
		t.Errorf("list --config %s: got %v, want no cases", other, got)
	}

	// A missing file named by the environment is reported as such.
	t.Setenv("KLACHTD_CONFIG", filepath.Join(t.TempDir(), "gone.toml"))
	r = run(t, "list")
	if r.code != 1 || !strings.Contains(r.stderr, "gone.toml") {
		t.Errorf("list with a missing KLACHTD_CONFIG: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestReadCommandsNeedADatabase: a read-only command on a configuration whose database does
// not exist says so (a wrong --config, most likely) and creates nothing.
func TestReadCommandsNeedADatabase(t *testing.T) {
	cfg := writeConfigNoDB(t)
	for _, args := range [][]string{{"list"}, {"show", "KL-2026-0001"}, {"export", "KL-2026-0001"}, {"report"}, {"purge", "--dry-run"}} {
		r := run(t, append(args, "--config", cfg)...)
		if r.code != 1 || !strings.Contains(r.stderr, "no database at") || !strings.Contains(r.stderr, "klachtd run") {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 naming the missing database", args, r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "klachtd.db")); err == nil {
			t.Fatalf("%v created the database", args)
		}
	}
}
