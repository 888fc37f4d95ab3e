package config

import (
	"strings"
	"testing"
)

// TestRetentionLongerThanHandling: a retention term not longer than the handling term is
// refused, naming retention.keep: cases would reach the purge while still being handled.
func TestRetentionLongerThanHandling(t *testing.T) {
	for _, tt := range []struct {
		keep string
		ok   bool
	}{{`"4w"`, false}, {`"3w"`, false}, {`"1w"`, false}, {`"5w"`, true}, {`"2y"`, true}} {
		_, err := Parse(build(t, `deadlines.handle_within = "4w"`, "retention.keep = "+tt.keep))
		switch {
		case tt.ok && err != nil:
			t.Errorf("keep %s with handle_within 4w refused: %v", tt.keep, err)
		case !tt.ok && (err == nil || !strings.Contains(err.Error(), "retention.keep")):
			t.Errorf("keep %s with handle_within 4w: err %v, want retention.keep refused", tt.keep, err)
		}
	}
}
