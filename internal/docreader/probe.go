package docreader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/groeimeesters/klachtd/internal/form"
)

// probeText is what the probe document says.
const probeText = "klachtd document reader check"

// probePDF is a tiny PDF of one page saying probeText, written here (with a correct
// cross-reference table) so that the probe needs no file.
func probePDF() []byte {
	content := "BT /F1 12 Tf 72 720 Td (" + probeText + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// ProbeError says how the probe's child failed, with what it said: everything an operator
// needs to tell a sandbox that refuses the child (a system call filter, a memory or process
// limit, a file system mounted noexec) from a binary that is not this klachtd.
type ProbeError struct {
	// Reason is what the daemon would note on the case of a document read this way.
	Reason Reason
	// Start is why the child could not be started at all (the error of exec), or nil.
	Start error
	// Signal is the signal that ended the child, or 0.
	Signal syscall.Signal
	// Exit is the child's exit status; -1 when it was signalled or never ran.
	Exit int
	// Stderr is the end of what the child wrote on standard error (for the probe's own
	// document, nothing of anyone's): the Go runtime's reason for a fatal error, the child's
	// own for a limit it could not set.
	Stderr string
	// Text is what the child read when it answered, but not with the probe's text.
	Text string
}

func (e *ProbeError) Error() string {
	var parts []string
	switch {
	case e.Start != nil:
		parts = append(parts, "the child process could not be started: "+e.Start.Error())
	case e.Signal != 0:
		parts = append(parts, fmt.Sprintf("the child process was killed by signal %s (%d)", signalName(e.Signal), int(e.Signal)))
	case e.Exit == exitUsage:
		parts = append(parts, fmt.Sprintf("the child process refused to read (exit status %d)", e.Exit))
	case e.Exit > 0:
		parts = append(parts, fmt.Sprintf("the child process ended with exit status %d", e.Exit))
	case e.Text != "":
		parts = append(parts, fmt.Sprintf("the child process read %q, not the test document's text", truncate(e.Text, 80)))
	}
	if e.Reason != "" {
		parts = append(parts, "documents would be skipped as "+string(e.Reason))
	}
	if e.Stderr != "" {
		parts = append(parts, "it said: "+e.Stderr)
	}
	return strings.Join(parts, "; ")
}

// signalName is a signal's name as people look it up ("SIGSYS").
func signalName(s syscall.Signal) string {
	if name := unix.SignalName(s); name != "" {
		return name
	}
	return s.String()
}

// maxProbeStderr is how much of the child's standard error the probe keeps (its end).
const maxProbeStderr = 2 << 10

// Probe reads a tiny generated PDF in a child process, exactly as Read reads an attachment
// (the same command, limits, environment and process group), and returns how long it took;
// a *ProbeError when the child could not start, died, or did not return the document's text.
// `klachtd check` runs it: a sandbox that refuses the child (a unit's SystemCallFilter=,
// MemoryMax=, TasksMax=, a noexec mount) shows up there, not as skipped forms later.
func (r *Reader) Probe(ctx context.Context) (time.Duration, error) {
	if r == nil || r.exe == "" {
		return 0, &ProbeError{Reason: ReasonNoChild, Exit: -1, Start: errors.New("the klachtd binary could not be found (os.Executable)")}
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-r.sem }()
	start := time.Now()
	stderr := newCapWriter(64 << 10)
	c, err := r.start(form.KindPDF, probePDF(), stderr)
	if err != nil {
		return 0, &ProbeError{Reason: ReasonStart, Start: errors.Unwrap(err), Exit: -1}
	}
	text, err := c.supervise(ctx, r.lim)
	took := time.Since(start)
	if ctx.Err() != nil {
		return took, ctx.Err()
	}
	if err == nil && strings.Contains(strings.Join(strings.Fields(text), " "), probeText) {
		return took, nil
	}
	pe := &ProbeError{Exit: -1, Stderr: tail(stderr.buf.String(), maxProbeStderr)}
	var se *SkipError
	switch {
	case errors.As(err, &se):
		pe.Reason = se.Reason
	case errors.Is(err, ErrUnreadable):
		pe.Reason = "unreadable"
	case err == nil:
		pe.Text = text
	}
	if st := c.cmd.ProcessState; st != nil {
		if ws, ok := st.Sys().(syscall.WaitStatus); ok {
			switch {
			case ws.Signaled():
				pe.Signal = ws.Signal()
			case ws.Exited():
				pe.Exit = ws.ExitStatus()
			}
		}
	}
	return took, pe
}

// tail is the last n bytes of s, at a line or character boundary, trimmed.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = s[len(s)-n:]
		if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
		s = strings.ToValidUTF8(s, "")
	}
	return strings.Join(strings.Fields(s), " ")
}
