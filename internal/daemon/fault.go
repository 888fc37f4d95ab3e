//go:build !klachtd_faults

package daemon

import "github.com/groeimeesters/klachtd/internal/outbox"

// faultHook is where a test build (-tags klachtd_faults) makes the daemon die on a marked
// mail; in klachtd itself it does nothing.
func faultHook([]byte) {}

// parseFaultHook is the same for the parser: a test build dies in it on a marked mail, on
// whichever goroutine parses the mail (the intake's, ahead of the handler, or the handler's).
func parseFaultHook([]byte) {}

// acceptedFaultHook is the same for the sender: a test build dies in it, as by SIGKILL, once
// the server accepted a marked mail and the journal names it, before the record.
func acceptedFaultHook(*outbox.Row) {}
