package daemon

import (
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/store"
)

// BenchmarkHandlingMarker is what the poison-mail marker adds to each message: one write of
// the message's identity before it is handled, one of a byte after.
func BenchmarkHandlingMarker(b *testing.B) {
	f, _, err := openMarker(b.TempDir() + "/handling")
	if err != nil {
		b.Fatal(err)
	}
	defer f.close()
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

// BenchmarkSentJournal is what the sent journal adds to each mail sent: one write of the row
// once the server accepted it, one of a byte once its record is committed.
func BenchmarkSentJournal(b *testing.B) {
	m, _, err := openJournal(b.TempDir() + "/accepted")
	if err != nil {
		b.Fatal(err)
	}
	defer m.close()
	j := &acceptedJournal{m: m, d: &Daemon{}}
	r := &outbox.Row{ID: 1, MessageID: "kl-2026-0007.bevestiging.1@intervisie-begeleiding.nl"}
	at := time.Date(2026, 12, 2, 16, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		r.ID++
		j.Accepted(r, at)
		j.Recorded()
	}
}
