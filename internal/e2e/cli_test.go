package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

func TestCheckCommand(t *testing.T) {
	e := newEnv(t, options{})
	out, errOut, code := klachtd(t, "check", "--config", e.cfg)
	if code != 0 {
		t.Fatalf("klachtd check: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"config " + e.cfg + ": ok", "templates: ok", "logged in", "IDLE yes", "MOVE yes", "UIDPLUS yes", "smtp 127.0.0.1:"} {
		if !strings.Contains(out, want) {
			t.Errorf("klachtd check output lacks %q:\n%s", want, out)
		}
	}

	bad := e.writeConfig("unknown-key.toml", options{extra: "\n[smtp_extra]\nfoo = 1\n"})
	b, _ := os.ReadFile(bad)
	b = []byte(strings.Replace(string(b), "[imap]\n", "[imap]\npol_interval = \"5s\"\n", 1))
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = klachtd(t, "check", "--config", bad)
	if code != 2 {
		t.Errorf("klachtd check with unknown keys: exit %d, want 2\n%s%s", code, out, errOut)
	}
	for _, key := range []string{"imap.pol_interval", "smtp_extra"} {
		if !strings.Contains(errOut, key) {
			t.Errorf("klachtd check with unknown keys: stderr does not name %q:\n%s", key, errOut)
		}
	}

	// Dovecot down: exit 1, naming IMAP.
	e.dv.Stop()
	_, errOut, code = klachtd(t, "check", "--config", e.cfg)
	if code != 1 || !strings.Contains(errOut, "IMAP") {
		t.Errorf("klachtd check with IMAP down: exit %d, stderr %q; want exit 1 naming IMAP", code, errOut)
	}
}

func TestCLI(t *testing.T) {
	e := newEnv(t, options{})

	t.Run("show before the first run", func(t *testing.T) {
		_, errOut, code := klachtd(t, "show", "KL-2099-0001", "--config", e.cfg)
		if code != 1 || !containsAny(errOut, "klachtd run", "storage.path") {
			t.Errorf("show without a database: exit %d stderr %q, want 1 and a hint", code, errOut)
		}
	})
	t.Run("show bad usage", func(t *testing.T) {
		_, errOut, code := klachtd(t, "show", "KL-99", "--config", e.cfg)
		if code != 2 || !strings.Contains(errOut, "KL-YYYY-NNNN") {
			t.Errorf("show KL-99: exit %d stderr %q, want 2 and the number's form", code, errOut)
		}
	})
	t.Run("no config", func(t *testing.T) {
		_, errOut, code := klachtd(t, "list", "--config", filepath.Join(t.TempDir(), "missing.toml"))
		if code != 1 || !strings.Contains(errOut, "--config") {
			t.Errorf("list with a missing config: exit %d stderr %q, want 1 and a hint at --config", code, errOut)
		}
	})

	p := e.startFresh()
	c := newComplaint("cli", 1)
	e.dv.Append(t, "INBOX", c.raw())
	if _, ok := waitSink(t, e.sink, 20*time.Second, func(m []mailtest.Received) bool { return countTo(m)[c.Email] == 1 }); !ok {
		t.Fatalf("no confirmation")
	}
	cs := e.waitCases(10*time.Second, "one case bevestigd", func(v []caseView) bool { return len(v) == 1 && v[0].Status == "bevestigd" })
	p.stop(t)
	id := cs[0].ID

	out, errOut, code := klachtd(t, "show", "KL-2099-0001", "--config", e.cfg)
	if code != 1 {
		t.Errorf("show KL-2099-0001: exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "KL-2099-0001") || !strings.Contains(errOut, "klachtd list") {
		t.Errorf("show KL-2099-0001: stderr %q, want it to name the case and point to `klachtd list`", errOut)
	}

	out, errOut, code = klachtd(t, "show", strings.ToLower(id), "--json", "--config", e.cfg)
	if code != 0 {
		t.Fatalf("show %s --json --config: exit %d: %s", id, code, errOut)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("show --json is no JSON object: %v\n%s", err, out)
	}
	for _, k := range append(slices.Clone(caseNames), "timeline", "messages") {
		if _, ok := v[k]; !ok {
			t.Errorf("show --json lacks %q", k)
		}
	}
	if v["id"] != id || v["status"] != "bevestigd" || v["extended"] != false || v["closed_at"] != nil {
		t.Errorf("show --json: id %v status %v extended %v closed_at %v; want %s bevestigd false null", v["id"], v["status"], v["extended"], v["closed_at"], id)
	}
	for _, k := range []string{"received_at", "confirmed_at", "due_at"} {
		s, _ := v[k].(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("show --json %s = %v: not RFC 3339", k, v[k])
		}
	}
	keys(t, "complainant", v["complainant"], "name", "email")
	keys(t, "fields", v["fields"], "naam", "datum", "omschrijving", "gevolgen", "gewenste_afhandeling", "aanvullend", "dienst")
	if m, _ := v["complainant"].(map[string]any); m["email"] != c.Email {
		t.Errorf("complainant %v, want %s", m, c.Email)
	}
	tl, _ := v["timeline"].([]any)
	if len(tl) == 0 {
		t.Errorf("timeline empty, want at least the registration and confirmation")
	}
	for _, ev := range tl {
		keys(t, "timeline[]", ev, "at", "kind", "by", "text")
	}
	msgs, _ := v["messages"].([]any)
	dirs := map[string]int{}
	for _, m := range msgs {
		keys(t, "messages[]", m, "at", "direction", "from", "to", "cc", "subject", "message_id", "template")
		mm, _ := m.(map[string]any)
		d, _ := mm["direction"].(string)
		dirs[d]++
	}
	if dirs["in"] != 1 || dirs["out"] < 2 || len(dirs) != 2 {
		t.Errorf("messages by direction %v, want 1 in (the complaint) and the confirmation and staff notice out", dirs)
	}

	out, errOut, code = klachtd(t, "list", "--status", "bevestigd", "--config", e.cfg)
	if code != 0 || !strings.Contains(out, id) {
		t.Errorf("list --status bevestigd: exit %d, output %q %q; want %s", code, out, errOut, id)
	}
}

func keys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s is %T, want an object", what, v)
		return
	}
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q (has %v)", what, k, m)
		}
	}
}

func TestDemoCommand(t *testing.T) {
	out, errOut, code := klachtd(t, "demo", "--exit")
	if code != 0 {
		t.Fatalf("klachtd demo --exit: exit %d\n%s\n%s", code, out, errOut)
	}
	ids := regexp.MustCompile(`KL-\d{4}-\d{4}`).FindAllString(out, -1)
	if len(ids) < 4 {
		t.Errorf("demo printed %d case numbers, want at least 4:\n%s", len(ids), out)
	}
	if !strings.Contains(out, "bevestigd") {
		t.Errorf("demo output shows no confirmed case:\n%s", out)
	}
}
