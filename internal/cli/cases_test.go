package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

func TestNewListShow(t *testing.T) {
	cfg := writeConfig(t, "")
	r := mustRun(t, 0, "new", "--config", cfg, "--name", "Jan Jansen", "--email", "Jan@Example.nl",
		"--text", "De online module bleef twee weken onbereikbaar.", "--service", "Online Cursus")
	id := caseID.FindString(r.stdout)
	if id == "" || !strings.Contains(r.stdout, "registered") {
		t.Fatalf("klachtd new printed no case number:\n%s", r.stdout)
	}

	// list --json: an array with the case.
	r = mustRun(t, 0, "list", "--json", "--config", cfg)
	cases := decodeJSON[[]map[string]any](t, r.stdout)
	if len(cases) != 1 {
		t.Fatalf("list --json: %d cases, want 1:\n%s", len(cases), r.stdout)
	}
	c := cases[0]
	fields, _ := c["fields"].(map[string]any)
	got := map[string]any{"id": c["id"], "status": c["status"], "verdict": c["verdict"], "service": c["service"],
		"naam": fields["naam"], "omschrijving": fields["omschrijving"], "dienst": fields["dienst"],
		"complainant": c["complainant"], "missing": c["missing"]}
	want := map[string]any{"id": id, "status": "nieuw", "verdict": "", "service": "online cursus",
		"naam": "Jan Jansen", "omschrijving": "De online module bleef twee weken onbereikbaar.", "dienst": "online cursus",
		"complainant": map[string]any{"name": "Jan Jansen", "email": "jan@example.nl"},
		"missing":     []any{"datum", "gevolgen", "gewenste_afhandeling"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("list --json (-want +got):\n%s", diff)
	}

	// list: a header and the row.
	r = mustRun(t, 0, "list", "--config", cfg)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "KLACHT") || !strings.Contains(lines[0], "STATUS") ||
		!strings.HasPrefix(lines[1], id) || !strings.Contains(lines[1], "nieuw") || !strings.Contains(lines[1], "online cursus") {
		t.Errorf("list: want a header and the row of %s, got:\n%s", id, r.stdout)
	}

	// Filters.
	r = mustRun(t, 0, "list", "--status", "afgehandeld", "--json", "--config", cfg)
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("list --status afgehandeld --json = %s, want []", r.stdout)
	}
	r = mustRun(t, 0, "list", "--status", "nieuw", "--json", "--config", cfg)
	if got := decodeJSON[[]map[string]any](t, r.stdout); len(got) != 1 {
		t.Errorf("list --status nieuw --json: %d cases, want 1", len(got))
	}

	// show, with the flags after and before the case number, and in lower case.
	for _, args := range [][]string{
		{"show", id, "--json", "--config", cfg},
		{"show", "--config", cfg, "--json", id},
		{"show", "--json", strings.ToLower(id), "--config", cfg},
		{"show", "--config=" + cfg, "[" + id + "]", "-json"},
	} {
		r := mustRun(t, 0, args...)
		v := decodeJSON[map[string]any](t, r.stdout)
		checkStableNames(t, v)
		if v["id"] != id || v["status"] != "nieuw" {
			t.Errorf("%v: id %v status %v, want %s nieuw", args, v["id"], v["status"], id)
		}
		var kinds, templates []string
		for _, e := range asObjects(v["timeline"]) {
			kinds = append(kinds, e["kind"].(string))
		}
		for _, m := range asObjects(v["messages"]) {
			templates = append(templates, m["direction"].(string)+" "+m["template"].(string))
		}
		if len(kinds) == 0 || kinds[0] != "registered" {
			t.Errorf("%v: timeline kinds %v, want the registration first", args, kinds)
		}
		if !slices.Contains(templates, "out bevestiging") || !slices.Contains(templates, "out melding-nieuw") {
			t.Errorf("%v: messages %v, want the confirmation and the notice to staff", args, templates)
		}
	}

	// show in text.
	r = mustRun(t, 0, "show", id, "--config", cfg)
	for _, s := range []string{id + "  nieuw", "Jan Jansen <jan@example.nl>", "online cursus", "Klachtformulier\n",
		"  Omschrijving          De online module", "Ontbreekt             datum, gevolgen, gewenste afhandeling", "Tijdlijn\n", "geregistreerd",
		"Correspondentie\n", "ontvangstbevestiging, in de wachtrij"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("show %s does not contain %q:\n%s", id, s, r.stdout)
		}
	}
}

