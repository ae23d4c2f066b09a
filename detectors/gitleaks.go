package detectors

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/secretsweep/secretsweep/allowlist"
)

// gitleaks configs (.gitleaks.toml) are read as they are, so that a team moving
// from gitleaks keeps its rules and allowlists. What differs from gitleaks is in
// the README ("Migrating from gitleaks").

type glConfig struct {
	Title  string `toml:"title"`
	Extend struct {
		UseDefault    bool     `toml:"useDefault"`
		Path          string   `toml:"path"`
		URL           string   `toml:"url"`
		DisabledRules []string `toml:"disabledRules"`
	} `toml:"extend"`
	Rules      []glRule      `toml:"rules"`
	Allowlist  *glAllowlist  `toml:"allowlist"`  // v8.0–8.24 form
	Allowlists []glAllowlist `toml:"allowlists"` // v8.25+ form
}

type glRule struct {
	ID          string        `toml:"id"`
	Description string        `toml:"description"`
	Regex       string        `toml:"regex"`
	SecretGroup int           `toml:"secretGroup"`
	Entropy     float64       `toml:"entropy"`
	Keywords    []string      `toml:"keywords"`
	Path        string        `toml:"path"`
	Tags        []string      `toml:"tags"`
	Allowlist   *glAllowlist  `toml:"allowlist"`
	Allowlists  []glAllowlist `toml:"allowlists"`
	// Fields gitleaks has that we read but do not use.
	SkipReport bool     `toml:"skipReport"`
	Required   []any    `toml:"required"`
	ValidateCE string   `toml:"validate"`
	Report     []string `toml:"report"`
}

type glAllowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	StopWords   []string `toml:"stopwords"`
	TargetRules []string `toml:"targetRules"`
}

func (a glAllowlist) spec() allowlist.Spec {
	return allowlist.Spec{
		Description: a.Description, Condition: a.Condition, Commits: a.Commits, Paths: a.Paths,
		Regexes: a.Regexes, RegexTarget: a.RegexTarget, Stopwords: a.StopWords, TargetRules: a.TargetRules,
	}
}

// IsGitleaksConfig recognises a gitleaks config by its name or by keys that only
// gitleaks uses: secretGroup, regexTarget, targetRules, stopwords in camel case,
// [allowlist], [rules.allowlist], [extend] useDefault or disabledRules.
func IsGitleaksConfig(name string, data []byte) bool {
	if strings.EqualFold(filepath.Base(name), ".gitleaks.toml") || strings.EqualFold(filepath.Base(name), "gitleaks.toml") {
		return true
	}
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		return false
	}
	if _, ok := m["allowlist"]; ok {
		return true
	}
	if ext, ok := m["extend"].(map[string]any); ok {
		for _, k := range []string{"useDefault", "disabledRules", "path", "url"} {
			if _, ok := ext[k]; ok {
				return true
			}
		}
	}
	rules, _ := m["rules"].([]map[string]any)
	for _, r := range rules {
		for _, k := range []string{"secretGroup", "allowlist", "skipReport"} {
			if _, ok := r[k]; ok {
				return true
			}
		}
	}
	return false
}

// ParseGitleaksConfig converts a gitleaks config into a Config: rules with
// secretGroup, keywords, entropy, path and tags; allowlists in all three
// historical forms; [extend] useDefault (onto secretsweep's defaults) and
// disabledRules.
func ParseGitleaksConfig(name string, data []byte) (*Config, error) {
	var g glConfig
	if _, err := toml.Decode(string(data), &g); err != nil {
		return nil, tomlError(name, err)
	}
	if g.Extend.Path != "" || g.Extend.URL != "" {
		return nil, &ConfigError{File: name, Err: errors.New("[extend] path and url are not supported: merge the base config into this file, or use useDefault")}
	}
	c := &Config{Title: g.Title, Source: name, gitleaks: true}
	c.Extend.Default = g.Extend.UseDefault
	c.Extend.DisabledRules = g.Extend.DisabledRules
	if g.Allowlist != nil {
		c.Allowlists = append(c.Allowlists, g.Allowlist.spec())
	}
	for _, a := range g.Allowlists {
		c.Allowlists = append(c.Allowlists, a.spec())
	}
	lines := idLines(data)
	seen := map[string]bool{}
	for i, r := range g.Rules {
		rs := RuleSpec{
			ID: r.ID, Description: r.Description, Regex: r.Regex, SecretGroup: r.SecretGroup,
			Entropy: r.Entropy, Path: r.Path, Severity: "high", Tags: r.Tags, line: lines[r.ID],
		}
		fail := func(format string, args ...any) error {
			return &ConfigError{File: name, Line: rs.line, Rule: rs.ID, Err: fmt.Errorf(format, args...)}
		}
		if rs.ID == "" {
			return nil, &ConfigError{File: name, Err: fmt.Errorf("rule #%d has no id", i+1)}
		}
		if seen[rs.ID] {
			return nil, fail("duplicate rule id")
		}
		seen[rs.ID] = true
		if rs.Description == "" {
			rs.Description = rs.ID
		}
		for _, kw := range r.Keywords {
			if strings.TrimSpace(kw) != "" {
				rs.Keywords = append(rs.Keywords, strings.ToLower(kw))
			}
		}
		if rs.Regex == "" && rs.Path != "" {
			return nil, fail("path-only rules (a file name as the finding) are not supported")
		}
		if r.Allowlist != nil {
			rs.Allowlists = append(rs.Allowlists, r.Allowlist.spec())
		}
		for _, a := range r.Allowlists {
			rs.Allowlists = append(rs.Allowlists, a.spec())
		}
		if rs.Regex == "" && len(rs.Allowlists) == 0 {
			return nil, fail("a rule needs a regex")
		}
		c.Rules = append(c.Rules, rs)
	}
	return c, nil
}
