package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestBatchSettles: a backlog handed over in one batch gets every disposition
// applied (moves and flags sent per batch, not per message), a handler failure
// half-way still settles the messages before it, and the checkpoint ends past
// them all.
func TestBatchSettles(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cfg := testConfig(srv)
		cfg.Processed = "Klachten"
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		var uids []uint32
		want := map[string]string{} // message id -> where it must end: "moved", "flagged", "left"
		for i := range 7 {
			id := fmt.Sprintf("batch-%d", i)
			uids = append(uids, srv.append(t, "INBOX", message(id, i)))
			want["<"+id+"@example.org>"] = []string{"moved", "flagged", "left"}[i%3]
		}
		cp := newCheckpoints()
		// At the first Sync nothing may have been moved yet: the commits are made durable
		// before the mail leaves the inbox, not after.
		movedAtFirstSync := -1
		cp.onSync = func() {
			if movedAtFirstSync < 0 {
				movedAtFirstSync = countMessages(srv, "Klachten")
			}
		}
		failedOnce := false
		rec := &recorder{decide: func(f *Fetched, _ int) (Disposition, error) {
			i := indexOf(uids, f.UID)
			if i == 4 && !failedOnce {
				failedOnce = true
				return Leave, errors.New("database is locked")
			}
			return []Disposition{Move, Flag, Leave}[i%3], nil
		}}
		startIntake(t, cfg, cp, rec.handle)
		last := uids[len(uids)-1]
		eventually(t, 10*time.Second, "checkpoint past the backlog", func() bool {
			_, got, _ := cp.get("INBOX")
			return got == last
		})
		wantCalls := append(append([]uint32(nil), uids[:5]...), uids[4:]...)
		if diff := cmp.Diff(wantCalls, rec.uids()); diff != "" {
			t.Errorf("handler calls (-want +got):\n%s", diff)
		}
		got := map[string]string{}
		for _, m := range srv.list(t, "INBOX") {
			where := "left"
			for _, f := range m.Flags {
				if f == imap.FlagFlagged {
					where = "flagged"
				}
			}
			got[messageID(t, m.Raw)] = where
		}
		for _, m := range srv.list(t, "Klachten") {
			got[messageID(t, m.Raw)] = "moved"
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("where the messages ended (-want +got):\n%s", diff)
		}
		cp.mu.Lock()
		syncs, moved := cp.syncs, movedAtFirstSync
		cp.mu.Unlock()
		if syncs == 0 {
			t.Errorf("messages were moved and flagged without a Sync of the handler's commits first")
		}
		if moved != 0 {
			t.Errorf("at the first Sync %d message(s) were already in Klachten: moved before the commits were durable", moved)
		}
	})
}

func indexOf(uids []uint32, uid uint32) int {
	for i, u := range uids {
		if u == uid {
			return i
		}
	}
	return -1
}

func messageID(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return msg.Header.Get("Message-ID")
}

func TestChunk(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name     string
		sizes    []int64 // per UID 1, 2, ...; -1: gone
		wantN    int
		wantHead bool
	}{
		{name: "small messages together", sizes: []int64{1000, 2000, 3000}, wantN: 3},
		{name: "budget splits", sizes: []int64{5 * mb, 3 * mb, 1}, wantN: 2},
		{name: "over budget alone", sizes: []int64{12 * mb, 1000}, wantN: 1},
		{name: "large one ends a chunk", sizes: []int64{1000, 12 * mb}, wantN: 1},
		{name: "too large alone, header only", sizes: []int64{30 * mb, 1000}, wantN: 1, wantHead: true},
		{name: "too large ends a chunk", sizes: []int64{1000, 2000, 30 * mb}, wantN: 2},
		{name: "gone counts as empty", sizes: []int64{-1, 1000, -1}, wantN: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := New(Config{MaxSize: 25 * mb}, nil, nil, nil)
			metas := map[uint32]meta{}
			var uids []uint32
			for i, size := range tt.sizes {
				uid := uint32(i + 1)
				uids = append(uids, uid)
				if size >= 0 {
					metas[uid] = meta{size: size}
				}
			}
			n, head := in.chunk(uids, metas, bodyBudget)
			if n != tt.wantN || head != tt.wantHead {
				t.Errorf("chunk = %d, header only %v; want %d, %v", n, head, tt.wantN, tt.wantHead)
			}
		})
	}
}

