package config

import (
	"strings"
	"testing"
)

// TestMaxNewPerHour: the mailbox-wide cap on new-case confirmations defaults to 30, is read
// from the file, and refuses a value that would leave complaints unconfirmed or mean nothing.
func TestMaxNewPerHour(t *testing.T) {
	c, err := Parse(build(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Complaints.MaxNewPerHour; got != 30 {
		t.Errorf("default max_new_per_hour %d, want 30", got)
	}
	c, err = Parse(build(t, "complaints.max_new_per_hour = 5"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Complaints.MaxNewPerHour; got != 5 {
		t.Errorf("max_new_per_hour %d, want 5", got)
	}
	for _, edit := range []string{"complaints.max_new_per_hour = 0", "complaints.max_new_per_hour = -3"} {
		probs := problems(t, build(t, edit))
		found := false
		for _, p := range probs {
			found = found || p.Key == "complaints.max_new_per_hour" && strings.Contains(p.Reason, "must be 1 or more")
		}
		if !found {
			t.Errorf("%s: problems %q, want complaints.max_new_per_hour: must be 1 or more", edit, probs)
		}
	}
	if probs := problems(t, build(t, `complaints.max_new_per_hour = "30"`)); len(probs) == 0 || probs[0].Key != "complaints.max_new_per_hour" {
		t.Errorf("a quoted number: problems %q, want one for complaints.max_new_per_hour", probs)
	}
}