// checkStableNames checks that a case object has every stable name the README lists, with its
// JSON type.
func checkStableNames(t *testing.T, v map[string]any) {
	t.Helper()
	isString := func(x any) bool { _, ok := x.(string); return ok }
	isTime := func(x any) bool {
		if x == nil {
			return true
		}
		s, ok := x.(string)
		if !ok {
			return false
		}
		_, err := time.Parse(time.RFC3339, s)
		return err == nil
	}
	isObject := func(x any) bool { _, ok := x.(map[string]any); return ok }
	isArray := func(x any) bool { _, ok := x.([]any); return ok }
	isBool := func(x any) bool { _, ok := x.(bool); return ok }
	isStrings := func(x any) bool {
		a, ok := x.([]any)
		for _, e := range a {
			ok = ok && isString(e)
		}
		return ok
	}
	check := func(where string, obj map[string]any, key string, ok func(any) bool, what string) {
		x, present := obj[key]
		if !present {
			t.Errorf("%s: no %q", where, key)
			return
		}
		if !ok(x) {
			t.Errorf("%s: %q = %#v, want %s", where, key, x, what)
		}
	}
	for _, k := range []string{"id", "status", "verdict", "service"} {
		check("case", v, k, isString, "a string")
	}
	check("case", v, "extended", isBool, "a boolean")
	for _, k := range []string{"received_at", "confirmed_at", "due_at", "closed_at"} {
		check("case", v, k, isTime, "RFC 3339 or null")
	}
	if v["received_at"] == nil || v["due_at"] == nil {
		t.Errorf("case: received_at %v, due_at %v: want both set", v["received_at"], v["due_at"])
	}
	check("case", v, "complainant", isObject, "an object")
	if p, ok := v["complainant"].(map[string]any); ok {
		check("complainant", p, "name", isString, "a string")
		check("complainant", p, "email", isString, "a string")
	}
	check("case", v, "fields", isObject, "an object")
	if f, ok := v["fields"].(map[string]any); ok {
		for _, k := range []string{"naam", "datum", "omschrijving", "gevolgen", "gewenste_afhandeling", "aanvullend", "dienst"} {
			check("fields", f, k, isString, "a string")
		}
	}
	check("case", v, "missing", isStrings, "an array of strings")
	check("case", v, "timeline", isArray, "an array")
	check("case", v, "messages", isArray, "an array")
	for _, e := range asObjects(v["timeline"]) {
		check("timeline", e, "at", func(x any) bool { return x != nil && isTime(x) }, "RFC 3339")
		for _, k := range []string{"kind", "by", "text"} {
			check("timeline", e, k, isString, "a string")
		}
	}
	for _, m := range asObjects(v["messages"]) {
		check("message", m, "at", func(x any) bool { return x != nil && isTime(x) }, "RFC 3339")
		check("message", m, "direction", func(x any) bool { return x == "in" || x == "out" }, `"in" or "out"`)
		for _, k := range []string{"from", "subject", "message_id", "template"} {
			check("message", m, k, isString, "a string")
		}
		check("message", m, "to", isStrings, "an array of strings")
		check("message", m, "cc", isStrings, "an array of strings")
	}
}

