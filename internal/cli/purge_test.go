package cli

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

// shortTerms is a configuration whose retention term is minutes, not years.
const shortTerms = `
[deadlines]
confirm_within = "2m"
confirm_alarm  = "1m"
handle_within  = "1m"
remind_before  = "30s"
auto_extend_before = "20s"

[retention]
keep = "2m"
`

func TestPurge(t *testing.T) {
	cfg := writeConfig(t, shortTerms)
	fresh := newCase(t, cfg, "--name", "Nieuw Geval", "--email", "nieuw@example.nl", "--text", "Klacht van vandaag")

	r := mustRun(t, 0, "purge", "--dry-run", "--config", cfg)
	if strings.Contains(r.stdout, "KL-") || !strings.Contains(r.stdout, "would purge 0 case(s)") {
		t.Errorf("purge --dry-run with a fresh case only:\n%s", r.stdout)
	}

	old := time.Now().Add(-time.Hour)
	var closed, open string
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
		closed = register(t, d, st, kd.Registration{Name: "Oud Gesloten", Email: "oud@example.nl", Text: "Oude klacht", ReceivedAt: old})
		open = register(t, d, st, kd.Registration{Name: "Oud Open", Email: "open@example.nl", Text: "Oude open klacht", ReceivedAt: old.Add(time.Minute)})
		closeCase(t, st, closed, complaint.VerdictOngegrond, old.Add(30*time.Second))
		sendQueued(t, st) // a case with mail still queued waits (TestPurgeWaitsForQueuedMail)
	})

	r = mustRun(t, 0, "purge", "--config", cfg, "--dry-run")
	for _, s := range []string{"would purge " + closed, open + " is older than the retention term but still open",
		"would purge 1 case(s); 1 open case(s) past the term kept"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("purge --dry-run does not say %q:\n%s", s, r.stdout)
		}
	}
	if strings.Contains(r.stdout, fresh) {
		t.Errorf("purge --dry-run names the fresh case %s:\n%s", fresh, r.stdout)
	}
	mustRun(t, 0, "show", closed, "--config", cfg) // the dry run changed nothing

	r = mustRun(t, 0, "purge", "--config", cfg)
	for _, s := range []string{"purged " + closed, open + " is older than the retention term but still open",
		"purged 1 case(s); 1 open case(s) past the term kept"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("purge does not say %q:\n%s", s, r.stdout)
		}
	}
	if r := run(t, "show", closed, "--config", cfg); r.code != 1 || !strings.Contains(r.stderr, "no case "+closed) {
		t.Errorf("show %s after the purge: exit %d, stderr:\n%s", closed, r.code, r.stderr)
	}
	mustRun(t, 0, "show", open, "--config", cfg)
	mustRun(t, 0, "show", fresh, "--config", cfg)

	r = mustRun(t, 0, "list", "--json", "--config", cfg)
	var ids []string
	for _, c := range decodeJSON[[]map[string]any](t, r.stdout) {
		ids = append(ids, c["id"].(string))
	}
	if strings.Join(ids, " ") != fresh+" "+open && strings.Join(ids, " ") != open+" "+fresh {
		t.Errorf("after the purge list shows %v, want %s and %s", ids, fresh, open)
	}

	// A second purge finds nothing more to delete.
	r = mustRun(t, 0, "purge", "--config", cfg)
	if !strings.Contains(r.stdout, "purged 0 case(s); 1 open case(s) past the term kept") {
		t.Errorf("second purge:\n%s", r.stdout)
	}
}