// countMessages is how many messages a mailbox holds (0 when it does not exist), read over a
// connection of its own; it needs no testing.TB, so the intake's goroutine may call it.
func countMessages(srv *testServer, mailbox string) int {
	c, err := imapclient.DialInsecure(srv.addr(), nil)
	if err != nil {
		return -2
	}
	defer c.Close()
	if err := c.Login(srv.user, srv.pass).Wait(); err != nil {
		return -2
	}
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil || st.NumMessages == nil {
		return 0 // not created yet
	}
	return int(*st.NumMessages)
}

// TestLargeBacklogSettledApart: with more than two batches pending, the batches are moved on
// a second session of their own (the server answers one command of a session at a time, and a
// MOVE would hold up the FETCH of the next chunks); every message still ends where its
// disposition says, and the checkpoint passes them all.
func TestLargeBacklogSettledApart(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, n := runLargeBacklog(t, srv, "apart", nil)
		moved, left := len(srv.list(t, "Klachten")), len(srv.list(t, "INBOX"))
		if wantMoved := (n + 9) / 10; moved != wantMoved || left != n-wantMoved {
			t.Errorf("Klachten holds %d, INBOX %d; want %d and %d", moved, left, wantMoved, n-wantMoved)
		}
		if got := proxy.Accepted(); got < 2 {
			t.Errorf("the intake opened %d sessions, want a second one to settle on", got)
		}
	})
}

// TestSettleSessionCutMidBacklog: the second session is cut at its first MOVE. The intake
// starts again, the handler sees the unsettled messages again (and answers as before), and in
// the end every message is where its disposition says, none moved twice, and the checkpoint
// passes them all.
func TestSettleSessionCutMidBacklog(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, n := runLargeBacklog(t, srv, "cut", func(p *mailtest.Proxy) {
			p.CutOn("MOVE ")
			p.CutOn("COPY ")
		})
		if proxy.Cuts() == 0 {
			t.Fatalf("no session was cut at its MOVE")
		}
		moved := map[string]int{}
		for _, m := range srv.list(t, "Klachten") {
			moved[messageID(t, m.Raw)]++
		}
		for i := range n {
			id := fmt.Sprintf("<cut-%d@example.org>", i)
			if want := map[bool]int{true: 1, false: 0}[i%10 == 0]; moved[id] != want {
				t.Errorf("%s is %d times in Klachten, want %d", id, moved[id], want)
			}
		}
		if left := len(srv.list(t, "INBOX")); left != n-(n+9)/10 {
			t.Errorf("INBOX holds %d, want %d", left, n-(n+9)/10)
		}
	})
}

// runLargeBacklog appends more messages than settleApartFrom to srv's INBOX (ids prefix-0,
// prefix-1, …; every tenth, from the first, is to be moved), runs the intake on them through a
// proxy (arm, when set, prepares it first) and waits until the checkpoint has passed them all.
// It returns the proxy and the number of messages.
func runLargeBacklog(t *testing.T, srv *testServer, prefix string, arm func(*mailtest.Proxy)) (*mailtest.Proxy, int) {
	t.Helper()
	proxy, cfg := behindProxy(t, srv)
	cfg.Processed = "Klachten"
	cfg.Backfill = time.Now().AddDate(0, 0, -1)
	n := settleApartFrom + 20
	uids := appendBacklog(t, srv, n, func(i int) []byte { return message(fmt.Sprintf("%s-%d", prefix, i), i) })
	if arm != nil {
		arm(proxy)
	}
	cp := newCheckpoints()
	rec := &recorder{decide: func(f *Fetched, _ int) (Disposition, error) {
		if indexOf(uids, f.UID)%10 == 0 {
			return Move, nil
		}
		return Leave, nil
	}}
	startIntake(t, cfg, cp, rec.handle)
	last := uids[len(uids)-1]
	eventually(t, 60*time.Second, "checkpoint past the backlog", func() bool {
		_, got, _ := cp.get("INBOX")
		return got == last
	})
	return proxy, n
}

