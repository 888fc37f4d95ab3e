// Command testsum reads `go test -json` on standard input, prints each package's result line
// as `go test` would, the output of failed tests, and closes with one line:
// "tests: N passed, N failed, N skipped". It exits 1 when any test or package failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	passed, failed, skipped, pkgFailed := 0, 0, 0, 0
	output := map[string][]string{} // package/test → its output, printed when it fails
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // build errors and the like come as plain text
			continue
		}
		top, _, sub := strings.Cut(e.Test, "/")
		key := e.Package + "/" + top // a subtest's output belongs to its top-level test
		switch e.Action {
		case "output":
			output[key] = append(output[key], e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					pkgFailed++
					fmt.Print(strings.Join(output[key], ""))
				}
				fmt.Printf("%-4s %s %.1fs\n", map[string]string{"pass": "ok", "fail": "FAIL", "skip": "?"}[e.Action], e.Package, e.Elapsed)
				continue
			}
			if sub {
				continue // subtests count with their parent
			}
			switch e.Action {
			case "pass":
				passed++
			case "skip":
				skipped++
			case "fail":
				failed++
				fmt.Print(strings.Join(output[key], ""))
			}
			delete(output, key)
		}
	}
	fmt.Printf("tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || pkgFailed > 0 {
		os.Exit(1)
	}
}
