package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestOutboxBodiesMigration: a database from before 0015, with mail queued and sent, opens with
// every mail's text, HTML and attachments where they were, and the queued one is sent as it
// was queued.
func TestOutboxBodiesMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := fs.ReadDir(migrations, "migrations")
	for _, e := range entries {
		n, _ := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if n >= 15 {
			continue
		}
		body, _ := migrations.ReadFile("migrations/" + e.Name())
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("migration %s: %v", e.Name(), err)
		}
	}
	for i, q := range []string{
		`PRAGMA user_version = 14`,
		`INSERT INTO cases(id, status, received_at, due_at, updated_at) VALUES('KL-2026-0001', 'open', 1000, 2000, 1000)`,
		`INSERT INTO outbox(case_id, template, audience, from_addr, to_addrs, subject, text, html, message_id, date,
			auto_submitted, attachments, status, next_attempt_at) VALUES
			('KL-2026-0001', 'bevestiging', 'complainant', '{"email":"info@x.nl"}', '[{"email":"a@x.nl"}]', 'Uw klacht',
			 'Geachte heer,', '<p>Geachte heer,</p>', 'm1@x.nl', 1000, 'auto-replied', '[]', 'sent', 1000),
			(NULL, 'rapport', 'staff', '{"email":"info@x.nl"}', '[{"email":"s@x.nl"}]', 'Rapport',
			 'Het rapport.', '<p>Het rapport.</p>', 'm2@x.nl', 1000, 'auto-generated',
			 '[{"name":"grafiek.png","content_type":"image/png","data":"iVBORw0K","inline":true}]', 'queued', 1000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("statement %d: %v", i, err)
		}
	}
	db.Close()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.Outbox(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range all {
		got = append(got, fmt.Sprintf("%s %s %q %q %d", m.Template, m.Status, m.Text, m.HTML, len(m.Attachments)))
	}
	want := `bevestiging sent "Geachte heer," "<p>Geachte heer,</p>" 0|rapport queued "Het rapport." "<p>Het rapport.</p>" 1`
	if strings.Join(got, "|") != want {
		t.Errorf("after the migration:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	m, err := s.Claim(context.Background(), time.UnixMilli(2000), time.Minute)
	if err != nil || m == nil {
		t.Fatalf("Claim = %v, %v", m, err)
	}
	if m.Template != "rapport" || len(m.Attachments) != 1 || string(m.Attachments[0].Data) != "\x89PNG\r\n" || !m.Attachments[0].Inline {
		t.Errorf("claimed %s with attachments %+v", m.Template, m.Attachments)
	}
}

// A purged case takes the bodies of its mail with it.
func TestPurgeTakesOutboxBodies(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	c := complaint.Case{ID: "KL-2024-0001", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.InsertCase(c, "", t0); err != nil {
			return err
		}
		_, err := tx.QueueMail(OutMail{CaseID: c.ID, Template: "bevestiging", Audience: "complainant", From: mailparse.Address{Email: "info@x.nl"},
			To: []mailparse.Address{{Email: "a@x.nl"}}, Subject: "s", Text: "t", HTML: "h", MessageID: "m1@x.nl", Date: t0, AutoSubmitted: "auto-replied"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.PurgeCase(c.ID) }); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM outbox_bodies`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d bodies left after the purge of the only case", n)
	}
}