// TestFirstChunkSmall: the handler gets the first message of a backlog of 1.7 MB when only
// the first, small chunk has come (firstChunkBudget), not when the whole first batch has;
// and every message comes once, in order.
func TestFirstChunkSmall(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		var total int
		down := bytesBeforeFirst(t, srv, 300, func(i int) []byte {
			raw := message(fmt.Sprintf("eerste-%d", i), 200)
			total += len(raw)
			return raw
		})
		if down <= 0 || down > int64(total)/4 {
			t.Errorf("the first chunk was in after %d bytes had come of a backlog of %d; want the first chunk only (under %d)",
				down, total, total/4)
		}
	})
}

// bytesBeforeFirst appends n messages (mail(i)) to srv's INBOX, lets an intake behind a proxy
// hand them over as a backlog, checks that every one came once, in order, and returns how
// many bytes had come down when the first chunk was in: when the proxy carried the answer's
// end to the first FETCH of bodies. (Read when the handler has the first message, the figure
// took in the second chunk too whenever the handler was slow to start on a busy machine.)
func bytesBeforeFirst(t *testing.T, srv *testServer, n int, mail func(i int) []byte) int64 {
	t.Helper()
	proxy, cfg := behindProxy(t, srv)
	cfg.Backfill = time.Now().AddDate(0, 0, -1)
	uids := appendBacklog(t, srv, n, mail)
	var mu sync.Mutex
	firstTag, atFirst := "", int64(-1)
	watchFirstSession(proxy, &mu, func(toServer bool, tag, rest string) {
		switch {
		case toServer && firstTag == "" && strings.HasPrefix(rest, "UID FETCH") && strings.Contains(rest, "BODY.PEEK["):
			firstTag = tag
		case !toServer && firstTag != "" && tag == firstTag && atFirst < 0:
			_, down := proxy.Bytes()
			atFirst = down + int64(len(tag)+1+len(rest)) + 2 // the line and its CRLF
		}
	})
	handAll(t, cfg, &recorder{}, uids)
	mu.Lock()
	defer mu.Unlock()
	return atFirst
}

// handAll runs an intake with cfg until its checkpoint is past the backlog uids, and checks
// that rec was handed every one of them, in order.
func handAll(t *testing.T, cfg Config, rec *recorder, uids []uint32) {
	t.Helper()
	cp := newCheckpoints()
	startIntake(t, cfg, cp, rec.handle)
	eventually(t, 60*time.Second, "checkpoint past the backlog", func() bool {
		_, got, _ := cp.get("INBOX")
		return got == uids[len(uids)-1]
	})
	if got := rec.uids(); !slices.Equal(got, uids) {
		t.Fatalf("handed over %d messages, want the %d in order", len(got), len(uids))
	}
}

// TestFirstChunkBeforeNextGroup: in a backlog of more than one group of batches, the first
// chunk is asked for before the next group's sizes and structures: the server answers in
// order, and the first message waited for four batches' plans it did not need (286 KB had come
// before it here, against 121 KB now).
func TestFirstChunkBeforeNextGroup(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		down := bytesBeforeFirst(t, srv, (1+planGroup)*batchSize, func(i int) []byte {
			return message(fmt.Sprintf("groep-%d", i), 20)
		})
		// The first group's sizes (at most 200 bytes a message) and the first chunk.
		if limit := int64(firstChunkBudget + 200*batchSize); down > limit {
			t.Errorf("the first chunk was in after %d bytes had come; want the first batch's sizes and the first chunk only (under %d)",
				down, limit)
		}
	})
}

