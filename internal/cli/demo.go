package cli

import (
	"context"
	"io"

	"github.com/groeimeesters/klachtd/internal/demo"
)

func cmdDemo(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	var logw io.Writer
	if e.verbose {
		logw = e.stderr
	}
	return demo.Run(ctx, demo.Options{Dir: e.keep, Exit: e.exit, Out: e.stdout, Log: logw,
		Executable: selfExecutable()})
}
