package docreader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Options of a Reader.
type Options struct {
	// Executable is the klachtd binary whose hidden Command reads a document (in tests, a test
	// binary that serves Command from its TestMain). "" means documents are not read: each is
	// skipped with ReasonNoChild.
	Executable string
	Limits     Limits // zero fields: the defaults
	Log        *slog.Logger
}

// Reader runs the children. It is safe for concurrent use; at most MaxConcurrent children
// run at once.
type Reader struct {
	exe string
	lim Limits
	log *slog.Logger
	sem chan struct{}
}

// New builds a Reader.
func New(o Options) *Reader {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Reader{exe: o.Executable, lim: o.Limits.withDefaults(), log: o.Log, sem: make(chan struct{}, MaxConcurrent)}
}

// Document is one attachment to read: its kind (form.KindPDF, form.KindDocx) and content.
type Document struct {
	Kind string
	Data []byte
}

// Result is what became of one document: its text, or why it was not read.
type Result struct {
	Text string
	Err  error // nil, a *SkipError, ErrUnreadable, or the context's error
}

// ReadAll reads a mail's documents, within MailBudget for all of them together; result i is
// document i's. A document still unread when the budget is spent is skipped with ReasonTime.
func (r *Reader) ReadAll(ctx context.Context, docs []Document) []Result {
	out := make([]Result, len(docs))
	bctx, cancel := context.WithTimeout(ctx, MailBudget)
	defer cancel()
	var wg sync.WaitGroup
	for i, d := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					r.log.Error("reading a document panicked", "panic", fmt.Sprint(p))
					out[i] = Result{Err: skip(ReasonCrash)}
				}
			}()
			text, err := r.Read(bctx, d.Kind, d.Data)
			if err != nil && ctx.Err() == nil && bctx.Err() != nil {
				err = skip(ReasonTime) // the mail's budget, not a shutdown
			}
			out[i] = Result{Text: text, Err: err}
		}()
	}
	wg.Wait()
	return out
}

// Read reads one document in a child process and returns its text. The error is a
// *SkipError when the document went over a limit or its reader failed, ErrUnreadable when it
// holds no text, or ctx's error when ctx ended first (the child is then killed as well).
func (r *Reader) Read(ctx context.Context, kind string, data []byte) (string, error) {
	if r == nil || r.exe == "" {
		return "", skip(ReasonNoChild)
	}
	if len(data) > MaxInput {
		return "", skip(ReasonSize)
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-r.sem }()
	start := time.Now()
	c, err := r.start(kind, data, nil)
	if err != nil {
		r.log.Error("document reader could not be started", "err", err)
		return "", skip(ReasonStart)
	}
	text, err := c.supervise(ctx, r.lim)
	r.log.Debug("document reader done", "kind", kind, "bytes", len(data), "took", time.Since(start).Round(time.Millisecond),
		"cpu", c.cpu().Round(time.Millisecond), "max_rss_kib", c.maxRSS(), "outcome", outcome(err))
	var se *SkipError
	if errors.As(err, &se) {
		r.log.Warn("document skipped", "kind", kind, "bytes", len(data), "reason", string(se.Reason))
	}
	return text, err
}

func outcome(err error) string {
	var se *SkipError
	switch {
	case err == nil:
		return "read"
	case errors.As(err, &se):
		return string(se.Reason)
	case errors.Is(err, ErrUnreadable):
		return "unreadable"
	}
	return err.Error()
}

// child is one running reader process.
type child struct {
	cmd    *exec.Cmd
	out    *capWriter
	exited chan struct{} // closed once the process has exited; it is reaped after that
	size   int           // of the document
}

// start runs a child for one document; its standard error goes to stderr, or nowhere when
// nil (a crash report may quote the document: only the probe's own document is shown).
func (r *Reader) start(kind string, data []byte, stderr io.Writer) (*child, error) {
	l := r.lim
	cmd := exec.Command(r.exe, Command, "-kind", kind,
		"-memory", strconv.FormatInt(l.Memory, 10), "-address-space", strconv.FormatInt(l.AddressSpace, 10),
		"-cpu", l.CPU.String())
	// Nothing of the daemon's environment (a token, a path) reaches the child.
	cmd.Env = []string{"GOMAXPROCS=1"}
	cmd.Dir = "/"
	cmd.Stdin = bytes.NewReader(data)
	c := &child{cmd: cmd, out: newCapWriter(min(l.Output, outputCap(len(data)))), exited: make(chan struct{}), size: len(data)}
	cmd.Stdout = c.out
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s %s: %w", r.exe, Command, err)
	}
	go func() {
		defer close(c.exited)
		waitExited(cmd.Process.Pid)
	}()
	return c, nil
}

