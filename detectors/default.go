package detectors

import "slices"

//go:generate go run ./internal/gendefault default_rules.go

// DefaultConfig returns the embedded default rule set (patterns.toml).
//
// The rules come from default_rules.go, patterns.toml parsed and validated by
// `go generate ./detectors` into a Go literal that the compiler lays out as
// static data: start-up neither parses the TOML (tens of milliseconds) nor
// decodes JSON (1.6 ms and 5,700 allocations), which matters to a pre-commit
// hook. patterns.toml stays the source; TestDefaultRulesGenerated fails while
// the two disagree.
//
// Each call returns its own Config and rule slice, but the rules' own slices
// (keywords, tags, examples, allowlists) are shared between calls: replace
// them rather than writing into them.
func DefaultConfig() (*Config, error) {
	c := defaultRules
	c.Rules = slices.Clone(defaultRules.Rules)
	c.Allowlists = slices.Clone(defaultRules.Allowlists)
	c.Extend.DisabledRules = slices.Clone(defaultRules.Extend.DisabledRules)
	c.Source = "patterns.toml (embedded)"
	return &c, nil
}
