package daemon

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

// parseMarker reads a marker's content as openMarker does: nil when it names no message.
func parseMarker(b []byte) *store.MessageKey {
	return messageKeyOf(parseMarkerFile(b, handlingMagic, 2))
}

func TestMarker(t *testing.T) {
	path := t.TempDir() + "/handling"
	f, left, err := openMarker(path)
	if err != nil || left != nil {
		t.Fatalf("openMarker(new) = %v, %v", left, err)
	}
	p := &poison{marker: f}
	d := &Daemon{}
	long := store.MessageKey{Mailbox: "Postvak IN/klachten met spaties", UIDValidity: 4294967295, UID: 123456789}
	short := store.MessageKey{Mailbox: "INBOX", UIDValidity: 7, UID: 9}
	for _, k := range []store.MessageKey{long, short} { // the shorter record over the longer one
		p.begin(k, d)
		if _, got, _ := openMarker(path); got == nil || *got != k {
			t.Errorf("while handling %+v the marker names %+v", k, got)
		}
		p.end(d)
		if _, got, _ := openMarker(path); got != nil {
			t.Errorf("after handling %+v the marker still names %+v", k, got)
		}
	}
	for _, b := range []string{"", "garbage", handlingMagic + "1 7 9 5 INBO", handlingMagic + "1 x 9 5 INBOX\n", handlingMagic + "1 7 9 -1 INBOX\n", handlingMagic + "1 4294967296 9 5 INBOX\n", handlingMagic + "1 -7 9 5 INBOX\n"} {
		if got := parseMarker([]byte(b)); got != nil {
			t.Errorf("parseMarker(%q) = %+v, want nothing", b, got)
		}
	}
}

func TestCrashCause(t *testing.T) {
	// What Go 1.26 writes to the crash output: a throw's stack without the "fatal error" line,
	// a panic's message.
	stackOverflow := "\nruntime stack:\nruntime.throw({0x4add15?, 0x200000008?})\n\t/usr/local/go/src/runtime/panic.go:1229 +0x48\n" +
		"runtime.newstack()\n\t/usr/local/go/src/runtime/stack.go:1207 +0x5fd\nruntime.morestack()\n\n" +
		"goroutine 1 gp=0x1797d9c701e0 m=0 mp=0x55cd20 [running]:\nmain.rec(0xf45?)\n"
	tests := []struct{ out, want string }{
		{"", "killed"},
		{stackOverflow, "fatal error: stack overflow"},
		{"\nruntime stack:\nruntime.throw({0x1?, 0x2?})\n\t/x.go:1\nruntime.(*mheap).grow(0x5)\n", "fatal error: out of memory"},
		{"\nruntime stack:\nruntime.fatal({0x1?, 0x2?})\n\t/x.go:1\n\ngoroutine 5 [running]:\nruntime.mapassign_faststr()\n", "fatal error"},
		{"fatal error: runtime: out of memory\n", "fatal error: runtime: out of memory"},
		{"panic: runtime error: index out of range [5] with length 3\n\ngoroutine 7 [running]:\n", "panic: runtime error: index out of range [5] with length 3"},
		{"panic: cannot read \"Klacht van Jan\" \n\ngoroutine 7 [running]:\n", "panic"},
		{"something else\n", "crashed"},
	}
	for _, tt := range tests {
		if got := crashCause(strings.NewReader(tt.out)); got != tt.want {
			t.Errorf("crashCause(%.40q) = %q, want %q", tt.out, got, tt.want)
		}
	}
}

// TestStrikes: a marker left behind by a dead process is a strike against the message it names.
// A message is quarantined without being read again (its raw kept, the reason recorded, staff
// told) after two deaths one of which the process reported itself, or after three; with fewer
// it is handled as usual and its strikes forgotten.
func TestStrikes(t *testing.T) {
	ctx := context.Background()
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	d, st := newTestDaemon(t, cfg, clock, nil)
	t.Cleanup(d.stopPoison)
	const (
		overflow = "runtime: goroutine stack exceeds 16777216-byte limit\nfatal error: stack overflow\n"
		killed   = ""
	)
	dieAndRestart := func(uid uint32, lastWords string) { t.Helper(); restartAfter(t, d, cfg, uid, lastWords) }
	deaths := []struct {
		uid    uint32
		words  []string
		poison bool
	}{
		{5, []string{overflow}, false},
		{6, []string{overflow, overflow}, true},
		{7, []string{killed, killed}, false},
		{8, []string{killed, killed, killed}, true},
		{9, []string{killed, "fatal error: out of memory\n"}, true},
	}
	for _, dt := range deaths {
		for _, w := range dt.words {
			dieAndRestart(dt.uid, w)
		}
	}
	held, err := st.Strikes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint32]store.Strike{}
	for _, s := range held {
		got[s.UID] = s
	}
	if s := got[6]; s.Count != 2 || s.Fatal != 2 || s.Cause != "fatal error: stack overflow" {
		t.Errorf("uid 6: %+v, want 2 strikes, 2 reported, stack overflow", s)
	}
	if s := got[8]; s.Count != 3 || s.Fatal != 0 || s.Cause != "killed" {
		t.Errorf("uid 8: %+v, want 3 strikes, none reported", s)
	}

	var quarantined []uint32
	for _, dt := range deaths {
		from := fmt.Sprintf("uid%d@example.nl", dt.uid)
		raw := rawMail(from, orgAddr, "Klacht", fmt.Sprintf("m%d@example.nl", dt.uid), clock.Now(),
			"Ik wil een klacht indienen over de training van vorige week.")
		disp, err := d.Handle(ctx, &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: dt.uid,
			Raw: raw, Header: headerOf(raw), Size: int64(len(raw))})
		if err != nil {
			t.Fatalf("handle uid %d: %v", dt.uid, err)
		}
		if want := map[bool]intake.Disposition{false: intake.Move, true: intake.Leave}[dt.poison]; disp != want {
			t.Errorf("uid %d (%d deaths): disposition %v, want %v", dt.uid, len(dt.words), disp, want)
		}
		if dt.poison {
			quarantined = append(quarantined, dt.uid)
		}
	}
	if held, _ := st.Strikes(ctx, time.Time{}); len(held) != 0 {
		t.Errorf("strikes left after handling: %+v", held)
	}
	cases := map[string]bool{}
	for _, c := range mustCases(t, st) {
		cases[c.Email] = true
	}
	msgs, err := st.Quarantined(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(quarantined) {
		t.Fatalf("%d quarantined, want %d (uids %v)", len(msgs), len(quarantined), quarantined)
	}
	notices := ""
	for _, n := range withTemplate(to(sendAll(t, d, clock.Now()), staffAddr), "melding") {
		notices += normSpaces(n.Text) + "\n"
	}
	for i, uid := range quarantined {
		from := fmt.Sprintf("uid%d@example.nl", uid)
		if cases[from] {
			t.Errorf("uid %d became a case", uid)
		}
		if !strings.Contains(string(msgs[i].Raw), from) || !strings.Contains(msgs[i].Reason, "keer tijdens het verwerken") {
			t.Errorf("quarantine %d: reason %q, raw of %s kept: %v", i, msgs[i].Reason, from, strings.Contains(string(msgs[i].Raw), from))
		}
		if !strings.Contains(notices, fmt.Sprintf("uid %d in INBOX: klachtd stopte", uid)) {
			t.Errorf("staff were not told of uid %d:\n%s", uid, notices)
		}
	}
	for _, uid := range []uint32{5, 7} {
		if !cases[fmt.Sprintf("uid%d@example.nl", uid)] {
			t.Errorf("uid %d was not registered", uid)
		}
	}
}

