//go:build !klachtd_faults

package daemon

// faultHook is where a test build (-tags klachtd_faults) makes the daemon die on a marked
// mail; in klachtd itself it does nothing.
func faultHook([]byte) {}
