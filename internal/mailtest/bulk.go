package mailtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// LoadMaildir writes raws straight into mailbox's maildir as delivered messages (cur/, no
// flags), bypassing IMAP, so that a benchmark gets a mailbox of many thousands of messages in
// a second instead of minutes of APPENDs. Dovecot indexes them at the next SELECT or STATUS
// (their UID order need not follow raws); their INTERNALDATE is the time of writing.
func (d *Dovecot) LoadMaildir(t testing.TB, mailbox string, raws [][]byte) {
	t.Helper()
	uid, gid := ensureVmail(t)
	root := filepath.Join(d.Dir, "mail", d.User)
	dir := root
	if !strings.EqualFold(mailbox, "INBOX") {
		dir = filepath.Join(root, "."+mailbox)
	}
	for _, p := range []string{root, dir, filepath.Join(dir, "cur"), filepath.Join(dir, "new"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatalf("mailtest: load maildir: %v", err)
		}
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatalf("mailtest: load maildir: %v", err)
		}
	}
	now := time.Now()
	for i, raw := range raws {
		// S= is the size on disk, W= the size with CRLF line ends (RFC822.SIZE), as Dovecot's
		// own delivery names them: without W= Dovecot reads every message to tell its size.
		vsize := len(raw) + bytes.Count(raw, []byte("\n")) - bytes.Count(raw, []byte("\r\n"))
		name := fmt.Sprintf("%d.M%06dP%d.mailtest,S=%d,W=%d:2,", now.Unix(), i, os.Getpid(), len(raw), vsize)
		path := filepath.Join(dir, "cur", name)
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatalf("mailtest: load maildir: %v", err)
		}
		if err := os.Chown(path, uid, gid); err != nil {
			t.Fatalf("mailtest: load maildir: %v", err)
		}
	}
}
