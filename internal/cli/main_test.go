package cli

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/groeimeesters/klachtd/internal/docreader"
)

// Environment variables by which a test runs this test binary as the klachtd binary.
const (
	// asKlachtd: run Main with the arguments, as cmd/klachtd does.
	asKlachtd = "KLACHTD_TEST_AS_KLACHTD"
	// withSeccomp: first install a seccomp filter that refuses prlimit64 on RLIMIT_AS (what
	// only the document reader's child does, limiting itself), as a unit's SystemCallFilter=
	// would: "kill" (the default action, SIGSYS) or "eperm" (SystemCallErrorNumber=EPERM).
	withSeccomp = "KLACHTD_TEST_SECCOMP"
)

// The test binary serves the hidden read-document command, as klachtd does: check's
// document-reader step runs this binary (os.Executable) as its child. Run with asKlachtd, it is
// klachtd.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == docreader.Command {
		os.Exit(docreader.Serve(os.Args[2:], os.Stdin, os.Stdout))
	}
	if os.Getenv(asKlachtd) == "1" {
		if mode := os.Getenv(withSeccomp); mode != "" {
			if err := refuseRlimitAS(mode); err != nil {
				fmt.Fprintln(os.Stderr, "test seccomp filter:", err)
				os.Exit(3)
			}
		}
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// refuseRlimitAS installs, on every thread of this process and so on every process it starts,
// a seccomp filter refusing prlimit64(…, RLIMIT_AS, …): with mode "kill" the process is killed
// (SIGSYS), with "eperm" the call fails with EPERM. x86-64 only.
func refuseRlimitAS(mode string) error {
	if runtime.GOARCH != "amd64" {
		return fmt.Errorf("the test filter is written for amd64, not %s", runtime.GOARCH)
	}
	action := uint32(unix.SECCOMP_RET_KILL_PROCESS)
	if mode == "eperm" {
		action = unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
	}
	const (
		ld  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	// struct seccomp_data: nr at 0, arch at 4, args[i] at 16+8i (low word first).
	prog := []unix.SockFilter{
		{Code: ld, K: 4},
		{Code: jeq, K: unix.AUDIT_ARCH_X86_64, Jt: 0, Jf: 5},
		{Code: ld, K: 0},
		{Code: jeq, K: unix.SYS_PRLIMIT64, Jt: 0, Jf: 3},
		{Code: ld, K: 24},
		{Code: jeq, K: unix.RLIMIT_AS, Jt: 0, Jf: 1},
		{Code: ret, K: action},
		{Code: ret, K: unix.SECCOMP_RET_ALLOW},
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC,
		uintptr(unsafe.Pointer(&fprog))); errno != 0 {
		return fmt.Errorf("seccomp: %w", errno)
	}
	return nil
}
