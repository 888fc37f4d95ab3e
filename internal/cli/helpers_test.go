package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// result is what one in-process run of klachtd gave.
type result struct {
	code           int
	stdout, stderr string
}

// run calls Main with args and returns its exit code and output.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	code := Main(context.Background(), args, &out, &errw)
	return result{code: code, stdout: out.String(), stderr: errw.String()}
}

// mustRun runs args and fails the test unless the exit code is want.
func mustRun(t *testing.T, want int, args ...string) result {
	t.Helper()
	r := run(t, args...)
	if r.code != want {
		t.Fatalf("klachtd %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, want, r.stdout, r.stderr)
	}
	return r
}

const staffAddr = "milou@intervisie-begeleiding.nl"

// writeConfig writes a valid configuration into a fresh temporary folder: loopback IMAP and
// SMTP without TLS, a password file, staff authentication "none" and the database in that
// folder. extra is appended verbatim (whole tables not already in the base).
func writeConfig(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	pw := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pw, []byte("geheim\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`[organisation]
name    = "Groeimeesters"
address = "info@intervisie-begeleiding.nl"
officer = "Milou Meijer"

[imap]
host          = "127.0.0.1"
port          = 1143
tls           = "none"
username      = "info@intervisie-begeleiding.nl"
password_file = %s

[smtp]
host = "127.0.0.1"
port = 1025
tls  = "none"

[staff]
addresses      = [%q]
authentication = "none"

[complaints]
services = ["intervisie-begeleiding", "(in company) training", "online cursus"]

[storage]
path = %s

[log]
level = "warn"
%s`, strconv.Quote(pw), staffAddr, strconv.Quote(filepath.Join(dir, "klachtd.db")), extra)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// The database exists, as after a first `klachtd run`.
	st, err := store.Open(context.Background(), filepath.Join(dir, "klachtd.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return path
}

// writeConfigNoDB is writeConfig before klachtd ever ran: no database yet.
func writeConfigNoDB(t *testing.T) string {
	t.Helper()
	path := writeConfig(t, "")
	if err := os.Remove(filepath.Join(filepath.Dir(path), "klachtd.db")); err != nil {
		t.Fatal(err)
	}
	return path
}

var caseID = regexp.MustCompile(`\bKL-\d{4}-\d{4,}\b`)

// newCase registers a complaint with `klachtd new` and returns its case number.
func newCase(t *testing.T, cfg string, args ...string) string {
	t.Helper()
	if cfg != "" {
		args = append([]string{"--config", cfg}, args...)
	}
	r := mustRun(t, 0, append([]string{"new"}, args...)...)
	id := caseID.FindString(r.stdout)
	if id == "" {
		t.Fatalf("klachtd new printed no case number:\n%s", r.stdout)
	}
	return id
}

// withDaemon opens the configured store and a daemon on it (not running), for changes the
// commands cannot make; both are closed before it returns.
func withDaemon(t *testing.T, cfgPath string, fn func(d *kd.Daemon, st *store.Store)) {
	t.Helper()
	ctx := context.Background()
	c, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, c.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := render.New(klachtd.Templates, "")
	if err != nil {
		t.Fatal(err)
	}
	d, err := kd.New(kd.Options{Config: c, Store: st, Renderer: r, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	fn(d, st)
}

// register registers a complaint received at the given moment through the daemon.
// register registers a complaint; a past ReceivedAt is written on the case afterwards (the
// daemon itself starts the terms of a late registration at the registration).
func register(t *testing.T, d *kd.Daemon, st *store.Store, r kd.Registration) string {
	t.Helper()
	if r.Via == "" {
		r.Via = "cli"
	}
	id, err := d.Register(context.Background(), r, nil)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if !r.ReceivedAt.IsZero() {
		err := st.InTx(context.Background(), func(tx *store.Tx) error {
			c, _, err := tx.Case(id)
			if err != nil {
				return err
			}
			shift := r.ReceivedAt.Sub(c.ReceivedAt)
			c.ReceivedAt, c.DueAt = r.ReceivedAt, c.DueAt.Add(shift)
			if !c.ConfirmedAt.IsZero() {
				c.ConfirmedAt = c.ConfirmedAt.Add(shift)
			}
			return tx.UpdateCase(c, r.ReceivedAt)
		})
		if err != nil {
			t.Fatalf("backdate %s: %v", id, err)
		}
	}
	return id
}

// closeCase gives a case a verdict and closes it, as staff would with tags.
func closeCase(t *testing.T, st *store.Store, id string, v complaint.Verdict, at time.Time) {
	t.Helper()
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		c, _, err := tx.Case(id)
		if err != nil {
			return err
		}
		c.Status, c.Verdict, c.ClosedAt = complaint.StatusAfgehandeld, v, at.UTC()
		return tx.UpdateCase(c, at)
	})
	if err != nil {
		t.Fatalf("close %s: %v", id, err)
	}
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return v
}