// TestChunksUnderWay: once the first chunk is in, the next chunk is asked for before the one
// before it has come, and never more than chunksUnderWay at a time; the first comes alone,
// and the second group's sizes are asked for before a second chunk is under way. One chunk at
// a time, the link stood idle for a round trip between every two chunks; with the chunks
// first, the second group's plan waited behind them. Seen at a proxy with 10 ms each way: a
// FETCH it carries to the server before it has carried the answer to another (which the
// client gets 10 ms later still) was sent while that one was under way.
func TestChunksUnderWay(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		uids := appendBacklog(t, srv, (1+planGroup)*batchSize, func(i int) []byte { return message(fmt.Sprintf("onderweg-%d", i), 20) }) // two groups: the first batch in four chunks (64, 128, 256 KiB …)
		proxy := mailtest.NewLinkProxy(t, srv.addr(), mailtest.Link{Delay: 10 * time.Millisecond})
		var mu sync.Mutex
		underWay := map[string]bool{} // tags of FETCHes of bodies sent and not yet answered
		most, chunks, firstAlone := 0, 0, true
		sizes, beside := 0, -1 // the sizes FETCHes seen; the chunks under way beside the second
		watchFirstSession(proxy, &mu, func(toServer bool, tag, rest string) {
			switch {
			case toServer && strings.HasPrefix(rest, "UID FETCH") && strings.Contains(rest, "BODY.PEEK[]"):
				chunks++
				if chunks == 2 && len(underWay) > 0 {
					firstAlone = false
				}
				underWay[tag] = true
				most = max(most, len(underWay))
			case toServer && strings.HasPrefix(rest, "UID FETCH") && strings.Contains(rest, "RFC822.SIZE"):
				if sizes++; sizes == 2 {
					beside = len(underWay)
				}
			case !toServer && underWay[tag] && (strings.HasPrefix(rest, "OK") || strings.HasPrefix(rest, "NO") || strings.HasPrefix(rest, "BAD")):
				delete(underWay, tag)
			}
		})
		cfg := testConfig(srv)
		cfg.Host, cfg.Port = splitAddr(t, proxy.Addr())
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		handAll(t, cfg, &recorder{}, uids)
		mu.Lock()
		defer mu.Unlock()
		t.Logf("%d chunks, at most %d under way at once", chunks, most)
		if chunks < 5 {
			t.Fatalf("%d FETCHes of bodies; want the backlog in at least 5 chunks", chunks)
		}
		if most < 2 || most > chunksUnderWay {
			t.Errorf("at most %d chunks were under way at once; want 2 to %d (the next asked for before the one before has come)", most, chunksUnderWay)
		}
		if sizes < 2 || beside > 1 {
			t.Errorf("%d FETCHes of sizes, %d chunks under way when the second group's went out; want it sent before a second chunk", sizes, beside)
		}
		if !firstAlone {
			t.Errorf("the second chunk was asked for before the first had come; want the first alone, so that the handler starts soon")
		}
	})
}

