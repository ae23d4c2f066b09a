// Command gendefault writes the parsed form of patterns.toml as JSON, which the
// detectors package embeds so that start-up does not parse TOML (about ten times
// slower). Run it through `go generate ./detectors` after editing patterns.toml;
// a test fails while the two disagree.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/secretsweep/secretsweep/detectors"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendefault OUTPUT.json")
		os.Exit(2)
	}
	cfg, err := detectors.ParseConfig("patterns.toml", detectors.DefaultPatterns())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], append(b, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
