package docreader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// The test binary is its own child: run as `… read-document -kind K`, it serves the command,
// with documents of kinds that misbehave in the ways a hostile document makes a reader do.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == Command {
		os.Exit(serve(os.Args[2:], os.Stdin, os.Stdout, misbehave))
	}
	os.Exit(m.Run())
}

// sink keeps what the misbehaving readers allocate alive.
var sink [][]byte

func misbehave(kind string, data []byte) (string, error) {
	switch kind {
	case "heap": // grows the Go heap without end
		for {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "mmap": // grows the resident set outside the Go heap
		for {
			b, err := syscall.Mmap(-1, 0, 8<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
			if err != nil {
				time.Sleep(time.Hour)
			}
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
		}
	case "huge": // one allocation beyond the address space
		b := make([]byte, 3<<30)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		return string(b[:1]), nil
	case "spin":
		for n := 0; ; n++ {
			_ = n * n
		}
	case "sleep":
		time.Sleep(time.Hour)
	case "flood":
		chunk := []byte(strings.Repeat("x", 1<<16))
		for {
			if _, err := os.Stdout.Write(chunk); err != nil {
				time.Sleep(time.Hour)
			}
		}
	case "crash": // a runtime panic (slice bounds), recovered: unreadable
		return string(data[len(data)+5:]), nil
	case "fatal":
		go func() { panic("in a goroutine") }() // not recoverable: the runtime exits 2
		time.Sleep(time.Hour)
	case "fork": // leaves a grandchild holding stdout, and says its pid
		cmd := exec.Command("/bin/sleep", "1000")
		cmd.Stdout = os.Stdout
		if err := cmd.Start(); err != nil {
			return "", err
		}
		return strconv.Itoa(cmd.Process.Pid), nil
	case "echo":
		return string(data), nil
	case "oom-score":
		b, err := os.ReadFile("/proc/self/oom_score_adj")
		return strings.TrimSpace(string(b)), err
	case "expand":
		return strings.Repeat("x", MaxText), nil
	}
	return form.ReadDocument(kind, data)
}

func newTestReader(t *testing.T, l Limits) *Reader {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { checkNoChildren(t) })
	return New(Options{Executable: exe, Limits: l})
}

// checkNoChildren fails when this process has a child left (running, or a zombie not reaped).
func checkNoChildren(t *testing.T) {
	t.Helper()
	if kids := children(); len(kids) > 0 {
		t.Errorf("children left behind: %v", kids)
	}
}

func children() []string {
	var kids []string
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		kids = append(kids, strings.Fields(string(b))...)
	}
	return kids
}

func TestReadDocuments(t *testing.T) {
	r := newTestReader(t, Limits{})
	pdf := bombs.TextPDF("Naam: Eva de Boer", "Omschrijving: Geen reactie op mijn mail.")
	got, err := r.Read(context.Background(), form.KindPDF, pdf)
	if err != nil || got != "Naam: Eva de Boer\nOmschrijving: Geen reactie op mijn mail." {
		t.Errorf("Read(pdf) = %q, %v", got, err)
	}
	long := strings.Repeat("é", MaxText) // 2 MiB of text: cut at 1 MiB, on a character boundary
	got, err = r.Read(context.Background(), "echo", []byte(long))
	if err != nil || len(got) != MaxText || got != long[:MaxText] {
		t.Errorf("Read(2 MiB of text) = %d bytes, %v; want the first %d", len(got), err, MaxText)
	}
	// A small document gives at most 16 times its size and 64 KiB of text (a zip bomb more).
	got, err = r.Read(context.Background(), "expand", []byte("ab"))
	if want := 16*2 + 64<<10; err != nil || len(got) != want {
		t.Errorf("Read(2 bytes expanding to 1 MiB) = %d bytes, %v; want %d", len(got), err, want)
	}
	if got, err := r.Read(context.Background(), "oom-score", nil); err != nil || got != "1000" {
		t.Errorf("the child's oom_score_adj = %q, %v; want 1000 (the OOM killer takes it before the daemon)", got, err)
	}
	if _, err := r.Read(context.Background(), form.KindPDF, []byte("%PDF-1.4 no more")); !errors.Is(err, ErrUnreadable) {
		t.Errorf("Read(broken pdf): err = %v, want ErrUnreadable", err)
	}
}

