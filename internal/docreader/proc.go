package docreader

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// waitExited blocks until process pid has exited, without reaping it (WNOWAIT): while it is a
// zombie its pid, and so its process group id, cannot be given to another process.
func waitExited(pid int) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}

// residentBytes is the resident set of process pid from /proc/PID/status (0 when it cannot
// be read, e.g. once the process is gone).
func residentBytes(pid int) int64 {
	return statusField("/proc/"+strconv.Itoa(pid)+"/status", "VmRSS:")
}

// statusField reads a "Name:   123 kB" line of a /proc status file, in bytes.
func statusField(path, name string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := bytes.CutPrefix(s.Bytes(), []byte(name)); ok {
			fields := bytes.Fields(rest)
			if len(fields) == 0 {
				return 0
			}
			kb, _ := strconv.ParseInt(string(fields[0]), 10, 64)
			return kb << 10
		}
	}
	return 0
}
