package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// memFiler records what the intake reports it filed.
type memFiler struct {
	mu  sync.Mutex
	got map[uint32]Filing // by UID handed over
}

func (m *memFiler) Filed(_ context.Context, filings []Filing) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range filings {
		m.got[f.UID] = f
	}
	return nil
}

func (m *memFiler) snapshot() map[uint32]Filing {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[uint32]Filing{}
	for k, v := range m.got {
		out[k] = v
	}
	return out
}

// noUIDPlusSession is the in-memory server as a server without UIDPLUS and MOVE shows
// itself: COPY answers without COPYUID (and, embedded as a plain Session, it offers no MOVE).
type noUIDPlusSession struct{ imapserver.Session }

func (s noUIDPlusSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	_, err := s.Session.Copy(numSet, dest)
	return nil, err
}

// plainServer is an IMAP4rev1 server without UIDPLUS and MOVE.
func plainServer(t *testing.T) *testServer {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("klachtd", "plain-secret")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return noUIDPlusSession{mem.NewSession()}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	host, port := splitAddr(t, ln.Addr().String())
	return &testServer{name: "plain", host: host, port: port, user: "klachtd", pass: "plain-secret"}
}

// uidValidityOf asks the server for a mailbox's UIDVALIDITY.
func uidValidityOf(t *testing.T, c *imapclient.Client, mailbox string) uint32 {
	t.Helper()
	data, err := c.Status(mailbox, &imap.StatusOptions{UIDValidity: true}).Wait()
	if err != nil {
		t.Fatalf("status %s: %v", mailbox, err)
	}
	return data.UIDValidity
}

// TestIntakeReportsWhereItFiled: after a move the intake reports the folder, its UIDVALIDITY
// and the UID the message got there (the server's COPYUID); after a flag, the place it was
// handed over at; a server without UIDPLUS says nothing of the new UIDs, and the filing names
// the folder with UID 0.
func TestIntakeReportsWhereItFiled(t *testing.T) {
	servers := []struct {
		name    string
		start   func(*testing.T) *testServer
		knowsTo bool // the server answers a move with COPYUID
	}{
		{"mem", func(t *testing.T) *testServer { return memServer(t) }, true},
		{"dovecot", func(t *testing.T) *testServer { return dovecotServer(t) }, true},
		{"no uidplus", plainServer, false},
	}
	for _, sv := range servers {
		t.Run(sv.name, func(t *testing.T) {
			srv := sv.start(t)
			cfg := testConfig(srv)
			cfg.Processed = "Klachten"
			cp := newCheckpoints()
			rec := &recorder{decide: func(f *Fetched, _ int) (Disposition, error) {
				switch string(f.Raw[len(f.Raw)-len("flag.\r\n"):]) {
				case "flag.\r\n":
					return Flag, nil
				case "move.\r\n":
					return Move, nil
				}
				return Leave, nil
			}}
			filer := &memFiler{got: map[uint32]Filing{}}
			in := New(cfg, cp, rec.handle, nil)
			in.SetFiler(filer)
			runIntake(t, in)
			started(t, cp)
			c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
			mail := func(id, what string) []byte {
				return []byte("From: a@example.org\r\nSubject: " + id + "\r\nMessage-ID: <" + id + "@example.org>\r\n\r\n" + what + ".\r\n")
			}
			// One message first, so the folder has a UID 1 and a moved message's UID differs
			// from its INBOX UID.
			mailtest.AppendTo(t, c, "Klachten", mail("already-there", "leave"))
			moved1 := mailtest.AppendTo(t, c, "INBOX", mail("move-1", "move"))
			left := mailtest.AppendTo(t, c, "INBOX", mail("left", "leave"))
			flagged := mailtest.AppendTo(t, c, "INBOX", mail("flagged", "flag"))
			moved2 := mailtest.AppendTo(t, c, "INBOX", mail("move-2", "move"))
			eventually(t, 10*time.Second, "filings of the handled mail", func() bool { return len(filer.snapshot()) == 3 })

			inboxUV, folderUV := uidValidityOf(t, c, "INBOX"), uidValidityOf(t, c, "Klachten")
			inFolder := map[string]uint32{}
			for _, m := range mailtest.ListOf(t, c, "Klachten") {
				inFolder[string(m.Raw)] = m.UID
			}
			got := filer.snapshot()
			if _, ok := got[left]; ok {
				t.Errorf("a message left alone was reported filed: %+v", got[left])
			}
			if want := (Filing{Mailbox: "INBOX", UIDValidity: inboxUV, UID: flagged, Folder: "INBOX", FolderUIDValidity: inboxUV, FolderUID: flagged}); got[flagged] != want {
				t.Errorf("flagged: filing %+v, want %+v", got[flagged], want)
			}
			for uid, id := range map[uint32]string{moved1: "move-1", moved2: "move-2"} {
				want := Filing{Mailbox: "INBOX", UIDValidity: inboxUV, UID: uid, Folder: "Klachten"}
				if sv.knowsTo {
					want.FolderUIDValidity, want.FolderUID = folderUV, inFolder[string(mail(id, "move"))]
					if want.FolderUID == 0 || want.FolderUID == uid {
						t.Fatalf("%s: not in the folder under a UID of its own (%d)", id, want.FolderUID)
					}
				}
				if got[uid] != want {
					t.Errorf("%s: filing %+v, want %+v", id, got[uid], want)
				}
			}
		})
	}
}

