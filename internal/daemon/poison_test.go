package daemon

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/store"
)

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
	for _, b := range []string{"", "garbage", handlingMagic + "1 7 9 5 INBO", handlingMagic + "1 x 9 5 INBOX\n", handlingMagic + "1 7 9 -1 INBOX\n"} {
		if got := parseMarker([]byte(b)); got != nil {
			t.Errorf("parseMarker(%q) = %+v, want nothing", b, got)
		}
	}
}

func TestCrashCause(t *testing.T) {
	tests := []struct{ out, want string }{
		{"", "killed"},
		{"runtime: goroutine stack exceeds 16777216-byte limit\nruntime: sp=0xc0200e0390\nfatal error: stack overflow\n\ngoroutine 1 [running]:\n", "fatal error: stack overflow"},
		{"fatal error: runtime: out of memory\n", "fatal error: runtime: out of memory"},
		{"panic: runtime error: index out of range [5] with length 3\n\ngoroutine 7 [running]:\n", "panic: runtime error: index out of range [5] with length 3"},
		{"panic: cannot read \"Klacht van Jan\" \n\ngoroutine 7 [running]:\n", "panic"},
	}
	for _, tt := range tests {
		if got := crashCause(strings.NewReader(tt.out)); got != tt.want {
			t.Errorf("crashCause(%.40q) = %q, want %q", tt.out, got, tt.want)
		}
	}
}

// TestStrikes: a marker left behind by a dead process is a strike against the message it names;
// a message with one strike is handled as usual (and its strike forgotten); one with two is
// quarantined without being read again (its raw kept, the reason recorded) and staff are told.
func TestStrikes(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	d, st := newTestDaemon(t, cfg, clock, nil)
	die := func(k store.MessageKey, lastWords string) { // as a process that died handling k
		t.Helper()
		p := &poison{}
		f, _, err := openMarker(cfg.Storage.Path + "-handling")
		if err != nil {
			t.Fatal(err)
		}
		p.marker = f
		p.begin(k, d)
		f.Close()
		if err := os.WriteFile(cfg.Storage.Path+"-crash", []byte(lastWords), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	restart := func() {
		t.Helper()
		d.stopPoison()
		if err := d.startPoison(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(d.stopPoison)
	complaintMail := func(from, id string) []byte {
		return rawMail(from, orgAddr, "Klacht", id, clock.Now(), "Ik wil een klacht indienen over de training van vorige week.")
	}
	once := store.MessageKey{Mailbox: "INBOX", UIDValidity: 1, UID: 5}
	twice := store.MessageKey{Mailbox: "INBOX", UIDValidity: 1, UID: 6}

	die(once, "")
	die(twice, "fatal error: stack overflow\n\ngoroutine 1 [running]:\n")
	restart() // the strike against uid 6 (the marker holds the last message only)
	die(once, "fatal error: out of memory\n")
	restart()
	die(twice, "runtime: goroutine stack exceeds 16777216-byte limit\nfatal error: stack overflow\n")
	restart()
	held, err := st.Strikes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint32]store.Strike{}
	for _, s := range held {
		got[s.UID] = s
	}
	if got[5].Count != 1 || got[5].Cause != "fatal error: out of memory" || got[6].Count != 2 || got[6].Cause != "fatal error: stack overflow" {
		t.Fatalf("strikes %+v, want uid 5 once (out of memory), uid 6 twice (stack overflow)", held)
	}

	handle := func(k store.MessageKey, raw []byte) intake.Disposition {
		t.Helper()
		disp, err := d.Handle(ctx, &intake.Fetched{Mailbox: k.Mailbox, UIDValidity: k.UIDValidity, UID: k.UID,
			Raw: raw, Header: headerOf(raw), Size: int64(len(raw))})
		if err != nil {
			t.Fatalf("handle uid %d: %v", k.UID, err)
		}
		return disp
	}
	if disp := handle(once, complaintMail("eenmaal@example.nl", "once@example.nl")); disp != intake.Move {
		t.Errorf("uid 5 (one strike): disposition %v, want it registered and moved", disp)
	}
	if disp := handle(twice, complaintMail("tweemaal@example.nl", "twice@example.nl")); disp != intake.Leave {
		t.Errorf("uid 6 (two strikes): disposition %v, want it left in the mailbox", disp)
	}
	if held, _ := st.Strikes(ctx, time.Time{}); len(held) != 0 {
		t.Errorf("strikes left after handling: %+v", held)
	}
	var emails []string
	for _, c := range mustCases(t, st) {
		emails = append(emails, c.Email)
	}
	if strings.Join(emails, ",") != "eenmaal@example.nl" {
		t.Errorf("cases of %v, want only eenmaal@example.nl's (uid 6 quarantined unread)", emails)
	}
	msgs, err := st.Quarantined(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0].Reason, "2 keer") || !strings.Contains(msgs[0].Reason, "stack overflow") ||
		!strings.Contains(string(msgs[0].Raw), "tweemaal@example.nl") {
		t.Errorf("quarantine %+v, want uid 6's raw with its reason", msgs)
	}
	notices := withTemplate(to(sendAll(t, d, clock.Now()), staffAddr), "melding")
	told := false
	for _, n := range notices {
		told = told || strings.Contains(n.Text, "uid 6 ") && strings.Contains(n.Text, "stack overflow")
	}
	if !told {
		t.Errorf("staff were not told of uid 6: %d notices", len(notices))
	}
}
