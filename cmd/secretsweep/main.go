// Command secretsweep finds hardcoded passwords, API keys, tokens, private keys and
// other credentials in git history, directories and standard input.
//
// main sets the memory limit and calls run, which holds everything else so that
// tests call it directly.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
)

// defaultMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT
// sets another. With the default GC pacing the heap grows to twice what is
// live between collections; near this limit the runtime collects sooner
// instead, so a sweep of a long history (whose index grows with it) keeps
// its peak RSS under 500 MB. Below the limit it changes nothing.
const defaultMemoryLimit = 384 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
