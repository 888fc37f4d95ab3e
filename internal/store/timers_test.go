package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"
)

// TestTimerPostponeMigration: the migration that adds due_at gives every existing timer its
// own moment as due_at, so that a pending timer written before it stays due.
func TestTimerPostponeMigration(t *testing.T) {
	var body []byte
	entries, _ := fs.ReadDir(migrations, "migrations")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_timer_postpone.sql") {
			body, _ = migrations.ReadFile("migrations/" + e.Name())
		}
	}
	if body == nil {
		t.Fatal("no timer_postpone migration")
	}
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/m.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE timers (case_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, fired_at INTEGER, PRIMARY KEY (case_id, kind, at))`,
		`INSERT INTO timers VALUES('KL-2026-0001', 'remind-due', 1000, NULL), ('KL-2026-0001', 'retention', 2000, 1500)`,
		string(body),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := db.Query(`SELECT kind, due_at FROM timers ORDER BY at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var kind string
		var due sql.NullInt64
		if err := rows.Scan(&kind, &due); err != nil {
			t.Fatal(err)
		}
		if !due.Valid {
			got = append(got, kind+"=NULL")
			continue
		}
		got = append(got, fmt.Sprintf("%s=%d", kind, due.Int64))
	}
	if want := "remind-due=1000 retention=2000"; strings.Join(got, " ") != want {
		t.Errorf("after the migration: %v, want %s", got, want)
	}
}

// TestTimerPostpone: a postponed timer is pending again and due at its new moment (not at its
// own); reconciling the case's timers keeps it while it is wanted, removes it when not; a fired
// timer stays fired.
func TestTimerPostpone(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const id = "KL-2026-0001"
	remind := Timer{CaseID: id, Kind: "remind-due", At: t0}
	retention := Timer{CaseID: id, Kind: "retention", At: t0.Add(time.Hour)}
	tx := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := s.InTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	due := func(now time.Time) []string {
		t.Helper()
		var out []string
		tx(func(tx *Tx) error {
			list, err := tx.DueTimers(now, 10)
			for _, tm := range list {
				out = append(out, tm.Kind)
			}
			return err
		})
		return out
	}
	tx(func(tx *Tx) error { return tx.SetTimers(id, []Timer{remind, retention}) })
	tx(func(tx *Tx) error {
		if ok, err := tx.FireTimer(retention, t0.Add(time.Hour)); !ok || err != nil {
			t.Fatalf("fire retention: %v %v", ok, err)
		}
		return tx.PostponeTimer(retention, t0.Add(25*time.Hour))
	})
	if got := strings.Join(due(t0.Add(2*time.Hour)), " "); got != "remind-due" {
		t.Errorf("due two hours on: %q, want only remind-due (retention is postponed)", got)
	}
	tx(func(tx *Tx) error { return tx.SetTimers(id, []Timer{remind, retention}) })
	if got := strings.Join(due(t0.Add(2*time.Hour)), " "); got != "remind-due" {
		t.Errorf("after reconciling, due two hours on: %q, want only remind-due (the postponement is kept)", got)
	}
	if got := strings.Join(due(t0.Add(25*time.Hour)), " "); got != "remind-due retention" {
		t.Errorf("due at the postponed moment: %q, want remind-due retention", got)
	}
	var next time.Time
	var ok bool
	var err error
	tx(func(tx *Tx) error {
		if ok, err := tx.FireTimer(remind, t0); !ok || err != nil {
			t.Fatalf("fire remind: %v %v", ok, err)
		}
		next, ok, err = tx.NextTimer()
		return err
	})
	if !ok || !next.Equal(t0.Add(25*time.Hour)) {
		t.Errorf("next timer with retention postponed: %s (%v), want %s", next, ok, t0.Add(25*time.Hour))
	}
	tx(func(tx *Tx) error { return tx.SetTimers(id, nil) })
	rows, err := s.CaseTimers(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Kind != "remind-due" || !rows[0].FiredAt.Equal(t0) {
		t.Errorf("after reconciling to nothing: %+v, want only the fired remind-due", rows)
	}
	tx(func(tx *Tx) error { next, ok, err = tx.NextTimer(); return err })
	if ok {
		t.Errorf("next timer %s, want none pending", next)
	}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.PostponeTimer(retention, t0) }); err == nil {
		t.Errorf("postponing a timer that no longer exists: no error")
	}
}

// TestBacklogCountsPostponedTimersFromTheirNewMoment: a timer postponed (a retention purge
// waiting a day for queued mail) is not overdue before the moment it is due again.
func TestBacklogCountsPostponedTimersFromTheirNewMoment(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	tm := Timer{CaseID: "KL-2026-0001", Kind: "retention", At: t0}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.EnsureTimer(tm); err != nil {
			return err
		}
		if _, err := tx.FireTimer(tm, t0); err != nil {
			return err
		}
		return tx.PostponeTimer(tm, t0.Add(24*time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		at   time.Time
		want int
	}{{t0.Add(time.Hour), 0}, {t0.Add(25 * time.Hour), 1}} {
		b, err := s.Backlog(ctx, tt.at)
		if err != nil || b.TimersOverdue != tt.want {
			t.Errorf("backlog at %s: %d overdue timers (err %v), want %d", tt.at, b.TimersOverdue, err, tt.want)
		}
	}
}

// TestTimerDue checks what a transaction says of the timers it added or postponed: the
// earliest moment one is due (the daemon wakes its timer loop for it), none when it only
// read, fired or kept timers.
func TestTimerDue(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const id = "KL-2026-0001"
	early := Timer{CaseID: id, Kind: "remind-due", At: t0.Add(time.Hour)}
	late := Timer{CaseID: id, Kind: "retention", At: t0.Add(48 * time.Hour)}
	steps := []struct {
		name string
		fn   func(tx *Tx) error
		want time.Time // zero: none
	}{
		{"timers added", func(tx *Tx) error { return tx.SetTimers(id, []Timer{late, early}) }, early.At},
		{"the same timers kept", func(tx *Tx) error { return tx.SetTimers(id, []Timer{late, early}) }, time.Time{}},
		{"only read", func(tx *Tx) error { _, err := tx.DueTimers(t0, 10); return err }, time.Time{}},
		{"fired", func(tx *Tx) error { _, err := tx.FireTimer(early, t0); return err }, time.Time{}},
		{"postponed", func(tx *Tx) error { return tx.PostponeTimer(early, t0.Add(3*time.Hour)) }, t0.Add(3 * time.Hour)},
		{"a later one added beside an earlier", func(tx *Tx) error {
			if err := tx.EnsureTimer(Timer{CaseID: id, Kind: "b", At: t0.Add(9 * time.Hour)}); err != nil {
				return err
			}
			return tx.EnsureTimer(Timer{CaseID: id, Kind: "a", At: t0.Add(5 * time.Hour)})
		}, t0.Add(5 * time.Hour)},
	}
	for _, st := range steps {
		var got time.Time
		var ok bool
		if err := s.InTx(ctx, func(tx *Tx) error {
			err := st.fn(tx)
			got, ok = tx.TimerDue()
			return err
		}); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if ok != !st.want.IsZero() || !got.Equal(st.want) {
			t.Errorf("%s: TimerDue = %s, %v; want %s", st.name, got, ok, st.want)
		}
	}
}
