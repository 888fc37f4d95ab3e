package daemon

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// A mail that kills its handler twice is quarantined. Documents are read in child
// processes, so what can still kill the daemon while it handles a mail is a runtime fatal error
// (a stack overflow in a parser, an allocation the kernel refuses), the OOM killer, or a bug.
// Before each message is handled its IMAP identity is written to a small marker file beside
// the database, and cleared after: a plain write with no fsync, two system calls a message
// (the page cache survives the death of the process). At the next start a marker left behind
// is a strike against that message, kept in the database with what the dead process said of
// itself (debug.SetCrashOutput writes its last words to a file beside the marker).
//
// A message is quarantined, without being parsed or read again, after two deaths of which at
// least one the process reported itself (a runtime fatal error, an unrecovered panic), or after
// three: a process that was killed without a word (SIGKILL: the OOM killer, but also an
// operator's kill -9 or a stop that timed out) may have been killed by chance while it handled
// that message, and a second such kill of the restarted daemon, which handles that message
// first, is not rare enough to count as proof. Staff are told either way.
//
// The intake parses the next messages ahead of the handler (prepareAhead), on a goroutine of
// its own: a death there would be marked against the message the handler was on. So a
// process whose predecessor died parses nothing ahead, and the next death is marked against
// the message that causes it; a message with a strike against it is never parsed ahead.

const (
	maxStrikes     = 3                   // deaths that quarantine a message whatever they said
	maxFatal       = 2                   // deaths that quarantine it when at least one was reported
	strikesKeepFor = 30 * 24 * time.Hour // a strike against a message never seen again is forgotten
	handlingMagic  = "klachtd handling v1\n"
	unmarkedCost   = "a mail that kills klachtd will not be recognised" // of a marker not written
	maxCrashRead   = 64 << 10
	causeKilled    = "killed"
)

// poisoned tells whether what is held against a message quarantines it.
func poisoned(s store.Strike) bool {
	return s.Count >= maxStrikes || s.Count >= maxFatal && s.Fatal >= 1
}

// poison is the daemon's strike keeping: the marker file and the strikes held.
type poison struct {
	mu      sync.Mutex
	marker  *markerFile
	strikes map[store.MessageKey]store.Strike
}

// startPoison reads what a previous process left (a marker, its crash output), records the
// strike, loads the strikes held, and opens the marker for this process. A store at
// ":memory:" keeps no marker.
func (d *Daemon) startPoison(ctx context.Context) error {
	base := d.st.Path()
	if base == "" || base == ":memory:" {
		return nil
	}
	cause, err := lastWords(base + "-crash")
	if err != nil {
		return err
	}
	marker, left, err := openMarker(base + "-handling")
	if err != nil {
		return err
	}
	now := d.clock.Now()
	d.diedBefore = left != nil || cause != causeKilled
	if left == nil && cause != causeKilled {
		d.log.Warn("the previous klachtd died, not while handling a message", "cause", cause)
	}
	if left != nil {
		s, err := d.st.AddStrike(ctx, *left, cause, cause != causeKilled, now)
		if err != nil {
			marker.close()
			return err
		}
		d.log.Warn("klachtd stopped while handling a message: a strike against it", "mailbox", left.Mailbox,
			"uidvalidity", left.UIDValidity, "uid", left.UID, "strikes", s.Count, "reported", s.Fatal, "cause", cause)
		if err := marker.clear(); err != nil {
			marker.close()
			return err
		}
	}
	held, err := d.st.Strikes(ctx, now.Add(-strikesKeepFor))
	if err != nil {
		marker.close()
		return err
	}
	p := &poison{marker: marker, strikes: map[store.MessageKey]store.Strike{}}
	for _, s := range held {
		p.strikes[s.MessageKey] = s
	}
	d.mu.Lock()
	d.poison = p
	d.mu.Unlock()
	return nil
}

// prepareAhead is parse, with the work on the parsed message that needs nothing else
// (prepared), as the intake runs it ahead of the handler (intake.SetPrepare), for mail with
// no strike against it: a message that may have killed a handler is parsed by the handler
// alone, with its marker written. Run sets it only when the previous process did not
// die: a death while a message was parsed ahead would be marked against the message the
// handler was on, so after a death every message is parsed by the handler, and the marker
// finds the one that kills it.
func (d *Daemon) prepareAhead(f *intake.Fetched) any {
	if _, struck := d.currentPoison().struck(store.MessageKey{Mailbox: f.Mailbox, UIDValidity: f.UIDValidity, UID: f.UID}); struck {
		return nil
	}
	return d.prepared(f)
}

// stopPoison closes the marker: Handle no longer marks.
func (d *Daemon) stopPoison() {
	d.mu.Lock()
	p := d.poison
	d.poison = nil
	d.mu.Unlock()
	if p != nil {
		p.mu.Lock()
		p.marker.close()
		p.mu.Unlock()
	}
}

func (d *Daemon) currentPoison() *poison {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.poison
}

// struck returns the strike held against a message, if any.
func (p *poison) struck(k store.MessageKey) (store.Strike, bool) {
	if p == nil {
		return store.Strike{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.strikes[k]
	return s, ok
}

// forget drops a message's strike from memory once the database has forgotten it.
func (p *poison) forget(k store.MessageKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.strikes, k)
}

// begin marks a message as being handled; end clears the mark. A failed write is logged once
// and otherwise ignored: without the marker a poison mail is only not recognised.
func (p *poison) begin(k store.MessageKey, d *Daemon) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.marker.set(k.Mailbox, int64(k.UIDValidity), int64(k.UID)); err != nil {
		p.marker.warnOnce(d.log, err, unmarkedCost)
	}
}

