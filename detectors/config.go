package detectors

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/wasilibs/go-re2"

	secretsweep "github.com/secretsweep/secretsweep"
	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/internal/safefile"
)

// maxConfigSize caps a config file, which may come from the scanned repository.
const maxConfigSize = 16 << 20

var defaultPatterns = secretsweep.Patterns

// DefaultPatterns returns the embedded default rule set (patterns.toml) as text.
func DefaultPatterns() []byte { return slices.Clone(defaultPatterns) }

// Config is a rule set as read from patterns.toml or a user's .secretsweep.toml.
type Config struct {
	// Title is free text.
	Title string `toml:"title"`
	// FingerprintKey keys the HMAC of fingerprints when set (see DESIGN.md).
	FingerprintKey string `toml:"fingerprint_key"`
	// Extend says how a user config combines with the embedded default.
	Extend Extend `toml:"extend"`
	// Rules are the rules, in file order.
	Rules []RuleSpec `toml:"rules"`
	// Allowlists apply to every rule.
	Allowlists []allowlist.Spec `toml:"allowlists"`

	// Source names the file the config came from, for error messages.
	Source string `toml:"-"`
	// gitleaks marks a config read from gitleaks' format: rule ids it names for
	// disabling or amending may be gitleaks' own, which secretsweep lacks.
	gitleaks bool
}

// Extend controls whether a user config adds to the default rule set.
type Extend struct {
	// Default: true adds the config's rules to the embedded default rules (a rule
	// with the same id replaces the default one); false replaces the default.
	Default bool `toml:"default"`
	// DisabledRules lists default rule ids to leave out.
	DisabledRules []string `toml:"disabled_rules"`
	// DefaultAllowlist: false turns off the built-in allowlist (virtualenvs,
	// site-packages, lock files, documented example keys). Default true.
	DefaultAllowlist *bool `toml:"default_allowlist"`
}

// RuleSpec is one [[rules]] table.
type RuleSpec struct {
	ID          string   `toml:"id"`
	Description string   `toml:"description"`
	Regex       string   `toml:"regex"`
	SecretGroup int      `toml:"secret_group"`
	Keywords    []string `toml:"keywords"`
	Entropy     float64  `toml:"entropy"`
	Path        string   `toml:"path"`
	Severity    string   `toml:"severity"`
	Tags        []string `toml:"tags"`
	// Detector names a built-in structure-aware detector instead of a regex.
	Detector string `toml:"detector"`
	// Examples must be found by the rule; Negatives must not.
	Examples  []string `toml:"examples"`
	Negatives []string `toml:"negatives"`
	// ExamplePath is the file path under which examples are scanned (default
	// "example.txt"), for rules and detectors that depend on the file type.
	ExamplePath string `toml:"example_path"`
	// Allowlists apply to this rule only.
	Allowlists []allowlist.Spec `toml:"allowlists"`

	line int // line of the rule's id in its file, for error messages
}

// Line returns the line of the rule's id in the file it came from (0 if unknown).
func (r *RuleSpec) Line() int { return r.line }

var severities = []string{"critical", "high", "medium", "low", "info"}

