package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCheckDocumentReader: check reads a test PDF in a child process of its own binary, as
// the daemon reads attachments, also with --offline, and says so.
func TestCheckDocumentReader(t *testing.T) {
	cfg := writeConfig(t, "")
	r := mustRun(t, 0, "check", "--offline", "--config", cfg)
	exe, _ := os.Executable()
	if want := "document reader: ok (a test PDF read in a child process of " + exe + " in "; !strings.Contains(r.stdout, want) {
		t.Errorf("check does not say %q:\n%s", want, r.stdout)
	}
}

// TestCheckDocumentReaderSandboxed runs this test binary as klachtd under a real seccomp
// filter that refuses what only the document reader's child does (prlimit64 on RLIMIT_AS,
// limiting itself), as a unit's SystemCallFilter= does: with the default action (the child
// is killed with SIGSYS) and with SystemCallErrorNumber=EPERM (as systemd/klachtd.service
// sets it: the call fails). check fails with exit 1 and names the unit setting; the parent
// itself, under the same filter, still works.
func TestCheckDocumentReaderSandboxed(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the test's seccomp filter is written for amd64")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "")
	tests := []struct {
		mode string
		says []string
	}{
		{"kill", []string{"document reader: FAILED: the child process was killed by signal SIGSYS", "likely cause: a system call of the child was refused by a seccomp filter: the unit's SystemCallFilter="}},
		{"eperm", []string{"document reader: FAILED: the child process refused to read (exit status 64)", "getrlimit 9: operation not permitted",
			"likely cause: the child could not set its own limits (setrlimit, prlimit64): the unit's SystemCallFilter= refuses them"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			cmd := exec.Command(exe, "check", "--offline", "--config", cfg)
			cmd.Env = append(os.Environ(), asKlachtd+"=1", withSeccomp+"="+tt.mode)
			var out, errw strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errw
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("check under the filter: %v, want exit 1\nstdout:\n%s\nstderr:\n%s", err, out.String(), errw.String())
			}
			flat := strings.Join(strings.Fields(errw.String()), " ")
			for _, s := range append(tt.says, "skips every attached PDF and Word document", "the document reader failed (see above)") {
				if !strings.Contains(flat, s) {
					t.Errorf("check does not say %q:\n%s", s, errw.String())
				}
			}
			if !strings.Contains(out.String(), "templates: ok") {
				t.Errorf("the rest of check did not run:\n%s", out.String())
			}
		})
	}
}

// TestCheckDocumentReaderCauses: what check says of a child that cannot be started or is not
// this klachtd.
func TestCheckDocumentReaderCauses(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "klachtd")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, exe string
		err, hint string
	}{
		{"gone", filepath.Join(dir, "gone"), "could not be started", "no longer exists: was klachtd moved or upgraded"},
		{"not executable", notExec, "permission denied", "may not be executed: a file system mounted noexec"},
		{"another program", "/bin/true", "bad-reply", "not as this klachtd does: it is another program or another version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, hint, err := checkDocReader(context.Background(), tt.exe)
			if err == nil || line != "document reader" || !strings.Contains(err.Error(), tt.err) || !strings.Contains(hint, tt.hint) {
				t.Errorf("checkDocReader(%s) = %q, %q, %v; want an error saying %q and a hint %q", tt.exe, line, hint, err, tt.err, tt.hint)
			}
		})
	}
}