// rssPoll is how often the parent reads the child's resident set.
const rssPoll = 10 * time.Millisecond

// supervise waits for the child while enforcing the wall time, the resident-memory limit
// and the output cap, then kills whatever is left of its process group, reaps it, and reads
// its reply.
func (c *child) supervise(ctx context.Context, l Limits) (string, error) {
	pid := c.cmd.Process.Pid
	var why Reason
	var ctxErr error
	kill := func(r Reason) {
		if why == "" && ctxErr == nil {
			why = r
		}
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
	wall := time.NewTimer(l.Wall)
	defer wall.Stop()
	tick := time.NewTicker(rssPoll)
	defer tick.Stop()
	done := ctx.Done()
wait:
	for {
		select {
		case <-c.exited:
			break wait
		case <-done:
			ctxErr, done = ctx.Err(), nil
			kill("")
		case <-wall.C:
			kill(ReasonTime)
		case <-c.out.over:
			kill(ReasonOutput)
		case <-tick.C:
			if rss := residentBytes(pid); rss > l.RSS {
				kill(ReasonMemory)
			}
		}
	}
	// The process has exited but is not reaped, so its process group id cannot have been
	// reused: anything it left in the group is killed, then it is reaped.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	werr := c.cmd.Wait()
	switch {
	case ctxErr != nil:
		return "", ctxErr
	case why != "":
		return "", skip(why)
	}
	return c.result(werr, l)
}

// result interprets how the child ended.
func (c *child) result(werr error, l Limits) (string, error) {
	st := c.cmd.ProcessState
	ws, _ := st.Sys().(syscall.WaitStatus)
	switch {
	case werr == nil:
		return c.reply()
	case ws.Exited() && ws.ExitStatus() == exitMemory:
		return "", skip(ReasonMemory)
	case ws.Exited() && ws.ExitStatus() == exitCPU, ws.Signaled() && ws.Signal() == syscall.SIGXCPU:
		return "", skip(ReasonCPU)
	case ws.Signaled() && ws.Signal() == syscall.SIGKILL && c.cpu() >= l.CPU:
		return "", skip(ReasonCPU) // the hard CPU limit
	}
	return "", skip(ReasonCrash)
}

// reply reads what a child that exited normally wrote.
func (c *child) reply() (string, error) {
	var rep reply
	if err := json.Unmarshal(c.out.buf.Bytes(), &rep); err != nil || rep.Version != protocol {
		return "", skip(ReasonReply)
	}
	switch rep.Status {
	case statusOK:
		if len(rep.Text) > textCap(c.size) {
			return "", skip(ReasonOutput)
		}
		return rep.Text, nil
	case statusUnreadable:
		return "", ErrUnreadable
	case statusTooLarge:
		return "", skip(ReasonSize)
	case statusTooComplex:
		return "", skip(ReasonComplex)
	}
	return "", skip(ReasonReply)
}

// cpu is the CPU time the child used, once reaped.
func (c *child) cpu() time.Duration {
	if c.cmd.ProcessState == nil {
		return 0
	}
	return c.cmd.ProcessState.UserTime() + c.cmd.ProcessState.SystemTime()
}

// maxRSS is the child's peak resident set in KiB, once reaped.
func (c *child) maxRSS() int64 {
	if c.cmd.ProcessState == nil {
		return 0
	}
	if ru, ok := c.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// capWriter keeps the first max bytes written to it; beyond that it drops the rest and closes
// over (once). It never fails a write, so the copy from the child's pipe never blocks on it.
type capWriter struct {
	max  int64
	buf  bytes.Buffer
	over chan struct{}
	once sync.Once
}

func newCapWriter(max int64) *capWriter {
	return &capWriter{max: max, over: make(chan struct{})}
}

func (w *capWriter) Write(p []byte) (int, error) {
	room := w.max - int64(w.buf.Len())
	if int64(len(p)) > room {
		w.buf.Write(p[:max(room, 0)])
		w.once.Do(func() { close(w.over) })
		return len(p), nil
	}
	w.buf.Write(p)
	return len(p), nil
}
