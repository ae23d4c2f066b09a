package allowlist

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"

	"github.com/wasilibs/go-re2"
)

// Spec is one allowlist as written in TOML, at the top level of a config
// ([[allowlists]]) or inside a rule ([[rules.allowlists]]):
//
//	[[allowlists]]
//	description = "test fixtures"
//	globs = ["fixtures/**", "**/testdata/**"]
//	paths = ['''(^|/)test_[^/]*\.py$''']
//	regexes = ['''^dummy''']
//	regex_target = "secret"   # or "match", "line"
//	stopwords = ["example"]
//	commits = ["5692c94"]
//	condition = "or"          # or "and"
//	target_rules = ["hardcoded-password"]
//
// Each non-empty field of Commits, Paths, Globs, Regexes and Stopwords is one
// criterion; a criterion holds when any of its entries matches. With condition
// "or" (the default) one criterion that holds suppresses the candidate; with
// "and" every listed criterion must hold (so paths and globs listed together
// must both match). TargetRules is not a criterion but a scope: when set, the
// allowlist applies only to candidates of those rule ids.
type Spec struct {
	// Description is free text, shown in verdicts and errors.
	Description string `toml:"description"`
	// Condition is "or" (default) or "and", in any case.
	Condition string `toml:"condition"`
	// Commits are full or abbreviated (at least 4 hex digits) commit ids;
	// a candidate matches when its commit starts with one of them. Candidates
	// without a commit (directory, stdin and staged scans) never match.
	Commits []string `toml:"commits"`
	// Paths are RE2 regexes, unanchored, matched against the candidate's path.
	Paths []string `toml:"paths"`
	// Globs are gitignore-style patterns matched against the path (see Glob).
	Globs []string `toml:"globs"`
	// Regexes are RE2 regexes, unanchored, matched against RegexTarget.
	Regexes []string `toml:"regexes"`
	// RegexTarget is what Regexes match: "secret" (default), "match" (the
	// rule's whole match) or "line" (the finding's line).
	RegexTarget string `toml:"regex_target"`
	// Stopwords are case-insensitive substrings of the secret.
	Stopwords []string `toml:"stopwords"`
	// TargetRules, when set, limits the allowlist to these rule ids.
	TargetRules []string `toml:"target_rules"`
}

// SpecError is an error in an allowlist: which list (Source), which
// allowlist (1-based Index and its Description), which field and which entry
// of the field (1-based Item, 0 for the field as a whole).
type SpecError struct {
	Source      string
	Index       int
	Description string
	Field       string
	Item        int
	Err         error
}

func (e *SpecError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "allowlist #%d", e.Index)
	if e.Description != "" {
		fmt.Fprintf(&b, " (%s)", e.Description)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
		if e.Item > 0 {
			fmt.Fprintf(&b, " #%d", e.Item)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *SpecError) Unwrap() error { return e.Err }

// List is a compiled set of allowlists. It is immutable and safe for
// concurrent use. The nil *List matches nothing.
type List struct {
	source string
	lists  []compiled
}

type compiled struct {
	name      string          // "<source> allowlist #N (description)"
	and       bool            // condition = "and"
	rules     map[string]bool // nil: every rule
	commits   []string        // lower case
	paths     []namedRE
	globs     []Glob
	regexes   []namedRE
	target    string   // "secret", "match" or "line"
	stopwords []string // lower case
	words     []string // stopwords as written, for verdicts
}

type namedRE struct {
	text string
	re   *re2.Regexp
}

// Compile checks and compiles specs. source names where they came from
// (".secretsweep.toml", `.secretsweep.toml rule "x"`, "built-in default") and
// starts every verdict and error. Each regex is compiled once, here.
func Compile(specs []Spec, source string) (*List, error) {
	l := &List{source: source, lists: make([]compiled, 0, len(specs))}
	for i, s := range specs {
		c, err := compileSpec(s, source, i+1)
		if err != nil {
			return nil, err
		}
		l.lists = append(l.lists, c)
	}
	return l, nil
}

// Len returns the number of allowlists in l.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.lists)
}

func compileSpec(s Spec, source string, index int) (compiled, error) {
	fail := func(field string, item int, err error) error {
		return &SpecError{Source: source, Index: index, Description: s.Description, Field: field, Item: item, Err: err}
	}
	c := compiled{name: fmt.Sprintf("allowlist #%d", index)}
	if source != "" {
		c.name = source + " " + c.name
	}
	if s.Description != "" {
		c.name += " (" + s.Description + ")"
	}
	switch strings.ToLower(s.Condition) {
	case "", "or":
	case "and":
		c.and = true
	default:
		return c, fail("condition", 0, fmt.Errorf("%q is not \"or\" or \"and\"", s.Condition))
	}
	switch t := strings.ToLower(s.RegexTarget); t {
	case "":
		c.target = "secret"
	case "secret", "match", "line":
		c.target = t
	default:
		return c, fail("regex_target", 0, fmt.Errorf("%q is not \"secret\", \"match\" or \"line\"", s.RegexTarget))
	}
	if len(s.Commits)+len(s.Paths)+len(s.Globs)+len(s.Regexes)+len(s.Stopwords) == 0 {
		return c, fail("", 0, errors.New("no criteria: give commits, paths, globs, regexes or stopwords"))
	}
	for i, r := range s.TargetRules {
		if strings.TrimSpace(r) == "" {
			return c, fail("target_rules", i+1, errors.New("empty rule id"))
		}
		if c.rules == nil {
			c.rules = map[string]bool{}
		}
		c.rules[r] = true
	}
	for i, id := range s.Commits {
		if !isHex(id) || len(id) < 4 || len(id) > 64 {
			return c, fail("commits", i+1, fmt.Errorf("%q is not a commit id (4 to 64 hex digits)", id))
		}
		c.commits = append(c.commits, strings.ToLower(id))
	}
	for i, p := range s.Paths {
		re, err := compileRE(p)
		if err != nil {
			return c, fail("paths", i+1, err)
		}
		c.paths = append(c.paths, namedRE{p, re})
	}
	for i, p := range s.Globs {
		g, err := ParseGlob(p)
		if err != nil {
			return c, fail("globs", i+1, fmt.Errorf("%q: %w", p, err))
		}
		c.globs = append(c.globs, g)
	}
	for i, p := range s.Regexes {
		re, err := compileRE(p)
		if err != nil {
			return c, fail("regexes", i+1, err)
		}
		c.regexes = append(c.regexes, namedRE{p, re})
	}
	for i, w := range s.Stopwords {
		if w == "" {
			return c, fail("stopwords", i+1, errors.New("empty stopword"))
		}
		c.stopwords = append(c.stopwords, strings.ToLower(w))
		c.words = append(c.words, w)
	}
	return c, nil
}