func (p *poison) end(d *Daemon) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.marker.clear(); err != nil {
		p.marker.warnOnce(d.log, err, unmarkedCost)
	}
}

// openMarker opens the in-flight marker (markerFile) and returns the message it names as
// being handled, if any.
func openMarker(path string) (*markerFile, *store.MessageKey, error) {
	m, r, err := openMarkerFile(path, handlingMagic, 2, "the in-flight marker")
	if err != nil {
		return nil, nil, err
	}
	return m, messageKeyOf(r), nil
}

// messageKeyOf is the message a marker's record names: UIDVALIDITY, UID and the mailbox.
func messageKeyOf(r *markerRecord) *store.MessageKey {
	if r == nil {
		return nil
	}
	v, u := r.nums[0], r.nums[1]
	if v < 0 || v > math.MaxUint32 || u < 0 || u > math.MaxUint32 {
		return nil
	}
	return &store.MessageKey{Mailbox: r.s, UIDValidity: uint32(v), UID: uint32(u)}
}

// lastWords reads what a previous process wrote as it died (its crash output), empties the
// file, and makes it this process's crash output. See crashCause for what is kept of it.
func lastWords(path string) (string, error) {
	cause := causeKilled
	if f, err := os.Open(path); err == nil {
		cause = crashCause(io.LimitReader(f, maxCrashRead))
		f.Close()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("open the crash output: %w", err)
	}
	defer f.Close() // SetCrashOutput keeps its own descriptor
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		return "", fmt.Errorf("set the crash output: %w", err)
	}
	return cause, nil
}

// crashFrames name a runtime fatal error by the function that threw it: the runtime prints
// "fatal error: …" before it counts as crashing, so the crash output starts at the stack of
// runtime.throw.
var crashFrames = []struct{ frame, cause string }{
	{"runtime.newstack(", "fatal error: stack overflow"},
	{"runtime.(*mheap).", "fatal error: out of memory"},
	{"runtime.sysMap", "fatal error: out of memory"},
}

// crashCause says in a few words what a crash output says: only the runtime's own words, never
// a panic's message (it may quote a mail). "fatal error: stack overflow", "panic: runtime
// error: …", "panic", "fatal error"; "crashed" for anything else, and "killed" for nothing
// at all (SIGKILL, the OOM killer, a power cut).
func crashCause(r io.Reader) string {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 4096), 4096)
	cause, threw, lines := causeKilled, false, 0
	for s.Scan() && lines < 200 {
		line := s.Text()
		lines++
		switch {
		case strings.HasPrefix(line, "fatal error: "), strings.HasPrefix(line, "panic: runtime error: "):
			return truncateRunes(line, 100)
		case strings.HasPrefix(line, "panic: "):
			return "panic"
		case strings.HasPrefix(line, "runtime.throw(") || strings.HasPrefix(line, "runtime.fatal("):
			threw, cause = true, "fatal error"
		case threw:
			for _, f := range crashFrames {
				if strings.HasPrefix(line, f.frame) {
					return f.cause
				}
			}
		case strings.TrimSpace(line) != "" && cause == causeKilled:
			cause = "crashed"
		}
		if threw && strings.HasPrefix(line, "goroutine ") {
			break
		}
	}
	return cause
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// handleStruck quarantines a poisoned message without parsing it, and forgets its strikes once
// that is committed.
func (d *Daemon) handleStruck(ctx context.Context, f *intake.Fetched, s store.Strike) (intake.Disposition, error) {
	in := newIncoming(f, d.clock.Now())
	in.parseErr = errors.New(d.say(wording.Poisoned, s.Count, s.Cause))
	out, err := d.record(ctx, in)
	if err != nil {
		return intake.Leave, fmt.Errorf("quarantine uid %d: %w", f.UID, err)
	}
	d.forgetStrike(ctx, s.MessageKey)
	return out.disp, nil
}

// forgetStrike clears a message's strikes, in the database and in memory. Failing, it is
// logged: the strike is pruned later, and counts only if the message kills klachtd again.
func (d *Daemon) forgetStrike(ctx context.Context, k store.MessageKey) {
	if err := d.st.ClearStrike(ctx, k); err != nil {
		d.log.Warn("strike not cleared", "uid", k.UID, "err", err)
		return
	}
	if p := d.currentPoison(); p != nil {
		p.forget(k)
	}
}

// handleSafely is handle with a panic turned into the message's quarantine: a message that
// makes klachtd panic would otherwise be handed over again and again, and hold up the mail
// behind it. Only a runtime error's own words are kept as the reason, never a panic's value.
func (d *Daemon) handleSafely(ctx context.Context, f *intake.Fetched) (disp intake.Disposition, err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		what := "panic"
		if re, ok := p.(runtime.Error); ok {
			what = re.Error()
		}
		d.log.Error("handling a message panicked; quarantined", "uid", f.UID, "panic", what, "stack", string(debug.Stack()))
		in := newIncoming(f, d.clock.Now())
		in.parseErr = errors.New(d.say(wording.Panicked, what))
		var out outcome
		if out, err = d.record(ctx, in); err != nil {
			disp, err = intake.Leave, fmt.Errorf("quarantine uid %d: %w", f.UID, err)
			return
		}
		disp = out.disp
	}()
	return d.handle(ctx, f)
}
