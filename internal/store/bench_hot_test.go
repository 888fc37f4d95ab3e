package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// BenchmarkOutboxClaimSent: the outbox's two writes for every mail it sends, Claim and Sent,
// on mails of the size a confirmation is (2 KB of text, 6 KB of HTML).
//
//	go test -run '^$' -bench OutboxClaimSent -benchtime 2000x ./internal/store
const outboxBenchMails = 5000

func BenchmarkOutboxClaimSent(b *testing.B) {
	s, now := outboxBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m, err := s.Claim(ctx, now.Add(time.Second), time.Minute)
		if err != nil || m == nil {
			b.Fatalf("claim: %v, %v", m, err)
		}
		if err := s.Sent(ctx, m.ID, now, func(tx *Tx, m *OutHead) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutboxSentAndClaim: the same in a burst, where the record of one mail and the claim
// of the next are one write.
func BenchmarkOutboxSentAndClaim(b *testing.B) {
	s, now := outboxBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	m, err := s.Claim(ctx, now.Add(time.Second), time.Minute)
	for range b.N {
		if err != nil || m == nil {
			b.Fatalf("claim: %v, %v", m, err)
		}
		m, err = s.SentAndClaim(ctx, m.ID, now, func(tx *Tx, m *OutHead) error { return nil }, now.Add(time.Second), time.Minute, 0)
	}
}

// outboxBench is a store with outboxBenchMails queued mails, and the moment they are due.
func outboxBench(b *testing.B) (*Store, time.Time) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "k.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	now := time.Now()
	text, html := strings.Repeat("Geachte klager, wij hebben uw klacht ontvangen. ", 40), strings.Repeat("<p>Geachte klager, wij hebben uw klacht ontvangen.</p>\n", 110)
	err = s.InTx(ctx, func(tx *Tx) error {
		for i := range outboxBenchMails { // the same whatever b.N, so that instruction counts at two b.N differ by the loop alone
			if _, err := tx.QueueMail(OutMail{Template: "bevestiging", Audience: "complainant", From: mailparse.Address{Email: "info@example.nl"},
				To: []mailparse.Address{{Email: fmt.Sprintf("k%d@example.nl", i)}}, Subject: "Uw klacht", Text: text, HTML: html,
				MessageID: fmt.Sprintf("klachtd.%d@example.nl", i), Date: now, AutoSubmitted: "auto-replied"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if b.N >= outboxBenchMails {
		b.Fatalf("fewer than %d iterations", outboxBenchMails)
	}
	return s, now
}