// compileRE compiles an RE2 regex. Go's parser checks the syntax first: it
// takes RE2 syntax and reports errors without the native library's log line.
func compileRE(expr string) (*re2.Regexp, error) {
	if expr == "" {
		return nil, errors.New("empty regex")
	}
	if _, err := syntax.Parse(expr, syntax.Perl); err != nil {
		return nil, err
	}
	return re2.Compile(expr)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Match reports whether an allowlist of l suppresses c, and names the first
// one that does (in the order of the specs) and what in it decided: with
// condition "or" the first criterion that holds, in the order commits, paths,
// globs, regexes, stopwords; with "and" each criterion's deciding entry,
// joined by " and ".
func (l *List) Match(c Candidate) (Verdict, bool) {
	if l == nil {
		return Verdict{}, false
	}
	lowSecret := "" // computed once, when a stopword needs it
	for i := range l.lists {
		a := &l.lists[i]
		if a.rules != nil && !a.rules[c.Rule] {
			continue
		}
		if why, ok := a.match(c, &lowSecret); ok {
			return Verdict{Kind: KindAllowlist, Source: a.name + ": " + why}, true
		}
	}
	return Verdict{}, false
}

// The criteria, in the order they are tried.
const (
	critCommits = iota
	critPaths
	critGlobs
	critRegexes
	critStopwords
	numCriteria
)

// match applies the allowlist's criteria under its condition.
func (a *compiled) match(c Candidate, lowSecret *string) (string, bool) {
	var why []string // for "and"
	for k := range numCriteria {
		var reason string
		var ok bool
		switch k {
		case critCommits:
			if len(a.commits) == 0 {
				continue
			}
			reason, ok = a.matchCommit(c.Commit)
		case critPaths:
			if len(a.paths) == 0 {
				continue
			}
			reason, ok = a.matchPath(c.Path)
		case critGlobs:
			if len(a.globs) == 0 {
				continue
			}
			reason, ok = a.matchGlob(c.Path)
		case critRegexes:
			if len(a.regexes) == 0 {
				continue
			}
			reason, ok = a.matchRegex(c)
		case critStopwords:
			if len(a.stopwords) == 0 {
				continue
			}
			if *lowSecret == "" {
				*lowSecret = strings.ToLower(c.Secret)
			}
			reason, ok = a.matchStopword(*lowSecret)
		}
		switch {
		case ok && !a.and:
			return reason, true
		case !ok && a.and:
			return "", false
		case ok:
			why = append(why, reason)
		}
	}
	return strings.Join(why, " and "), len(why) > 0
}

func (a *compiled) matchCommit(commit string) (string, bool) {
	if commit == "" {
		return "", false
	}
	commit = strings.ToLower(commit)
	for _, id := range a.commits {
		if strings.HasPrefix(commit, id) {
			return "commit " + id, true
		}
	}
	return "", false
}

func (a *compiled) matchPath(path string) (string, bool) {
	path = cleanPath(path)
	if path == "" {
		return "", false
	}
	for _, p := range a.paths {
		if p.re.MatchString(path) {
			return "path regex " + p.text, true
		}
	}
	return "", false
}

func (a *compiled) matchGlob(path string) (string, bool) {
	for _, g := range a.globs {
		if g.Match(path) {
			return "glob " + g.text, true
		}
	}
	return "", false
}

func (a *compiled) matchRegex(c Candidate) (string, bool) {
	var text string
	switch a.target {
	case "secret":
		text = c.Secret
	case "match":
		text = c.Match
		if text == "" {
			text = c.Secret
		}
	case "line":
		text = c.Line
	}
	if text == "" {
		return "", false
	}
	for _, r := range a.regexes {
		if r.re.MatchString(text) {
			return a.target + " regex " + r.text, true
		}
	}
	return "", false
}

func (a *compiled) matchStopword(lowSecret string) (string, bool) {
	if lowSecret == "" {
		return "", false
	}
	for i, w := range a.stopwords {
		if strings.Contains(lowSecret, w) {
			return fmt.Sprintf("stopword %q", a.words[i]), true
		}
	}
	return "", false
}
