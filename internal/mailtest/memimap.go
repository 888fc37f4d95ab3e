package mailtest

import (
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/groeimeesters/klachtd/internal/memimap"
)

// StartMemIMAP starts go-imap's in-memory IMAP server on a free loopback
// port, plaintext, with one user whose INBOX exists and is empty. It offers
// IMAP4rev2 (and so IDLE, MOVE and UIDPLUS). The server stops when the test
// ends.
func StartMemIMAP(t testing.TB) (addr, user, pass string) {
	t.Helper()
	user, pass = "klachtd", "memimap-secret"
	srv, err := memimap.Start(user, pass)
	if err != nil {
		t.Fatalf("mailtest: memory imap server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("mailtest: memory imap server: %v", err)
		}
	})
	return srv.Addr, user, pass
}

// MailboxMessage is one message as a test sees it on the server: for
// asserting that mail was left untouched, flagged or moved.
type MailboxMessage struct {
	UID   uint32
	Flags []imap.Flag // sorted
	Raw   []byte
}

// Dial opens a logged-in IMAP client to a plaintext server on addr. The client
// is logged out and closed when the test ends.
func Dial(t testing.TB, addr, user, pass string) *imapclient.Client {
	t.Helper()
	c, err := dial(addr, user, pass)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { closeClient(c) })
	return c
}

func dial(addr, user, pass string) (*imapclient.Client, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dial imap %s: %w", addr, err)
	}
	c := imapclient.New(conn, nil)
	if err := c.Login(user, pass).Wait(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("imap login on %s: %w", addr, err)
	}
	return c, nil
}

func closeClient(c *imapclient.Client) {
	select {
	case <-c.Closed():
	default:
		_ = c.Logout().Wait()
	}
	_ = c.Close()
}

// AppendTo appends raw to mailbox (creating it if missing) and returns the
// UID the server gave it.
func AppendTo(t testing.TB, c *imapclient.Client, mailbox string, raw []byte) uint32 {
	t.Helper()
	data, err := appendOne(c, mailbox, raw)
	if err != nil {
		if err := c.Create(mailbox, nil).Wait(); err != nil {
			t.Fatalf("mailtest: create %s: %v", mailbox, err)
		}
		data, err = appendOne(c, mailbox, raw)
	}
	if err != nil {
		t.Fatalf("mailtest: append to %s: %v", mailbox, err)
	}
	if data.UID == 0 {
		t.Fatalf("mailtest: append to %s: server returned no APPENDUID", mailbox)
	}
	return uint32(data.UID)
}

func appendOne(c *imapclient.Client, mailbox string, raw []byte) (*imap.AppendData, error) {
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return nil, err
	}
	if err := cmd.Close(); err != nil {
		return nil, err
	}
	return cmd.Wait()
}

// AppendManyTo appends every message in raws to mailbox (which must exist),
// pipelining the commands so that thousands of messages take seconds.
func AppendManyTo(t testing.TB, c *imapclient.Client, mailbox string, raws [][]byte) {
	t.Helper()
	const window = 200
	for start := 0; start < len(raws); start += window {
		end := min(start+window, len(raws))
		cmds := make([]*imapclient.AppendCommand, 0, end-start)
		for _, raw := range raws[start:end] {
			cmd := c.Append(mailbox, int64(len(raw)), nil)
			if _, err := cmd.Write(raw); err != nil {
				t.Fatalf("mailtest: append to %s: %v", mailbox, err)
			}
			if err := cmd.Close(); err != nil {
				t.Fatalf("mailtest: append to %s: %v", mailbox, err)
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(); err != nil {
				t.Fatalf("mailtest: append to %s: %v", mailbox, err)
			}
		}
	}
}

// ListOf returns every message in mailbox with its flags and raw bytes, in
// UID order, without changing any flag (EXAMINE and BODY.PEEK); \Recent,
// which belongs to a session, is left out. A mailbox
// that does not exist gives nil.
func ListOf(t testing.TB, c *imapclient.Client, mailbox string) []MailboxMessage {
	t.Helper()
	boxes, err := c.List("", mailbox, nil).Collect()
	if err != nil {
		t.Fatalf("mailtest: list %s: %v", mailbox, err)
	}
	if len(boxes) == 0 {
		return nil
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("mailtest: examine %s: %v", mailbox, err)
	}
	defer func() { _ = c.Unselect().Wait() }()
	if sel.NumMessages == 0 {
		return []MailboxMessage{}
	}
	body := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{body},
	}).Collect()
	if err != nil {
		t.Fatalf("mailtest: fetch %s: %v", mailbox, err)
	}
	out := make([]MailboxMessage, 0, len(bufs))
	for _, b := range bufs {
		flags := []imap.Flag{}
		for _, f := range b.Flags {
			if f != `\Recent` { // session state, not a stored flag
				flags = append(flags, f)
			}
		}
		slices.Sort(flags)
		out = append(out, MailboxMessage{UID: uint32(b.UID), Flags: flags, Raw: b.FindBodySection(body)})
	}
	slices.SortFunc(out, func(a, b MailboxMessage) int { return int(a.UID) - int(b.UID) })
	return out
}
