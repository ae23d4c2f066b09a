package detectors

import (
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/wasilibs/go-re2"
)

func defaultConfig(t testing.TB) *Config {
	t.Helper()
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestDefaultRulesValid compiles every default rule: the default set is not
// validated at start-up, so this test is what keeps it valid.
func TestDefaultRulesValid(t *testing.T) {
	cfg := defaultConfig(t)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, r := range cfg.Rules {
		if r.Description == "" {
			t.Errorf("rule %s: no description", r.ID)
		}
		if len(r.Examples) == 0 {
			t.Errorf("rule %s: no examples", r.ID)
		}
		if len(r.Negatives) == 0 {
			t.Errorf("rule %s: no negative examples", r.ID)
		}
		if r.Regex != "" && len(r.Keywords) == 0 {
			t.Errorf("rule %s: a regex rule needs keywords for the prefilter", r.ID)
		}
		if r.Regex != "" {
			re := re2.MustCompile(r.Regex)
			// Every keyword must be able to occur in a match, or it prefilters nothing useful.
			for _, ex := range r.Examples {
				if m := re.FindString(ex); m != "" {
					lm := strings.ToLower(m)
					found := false
					for _, kw := range r.Keywords {
						if strings.Contains(lm, kw) {
							found = true
						}
					}
					if !found {
						t.Errorf("rule %s: example match %q holds none of the keywords %q", r.ID, m, r.Keywords)
					}
				}
			}
		}
	}
}

func examplePath(r *RuleSpec) string {
	if r.ExamplePath != "" {
		return r.ExamplePath
	}
	return "example.txt"
}

// TestRuleExamples runs each rule alone over its examples and negatives, then the
// whole default engine over the examples, so that the keyword prefilter is shown to
// keep every positive example.
func TestRuleExamples(t *testing.T) {
	cfg := defaultConfig(t)
	full, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Rules {
		r := cfg.Rules[i]
		t.Run(r.ID, func(t *testing.T) {
			one, err := NewEngine(&Config{Rules: []RuleSpec{r}})
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range r.Examples {
				fs, err := one.Scan(examplePath(&r), []byte(ex))
				if err != nil {
					t.Fatal(err)
				}
				if !hasRule(fs, r.ID) {
					t.Errorf("example not found: %q", ex)
				}
				if !prefilterKeeps(full, r.ID, []byte(ex)) {
					t.Errorf("prefilter drops rule for example %q", ex)
				}
				fs, err = full.Scan(examplePath(&r), []byte(ex))
				if err != nil {
					t.Fatal(err)
				}
				if len(fs) == 0 {
					t.Errorf("default engine finds nothing in example %q", ex)
				}
			}
			for _, neg := range r.Negatives {
				fs, err := one.Scan(examplePath(&r), []byte(neg))
				if err != nil {
					t.Fatal(err)
				}
				if hasRule(fs, r.ID) {
					t.Errorf("negative example matched: %q", neg)
				}
			}
		})
	}
}

func hasRule(fs []Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

func prefilterKeeps(e *Engine, id string, data []byte) bool {
	for i, r := range e.rules {
		if r.spec.ID != id {
			continue
		}
		if r.spec.Detector != "" {
			return true
		}
		for _, c := range e.candidates(data) {
			if c == i {
				return true
			}
		}
		return false
	}
	return false
}

// TestSpecificRulesDoNotOverlap scans every example with the whole default engine:
// two non-generic regex rules reporting overlapping secrets would show the user one
// secret twice under two names. A rule that is a fallback for others must be tagged
// generic, so that the specific rule wins.
func TestSpecificRulesDoNotOverlap(t *testing.T) {
	cfg := defaultConfig(t)
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		for _, ex := range r.Examples {
			fs, err := e.Scan(examplePath(r), []byte(ex))
			if err != nil {
				t.Fatal(err)
			}
			for a := range fs {
				for b := a + 1; b < len(fs); b++ {
					x, y := &fs[a], &fs[b]
					if x.Rank < 2 || y.Rank < 2 || x.Detector != "regex" || y.Detector != "regex" || x.RuleID == y.RuleID {
						continue
					}
					if x.Start < y.End && y.Start < x.End {
						t.Errorf("example of %s: rules %s and %s report overlapping secrets %q and %q", r.ID, x.RuleID, y.RuleID, x.Secret, y.Secret)
					}
				}
			}
		}
	}
}

// leadingLazyClass matches a regex that opens with a lazily repeated character class,
// such as [\w.-]{0,50}?name: RE2 then tries the class at every position of the file,
// which took half of all confirm time in measurements (see PERF-NOTES.md).
var leadingLazyClass = regexp.MustCompile(`^(?:\(\?[a-zA-Z]+\))?\(?(?:\[[^\]]*\]|\\[wWsSdD.]|\.)(?:\{\d*,\d*\}|[*+])\?`)

// TestRuleRegexShapes keeps rule regexes cheap and anchored: no leading lazy class
// prefix, and no open-ended repetition of a class that holds letters (.*, [\w-]+, \S{8,})
// outside the private-key block rules, whose bodies are several kilobytes long.
func TestRuleRegexShapes(t *testing.T) {
	cfg := defaultConfig(t)
	for _, r := range cfg.Rules {
		if r.Regex == "" {
			continue
		}
		if leadingLazyClass.MatchString(r.Regex) {
			t.Errorf("rule %s: regex starts with a lazily repeated class; anchor it at a literal or keyword", r.ID)
		}
		re, err := syntax.Parse(r.Regex, syntax.Perl)
		if err != nil {
			continue // TestDefaultRulesValid reports RE2-only syntax
		}
		if s := bigCount(re); s != "" {
			t.Errorf("rule %s: counted repetition %s: RE2 expands the count into as many program steps, which is slow; use {m,} after a literal prefix", r.ID, s)
		}
		if slices.Contains(r.Tags, "private-key") || literalPrefix(re) {
			continue
		}
		if s := openEndedLetters(re); s != "" {
			t.Errorf("rule %s: open-ended repetition %s without a literal prefix; bound it ({m,n}) or anchor the regex at a literal", r.ID, s)
		}
	}
}

// bigCount returns the first counted repetition with an upper bound over 256.
func bigCount(re *syntax.Regexp) string {
	if re.Op == syntax.OpRepeat && re.Max > 256 {
		return re.String()
	}
	for _, s := range re.Sub {
		if x := bigCount(s); x != "" {
			return x
		}
	}
	return ""
}

// literalPrefix reports whether every match starts with a literal of two or
// more bytes (a token prefix such as "eyJ" or "PuTTY-User-Key-File-"), which
// RE2 finds quickly and which bounds where a match can start.
func literalPrefix(re *syntax.Regexp) bool {
	for {
		switch re.Op {
		case syntax.OpCapture:
			re = re.Sub[0]
			continue
		case syntax.OpConcat:
			// Skip leading boundaries: \b, ^, or a one-character delimiter
			// alternation such as (?:^|[^A-Za-z0-9]).
			i := 0
			for i < len(re.Sub) && boundaryLike(re.Sub[i]) {
				i++
			}
			if i == len(re.Sub) {
				return false
			}
			re = re.Sub[i]
			continue
		case syntax.OpLiteral:
			return len(re.Rune) >= 2
		case syntax.OpAlternate:
			for _, sub := range re.Sub {
				if !literalPrefix(sub) {
					return false
				}
			}
			return true
		}
		return false
	}
}

func boundaryLike(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpBeginLine, syntax.OpBeginText:
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !boundaryLike(s) && s.Op != syntax.OpCharClass {
				return false
			}
		}
		return true
	}
	return false
}

