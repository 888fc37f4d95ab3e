package cli

import "os"

// selfExecutable is this binary: the daemon runs its hidden read-document command to read each
// attached document in a short-lived child process. "" when it cannot be found; documents are
// then skipped, and noted on their case.
func selfExecutable() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return exe
}
