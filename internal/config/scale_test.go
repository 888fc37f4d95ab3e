package config

import (
	"testing"
	"time"
)

// TestScaledLeads pins the scale of each lesser term that a file leaves out when it shortens
// the main terms: remind_before is handle_within/4, auto_extend_before handle_within/28 (a day
// in four weeks), confirm_alarm confirm_within/2; a term written in the file is kept.
func TestScaledLeads(t *testing.T) {
	tests := []struct {
		name                       string
		edits                      []string
		remind, autoLead, confAlrm time.Duration
	}{
		{"28m", []string{`deadlines.handle_within = "28m"`}, 7 * time.Minute, time.Minute, 24 * time.Hour},
		{"28m, confirm 10m", []string{`deadlines.handle_within = "28m"`, `deadlines.confirm_within = "10m"`}, 7 * time.Minute, time.Minute, 5 * time.Minute},
		{"28m, lead written", []string{`deadlines.handle_within = "28m"`, `deadlines.auto_extend_before = "5m"`, `deadlines.remind_before = "10m"`},
			10 * time.Minute, 5 * time.Minute, 24 * time.Hour},
		{"20s, remind 10s (issue 8)", []string{`deadlines.handle_within = "20s"`, `deadlines.remind_before = "10s"`},
			10 * time.Second, 20 * time.Second / 28, 24 * time.Hour},
		{"8w: the defaults are shorter than the scale", []string{`deadlines.handle_within = "8w"`}, 7 * 24 * time.Hour, 24 * time.Hour, 24 * time.Hour},
	}
	for _, tt := range tests {
		c, err := Parse(build(t, tt.edits...))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		d := c.Deadlines
		if d.RemindBefore != tt.remind || d.AutoExtendBefore != tt.autoLead || d.ConfirmAlarm != tt.confAlrm {
			t.Errorf("%s: remind_before %v, auto_extend_before %v, confirm_alarm %v; want %v, %v, %v", tt.name,
				d.RemindBefore, d.AutoExtendBefore, d.ConfirmAlarm, tt.remind, tt.autoLead, tt.confAlrm)
		}
	}
}
