package daemon

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/store"
)

// BenchmarkHandlingMarker is what the poison-mail marker adds to each message: one write of
// the message's identity before it is handled, one of a byte after.
func BenchmarkHandlingMarker(b *testing.B) {
	f, _, err := openMarker(b.TempDir() + "/handling")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	p := &poison{marker: f}
	d := &Daemon{}
	k := store.MessageKey{Mailbox: "INBOX", UIDValidity: 1796125022, UID: 1}
	b.ReportAllocs()
	for b.Loop() {
		k.UID++
		p.begin(k, d)
		p.end(d)
	}
}
