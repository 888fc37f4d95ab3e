package mailparse

import (
	"bytes"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileInputs are mails built to make a careless parser slow or greedy.
func hostileInputs() map[string][]byte {
	big := bytes.Repeat([]byte("Lorem ipsum dolor sit amet, klacht over de training. "), 40000) // ~2 MB
	nestedMultipart := strings.Repeat("Content-Type: multipart/mixed; boundary=b\n\n--b\n", 2000)
	return map[string][]byte{
		"continuation lines": []byte("From: a@example.nl\nSubject: x\n" + strings.Repeat(" y\n", 300000) + "\nbody\n"),
		"unterminated words": []byte("From: a@example.nl\nSubject: " + strings.Repeat("=?a?Q?", 200000) + "\n\nbody\n"),
		"nested multipart":   []byte("From: a@example.nl\n" + nestedMultipart),
		"nested quotes": []byte("From: a@example.nl\nContent-Type: text/html\n\n" +
			strings.Repeat("<blockquote><table><tr><td>", 50000) + string(big[:100000])),
		"base64 attachment": []byte("From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n--b\n" +
			"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString(big) + "\n--b--\n"),
		"8bit text": append([]byte("From: a@example.nl\nContent-Type: text/plain; charset=latin1\n\n"), big...),
		"many parts": []byte("From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n" +
			strings.Repeat("--b\nContent-Type: application/octet-stream\n\nx\n", 100000)),
		"forwarded chain": nested(200),
	}
}

// TestHostileInputs checks that hostile mails parse in bounded time and memory: at most a few
// times the input allocated in all (decoded content is kept within twice the input).
func TestHostileInputs(t *testing.T) {
	for name, raw := range hostileInputs() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		m, err := Parse(raw)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes in, %d allocated (%.1fx), %v, problems %q", name, len(raw), alloc,
			float64(alloc)/float64(len(raw)), elapsed, m.Problems)
		if elapsed > 5*time.Second {
			t.Errorf("%s: took %v", name, elapsed)
		}
		if alloc > uint64(12*len(raw)+4<<20) {
			t.Errorf("%s: allocated %d bytes for %d bytes of input", name, alloc, len(raw))
		}
		kept := len(m.Text) + len(m.HTML)
		for _, a := range m.Attachments {
			kept += len(a.Data)
		}
		if kept > 2*len(raw)+64<<10 {
			t.Errorf("%s: keeps %d bytes for %d bytes of input", name, kept, len(raw))
		}
	}
}