// ConfigError is an error in a config file, located by file, line and rule.
type ConfigError struct {
	File string
	Line int
	Rule string
	Err  error
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Rule != "" {
		fmt.Fprintf(&b, ": rule %q", e.Rule)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ParseConfig reads a config from data; name is used in error messages. It checks
// the schema (unknown keys, missing ids, duplicate ids, bad severities) but does not
// compile regexes: see Validate.
func ParseConfig(name string, data []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return nil, tomlError(name, err)
	}
	c.Source = name
	lines := idLines(data)
	for i := range c.Rules {
		r := &c.Rules[i]
		if n, ok := lines[r.ID]; ok {
			r.line = n
		}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		ce := &ConfigError{File: name, Err: fmt.Errorf("unknown key %q", k.String())}
		if len(k) >= 1 && k[0] == "rules" {
			// Undecoded keys inside array tables carry no index; find the line.
			ce.Line = keyLine(data, k[len(k)-1])
		}
		return nil, ce
	}
	seen := map[string]bool{}
	for i := range c.Rules {
		r := &c.Rules[i]
		fail := func(format string, args ...any) error {
			return &ConfigError{File: name, Line: r.line, Rule: r.ID, Err: fmt.Errorf(format, args...)}
		}
		switch {
		case r.ID == "":
			return nil, &ConfigError{File: name, Err: fmt.Errorf("rule #%d has no id", i+1)}
		case seen[r.ID]:
			return nil, fail("duplicate rule id")
		case r.Regex == "" && r.Detector == "" && len(r.Allowlists) == 0:
			return nil, fail("a rule needs a regex or a detector")
		case r.Regex != "" && r.Detector != "":
			return nil, fail("a rule has a regex or a detector, not both")
		case r.SecretGroup < 0:
			return nil, fail("secret_group must be 0 or more")
		case r.Entropy < 0 || r.Entropy > 8:
			return nil, fail("entropy must be between 0 and 8 bits per byte")
		}
		seen[r.ID] = true
		if r.Severity == "" {
			r.Severity = "medium"
		}
		r.Severity = strings.ToLower(r.Severity)
		if !slices.Contains(severities, r.Severity) {
			return nil, fail("severity %q is not one of %s", r.Severity, strings.Join(severities, ", "))
		}
		for j, kw := range r.Keywords {
			if strings.TrimSpace(kw) == "" {
				return nil, fail("keyword #%d is empty", j+1)
			}
			r.Keywords[j] = strings.ToLower(kw)
		}
		if r.Detector != "" && !knownDetector(r.Detector) {
			return nil, fail("unknown detector %q", r.Detector)
		}
	}
	return &c, nil
}

// tomlError turns a TOML syntax error into a ConfigError with its line. The
// parser's message may quote the text it choked on, which can be a secret (a
// rule example, a key): quoted text is left out.
func tomlError(name string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &ConfigError{File: name, Line: pe.Position.Line, Err: errors.New(unquote(pe.Message))}
	}
	return &ConfigError{File: name, Err: errors.New(unquote(err.Error()))}
}

var quotedRe = lazyRegexp(`"(?:[^"\\]|\\.)*"|'[^']*'`)

// unquote replaces quoted text in a message with "…".
func unquote(msg string) string {
	return quotedRe().ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) <= 3 {
			return q // a quoted delimiter such as "]" explains the error
		}
		return `"…"`
	})
}

// Validate compiles every regex of the config and checks secret groups, so that a
// user's mistake is reported at start-up with its file, line and rule id. The
// embedded default is validated by the test suite instead, so that start-up
// compiles only the rules a scan needs.
func (c *Config) Validate() error {
	for i := range c.Rules {
		r := &c.Rules[i]
		fail := func(err error) error {
			return &ConfigError{File: c.Source, Line: r.line, Rule: r.ID, Err: err}
		}
		if r.Regex != "" {
			// Go's parser takes RE2 syntax too and reports errors without the
			// native library's log line on stderr.
			if _, err := syntax.Parse(r.Regex, syntax.Perl); err != nil {
				return fail(fmt.Errorf("regex: %v", err))
			}
			re, err := re2.Compile(r.Regex)
			if err != nil {
				return fail(fmt.Errorf("regex: %v", err))
			}
			if r.SecretGroup > re.NumSubexp() {
				return fail(fmt.Errorf("secret_group %d but the regex has %d groups", r.SecretGroup, re.NumSubexp()))
			}
		}
		if r.Path != "" {
			if _, err := syntax.Parse(r.Path, syntax.Perl); err != nil {
				return fail(fmt.Errorf("path: %v", err))
			}
			if _, err := re2.Compile(r.Path); err != nil {
				return fail(fmt.Errorf("path: %v", err))
			}
		}
	}
	return nil
}

// CompileAllowlists compiles the config's allowlists: the global ones, then
// each rule's. Errors name the config file, the rule and the allowlist.
func (c *Config) CompileAllowlists() (global *allowlist.List, perRule map[string]*allowlist.List, err error) {
	global, err = allowlist.Compile(c.Allowlists, c.Source)
	if err != nil {
		return nil, nil, &ConfigError{File: c.Source, Err: stripSource(err)}
	}
	perRule = map[string]*allowlist.List{}
	for i := range c.Rules {
		r := &c.Rules[i]
		if len(r.Allowlists) == 0 {
			continue
		}
		for j, a := range r.Allowlists {
			if len(a.TargetRules) > 0 {
				return nil, nil, &ConfigError{File: c.Source, Line: r.line, Rule: r.ID, Err: fmt.Errorf("allowlist #%d: target_rules has no meaning in a rule's own allowlist", j+1)}
			}
		}
		l, err := allowlist.Compile(r.Allowlists, fmt.Sprintf("%s rule %q", c.Source, r.ID))
		if err != nil {
			return nil, nil, &ConfigError{File: c.Source, Line: r.line, Rule: r.ID, Err: stripSource(err)}
		}
		perRule[r.ID] = l
	}
	return global, perRule, nil
}