// TestNextChunkWhenHandlerMakesRoom: when the next chunk does not fit beside what the fetcher
// holds, it is asked for as soon as the handler finishes a chunk, not only once the chunk
// under way is in whole. Batches of 1.9 MB, each one chunk after the first: while the handler
// holds one and another is under way, a third does not fit (aheadBudget), nor does batch 3
// while the handler holds the first batch's last chunk (0.9 MB) and batch 2 is under way. The
// handler holds that last chunk until batch 2 is in, so batch 3 is asked for alone, and it is
// still coming when the handler has finished batch 2: batch 4 must go to the server then.
// Waiting for batch 3 to come whole, the fetcher let the link stand idle for a round trip at
// every two chunks of a backlog.
func TestNextChunkWhenHandlerMakesRoom(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		uids := appendBacklog(t, srv, 4*batchSize, func(i int) []byte { return message(fmt.Sprintf("ruimte-%d", i), 105) }) // about 3.8 KB each: the first batch in chunks of 64 KiB to 0.9 MB, then one chunk a batch
		a, b, third := uids[batchSize], uids[2*batchSize], uids[3*batchSize]                                                // the first UIDs of batches 2, 3, 4
		proxy := mailtest.NewLinkProxy(t, srv.addr(), mailtest.Link{Delay: 10 * time.Millisecond, Rate: 2e6})
		var mu sync.Mutex
		first := map[string]uint32{} // tag → the first UID of a FETCH of bodies under way
		askedB, aIn := make(chan struct{}), make(chan struct{})
		thirdBesideB, bIn := false, false
		watchFirstSession(proxy, &mu, func(toServer bool, tag, rest string) {
			switch {
			case toServer && strings.HasPrefix(rest, "UID FETCH") && strings.Contains(rest, "BODY.PEEK[]"):
				set, _, _ := strings.Cut(strings.TrimPrefix(rest, "UID FETCH "), " ")
				var uid uint32
				fmt.Sscanf(set, "%d", &uid)
				first[tag] = uid
				switch uid {
				case b:
					close(askedB)
				case third:
					thirdBesideB = !bIn
				}
			case !toServer && first[tag] == a && strings.HasPrefix(rest, "OK"):
				close(aIn)
			case !toServer && first[tag] == b && strings.HasPrefix(rest, "OK"):
				bIn = true
			}
		})
		cfg := testConfig(srv)
		cfg.Host, cfg.Port = splitAddr(t, proxy.Addr())
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		var handed atomic.Int64
		cp := newCheckpoints()
		startIntake(t, cfg, cp, func(_ context.Context, f *Fetched) (Disposition, error) {
			handed.Add(1)
			if f.UID == uids[batchSize-1] {
				select { // hold the first batch's last chunk until batch 2 is in
				case <-aIn:
					time.Sleep(20 * time.Millisecond) // the proxy saw the answer end 10 ms before the intake has it
				case <-time.After(10 * time.Second):
					t.Errorf("batch 2 did not come while the handler held the first batch's last chunk")
				}
			}
			if f.UID == a {
				select { // hold the chunk of batch 2 until batch 3's is asked for
				case <-askedB:
				case <-time.After(10 * time.Second):
					t.Errorf("batch 3 was not asked for while the handler held batch 2")
				}
			}
			return Leave, nil
		})
		eventually(t, 60*time.Second, "checkpoint past the backlog", func() bool {
			_, got, _ := cp.get("INBOX")
			return got == uids[len(uids)-1]
		})
		mu.Lock()
		defer mu.Unlock()
		if n := handed.Load(); n != int64(len(uids)) {
			t.Errorf("%d messages handed over, want %d", n, len(uids))
		}
		if !thirdBesideB {
			t.Errorf("batch 4 was asked for only once batch 3 had come whole; want it asked for as soon as the handler finished batch 2")
		}
	})
}

// slowSync is a Checkpoints whose Sync first runs before: a settlement that takes its time,
// or fails when before does.
type slowSync struct {
	*memCheckpoints
	before func() error
}

func (s slowSync) Sync(ctx context.Context) error {
	if err := s.before(); err != nil {
		return err
	}
	return s.memCheckpoints.Sync(ctx)
}

// TestHandlerGoesOnWhileBatchSettles: the handler goes on with the next batches while a batch
// settles, and the batches settle one after the other, in order. The first settlement is held
// until the handler has been handed the first message of the third batch: waiting for the
// batch before to settle at the end of every batch, the handler stood still (0.4 s of a
// backlog across a link of 20 ms).
func TestHandlerGoesOnWhileBatchSettles(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		var syncing, most, calls atomic.Int64
		var held atomic.Bool
		uids, rec := settleBacklog(t, srv, "afhandeling", func(third <-chan struct{}, _ *recorder) error {
			n := syncing.Add(1)
			defer syncing.Add(-1)
			most.Store(max(most.Load(), n))
			if calls.Add(1) == 1 {
				select {
				case <-third:
					held.Store(true)
				case <-time.After(10 * time.Second):
				}
			}
			return nil
		})
		if !held.Load() {
			t.Errorf("the handler was not handed the third batch while the first settled; want it to go on")
		}
		if n := most.Load(); n != 1 {
			t.Errorf("%d batches settled at once; want one after the other", n)
		}
		if got := rec.uids(); !slices.Equal(got, uids) {
			t.Errorf("handed over %d messages, want the %d in order once each", len(got), len(uids))
		}
		checkFlaggedTenth(t, srv, uids)
	})
}

