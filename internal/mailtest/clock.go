package mailtest

import (
	"sync"
	"time"
)

// Clock is a clock.Clock a test moves. It stands still at the moment it was given (NewClock,
// Set, Advance; the zero Clock at the zero time), or, made by NewRunningClock, runs on at real
// speed from there: dates in mails then stay stable while a real sender and intake see time
// pass. It is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	at      time.Time
	since   time.Time // when at was set, for a running clock
	running bool
}

// NewClock returns a clock standing still at at.
func NewClock(at time.Time) *Clock { return &Clock{at: at} }

// NewRunningClock returns a clock that reads at now and runs on at real speed.
func NewRunningClock(at time.Time) *Clock { return &Clock{at: at, since: time.Now(), running: true} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return c.at.Add(time.Since(c.since))
	}
	return c.at
}

// Set puts the clock at at; a running clock runs on from there.
func (c *Clock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = at, time.Now()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		c.at, c.since = c.at.Add(time.Since(c.since)), time.Now()
	}
	c.at = c.at.Add(d)
}
