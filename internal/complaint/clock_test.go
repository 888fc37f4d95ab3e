package complaint

import (
	"testing"
	"time"
)

// TestFormatClock: the time of day to the second in the given zone, across a clock change.
func TestFormatClock(t *testing.T) {
	for _, tt := range []struct {
		at   time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2027, 3, 28, 1, 30, 5, 0, time.UTC), ams, "03:30:05"}, // just after the change to summer time
		{time.Date(2027, 3, 28, 0, 59, 59, 0, time.UTC), ams, "01:59:59"},
		{time.Date(2027, 3, 28, 1, 30, 5, 0, time.UTC), nil, "01:30:05"},
	} {
		if got := FormatClock(tt.at, tt.loc); got != tt.want {
			t.Errorf("FormatClock(%v, %v) = %q, want %q", tt.at, tt.loc, got, tt.want)
		}
	}
}