func asObjects(x any) []map[string]any {
	var out []map[string]any
	a, _ := x.([]any)
	for _, e := range a {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func TestShowUnknownCase(t *testing.T) {
	cfg := writeConfig(t, "")
	for _, cmd := range []string{"show", "export"} {
		r := run(t, cmd, "KL-2099-0001", "--config", cfg)
		if r.code != 1 {
			t.Errorf("%s KL-2099-0001: exit %d, want 1\n%s", cmd, r.code, r.stderr)
		}
		for _, s := range []string{"no case KL-2099-0001", "klachtd list"} {
			if !strings.Contains(r.stderr, s) {
				t.Errorf("%s KL-2099-0001: stderr does not contain %q:\n%s", cmd, s, r.stderr)
			}
		}
		if r.stdout != "" {
			t.Errorf("%s KL-2099-0001: stdout is not empty:\n%s", cmd, r.stdout)
		}
	}
}

func TestNewFromEML(t *testing.T) {
	cfg := writeConfig(t, "")
	id := newCase(t, cfg, "--eml", "../../testdata/mail/klacht-formulier-nl.eml")
	r := mustRun(t, 0, "show", id, "--json", "--config", cfg)
	v := decodeJSON[map[string]any](t, r.stdout)
	checkStableNames(t, v)
	f, _ := v["fields"].(map[string]any)
	if f["naam"] != "Marieke de Vries" {
		t.Errorf("fields.naam = %q, want Marieke de Vries", f["naam"])
	}
	if f["dienst"] != "(in company) training" || v["service"] != "(in company) training" {
		t.Errorf("fields.dienst = %q, service = %q, want (in company) training", f["dienst"], v["service"])
	}
	if s, _ := f["omschrijving"].(string); !strings.Contains(s, "belachelijk gemaakt") {
		t.Errorf("fields.omschrijving = %q, want the complaint text", s)
	}
	p, _ := v["complainant"].(map[string]any)
	if p["email"] != "marieke.devries@example.com" {
		t.Errorf("complainant.email = %q, want marieke.devries@example.com", p["email"])
	}
	var in int
	for _, m := range asObjects(v["messages"]) {
		if m["direction"] == "in" {
			in++
			if m["message_id"] == "" || m["from"] != "marieke.devries@example.com" {
				t.Errorf("the incoming mail: %v", m)
			}
		}
	}
	if in != 1 {
		t.Errorf("%d incoming messages, want the one mail", in)
	}

	r = run(t, "new", "--config", cfg, "--eml", filepath.Join(t.TempDir(), "missing.eml"))
	if r.code != 1 || !strings.Contains(r.stderr, "missing.eml") {
		t.Errorf("new --eml with a missing file: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestExport(t *testing.T) {
	cfg := writeConfig(t, "")
	id := newCase(t, cfg, "--eml", "../../testdata/mail/klacht-formulier-nl.eml")

	r := mustRun(t, 0, "export", id, "--config", cfg)
	v := decodeJSON[map[string]any](t, r.stdout)
	checkStableNames(t, v)
	if !strings.Contains(r.stdout, "belachelijk gemaakt") || !strings.Contains(r.stdout, "correspondence") {
		t.Errorf("export to standard output lacks the complaint text or the correspondence:\n%.2000s", r.stdout)
	}

	out := filepath.Join(t.TempDir(), "inzage")
	r = mustRun(t, 0, "export", "--out", out, id, "--config", cfg)
	if !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, out) {
		t.Errorf("export --out: %s", r.stdout)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var emls int
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %o, want 600", e.Name(), mode)
		}
		if strings.HasSuffix(e.Name(), ".eml") {
			emls++
		}
	}
	if emls == 0 {
		t.Errorf("export --out wrote no .eml files: %v", names)
	}
	data, err := os.ReadFile(filepath.Join(out, id+".json"))
	if err != nil {
		t.Fatalf("export --out wrote no %s.json: %v (files %v)", id, err, names)
	}
	checkStableNames(t, decodeJSON[map[string]any](t, string(data)))
	var found bool
	for _, n := range names {
		if b, _ := os.ReadFile(filepath.Join(out, n)); strings.HasSuffix(n, ".eml") && strings.Contains(string(b), "Marieke de Vries") {
			found = true
		}
	}
	if !found {
		t.Errorf("no exported .eml holds the original mail: %v", names)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("export folder: %v %v, want mode 700", info.Mode(), err)
	}
}

// TestShowBareCase shows a case stored without events or mail: timeline and messages are
// still there, as empty arrays, and a field of spaces counts as missing.
func TestShowBareCase(t *testing.T) {
	cfg := writeConfig(t, "")
	var id string
	withDaemon(t, cfg, func(_ *kd.Daemon, st *store.Store) {
		now := time.Now()
		err := st.InTx(context.Background(), func(tx *store.Tx) error {
			var err error
			if id, err = tx.NextCaseID(now.Year()); err != nil {
				return err
			}
			c := complaint.NewCase(id, now, complaint.Terms{HandleWithin: 28 * 24 * time.Hour})
			c.Name, c.Email = "Kaal Geval", "kaal@example.nl"
			c.Fields = complaint.Fields{complaint.FieldNaam: "Kaal Geval", complaint.FieldGevolgen: "  \n"}
			return tx.InsertCase(c, "", now)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	r := mustRun(t, 0, "show", id, "--json", "--config", cfg)
	v := decodeJSON[map[string]any](t, r.stdout)
	checkStableNames(t, v)
	for _, k := range []string{"timeline", "messages"} {
		if a, ok := v[k].([]any); !ok || len(a) != 0 {
			t.Errorf("%s = %#v, want []", k, v[k])
		}
	}
	want := []any{"datum", "omschrijving", "gevolgen", "gewenste_afhandeling", "dienst"}
	if diff := cmp.Diff(want, v["missing"]); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
}

func TestNewEmail(t *testing.T) {
	cfg := writeConfig(t, "")
	r := run(t, "new", "--config", cfg, "--name", "Jan", "--email", "geen adres", "--text", "klacht")
	if r.code != 2 || !strings.Contains(r.stderr, `--email "geen adres"`) {
		t.Errorf("new with a bad --email: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r := mustRun(t, 0, "list", "--json", "--config", cfg); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("a bad --email registered a case:\n%s", r.stdout)
	}
	id := newCase(t, cfg, "--name", "Jan", "--email", "Jan Jansen <Jan@Example.NL>", "--text", "klacht")
	v := decodeJSON[map[string]any](t, mustRun(t, 0, "show", id, "--json", "--config", cfg).stdout)
	p, _ := v["complainant"].(map[string]any)
	if p["email"] != "jan@example.nl" || p["name"] != "Jan" {
		t.Errorf("complainant = %v, want Jan <jan@example.nl>", p)
	}
	var to []any
	for _, m := range asObjects(v["messages"]) {
		if m["template"] == "bevestiging" {
			to, _ = m["to"].([]any)
		}
	}
	if len(to) != 1 || !strings.Contains(to[0].(string), "jan@example.nl") {
		t.Errorf("the confirmation goes to %v, want jan@example.nl", to)
	}
}
