package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestPurgeQueuesMailboxCopies: purging a case queues the places of the mail the intake moved
// or flagged for it — where it was handed over, by UID; where it was filed, by UID, with the
// Message-ID and hash to find it when the UID is unknown or stale; the processed folder by
// Message-ID and hash for a move whose place was never recorded — never a Message-ID alone,
// not mail left alone, not another case's mail. Done rows leave the queue and forget it all.
func TestPurgeQueuesMailboxCopies(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	purged := complaint.Case{ID: "KL-2024-0001", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	other := complaint.Case{ID: "KL-2024-0002", Status: complaint.StatusAfgehandeld, ReceivedAt: t0, DueAt: t0}
	err := s.InTx(ctx, func(tx *Tx) error {
		for _, c := range []complaint.Case{purged, other} {
			if err := tx.InsertCase(c, "", t0); err != nil {
				return err
			}
		}
		ins := []Incoming{
			{UID: 1, MessageID: "moved@example.org", Disposition: 1, CaseID: purged.ID},
			{UID: 2, MessageID: "flagged@example.org", Disposition: 1, CaseID: purged.ID},
			{UID: 3, MessageID: "no-uidplus@example.org", Disposition: 1, CaseID: purged.ID},
			{UID: 4, MessageID: "unrecorded@example.org", Disposition: 1, CaseID: purged.ID},
			{UID: 5, MessageID: "", Disposition: 2, CaseID: purged.ID},
			{UID: 6, MessageID: "left-alone@example.org", Disposition: 0, CaseID: purged.ID},
			{UID: 7, MessageID: "other@example.org", Disposition: 1, CaseID: other.ID},
		}
		for _, in := range ins {
			in.Mailbox, in.UIDValidity, in.Kind, in.At = "INBOX", 7, "k", t0
			in.Hash = "hash-" + in.MessageID
			if err := tx.RecordIncoming(in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.RecordFiled(ctx, []Filing{
		{Mailbox: "INBOX", UIDValidity: 7, UID: 1, Folder: "Klachten", FolderUIDValidity: 99, FolderUID: 41},
		{Mailbox: "INBOX", UIDValidity: 7, UID: 2, Folder: "INBOX", FolderUIDValidity: 7, FolderUID: 2},
		{Mailbox: "INBOX", UIDValidity: 7, UID: 3, Folder: "Klachten"},
		{Mailbox: "INBOX", UIDValidity: 7, UID: 5, Folder: "INBOX", FolderUIDValidity: 7, FolderUID: 5},
		{Mailbox: "INBOX", UIDValidity: 7, UID: 7, Folder: "Klachten", FolderUIDValidity: 99, FolderUID: 42},
		{Mailbox: "INBOX", UIDValidity: 8, UID: 4, Folder: "Elders", FolderUIDValidity: 1, FolderUID: 1}, // no such row
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.PurgeCase(purged.ID) }); err != nil {
		t.Fatal(err)
	}

	pending, err := s.PendingMailboxPurges(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	var got []MailboxPurge
	for _, p := range pending {
		if p.Attempts != 1 {
			t.Errorf("%+v: attempts %d, want 1", p, p.Attempts)
		}
		p.ID, p.Attempts, p.QueuedAt = 0, 0, t0
		got = append(got, p)
	}
	at := func(folder string, uv, uid uint32, msgID string) MailboxPurge {
		h := ""
		if msgID != "" {
			h = "hash-" + msgID
		}
		return MailboxPurge{Folder: folder, UIDValidity: uv, UID: uid, MessageID: msgID, Hash: h, QueuedAt: t0}
	}
	want := []MailboxPurge{
		at("", 0, 0, "unrecorded@example.org"),         // moved, place never recorded: found by id and content
		at("INBOX", 7, 1, ""),                          // where each was handed over, by UID only
		at("INBOX", 7, 2, "flagged@example.org"),       // flagged in place: handed over and filed there
		at("INBOX", 7, 3, ""),                          //
		at("INBOX", 7, 4, ""),                          //
		at("INBOX", 7, 5, ""),                          // flagged, no Message-ID: by UID only
		at("Klachten", 0, 0, "no-uidplus@example.org"), // moved, the server did not say where
		at("Klachten", 99, 41, "moved@example.org"),    // moved, COPYUID said where
	}
	want[5].Hash = "hash-"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("queued places (-want +got):\n%s", diff)
	}
	var incoming int
	if err := s.db.QueryRow(`SELECT count(*) FROM incoming WHERE case_id = ?`, purged.ID).Scan(&incoming); err != nil {
		t.Fatal(err)
	}
	if incoming != 0 {
		t.Errorf("%d incoming rows of the purged case remain, want 0", incoming)
	}

	// The first is done and forgets what named the mail; the others were tried once more.
	if err := s.MailboxPurgeDone(ctx, pending[0].ID, 1, t0); err != nil {
		t.Fatal(err)
	}
	var folder, msgID, hash string
	var uid, found int
	if err := s.db.QueryRow(`SELECT folder, uid, message_id, hash, found FROM mailbox_purge WHERE id = ?`, pending[0].ID).
		Scan(&folder, &uid, &msgID, &hash, &found); err != nil {
		t.Fatal(err)
	}
	if folder != "" || uid != 0 || msgID != "" || hash != "" || found != 1 {
		t.Errorf("done row: folder %q uid %d message_id %q hash %q found %d, want all cleared and 1", folder, uid, msgID, hash, found)
	}
	// Marking done twice changes nothing.
	if err := s.MailboxPurgeDone(ctx, pending[0].ID, 9, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT found FROM mailbox_purge WHERE id = ?`, pending[0].ID).Scan(&found); err != nil || found != 1 {
		t.Errorf("found after a second done: %d (%v), want 1", found, err)
	}
	again, err := s.PendingMailboxPurges(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].ID != pending[1].ID || again[0].Attempts != 2 {
		t.Errorf("second round: %+v, want row %d at attempt 2", again, pending[1].ID)
	}
	// Least tried first.
	rest, err := s.PendingMailboxPurges(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != len(pending)-1 || rest[0].ID != pending[2].ID || rest[len(rest)-1].ID != pending[1].ID {
		t.Errorf("least tried first: got %+v", rest)
	}
}

// TestMigrationKeepsLegacyPurges: a mailbox_purge row queued before 0008 (a Message-ID only)
// survives the migration as a legacy row (folder and hash empty: the processed folder only,
// by exact Message-ID); a done row stays done; incoming rows get no filing.
func TestMigrationKeepsLegacyPurges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0001_init.sql", "0002_stats_detail.sql", "0003_mailbox_purge.sql",
		"0004_message_chunks.sql", "0005_command_keys.sql", "0006_sync_marker.sql"} {
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, q := range []string{
		`PRAGMA user_version = 6`,
		`INSERT INTO mailbox_purge(message_id, queued_at) VALUES('legacy@example.org', 1)`,
		`INSERT INTO mailbox_purge(message_id, queued_at, done_at, found) VALUES('', 1, 2, 3)`,
		`INSERT INTO incoming(mailbox, uidvalidity, uid, message_id, hash, disposition, kind, at) VALUES('INBOX', 1, 9, 'm@x', 'h', 1, 'complaint', 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.PendingMailboxPurges(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 {
		t.Fatalf("pending after the migration: %+v, want the one legacy row", pending)
	}
	p := pending[0]
	if p.MessageID != "legacy@example.org" || p.Folder != "" || p.Hash != "" || p.UID != 0 {
		t.Errorf("legacy row after the migration: %+v, want Message-ID legacy@example.org, no folder, uid or hash", p)
	}
	var folder string
	var uid int
	if err := s.db.QueryRow(`SELECT filed_folder, filed_uid FROM incoming WHERE uid = 9`).Scan(&folder, &uid); err != nil || folder != "" || uid != 0 {
		t.Errorf("incoming after the migration: filed %q %d (%v), want nothing", folder, uid, err)
	}
}
