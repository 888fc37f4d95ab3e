package daemon

import (
	"context"
	"os"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

// beatEvery is how often the daemon writes its signs of life for `klachtd status`; status
// takes a daemon silent for three of them as not running.
const beatEvery = 30 * time.Second

// BeatEvery is beatEvery, for `klachtd status`.
func BeatEvery() time.Duration { return beatEvery }

// heartbeat writes the daemon's status row (store.DaemonStatus) at start, every beatEvery
// and when it stops: its process, the intake's last poll and login. Wall-clock time, like the
// watchdog: it tells whether the process lives, not what the procedure's clock says.
func (d *Daemon) heartbeat(ctx context.Context) error {
	host, _ := os.Hostname()
	s := store.DaemonStatus{PID: os.Getpid(), Host: host, StartedAt: time.Now()}
	beat := func(ctx context.Context, stopped bool) {
		st := d.intake.Stats()
		s.BeatAt, s.LastPoll, s.LastLogin, s.LoginError = time.Now(), st.LastPoll, st.LastLogin, st.LoginError
		if stopped {
			s.StoppedAt = s.BeatAt
		}
		if err := d.st.SetDaemonStatus(ctx, s); err != nil && ctx.Err() == nil {
			d.log.Warn("write daemon status", "err", err)
		}
	}
	beat(ctx, false)
	// Looked at often, written every beatEvery, and at once after a poll or a login changed
	// (so that status shows the first poll, not "never", a second after the start).
	t := time.NewTicker(beatEvery / 6)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			beat(sctx, true)
			cancel()
			return nil
		case <-t.C:
			st := d.intake.Stats()
			if time.Since(s.BeatAt) >= beatEvery || !st.LastPoll.Equal(s.LastPoll) && s.LastPoll.IsZero() ||
				!st.LastLogin.Equal(s.LastLogin) || st.LoginError != s.LoginError {
				beat(ctx, false)
			}
		}
	}
}