func TestReport(t *testing.T) {
	cfg := writeConfig(t, "")
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
		svc := func(s string) complaint.Fields { return complaint.Fields{complaint.FieldDienst: s} }
		a := register(t, d, st, kd.Registration{Name: "A", Email: "a@example.nl", Text: "klacht a", Fields: svc("online cursus"), ReceivedAt: at("2026-08-03T10:00:00Z")})
		register(t, d, st, kd.Registration{Name: "B", Email: "b@example.nl", Text: "klacht b", Fields: svc("online cursus"), ReceivedAt: at("2026-09-15T10:00:00Z")})
		register(t, d, st, kd.Registration{Name: "C", Email: "c@example.nl", Text: "klacht c", Fields: svc("intervisie-begeleiding"), ReceivedAt: at("2026-10-01T10:00:00Z")})
		register(t, d, st, kd.Registration{Name: "D", Email: "d@example.nl", Text: "klacht d", ReceivedAt: at("2026-03-10T10:00:00Z")})
		closeCase(t, st, a, complaint.VerdictGegrond, at("2026-08-13T10:00:00Z"))
	})

	r := mustRun(t, 0, "report", "--period", "2026H2", "--format", "json", "--config", cfg)
	rep := decodeJSON[map[string]any](t, r.stdout)
	num := func(k string) any { return rep[k] }
	for k, want := range map[string]float64{"total": 3, "closed": 1, "open": 2} {
		if got := num(k); got != want {
			t.Errorf("report json %s = %v, want %v", k, got, want)
		}
	}
	if ps, _ := rep["per_service"].(map[string]any); ps["online cursus"] != 2.0 || ps["intervisie-begeleiding"] != 1.0 {
		t.Errorf("report json per_service = %v, want online cursus 2, intervisie-begeleiding 1", rep["per_service"])
	}
	if pv, _ := rep["per_verdict"].(map[string]any); pv["gegrond"] != 1.0 {
		t.Errorf("report json per_verdict = %v, want gegrond 1", rep["per_verdict"])
	}
	if rep["period"] != "2026H2" {
		t.Errorf("report json period = %v, want 2026H2", rep["period"])
	}

	r = mustRun(t, 0, "report", "--config", cfg, "--period", "2026h2", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("report csv: %v\n%s", err, r.stdout)
	}
	if len(rows) < 2 {
		t.Fatalf("report csv has no rows:\n%s", r.stdout)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	byMeasure := map[string]string{}
	for _, row := range rows[1:] {
		if len(row) == len(rows[0]) && (col["Oordeel"] == 0 || row[col["Oordeel"]] == "") {
			byMeasure[row[col["Cijfer"]]+"/"+row[col["Dienst of tekst"]]] = row[col["Waarde"]]
		}
	}
	for k, want := range map[string]string{"Klachten ontvangen/": "3", "Afgehandeld/": "1", "Nog open/": "2", "Per dienst/online cursus": "2"} {
		if byMeasure[k] != want {
			t.Errorf("report csv %s = %q, want %q\n%s", k, byMeasure[k], want, r.stdout)
		}
	}

	r = mustRun(t, 0, "report", "--period", "2026H2", "--config", cfg)
	for _, s := range []string{"Groeimeesters", "tweede helft 2026", "Klachten ontvangen", "online cursus"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("report text does not contain %q:\n%s", s, r.stdout)
		}
	}
	if !containsRow(r.stdout, "Klachten ontvangen", "3") {
		t.Errorf("report text does not count 3 complaints:\n%s", r.stdout)
	}

	r = mustRun(t, 0, "report", "--period", "2026H2", "--format", "html", "--config", cfg)
	for _, s := range []string{"<html", "Groeimeesters", "tweede helft 2026", "online cursus", "</html>"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("report html does not contain %q", s)
		}
	}

	r = mustRun(t, 0, "report", "--period", "2026H1", "--format", "json", "--config", cfg)
	if rep := decodeJSON[map[string]any](t, r.stdout); rep["total"] != 1.0 {
		t.Errorf("report 2026H1 total = %v, want 1", rep["total"])
	}
}

// containsRow reports whether a line starts with label and ends with value.
func containsRow(text, label, value string) bool {
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if strings.HasPrefix(strings.TrimSpace(l), label) && len(f) > 0 && f[len(f)-1] == value {
			return true
		}
	}
	return false
}

func TestCheckOffline(t *testing.T) {
	cfg := writeConfig(t, "")
	r := mustRun(t, 0, "check", "--offline", "--config", cfg)
	for _, s := range []string{"config " + cfg + ": ok", "templates: ok"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("check --offline does not say %q:\n%s", s, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "imap ") || strings.Contains(r.stdout, "smtp ") {
		t.Errorf("check --offline connected to the servers:\n%s", r.stdout)
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo runs its own servers for a few seconds")
	}
	r := mustRun(t, 0, "demo", "--exit")
	for _, s := range []string{"KL-", "Klachten", "registered and confirmed", "Outgoing mail"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("demo --exit does not show %q:\n%s", s, r.stdout)
		}
	}
}
