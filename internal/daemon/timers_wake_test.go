package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestTimerLoopWakesForEarlierTimer checks when a commit wakes the timer loop: when it added
// or postponed a timer due before the sleeping loop would look again, and whenever the loop
// is awake (it may have read the timers before that commit). A commit that adds no timer, or
// only later ones, leaves it asleep: during a backlog every complaint commits, and the loop
// would read the timers twice for each.
func TestTimerLoopWakesForEarlierTimer(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(now), nil)
	tests := []struct {
		name string
		look time.Time // when the sleeping loop looks again; zero: awake
		due  time.Time // the earliest timer the commit added; zero: none
		wake bool
	}{
		{"no timer added", now.Add(time.Hour), time.Time{}, false},
		{"a timer due later", now.Add(time.Hour), now.Add(2 * time.Hour), false},
		{"a timer due when the loop looks", now.Add(time.Hour), now.Add(time.Hour), false},
		{"a timer due earlier", now.Add(time.Hour), now.Add(30 * time.Minute), true},
		{"a timer due later, the loop awake", time.Time{}, now.Add(2 * time.Hour), true},
		{"no timer, the loop awake", time.Time{}, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			select { // an earlier case's token
			case <-d.wake:
			default:
			}
			look := int64(0)
			if !tt.look.IsZero() {
				look = tt.look.UnixMilli()
			}
			d.timerLook.Store(look)
			d.afterCommit(tt.due)
			woken := false
			select {
			case <-d.wake:
				woken = true
			default:
			}
			if woken != tt.wake {
				t.Errorf("woken = %v, want %v", woken, tt.wake)
			}
		})
	}
}

// TestTimerLoopFiresNewTimer runs the timer loop with nothing due for a minute, commits a
// timer due at once (d.inTx, as every path that adds one), and checks that it fires at once,
// not after the minute; and that the loop, woken, sleeps again until the next timer.
func TestTimerLoopFiresNewTimer(t *testing.T) {
	ctx := context.Background()
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	runTimerLoop(t, d)
	asleep := func() bool { return d.timerLook.Load() != 0 }
	waitFor(t, "the loop asleep", asleep)
	if look := time.UnixMilli(d.timerLook.Load()); time.Until(look) < 30*time.Second {
		t.Fatalf("the loop looks again at %s, want in about a minute (nothing due)", look)
	}
	tm := store.Timer{CaseID: "", Kind: timerFloodSummary, At: d.clock.Now()} // a global timer that finds nothing to do
	if err := d.inTx(ctx, func(tx *store.Tx) error { return tx.EnsureTimer(tm) }); err != nil {
		t.Fatal(err)
	}
	fired := func() bool {
		rows, err := st.CaseTimers(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Kind == tm.Kind && !r.FiredAt.IsZero() {
				return true
			}
		}
		return false
	}
	start := time.Now()
	waitFor(t, "the new timer fired", fired)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the new timer fired after %s, want at once", took)
	}
	waitFor(t, "the loop asleep again", asleep)
}

// TestConfirmationSentWakesTimerLoop checks the other commit that writes timers: the outbox's
// record of a sent confirmation, which sets the case's timers again (queueAdapter.onSent). A
// timer it adds, due before the sleeping loop would look, wakes the loop.
func TestConfirmationSentWakesTimerLoop(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(now), nil)
	(&feeder{d: d}).feed(t, rawMail("Jan <jan@example.nl>", orgAddr, "Klacht over de training", "wake@example.nl", now,
		"Ik wil een klacht indienen over de training van vorige week.\n"))
	queued, err := st.Outbox(ctx, "queued")
	if err != nil {
		t.Fatal(err)
	}
	var confirmation *store.OutMail
	for _, m := range queued {
		if m.Template == tmplConfirmation {
			confirmation = m
		}
	}
	if confirmation == nil {
		t.Fatalf("no confirmation among %d queued mails", len(queued))
	}
	// The case's pending timers gone (as after a change of its terms), so that the record of
	// the confirmation sets them anew.
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetTimers(confirmation.CaseID, nil) }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.wake:
	default:
	}
	d.timerLook.Store(now.Add(100 * 365 * 24 * time.Hour).UnixMilli()) // asleep, far beyond every term
	if err := (queueAdapter{d}).Sent(ctx, confirmation.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.wake:
	default:
		t.Fatal("the record of the confirmation set the case's timers, and the timer loop was not woken")
	}
}

// TestTimerLoopAwakeWhileRunning checks that the loop counts as awake from the moment it wakes
// until it sleeps again: a commit made while it fires timers (after it read them) must wake it
// again, whatever the moment it had meant to look again before.
func TestTimerLoopAwakeWhileRunning(t *testing.T) {
	ctx := context.Background()
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	runTimerLoop(t, d)
	waitFor(t, "the loop asleep", func() bool { return d.timerLook.Load() != 0 })
	// A timer due now, written without waking the loop; then the writer's lock held, so that
	// the loop, woken, stays in the middle of firing it.
	tm := store.Timer{CaseID: "", Kind: timerFloodSummary, At: d.clock.Now()}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.EnsureTimer(tm) }); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	held := make(chan struct{})
	go func() {
		_ = st.InTx(ctx, func(tx *store.Tx) error { close(held); <-release; return nil })
	}()
	<-held
	d.wake <- struct{}{}
	waitFor(t, "the loop awake while it fires the timer", func() bool { return d.timerLook.Load() == 0 })
	close(release)
	waitFor(t, "the loop asleep again", func() bool { return d.timerLook.Load() != 0 })
}

// runTimerLoop runs d's timer loop until the test ends.
func runTimerLoop(t *testing.T, d *Daemon) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.runTimers(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}
