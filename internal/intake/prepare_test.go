package intake

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestPreparedAhead: with a Prepare, the intake hands every message over with its Prepared,
// made ahead of the handler: while the handler is still on the first message, the next ones
// have been prepared. Each message is prepared once, and the handler gets that result.
func TestPreparedAhead(t *testing.T) {
	srv := memServer(t)
	cfg := testConfig(srv)
	cfg.Backfill = time.Now().AddDate(0, 0, -1)
	c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
	var uids []uint32
	for i := range 60 {
		lines := 5
		if i == 40 {
			lines = 12000 // a large one, fetched by its structure
		}
		uids = append(uids, mailtest.AppendTo(t, c, "INBOX", message(fmt.Sprintf("vooruit-%d", i), lines)))
	}
	c.Close()

	var (
		mu       sync.Mutex
		calls    = map[uint32]int{}  // Prepare calls per UID
		byAsk    = map[uint32]bool{} // Prepare ran inside the handler's own Prepared
		asking   uint32              // the UID whose Prepared the handler is calling
		got      = map[uint32]any{}
		problems []string
	)
	prepare := func(f *Fetched) any {
		mu.Lock()
		calls[f.UID]++
		byAsk[f.UID] = asking == f.UID
		mu.Unlock()
		return f.UID
	}
	prepared := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(calls)
	}
	handle := func(_ context.Context, f *Fetched) (Disposition, error) {
		if f.Prepared == nil {
			mu.Lock()
			problems = append(problems, fmt.Sprintf("uid %d handed over without Prepared", f.UID))
			mu.Unlock()
			return Leave, nil
		}
		if f.UID == uids[0] {
			deadline := time.Now().Add(10 * time.Second)
			for prepared() < 4 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		}
		mu.Lock()
		asking = f.UID
		mu.Unlock()
		v := f.Prepared()
		mu.Lock()
		asking = 0
		got[f.UID] = v
		mu.Unlock()
		return Leave, nil
	}
	cp := newCheckpoints()
	in := New(cfg, cp, handle, nil)
	in.SetPrepare(prepare)
	runIntake(t, in)
	eventually(t, 30*time.Second, "checkpoint past the backlog", func() bool {
		_, last, _ := cp.get("INBOX")
		return last == uids[len(uids)-1]
	})

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	for i, uid := range uids {
		if calls[uid] != 1 {
			t.Errorf("uid %d (message %d) prepared %d times, want once", uid, i, calls[uid])
		}
		if got[uid] != any(uid) {
			t.Errorf("uid %d: Prepared() = %v, want what Prepare made of it", uid, got[uid])
		}
	}
	for _, uid := range uids[1:4] {
		if byAsk[uid] {
			t.Errorf("uid %d, after the first, was prepared by the handler, not ahead of it", uid)
		}
	}
}

// TestPreparer: the preparer of a chunk goes at most prepareLead messages ahead of the
// handler, leaves a message larger than prepareUpTo to the handler, and a Prepare that panics
// ahead leaves a nil result for the handler, and the preparer going on.
func TestPreparer(t *testing.T) {
	const large, panicky, n = 10, 2, 80 // indexes, and the chunk's size
	c := &fetchedChunk{msgs: map[uint32]*Fetched{}}
	for i := range n {
		uid := uint32(i + 1)
		f := &Fetched{UID: uid, Raw: message(fmt.Sprintf("deel-%d", i), 3)}
		if i == large {
			f.Raw, f.Partial = nil, make([]byte, prepareUpTo+1)
		}
		c.uids = append(c.uids, uid)
		c.msgs[uid] = f
	}
	var (
		mu     sync.Mutex
		calls  = map[uint32]int{}
		byAsk  = map[uint32]bool{}
		asking uint32
	)
	in := &Intake{prepare: func(f *Fetched) any {
		mu.Lock()
		calls[f.UID]++
		mine := asking == f.UID
		byAsk[f.UID] = mine
		mu.Unlock()
		if f.UID == panicky+1 && !mine {
			panic("a parser's bug")
		}
		return f.UID
	}}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(calls)
	}
	p := in.startPreparer(c)
	eventually(t, 10*time.Second, "the preparer ahead", func() bool { return count() >= prepareLead-1 })
	time.Sleep(50 * time.Millisecond) // room for a preparer that would not stop
	if got := count(); got != prepareLead-1 {
		t.Errorf("before the handler finished a message, %d were prepared; want the first %d but the large one", got, prepareLead)
	}
	for _, uid := range c.uids {
		f := c.msgs[uid]
		time.Sleep(time.Millisecond) // the handler's own work on the message before
		mu.Lock()
		asking = uid
		mu.Unlock()
		v := f.Prepared()
		mu.Lock()
		asking = 0
		mu.Unlock()
		want := any(uid)
		if uid == panicky+1 {
			want = nil
		}
		if v != want {
			t.Errorf("uid %d: Prepared() = %v, want %v", uid, v, want)
		}
		p.handled()
	}
	p.close()
	for _, uid := range c.uids {
		if calls[uid] != 1 {
			t.Errorf("uid %d prepared %d times, want once", uid, calls[uid])
		}
	}
	if !byAsk[large+1] {
		t.Errorf("the large message was prepared ahead; want it left to the handler")
	}
	ahead := 0
	for _, uid := range c.uids {
		if !byAsk[uid] {
			ahead++
		}
	}
	if ahead < n/2 {
		t.Errorf("%d of %d messages were prepared ahead; want most", ahead, n)
	}
}
