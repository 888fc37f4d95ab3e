package mailtest

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	c := NewClock(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Errorf("NewClock: Now = %v, want %v", got, t0)
	}
	c.Advance(90 * time.Minute)
	if got, want := c.Now(), t0.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("Advance: Now = %v, want %v", got, want)
	}
	c.Set(t0.AddDate(1, 0, 0))
	if got, want := c.Now(), t0.AddDate(1, 0, 0); !got.Equal(want) {
		t.Errorf("Set: Now = %v, want %v", got, want)
	}
	var zero Clock
	if got := zero.Now(); !got.IsZero() {
		t.Errorf("the zero Clock: Now = %v, want the zero time", got)
	}
}

// TestRunningClock: a running clock runs at real speed from the moment it was given, also
// after Set and Advance.
func TestRunningClock(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	c := NewRunningClock(t0)
	waitPast(t, c, t0)
	if got, limit := c.Now(), t0.Add(time.Since(start)); got.Before(t0) || got.After(limit) {
		t.Errorf("running: Now = %v, want between %v and %v", got, t0, limit)
	}
	to := t0.AddDate(0, 1, 0)
	start = time.Now()
	c.Set(to)
	waitPast(t, c, to)
	if got, limit := c.Now(), to.Add(time.Since(start)); got.Before(to) || got.After(limit) {
		t.Errorf("running after Set: Now = %v, want between %v and %v", got, to, limit)
	}
	before := c.Now()
	c.Advance(time.Hour)
	if got := c.Now(); got.Sub(before) < time.Hour || got.Sub(before) > time.Hour+time.Minute {
		t.Errorf("running after Advance(1h): Now moved on %v, want 1h and the moments between", got.Sub(before))
	}
}

// waitPast waits until c reads later than at, failing after a second.
func waitPast(t *testing.T, c *Clock, at time.Time) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !c.Now().After(at) {
		if time.Now().After(deadline) {
			t.Fatalf("the running clock stands still at %v", c.Now())
		}
		time.Sleep(time.Millisecond)
	}
}
