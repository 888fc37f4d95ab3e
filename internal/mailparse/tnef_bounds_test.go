package mailparse

import (
	"bytes"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// winmailMail is a mail from Outlook carrying stream as its winmail.dat, base64-encoded.
func winmailMail(stream []byte) []byte {
	var b bytes.Buffer
	b.WriteString("From: Gert-Jan Smits <gj.smits@example.nl>\r\nTo: info@intervisie-begeleiding.nl\r\n" +
		"Subject: Klacht\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIk heb een klacht over de training.\r\n" +
		"--b\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(stream)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b--\r\n")
	return b.Bytes()
}

// TestTNEFLongNameBounded parses a mail whose winmail.dat names its attachment with 18 MB of
// UTF-16: all it allocates stays within a small multiple of the mail (once, it was 600 MB),
// and the name is cut to what a file name can be.
func TestTNEFLongNameBounded(t *testing.T) {
	raw := winmailMail(bombs.TNEFLongName(18 << 20))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := Parse(raw)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes of mail, %d allocated (%.1fx)", len(raw), alloc, float64(alloc)/float64(len(raw)))
	if limit := uint64(3 * len(raw)); alloc > limit {
		t.Errorf("allocated %d bytes for a %d-byte mail, want at most %d (3x)", alloc, len(raw), limit)
	}
	var names []string
	for _, a := range m.Attachments {
		names = append(names, a.Filename)
		if len(a.Filename) > 200 {
			t.Errorf("attachment name of %d bytes kept", len(a.Filename))
		}
	}
	if len(names) != 1 || !strings.HasPrefix(names[0], "abcdefghijklmnopqrstuvwxyzabc") {
		t.Errorf("attachments %.80q, want the one from the winmail.dat, named by its long name", names)
	}
}
