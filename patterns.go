// Package secretsweep holds what the whole tool shares from the repository root:
// the default rule set, patterns.toml, embedded so the binary needs no files.
package secretsweep

import _ "embed"

// Patterns is the text of patterns.toml, the default rule set.
//
//go:embed patterns.toml
var Patterns []byte
