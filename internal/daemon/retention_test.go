package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
)

// TestRetentionReportsEveryOpenCase: at the retention limit an open case is reported to staff
// and kept, whatever stage it is in — also with a verdict (beoordeeld) or with the commissaris
// (escalatie). Only the closed case goes.
func TestRetentionReportsEveryOpenCase(t *testing.T) {
	tests := []struct {
		name     string
		commands []string
		purged   bool
	}{
		{"in behandeling", []string{"[in-behandeling]"}, false},
		{"beoordeeld", []string{"[gegrond]"}, false},
		{"escalatie", []string{"[ongegrond]", "[escalatie]"}, false},
		{"afgehandeld", []string{"[ongegrond]", "[afgehandeld]"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) {
				c.Deadlines.HandleWithin, c.Deadlines.RemindBefore = time.Hour, 10*time.Minute
				c.Deadlines.AutoExtendBy, c.Deadlines.AutoExtendBefore = time.Hour, time.Minute
				c.Retention.Keep = 3 * time.Hour
			}, nil)
			id, _ := e.complaint("Jan de Vries", janAddr, "ret-open@example.nl", "Mijn klacht over de training.\n")
			limit := e.caseOf(id).ReceivedAt.Add(3 * time.Hour)
			for i, cmd := range tt.commands {
				e.advance(time.Minute)
				e.staffCommand(id, cmd, "ret-"+string(rune('a'+i))+"@intervisie-begeleiding.nl", "Toelichting bij de klacht.\n")
				e.send()
			}
			e.clock.Set(limit)
			if err := e.d.RunDue(context.Background(), limit); err != nil {
				t.Fatal(err)
			}
			_, _, err := e.st.Case(context.Background(), id)
			if gone := err != nil; gone != tt.purged {
				t.Fatalf("case %s at the retention limit: gone %v, want %v", id, gone, tt.purged)
			}
			reported := 0
			for _, m := range withTemplate(e.send(), "herinnering") {
				if strings.Contains(m.Subject, "Open klacht ouder dan de bewaartermijn") && strings.Contains(m.Text, id) {
					reported++
				}
			}
			if want := map[bool]int{true: 0, false: 1}[tt.purged]; reported != want {
				t.Errorf("%d staff reports of the open case past its retention limit, want %d", reported, want)
			}
		})
	}
}
