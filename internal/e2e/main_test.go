package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// binary is the klachtd built by TestMain for every test of the package.
var binary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "klachtd-e2e-bin-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: temp dir: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	defer removeFaultBinary()
	if prebuilt := os.Getenv("KLACHTD_E2E_BINARY"); prebuilt != "" {
		binary = prebuilt // a binary built beforehand, e.g. while the tree does not build
		return m.Run()
	}
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	binary = filepath.Join(dir, "klachtd")
	cmd := exec.Command("go", "build", "-o", binary, "./cmd/klachtd")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/klachtd: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// repoRoot is the module root: two levels above this package's directory.
func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the package directory")
	}
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("no go.mod at the repository root %s: %w", root, err)
	}
	return root, nil
}