// TestSettleFailureHoldsLaterBatches: when a batch fails to settle while the batches after it
// wait to, none of them settles or moves the checkpoint, and every message from the failed
// batch on is handed over again and settled on the next pass. Had a later batch moved the
// checkpoint, the failed batch's messages would never have been handed over again, and their
// dispositions never applied.
func TestSettleFailureHoldsLaterBatches(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		var calls atomic.Int64
		var early atomic.Bool // a settlement began before the failed batch was handed over again
		uids, rec := settleBacklog(t, srv, "mislukt", func(third <-chan struct{}, rec *recorder) error {
			switch calls.Add(1) {
			case 1: // the first batch's: it fails once the batches after it wait
				select {
				case <-third:
				case <-time.After(10 * time.Second):
				}
				return errors.New("disk I/O error")
			case 2:
				if got := rec.uids(); len(got) == 0 || slices.Index(got[1:], got[0]) < 0 {
					early.Store(true)
				}
			}
			return nil
		})
		if early.Load() {
			t.Errorf("a batch after the one that failed settled before that one was handed over again; want none to")
		}
		count := map[uint32]int{}
		for _, u := range rec.uids() {
			count[u]++
		}
		for i, u := range uids[:batchSize] {
			if count[u] < 2 {
				t.Fatalf("message %d (uid %d) of the batch that failed to settle was handed over %d time(s); want it again on the next pass", i, u, count[u])
			}
		}
		checkFlaggedTenth(t, srv, uids)
	})
}

// settleBacklog hands a backlog of three batches and ten messages to an intake that flags
// every message whose UID is a multiple of ten, and whose Sync (the start of every settlement)
// runs before first, given the recorder; third is closed once the handler has the third
// batch's first message.
// It returns the UIDs and what the handler was given, once the checkpoint is past them all.
func settleBacklog(t *testing.T, srv *testServer, name string, before func(third <-chan struct{}, rec *recorder) error) ([]uint32, *recorder) {
	t.Helper()
	uids := appendBacklog(t, srv, 3*batchSize+10, func(i int) []byte { return message(fmt.Sprintf("%s-%d", name, i), 1) })
	cfg := testConfig(srv)
	cfg.Backfill = time.Now().AddDate(0, 0, -1)
	third := make(chan struct{})
	var once sync.Once
	rec := &recorder{decide: func(f *Fetched, _ int) (Disposition, error) {
		if f.UID == uids[2*batchSize] {
			once.Do(func() { close(third) })
		}
		if f.UID%10 == 0 {
			return Flag, nil
		}
		return Leave, nil
	}}
	cp := slowSync{memCheckpoints: newCheckpoints(), before: func() error { return before(third, rec) }}
	startIntake(t, cfg, cp, rec.handle)
	eventually(t, 60*time.Second, "checkpoint past the backlog", func() bool {
		_, got, _ := cp.get("INBOX")
		return got == uids[len(uids)-1]
	})
	return uids, rec
}

// checkFlaggedTenth checks that the messages of uids flagged in the inbox are exactly those
// whose UID is a multiple of ten (settleBacklog's).
func checkFlaggedTenth(t *testing.T, srv *testServer, uids []uint32) {
	t.Helper()
	var flagged, want []uint32
	for _, m := range srv.list(t, "INBOX") {
		if slices.Contains(m.Flags, imap.FlagFlagged) {
			flagged = append(flagged, m.UID)
		}
	}
	for _, u := range uids {
		if u%10 == 0 {
			want = append(want, u)
		}
	}
	slices.Sort(flagged)
	if !slices.Equal(flagged, want) {
		t.Errorf("%d messages flagged, want the %d whose UID is a multiple of ten", len(flagged), len(want))
	}
}

// appendBacklog appends n messages, mail(i), to srv's INBOX and returns their UIDs.
func appendBacklog(t *testing.T, srv *testServer, n int, mail func(i int) []byte) []uint32 {
	t.Helper()
	c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
	defer c.Close()
	uids := make([]uint32, 0, n)
	for i := range n {
		uids = append(uids, mailtest.AppendTo(t, c, "INBOX", mail(i)))
	}
	return uids
}

// watchFirstSession calls f, under mu, with every line the proxy carries on the intake's first
// session (not the second, to settle on), cut into its tag and the rest.
func watchFirstSession(proxy *mailtest.Proxy, mu *sync.Mutex, f func(toServer bool, tag, rest string)) {
	proxy.WatchLines(func(conn int, toServer bool, line string) {
		if conn != 1 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		tag, rest, _ := strings.Cut(line, " ")
		f(toServer, tag, rest)
	})
}
