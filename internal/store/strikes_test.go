package store

import (
	"context"
	"testing"
	"time"
)

func TestStrikes(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a := MessageKey{Mailbox: "INBOX", UIDValidity: 7, UID: 42}
	b := MessageKey{Mailbox: "INBOX", UIDValidity: 7, UID: 43}
	for i, want := range []Strike{{Count: 1, Fatal: 1}, {Count: 2, Fatal: 1}} {
		cause, fatal := "killed", i == 0
		if fatal {
			cause = "fatal error: stack overflow"
		}
		got, err := s.AddStrike(ctx, a, cause, fatal, t0.Add(time.Duration(i)*time.Hour))
		if err != nil || got.Count != want.Count || got.Fatal != want.Fatal {
			t.Fatalf("AddStrike #%d = %+v, %v; want %d strikes, %d fatal", i+1, got, err, want.Count, want.Fatal)
		}
	}
	if _, err := s.AddStrike(ctx, b, "killed", false, t0.Add(-40*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Strikes(ctx, t0.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].MessageKey != a || got[0].Count != 2 || got[0].Fatal != 1 || got[0].Cause != "killed" || !got[0].At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Strikes = %+v, want uid 42 with 2 strikes, 1 reported, the last silent (uid 43's old one pruned)", got)
	}
	if err := s.ClearStrike(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Strikes(ctx, t0.Add(-30*24*time.Hour)); len(got) != 0 {
		t.Errorf("after ClearStrike: %+v", got)
	}
}
