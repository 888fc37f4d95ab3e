package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// BenchmarkHandleKinds hands one kind of mail at a time to Handle, the messages built before
// the timer starts, so that the figure is the handler's own cost per message: ordinary mail
// (no transaction) and complaints (registration, confirmation and staff notice queued).
//
//	go test -run '^$' -bench HandleKinds -benchtime 5000x ./internal/daemon
func BenchmarkHandleKinds(b *testing.B) {
	filler := strings.Repeat("Dit is gewone correspondentie over planning, facturen en afspraken. ", 40)
	now := time.Now()
	kinds := []struct {
		name string
		mail func(i int) []byte
	}{
		{"ordinary", func(i int) []byte {
			return rawMail(fmt.Sprintf("Relatie %d <relatie-%d@example.org>", i, i), orgAddr, fmt.Sprintf("Afspraak %d", i),
				fmt.Sprintf("backlog-%d@example.org", i), now, strings.Repeat(filler+"\n", 1+i%3))
		}},
		{"complaint", func(i int) []byte {
			return rawMail(fmt.Sprintf("Klant %d <klant-%d@example.nl>", i, i), orgAddr, "Klacht over de training",
				fmt.Sprintf("klacht-%d@example.nl", i), now, "Ik wil een klacht indienen over de training van vorige week.\n")
		}},
	}
	for _, k := range kinds {
		for _, ahead := range []bool{false, true} {
			name := k.name
			if ahead {
				name += "-prepared" // the share the intake's preparer does ahead done before the timer starts
			}
			b.Run(name, func(b *testing.B) { benchHandleKind(b, now, k.mail, ahead) })
		}
	}
}

// benchHandleKind hands b.N messages made by mail to Handle; with ahead, each with what
// prepareAhead makes of it already made, as the intake's preparer does on the other core.
func benchHandleKind(b *testing.B, now time.Time, mail func(i int) []byte, ahead bool) {
	d, _ := newTestDaemon(b, testConfig(b, "", "", "", 0), mailtest.NewRunningClock(now), nil)
	fs := make([]*intake.Fetched, b.N)
	for i := range fs {
		raw := mail(i)
		fs[i] = &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: raw,
			Header: headerOf(raw), Size: int64(len(raw)), InternalDate: now}
		if ahead {
			v := d.prepareAhead(fs[i])
			fs[i].Prepared = func() any { return v }
		}
	}
	cctx, cancel := context.WithCancel(context.Background()) // as the daemon's: one that a shutdown ends
	defer cancel()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range fs {
		if _, err := d.Handle(cctx, fs[i]); err != nil {
			b.Fatal(err)
		}
		fs[i] = nil
	}
}