// TestLimits runs children that misbehave as a hostile document makes a reader misbehave: each
// is stopped by the limit meant for it, and nothing of it is left running or unreaped.
func TestLimits(t *testing.T) {
	tests := []struct {
		kind string
		data []byte
		lim  Limits
		want Reason
	}{
		{"heap", nil, Limits{Memory: 32 << 20, RSS: 4 << 30}, ReasonMemory},
		{"mmap", nil, Limits{RSS: 64 << 20}, ReasonMemory},
		{"huge", nil, Limits{AddressSpace: 256 << 20, RSS: 4 << 30}, ReasonCrash},
		{"spin", nil, Limits{CPU: time.Second}, ReasonCPU},
		{"sleep", nil, Limits{Wall: 300 * time.Millisecond}, ReasonTime},
		{"flood", nil, Limits{Output: 1 << 20}, ReasonOutput},
		{"fatal", nil, Limits{}, ReasonCrash},
		{form.KindPDF, bombs.FlatePDF(600), Limits{}, ReasonSize},
		{form.KindPDF, bombs.SelfListingPDF(50), Limits{}, ReasonComplex},
		{form.KindPDF, bombs.SelfExtendingPDF(), Limits{}, ReasonComplex},
		{form.KindPDF, make([]byte, MaxInput+1), Limits{}, ReasonSize},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %d bytes", tt.kind, len(tt.data)), func(t *testing.T) {
			r := newTestReader(t, tt.lim)
			_, err := r.Read(context.Background(), tt.kind, tt.data)
			var se *SkipError
			if !errors.As(err, &se) || se.Reason != tt.want {
				t.Errorf("err = %v, want skipped for %s", err, tt.want)
			}
		})
	}
	t.Run("crash recovered", func(t *testing.T) {
		r := newTestReader(t, Limits{})
		if _, err := r.Read(context.Background(), "crash", nil); !errors.Is(err, ErrUnreadable) {
			t.Errorf("err = %v, want ErrUnreadable", err)
		}
	})
}

// TestGrandchildKilled: a child that leaves a process behind, holding its stdout, still
// returns at once, and what it left is killed with it.
func TestGrandchildKilled(t *testing.T) {
	r := newTestReader(t, Limits{})
	done := make(chan struct{})
	var pid string
	var err error
	go func() {
		defer close(done)
		pid, err = r.Read(context.Background(), "fork", nil)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Read did not return while a grandchild held the pipe")
	}
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	n, _ := strconv.Atoi(pid)
	if n <= 0 {
		t.Fatalf("no grandchild pid: %q", pid)
	}
	deadline := time.Now().Add(10 * time.Second)
	for alive(n) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(n, syscall.SIGKILL)
			t.Fatalf("grandchild %d still running after its reader finished", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive tells whether pid runs (a zombie has stopped running).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// TestCancel: a shutdown ends a child at once (no wall limit to wait for), with ctx's error.
func TestCancel(t *testing.T) {
	r := newTestReader(t, Limits{Wall: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(children()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(ctx, "sleep", nil)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Read did not return after its context was cancelled")
	}
}

// TestConcurrency: six documents at once run at most MaxConcurrent children at a time.
func TestConcurrency(t *testing.T) {
	r := newTestReader(t, Limits{Wall: 400 * time.Millisecond})
	done := make(chan []Result)
	docs := make([]Document, 6)
	for i := range docs {
		docs[i] = Document{Kind: "sleep"}
	}
	go func() { done <- r.ReadAll(context.Background(), docs) }()
	most := 0
	for {
		select {
		case res := <-done:
			if most != MaxConcurrent {
				t.Errorf("at most %d children at once, want %d", most, MaxConcurrent)
			}
			for i, res := range res {
				var se *SkipError
				if !errors.As(res.Err, &se) || se.Reason != ReasonTime {
					t.Errorf("document %d: %v, want skipped for time", i, res.Err)
				}
			}
			return
		default:
			most = max(most, len(children()))
			time.Sleep(2 * time.Millisecond)
		}
	}
}

func TestNoExecutable(t *testing.T) {
	var se *SkipError
	if _, err := New(Options{}).Read(context.Background(), form.KindPDF, []byte("%PDF-1.4")); !errors.As(err, &se) || se.Reason != ReasonNoChild {
		t.Errorf("err = %v, want skipped: not configured", err)
	}
	r := New(Options{Executable: "/nonexistent/klachtd"})
	if _, err := r.Read(context.Background(), form.KindPDF, []byte("%PDF-1.4")); !errors.As(err, &se) || se.Reason != ReasonStart {
		t.Errorf("err = %v, want skipped: not started", err)
	}
}
