// Package clock is the time as klachtd's services read it: the Clock they are given and the
// real one. Logic never reads the time itself, so that a test can drive a case through its
// deadlines in seconds (with mailtest.Clock).
package clock

import (
	"context"
	"time"
)

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Real is the system's clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// Sleep waits d of real time, or until ctx is done; it reports whether the whole wait passed.
// It is for waits that must pass in real time whatever the clock says: backoff between
// reconnections, the pace of a token refresh.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
