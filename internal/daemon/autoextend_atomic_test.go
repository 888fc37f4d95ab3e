package daemon

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
)

// TestAutoExtendIsOneStep: the automatic extension is one step. When its record for the
// report (who extended) cannot be written, nothing of it happens: the case keeps its due date,
// no extension notice is queued, and the timer stays due; once the store takes the record
// again the extension comes, once, counted as klachtd's own. A swallowed error would extend
// the case and mail the complainant while the half-yearly report counts no automatic
// extension.
func TestAutoExtendIsOneStep(t *testing.T) {
	e := newCaseEnv(t, func(c *config.Config) {
		c.Deadlines.HandleWithin, c.Deadlines.RemindBefore = 10*time.Minute, time.Minute
		c.Deadlines.AutoExtendBy, c.Deadlines.AutoExtendBefore = 10*time.Minute, 2*time.Minute
	}, nil)
	ctx := context.Background()
	id, _ := e.complaint("Jan de Vries", janAddr, "atomic-1@example.nl", "Mijn klacht over de training.\n")
	due := e.caseOf(id).DueAt

	// A second connection to the same database refuses the record of who extended.
	db, err := sql.Open("sqlite", e.cfg.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `PRAGMA busy_timeout = 5000`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TRIGGER refuse_extended_by BEFORE UPDATE OF extended_by ON case_stats
		BEGIN SELECT RAISE(ABORT, 'planted: extended_by refused'); END`); err != nil {
		t.Fatal(err)
	}

	at := due.Add(-2 * time.Minute)
	e.clock.Set(at)
	if err := e.d.RunDue(ctx, at); err == nil {
		t.Errorf("RunDue with the extension record refused: no error, want the timer's failure")
	}
	if n := len(withTemplate(sendAll(t, e.d, at), "verlenging")); n != 0 {
		t.Errorf("%d extension notices while the extension could not be recorded, want 0", n)
	}
	if c := e.caseOf(id); c.Extended || !c.DueAt.Equal(due) {
		t.Errorf("case after the failed extension: extended %v, due %s; want not extended, due %s", c.Extended, c.DueAt, due)
	}

	if _, err := db.ExecContext(ctx, `DROP TRIGGER refuse_extended_by`); err != nil {
		t.Fatal(err)
	}
	at = at.Add(time.Second)
	e.clock.Set(at)
	if err := e.d.RunDue(ctx, at); err != nil {
		t.Fatalf("RunDue once the store takes the record again: %v", err)
	}
	onlyOne(t, sendAll(t, e.d, at), "verlenging")
	if c := e.caseOf(id); !c.Extended || !c.DueAt.Equal(due.Add(10*time.Minute)) {
		t.Errorf("case after the extension: extended %v, due %s; want extended to %s", c.Extended, c.DueAt, due.Add(10*time.Minute))
	}
	stats, err := e.st.Stats(ctx, due.Add(-24*time.Hour), due.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 1 || stats[0].ExtendedBy != "auto" {
		t.Errorf("statistics %+v: want one case, extended by auto", stats)
	}
}
