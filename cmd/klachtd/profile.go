package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profileRun writes a CPU profile of `klachtd run` to $KLACHTD_CPUPROFILE when that is set (for
// the benchmarks of docs/BENCHMARKS.md: go tool pprof FILE); it returns the function that
// ends it. Other commands are not profiled, so that a `klachtd list` beside the daemon does not
// overwrite its profile.
func profileRun(args []string) (stop func()) {
	path := os.Getenv("KLACHTD_CPUPROFILE")
	if path == "" || len(args) == 0 || args[0] != "run" {
		return func() {}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "klachtd: cpu profile %s: %v\n", path, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
