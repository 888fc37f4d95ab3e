package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/groeimeesters/klachtd/internal/docreader"
)

// checkDocReader is check's document-reader step: the daemon reads every attached PDF and
// Word document in a child process of its own binary (exe), under limits it sets itself; a
// sandbox that refuses that child (a unit's system call filter, a memory or process limit, a
// file system mounted noexec) would otherwise show up only as forms skipped on cases. It
// reads a tiny generated PDF as the daemon would, and says what works, or what failed and
// what the likely cause is.
func checkDocReader(ctx context.Context, exe string) (line, hint string, err error) {
	pctx, cancel := context.WithTimeout(ctx, 2*docreader.DefaultWall)
	defer cancel()
	took, err := docreader.New(docreader.Options{Executable: exe}).Probe(pctx)
	if err != nil {
		return "document reader", explainDocReader(err, exe), err
	}
	return fmt.Sprintf("document reader: ok (a test PDF read in a child process of %s in %s)", exe, took.Round(time.Millisecond)), "", nil
}

// explainDocReader says what a failed probe of the document reader likely means, in terms of
// the sandbox that runs klachtd (the systemd unit's settings) and what follows from it.
func explainDocReader(err error, exe string) string {
	const then = " Until it is mended, klachtd skips every attached PDF and Word document (it still reads the mail's own text) and notes that on the case."
	var pe *docreader.ProbeError
	if !errors.As(err, &pe) {
		return "" // the check itself was interrupted
	}
	said := strings.ToLower(pe.Stderr)
	var why string
	switch {
	case pe.Reason == docreader.ReasonNoChild:
		why = "klachtd cannot find its own binary (os.Executable reads /proc/self/exe): is /proc mounted and readable?"
	case errors.Is(pe.Start, syscall.ENOENT):
		why = fmt.Sprintf("%s no longer exists: was klachtd moved or upgraded while this ran? The daemon runs its own binary for each document; restart it after an upgrade.", exe)
	case errors.Is(pe.Start, syscall.EACCES):
		why = fmt.Sprintf("%s may not be executed: a file system mounted noexec, or the unit's NoExecPaths=/ExecPaths=; the daemon runs its own binary for each document.", exe)
	case errors.Is(pe.Start, syscall.EPERM):
		why = "the kernel refused to start the child: the unit's NoNewPrivileges= together with an SELinux or AppArmor rule for the binary, or a SystemCallFilter= without execve and clone (both are in @system-service)."
	case errors.Is(pe.Start, syscall.EAGAIN):
		why = "no new process may be started: the unit's TasksMax= or LimitNPROC= is reached."
	case errors.Is(pe.Start, syscall.ENOMEM):
		why = "no memory for a new process: the unit's MemoryMax= or the machine."
	case pe.Start != nil:
		why = "the child could not be started; see the error above."
	case pe.Signal == syscall.SIGSYS:
		why = "a system call of the child was refused by a seccomp filter: the unit's SystemCallFilter= (with the default action, which kills). The child needs what @system-service allows, setrlimit and prlimit64 included (systemd/klachtd.service: SystemCallFilter=@system-service, ~@privileged, SystemCallErrorNumber=EPERM)."
	case strings.Contains(said, "operation not permitted") && strings.Contains(said, "rlimit"):
		why = "the child could not set its own limits (setrlimit, prlimit64): the unit's SystemCallFilter= refuses them (they are in @resources, part of @system-service); without its limits the child does not read."
	case strings.Contains(said, "/proc/self/status"):
		why = "the child could not read /proc/self/status, which it needs to limit itself: the unit's ProtectProc=/ProcSubset= (ProcSubset=pid is fine) or a /proc mounted with hidepid."
	case strings.Contains(said, "failed to create new os thread") || strings.Contains(said, "pthread_create"):
		why = "the child could not start a thread: the unit's TasksMax= or LimitNPROC= is too low."
	case pe.Signal == syscall.SIGKILL, pe.Reason == docreader.ReasonMemory,
		strings.Contains(said, "out of memory"), strings.Contains(said, "cannot allocate memory"):
		why = fmt.Sprintf("the child ran out of memory or was killed: the unit's MemoryMax=/MemoryHigh= (the child may take up to %d MiB resident, beside the daemon), or a LimitAS=/ulimit -v that leaves the Go runtime less than it reserves at start plus %d MiB.",
			docreader.DefaultRSS>>20, docreader.DefaultAddressSpace>>20)
	case pe.Reason == docreader.ReasonCPU:
		why = fmt.Sprintf("the child ran out of CPU time: the unit's LimitCPU= is lower than the %s a document may take.", docreader.DefaultCPU)
	case pe.Reason == docreader.ReasonTime:
		why = fmt.Sprintf("the child did not finish within %s: the machine is very busy, or the unit's CPUQuota= is very low.", docreader.DefaultWall)
	case pe.Reason == docreader.ReasonReply || pe.Text != "":
		why = fmt.Sprintf("%s answered, but not as this klachtd does: it is another program or another version (replaced by an upgrade while this ran? restart the daemon after an upgrade).", exe)
	default:
		why = "the child failed in a way klachtd does not know; try the unit's sandbox settings (SystemCallFilter=, MemoryMax=, LimitAS=, TasksMax=) one at a time."
	}
	return "likely cause: " + why + then
}
