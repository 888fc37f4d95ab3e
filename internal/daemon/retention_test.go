package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
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

// shortRetention is a configuration whose retention term is three hours.
func shortRetention(c *config.Config) {
	c.Deadlines.HandleWithin, c.Deadlines.RemindBefore = time.Hour, 10*time.Minute
	c.Deadlines.AutoExtendBy, c.Deadlines.AutoExtendBefore = time.Hour, time.Minute
	c.Retention.Keep = 3 * time.Hour
}

// TestRetentionPurgesCaseWithFailedMail: a mail about the case that failed for good (its
// address refused) is not mail still waiting: the closed case is purged at its limit.
func TestRetentionPurgesCaseWithFailedMail(t *testing.T) {
	e := newCaseEnv(t, shortRetention, nil)
	ctx := context.Background()
	e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "ret-failed@example.nl", e.clock.Now(), "Mijn klacht over de training.\n"))
	const id = "KL-2026-0001"
	q, err := e.st.Outbox(ctx, "queued")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range q {
		if m.Template == "bevestiging" {
			if err := (queueAdapter{e.d}).Failed(ctx, m.ID, e.clock.Now(), "550 5.1.1 no such user"); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.send()
	e.advance(time.Minute)
	e.staffCommand(id, "[ongegrond] [afgehandeld]", "ret-failed-s1@intervisie-begeleiding.nl", "Wij vinden uw klacht ongegrond.\n")
	e.send()
	limit := e.caseOf(id).ReceivedAt.Add(3 * time.Hour)
	e.clock.Set(limit)
	if err := e.d.RunDue(ctx, limit); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Case(ctx, id); err == nil {
		t.Errorf("closed case with a failed confirmation not purged at its retention limit")
	}
}

// TestPurgeTakesTheCaseTimers: a purged case leaves no timer behind (an effectiveness review
// still months away): later runs fire nothing about it and fail on nothing.
func TestPurgeTakesTheCaseTimers(t *testing.T) {
	e := newCaseEnv(t, shortRetention, nil)
	ctx := context.Background()
	id, _ := e.complaint("Jan de Vries", janAddr, "ret-timers@example.nl", "Mijn klacht over de training.\n")
	e.advance(time.Minute)
	e.staffCommand(id, "[gegrond] [afgehandeld]", "ret-timers-s1@intervisie-begeleiding.nl",
		"Wij vinden uw klacht gegrond.\nMaatregel: elke training begint met een controle van de zaal.\n")
	e.send()
	pending := 0
	for _, tm := range caseTimers(t, e.st, id) {
		if tm.FiredAt.IsZero() && tm.Kind == string(complaint.TimerEffectiveness) {
			pending++
		}
	}
	if pending != 1 {
		t.Fatalf("%d pending effectiveness timers before the purge, want 1", pending)
	}
	limit := e.caseOf(id).ReceivedAt.Add(3 * time.Hour)
	e.clock.Set(limit)
	if err := e.d.RunDue(ctx, limit); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Case(ctx, id); err == nil {
		t.Fatalf("case not purged at its limit")
	}
	if left := caseTimers(t, e.st, id); len(left) != 0 {
		t.Errorf("the purged case left timers: %+v", left)
	}
	later := limit.Add(200 * 24 * time.Hour)
	e.clock.Set(later)
	if err := e.d.RunDue(ctx, later); err != nil {
		t.Errorf("a run after the purge: %v", err)
	}
}
