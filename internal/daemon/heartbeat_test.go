package daemon

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestHeartbeat: the running daemon writes its status row (its process, the start) at once,
// and its stop when it stops.
func TestHeartbeat(t *testing.T) {
	cfg := testConfig(t, "", "", "", 0) // no IMAP server: the intake keeps retrying, the heartbeat goes on
	d, st := newTestDaemon(t, cfg, mailtest.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, ok, err := st.GetDaemonStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if s.PID != os.Getpid() || s.StartedAt.IsZero() || time.Since(s.BeatAt) > time.Minute || !s.StoppedAt.IsZero() {
				t.Errorf("status of the running daemon: %+v", s)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no status row 10 s after the start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s, _, _ := st.GetDaemonStatus(context.Background())
	if s.StoppedAt.IsZero() {
		t.Errorf("no stop recorded: %+v", s)
	}
}
