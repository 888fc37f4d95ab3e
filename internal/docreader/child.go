package docreader

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/form"
)

// Serve is the child: `klachtd read-document -kind K [-memory N -address-space N -cpu D]`.
// It limits itself first thing, reads one document from stdin, and writes a reply (its text,
// or why it has none) to stdout. It returns the exit code; over its memory or CPU limit it
// exits on its own (exitMemory, exitCPU), and the Go runtime exits 2 on a fatal error.
func Serve(args []string, stdin io.Reader, stdout io.Writer) int {
	return serve(args, stdin, stdout, form.ReadDocument)
}

// readFunc reads a document of a kind; tests substitute misbehaving ones.
type readFunc func(kind string, data []byte) (string, error)

func serve(args []string, stdin io.Reader, stdout io.Writer, read readFunc) int {
	fs := flag.NewFlagSet(Command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	kind := fs.String("kind", "", "")
	memory := fs.Int64("memory", DefaultMemory, "")
	as := fs.Int64("address-space", DefaultAddressSpace, "")
	cpu := fs.Duration("cpu", DefaultCPU, "")
	if err := fs.Parse(args); err != nil || *kind == "" || fs.NArg() > 0 {
		return exitUsage
	}
	if err := limitSelf(*memory, *as, *cpu); err != nil {
		// Unlimited, it must not read. Standard error reaches only klachtd check's probe (the
		// daemon's children write theirs nowhere), which shows why.
		fmt.Fprintln(os.Stderr, err)
		return exitUsage
	}
	data, err := io.ReadAll(io.LimitReader(stdin, MaxInput+1))
	var rep reply
	switch {
	case err != nil:
		return exitUsage
	case len(data) > MaxInput:
		rep.Status = statusTooLarge
	default:
		rep = readSafely(read, *kind, data)
	}
	rep.Version = protocol
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return exitUsage
	}
	return 0
}

// readSafely reads the document; a panic in a reader means the document is unreadable.
func readSafely(read readFunc, kind string, data []byte) (rep reply) {
	defer func() {
		if recover() != nil {
			rep = reply{Status: statusUnreadable}
		}
	}()
	text, err := read(kind, data)
	switch {
	case errors.Is(err, form.ErrTooLarge):
		return reply{Status: statusTooLarge}
	case errors.Is(err, form.ErrTooComplex):
		return reply{Status: statusTooComplex}
	case err != nil || text == "":
		return reply{Status: statusUnreadable}
	}
	return reply{Status: statusOK, Text: truncate(text, textCap(len(data)))}
}

// truncate cuts s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// limitSelf bounds this process before it reads anything: its address space (RLIMIT_AS:
// what the Go runtime has reserved at start, about 0.8–1.2 GiB of mostly untouched address
// space, plus as), its heap (a soft limit the collector works to, and a watch that exits with
// exitMemory above it), its CPU time (RLIMIT_CPU; SIGXCPU at the soft limit exits with
// exitCPU, the kernel kills it a second later), its stack, and no files or core dumps; and it
// offers itself first to the OOM killer.
func limitSelf(memory, as int64, cpu time.Duration) error {
	// Under memory pressure (a service MemoryMax=, the machine), the kernel is to kill this
	// process rather than the daemon. Raising one's own score needs no privilege.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)
	vm := statusField("/proc/self/status", "VmSize:")
	if vm == 0 {
		return errors.New("limit the document reader: no VmSize in /proc/self/status")
	}
	secs := uint64((cpu + time.Second - 1) / time.Second)
	limits := []struct {
		res      int
		cur, max uint64
	}{
		{syscall.RLIMIT_AS, uint64(vm + as), uint64(vm + as)},
		{syscall.RLIMIT_CPU, secs, secs + 1},
		{syscall.RLIMIT_FSIZE, 0, 0},
		{syscall.RLIMIT_CORE, 0, 0},
		{syscall.RLIMIT_NOFILE, 16, 16},
	}
	for _, l := range limits {
		// Only ever tightened: a lower limit set for the service (LimitAS=, LimitCPU=) stays.
		var have syscall.Rlimit
		if err := syscall.Getrlimit(l.res, &have); err != nil {
			return fmt.Errorf("limit the document reader: getrlimit %d: %w", l.res, err)
		}
		want := syscall.Rlimit{Cur: min(l.cur, have.Max), Max: min(l.max, have.Max)}
		if err := syscall.Setrlimit(l.res, &want); err != nil {
			return fmt.Errorf("limit the document reader: setrlimit %d: %w", l.res, err)
		}
	}
	debug.SetMemoryLimit(memory)
	debug.SetMaxStack(64 << 20)
	xcpu := make(chan os.Signal, 1)
	signal.Notify(xcpu, syscall.SIGXCPU)
	go func() {
		<-xcpu
		os.Exit(exitCPU)
	}()
	go watchHeap(memory)
	return nil
}

// watchHeap exits with exitMemory once the heap's objects exceed memory: the collector could
// no longer keep the heap under its soft limit, and would only burn CPU trying.
func watchHeap(memory int64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && int64(sample[0].Value.Uint64()) > memory {
			os.Exit(exitMemory)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