// TestPurgeDeletesExactlyTheFiledCopies: the purge deletes exactly the messages the intake
// filed — by folder, UIDVALIDITY and UID; by Message-ID and content where the UID is not
// known or no longer valid; by Message-ID alone (a row from before filings were recorded)
// only in the processed folder — and every other message keeps its bytes and flags: another
// mail with the same Message-ID in INBOX or in the folder, one whose Message-ID merely
// contains the purged id, or differs from it in case only.
func TestPurgeDeletesExactlyTheFiledCopies(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cfg := testConfig(srv)
		cfg.Processed = "Klachten"
		c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
		sum := func(raw []byte) string { h := sha256.Sum256(raw); return hex.EncodeToString(h[:]) }

		filed := withMessageID("filed", "<filed@example.org>")
		unrecorded := withMessageID("unrecorded", "<unrecorded@example.org>")
		stale := withMessageID("stale", "<stale@example.org>")
		legacy := withMessageID("legacy", "<legacy@example.org>")
		flagged := withMessageID("flagged", "<flagged@example.org>")
		keepFolder := [][]byte{
			withMessageID("same id, other bytes", "<filed@example.org>"),
			withMessageID("same id as unrecorded, other bytes", "<unrecorded@example.org>"),
			withMessageID("contains", "<filed@example.org> (kopie)"),
			withMessageID("case", "<FILED@example.org>"),
			withMessageID("nested", "<re-<legacy@example.org>>"),
		}
		keepInbox := [][]byte{
			withMessageID("partner's mail with the filed id", "<filed@example.org>"),
			withMessageID("partner's mail with the unrecorded id", "<unrecorded@example.org>"),
			withMessageID("partner's mail with the legacy id", "<legacy@example.org>"),
			withMessageID("a mail at a stale place", "<at-stale-place@example.org>"),
		}
		uids := map[string]uint32{}
		for i, raw := range keepFolder {
			mailtest.AppendTo(t, c, "Klachten", raw)
			if i == 1 {
				uids["filed"] = mailtest.AppendTo(t, c, "Klachten", filed)
				uids["unrecorded"] = mailtest.AppendTo(t, c, "Klachten", unrecorded)
				uids["stale"] = mailtest.AppendTo(t, c, "Klachten", stale)
				uids["legacy"] = mailtest.AppendTo(t, c, "Klachten", legacy)
			}
		}
		for i, raw := range keepInbox {
			u := mailtest.AppendTo(t, c, "INBOX", raw)
			if i == 3 {
				uids["at-stale-place"] = u
			}
		}
		uids["flagged"] = mailtest.AppendTo(t, c, "INBOX", flagged)
		setFlags(t, c, "Klachten", imap.FlagSeen)
		setFlags(t, c, "INBOX", imap.FlagFlagged)
		inboxUV, folderUV := uidValidityOf(t, c, "INBOX"), uidValidityOf(t, c, "Klachten")
		before := map[string][]mailtest.MailboxMessage{"Klachten": srv.list(t, "Klachten"), "INBOX": srv.list(t, "INBOX")}

		q := &memPurges{done: map[int64]int{}, pending: []Purge{
			{ID: 1, Folder: "Klachten", UIDValidity: folderUV, UID: uids["filed"], MessageID: "filed@example.org", Hash: sum(filed)},
			{ID: 2, Folder: "", MessageID: "unrecorded@example.org", Hash: sum(unrecorded)},
			{ID: 3, Folder: "Klachten", UIDValidity: folderUV + 1, UID: 1, MessageID: "stale@example.org", Hash: sum(stale)},
			{ID: 4, Folder: "", MessageID: "legacy@example.org"},
			{ID: 5, Folder: "INBOX", UIDValidity: inboxUV, UID: uids["flagged"], MessageID: "flagged@example.org", Hash: sum(flagged)},
			{ID: 6, Folder: "INBOX", UIDValidity: inboxUV + 1, UID: uids["at-stale-place"]}, // handed over under an old UIDVALIDITY
			{ID: 7, Folder: "INBOX", UIDValidity: inboxUV, UID: 9999},                       // moved on long ago
			{ID: 8, Folder: "Klachten", UIDValidity: folderUV, UID: 0, MessageID: "absent@example.org", Hash: sum(filed)},
			{ID: 9, Folder: "Weg", UIDValidity: 1, UID: 1, MessageID: "filed@example.org", Hash: sum(filed)},
			{ID: 10, Folder: "", MessageID: "not an id", Hash: sum(filed)},
		}}
		in := New(cfg, newCheckpoints(), (&recorder{}).handle, nil)
		in.SetPurges(q)
		runIntake(t, in)
		eventually(t, 10*time.Second, "all purges done", func() bool { return len(q.doneSnapshot()) == 10 })

		want := map[int64]int{1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0}
		if diff := cmp.Diff(want, q.doneSnapshot()); diff != "" {
			t.Errorf("purges done with found (-want +got):\n%s", diff)
		}
		gone := map[string]bool{string(filed): true, string(unrecorded): true, string(stale): true, string(legacy): true, string(flagged): true}
		for box, msgs := range before {
			var wantBox []mailtest.MailboxMessage
			for _, m := range msgs {
				if !gone[string(m.Raw)] {
					wantBox = append(wantBox, m)
				}
			}
			if diff := cmp.Diff(wantBox, srv.list(t, box)); diff != "" {
				t.Errorf("%s after the purge (-want +got):\n%s", box, diff)
			}
		}
	})
}