// UseDefaultAllowlist says whether the built-in allowlist applies.
func (c *Config) UseDefaultAllowlist() bool {
	return c.Extend.DefaultAllowlist == nil || *c.Extend.DefaultAllowlist
}

// stripSource drops the file name from an allowlist error that a ConfigError
// names already.
func stripSource(err error) error {
	var se *allowlist.SpecError
	if errors.As(err, &se) {
		cp := *se
		cp.Source = ""
		return &cp
	}
	return err
}

// LoadConfigFile reads a user config from file and combines it with the default
// as its [extend] section says.
func LoadConfigFile(file string) (*Config, error) {
	data, err := safefile.ReadFile(file, maxConfigSize)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	var user *Config
	if IsGitleaksConfig(file, data) {
		user, err = ParseGitleaksConfig(file, data)
	} else {
		user, err = ParseConfig(file, data)
	}
	if err != nil {
		return nil, err
	}
	if err := user.Validate(); err != nil {
		return nil, err
	}
	if _, _, err := user.CompileAllowlists(); err != nil {
		return nil, err
	}
	if !user.Extend.Default {
		if len(user.Rules) == 0 {
			return nil, &ConfigError{File: file, Err: errors.New("no rules: add [[rules]] or set [extend] default = true")}
		}
		for _, r := range user.Rules {
			if r.Regex == "" && r.Detector == "" {
				return nil, &ConfigError{File: file, Line: r.line, Rule: r.ID, Err: errors.New("a rule needs a regex or a detector (a rule with only allowlists amends a default rule, which needs [extend] default = true)")}
			}
		}
		return user, nil
	}
	def, err := DefaultConfig()
	if err != nil {
		return nil, err
	}
	return Merge(def, user)
}

// Merge returns base extended by user: user rules replace base rules of the same
// id, other user rules are appended, and rules listed in user's disabled_rules are
// dropped.
func Merge(base, user *Config) (*Config, error) {
	out := &Config{
		Title:          user.Title,
		FingerprintKey: cmpOr(user.FingerprintKey, base.FingerprintKey),
		Source:         user.Source,
		Extend:         user.Extend,
		Allowlists:     append(slices.Clone(base.Allowlists), user.Allowlists...),
	}
	known := map[string]bool{}
	for _, r := range base.Rules {
		known[r.ID] = true
	}
	disabled := map[string]bool{}
	for _, id := range user.Extend.DisabledRules {
		if !known[id] && !user.gitleaks {
			return nil, &ConfigError{File: user.Source, Err: fmt.Errorf("disabled_rules names %q, which the default rule set does not have", id)}
		}
		disabled[id] = true
	}
	override := map[string]RuleSpec{}
	for _, r := range user.Rules {
		override[r.ID] = r
	}
	for _, r := range base.Rules {
		if disabled[r.ID] {
			continue
		}
		if u, ok := override[r.ID]; ok {
			delete(override, r.ID)
			if u.Regex == "" && u.Detector == "" {
				// Only allowlists: they amend the default rule.
				r.Allowlists = append(slices.Clone(r.Allowlists), u.Allowlists...)
				out.Rules = append(out.Rules, r)
				continue
			}
			out.Rules = append(out.Rules, u)
			continue
		}
		out.Rules = append(out.Rules, r)
	}
	for _, r := range user.Rules {
		if _, ok := override[r.ID]; ok {
			if r.Regex == "" && r.Detector == "" {
				if user.gitleaks {
					// A gitleaks rule id we do not have: its allowlists still
					// apply to any rule of that id, which is none.
					continue
				}
				return nil, &ConfigError{File: user.Source, Line: r.line, Rule: r.ID, Err: errors.New("a rule with only allowlists must name a default rule")}
			}
			out.Rules = append(out.Rules, r)
		}
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var idLineRe = lazyRegexp(`(?m)^\s*id\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// idLines maps each rule id to the line its `id = ...` stands on, in one pass.
func idLines(data []byte) map[string]int {
	out := map[string]int{}
	line, last := 1, 0
	for _, m := range idLineRe().FindAllSubmatchIndex(data, -1) {
		line += bytes.Count(data[last:m[0]], []byte{'\n'})
		last = m[0]
		var id string
		if m[2] >= 0 {
			id = string(data[m[2]:m[3]])
		} else {
			id = string(data[m[4]:m[5]])
		}
		if _, dup := out[id]; !dup {
			out[id] = line
		}
	}
	return out
}

// keyLine returns the first line on which key is assigned, or 0.
func keyLine(data []byte, key string) int {
	re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(key) + `\s*=`)
	loc := re.FindIndex(data)
	if loc == nil {
		return 0
	}
	return 1 + strings.Count(string(data[:loc[0]]), "\n")
}
