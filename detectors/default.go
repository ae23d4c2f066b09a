package detectors

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:generate go run ./internal/gendefault default_rules.json

// defaultRulesJSON is patterns.toml parsed and validated, as JSON: decoding it
// takes a few milliseconds where parsing the TOML takes tens, which matters to
// a pre-commit hook. patterns.toml stays the source; TestDefaultRulesGenerated
// fails while the two disagree.
//
//go:embed default_rules.json
var defaultRulesJSON []byte

// DefaultConfig returns the embedded default rule set (patterns.toml).
func DefaultConfig() (*Config, error) {
	var c Config
	if err := json.Unmarshal(defaultRulesJSON, &c); err != nil {
		return nil, fmt.Errorf("embedded default rules: %v", err)
	}
	c.Source = "patterns.toml (embedded)"
	return &c, nil
}