// openEndedLetters returns the first *, + or {n,} in re whose operand matches an
// ASCII letter, or "".
func openEndedLetters(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		if re.Op != syntax.OpRepeat || re.Max == -1 {
			sub := re.Sub[0]
			if matchesLetter(sub) {
				return re.String()
			}
		}
	}
	for _, s := range re.Sub {
		if x := openEndedLetters(s); x != "" {
			return x
		}
	}
	return ""
}

func matchesLetter(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= 'z' && re.Rune[i+1] >= 'A' {
				return true
			}
		}
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			if c >= 'A' && c <= 'z' {
				return true
			}
		}
	case syntax.OpCapture, syntax.OpConcat, syntax.OpAlternate:
		for _, s := range re.Sub {
			if matchesLetter(s) {
				return true
			}
		}
	}
	return false
}

// TestDefaultRulesGenerated checks that default_rules.go, the rules start-up
// uses, is patterns.toml parsed: run `go generate ./detectors` after editing
// patterns.toml.
func TestDefaultRulesGenerated(t *testing.T) {
	want, err := ParseConfig("patterns.toml", DefaultPatterns())
	if err != nil {
		t.Fatal(err)
	}
	got := defaultConfig(t)
	want.Source = got.Source
	for i := range want.Rules {
		want.Rules[i].line = 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("detectors/default_rules.go is out of date: run `go generate ./detectors`")
	}
}
