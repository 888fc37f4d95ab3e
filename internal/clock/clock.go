// Package clock is the time as klachtd's services read it: the Clock they are given and the
// real one. Logic never reads the time itself, so that a test can drive a case through its
// deadlines in seconds (with mailtest.Clock).
package clock

import "time"

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Real is the system's clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }
