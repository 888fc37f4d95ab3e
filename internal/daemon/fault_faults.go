//go:build klachtd_faults

package daemon

import (
	"bytes"
	"os"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/groeimeesters/klachtd/internal/outbox"
)

// faultHook, in a test build only, fails on a mail whose header says how:
// "X-Klachtd-Fault: stack-overflow" kills the process with a real runtime fatal error
// (unbounded recursion, as a parser without a depth limit would do), which no recover can
// catch; "X-Klachtd-Fault: panic" panics with a runtime error.
func faultHook(raw []byte) {
	switch {
	case faultSays(raw, "stack-overflow"):
		overflow()
	case faultSays(raw, "panic"):
		var m map[string]int
		//lint:ignore SA5000 the fault this build exists to inject
		m["x"]++
	}
}

// parseFaultHook, in a test build only, kills the process with a stack overflow in the parser
// on a mail whose header says "X-Klachtd-Fault: parser-stack-overflow".
func parseFaultHook(raw []byte) {
	if faultSays(raw, "parser-stack-overflow") {
		overflow()
	}
}

// faultSays reports that the header of raw asks for the fault kind.
func faultSays(raw []byte, kind string) bool {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return bytes.Contains(head, []byte("\nX-Klachtd-Fault: "+kind))
}

// overflow dies of a stack overflow: unbounded recursion under a 16 MB stack limit.
func overflow() {
	debug.SetMaxStack(16 << 20)
	recurse(0)
}

func recurse(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	//lint:ignore SA5007 the fault this build exists to inject
	return recurse(n+1) + int(pad[0])
}

// acceptedFaultHook, in a test build only, kills the process with SIGKILL once the server
// accepted a confirmation to an address with "sterf-na-verzending" in it, before the record.
func acceptedFaultHook(r *outbox.Row) {
	if r.Template != tmplConfirmation {
		return
	}
	for _, a := range r.To {
		if strings.Contains(a.Email, "sterf-na-verzending") {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
}
