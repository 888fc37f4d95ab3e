package cli

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestJSONUnverified: list --json and show --json say, under the name "unverified", whether
// the complainant's address was authenticated for the case, and per message whether its
// sender was: an unsigned complaint (staff authentication "dkim") and an unsigned reply from
// the same address are unverified; klachtd's own mails are not. The names are checked as
// they stand in the output.
func TestJSONUnverified(t *testing.T) {
	cfg := writeConfig(t, "")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dkimCfg := strings.Replace(string(b), `authentication = "none"`, `authentication = "dkim"`, 1)
	if dkimCfg == string(b) {
		t.Fatal("the test configuration has no authentication = \"none\" to change")
	}
	if err := os.WriteFile(cfg, []byte(dkimCfg), 0o600); err != nil {
		t.Fatal(err)
	}
	mail := func(subject, msgID, body string) []byte {
		return []byte("From: Jan de Vries <jan@example.nl>\r\nTo: info@intervisie-begeleiding.nl\r\nSubject: " + subject +
			"\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMessage-ID: <" + msgID + ">\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body)
	}
	var id string
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
		feed := func(uid uint32, raw []byte) {
			if _, err := d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uid, Raw: raw,
				Size: int64(len(raw))}); err != nil {
				t.Fatal(err)
			}
		}
		feed(1, mail("Klacht over de training", "c1@example.nl", "Ik wil een klacht indienen over de training.\r\n"))
		cases, err := st.Cases(context.Background(), "")
		if err != nil || len(cases) != 1 {
			t.Fatalf("%d cases (%v), want 1", len(cases), err)
		}
		id = cases[0].ID
		feed(2, mail("Re: ["+id+"] Bevestiging", "c2@example.nl", "Nog een vraag.\r\n"))
	})

	list := mustRun(t, 0, "list", "--json", "--config", cfg).stdout
	if !strings.Contains(list, `"unverified": true`) {
		t.Errorf("list --json does not say \"unverified\": true:\n%s", list)
	}
	if c := decodeJSON[[]map[string]any](t, list); len(c) != 1 || c[0]["unverified"] != true {
		t.Errorf("list --json: %v, want the case with unverified true", c)
	}
	show := mustRun(t, 0, "show", id, "--json", "--config", cfg).stdout
	v := decodeJSON[map[string]any](t, show)
	checkStableNames(t, v)
	if v["unverified"] != true {
		t.Errorf("show --json: unverified = %v, want true", v["unverified"])
	}
	var got []string
	for _, m := range asObjects(v["messages"]) {
		u, ok := m["unverified"].(bool)
		if !ok {
			t.Errorf("message %v has no boolean \"unverified\"", m)
		}
		if ver, _ := m["verified"].(bool); ver == u && m["direction"] == "in" {
			t.Errorf("message %v: verified and unverified agree", m)
		}
		got = append(got, m["direction"].(string)+" "+m["kind"].(string)+" "+map[bool]string{true: "unverified", false: "verified"}[u])
	}
	for _, want := range []string{"in complaint unverified", "in reply-unverified unverified", "out bevestiging verified"} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("show --json messages:\n%s\nwant %q", strings.Join(got, "\n"), want)
		}
	}
	if n := strings.Count(show, `"unverified": `); n != 1+len(asObjects(v["messages"])) {
		t.Errorf("show --json holds \"unverified\" %d times, want once for the case and once per message:\n%s", n, show)
	}
}

// TestJSONUnverifiedLegacyRow: a case registered before the complaint's own row said whether
// its sender was verified (the row says verified) shows that mail as unverified when the case
// is.
func TestJSONUnverifiedLegacyRow(t *testing.T) {
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
			c.Name, c.Email, c.Unverified = "Jan de Vries", "jan@example.nl", true
			if err := tx.InsertCase(c, "c1@example.nl", now); err != nil {
				return err
			}
			_, err = tx.InsertMessage(store.Message{CaseID: id, Direction: "in", At: now, Kind: "complaint",
				From: "jan@example.nl", Subject: "Klacht", MessageID: "c1@example.nl", Verified: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	v := decodeJSON[map[string]any](t, mustRun(t, 0, "show", id, "--json", "--config", cfg).stdout)
	msgs := asObjects(v["messages"])
	if v["unverified"] != true || len(msgs) != 1 || msgs[0]["unverified"] != true || msgs[0]["verified"] != false {
		t.Errorf("show --json: case unverified %v, messages %v; want the complaint unverified", v["unverified"], msgs)
	}
}
