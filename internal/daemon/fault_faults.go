//go:build klachtd_faults

package daemon

import (
	"bytes"
	"runtime/debug"
)

// faultHook, in a test build only, kills the process on a mail whose header carries
// "X-Klachtd-Fault: stack-overflow": a real runtime fatal error (unbounded recursion, as a
// parser without a depth limit would do), which no recover can catch.
func faultHook(raw []byte) {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if bytes.Contains(head, []byte("\nX-Klachtd-Fault: stack-overflow")) {
		debug.SetMaxStack(16 << 20)
		recurse(0)
	}
}

func recurse(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	return recurse(n+1) + int(pad[0])
}
