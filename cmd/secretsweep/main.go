// Command secretsweep finds hardcoded passwords, API keys, tokens, private keys and
// other credentials in git history, directories and standard input.
//
// main is one line; run holds everything so that tests call it directly.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
