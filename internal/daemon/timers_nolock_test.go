package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

// The timer loop wakes after many commits and mostly finds nothing due: that look takes no
// write lock, so it neither waits for the handler's transaction nor holds it up.
func TestRunDueWithNothingDueTakesNoWriteLock(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	ctx := context.Background()
	if err := e.d.RunDue(ctx, e.clock.Now()); err != nil { // the global timers are far off
		t.Fatal(err)
	}
	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- e.st.InTx(ctx, func(*store.Tx) error {
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	defer func() {
		close(release)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	finished := make(chan error, 1)
	go func() {
		if err := e.d.RunDue(ctx, e.clock.Now()); err != nil {
			finished <- err
			return
		}
		_, _, err := e.st.NextTimer(ctx)
		finished <- err
	}()
	select {
	case err := <-finished:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the timer loop's look for due timers waited for a write transaction")
	}
}