// TestParsedAheadOnlyAfterACleanStop: the intake parses mail ahead of the handler
// (prepareAhead) only when the previous process did not die: after a death while a message
// was handled, or one the process reported, every message is parsed by the handler, so that
// the marker names the one that kills it. A message with a strike against it is never parsed
// ahead, also after a clean stop.
func TestParsedAheadOnlyAfterACleanStop(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "", "", "", 0)
	d, _ := newTestDaemon(t, cfg, mailtest.NewRunningClock(time.Now()), nil)
	t.Cleanup(d.stopPoison)
	restart := func(markedUID uint32, lastWords string) { t.Helper(); restartAfter(t, d, cfg, markedUID, lastWords) }
	fetched := func(uid uint32) *intake.Fetched {
		raw := rawMail("Klant <klant@example.nl>", orgAddr, "Klacht over de training", fmt.Sprintf("vooruit-%d@example.nl", uid),
			time.Now(), "Ik wil een klacht indienen over de training van vorige week.\n")
		return &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uid, Raw: raw, Header: headerOf(raw), Size: int64(len(raw))}
	}
	parsedAhead := func(uid uint32) bool {
		t.Helper()
		v := d.prepareAhead(fetched(uid))
		if v == nil {
			return false
		}
		if p, ok := v.(parsed); !ok || p.err != nil || p.msg == nil || p.msg.Subject != "Klacht over de training" {
			t.Fatalf("prepareAhead(uid %d) = %#v, want the message parsed", uid, v)
		}
		return true
	}
	steps := []struct {
		what        string
		marked      uint32
		words       string
		diedBefore  bool
		ahead, held bool // uid 3 parsed ahead; uid 5 (struck at the second step) parsed ahead
	}{
		{"a first start", 0, "", false, true, true},
		{"a death while uid 5 was handled", 5, "fatal error: stack overflow\n", true, true, false},
		{"a clean stop", 0, "", false, true, false},
		{"a kill while uid 6 was handled", 6, "", true, true, false},
		{"a panic between messages", 0, "panic: runtime error: index out of range\n", true, true, false},
		{"a clean stop again", 0, "", false, true, false},
	}
	for i, s := range steps {
		if i == 0 {
			if err := d.startPoison(ctx); err != nil {
				t.Fatal(err)
			}
		} else {
			restart(s.marked, s.words)
		}
		if d.diedBefore != s.diedBefore {
			t.Errorf("after %s: diedBefore = %v, want %v", s.what, d.diedBefore, s.diedBefore)
		}
		if got := parsedAhead(3); got != s.ahead {
			t.Errorf("after %s: uid 3 parsed ahead = %v, want %v", s.what, got, s.ahead)
		}
		if got := parsedAhead(5); got != s.held {
			t.Errorf("after %s: uid 5 parsed ahead = %v, want %v", s.what, got, s.held)
		}
	}
}

// restartAfter is d's process dying, while it handled uid of INBOX (0: between messages) and
// saying lastWords ("": nothing, as after SIGKILL), and the next start.
func restartAfter(t *testing.T, d *Daemon, cfg *config.Config, uid uint32, lastWords string) {
	t.Helper()
	if uid != 0 {
		f, _, err := openMarker(cfg.Storage.Path + "-handling")
		if err != nil {
			t.Fatal(err)
		}
		(&poison{marker: f}).begin(store.MessageKey{Mailbox: "INBOX", UIDValidity: 1, UID: uid}, d)
		f.close()
	}
	if err := os.WriteFile(cfg.Storage.Path+"-crash", []byte(lastWords), 0o600); err != nil {
		t.Fatal(err)
	}
	d.stopPoison()
	if err := d.startPoison(context.Background()); err != nil {
		t.Fatal(err)
	}
}
