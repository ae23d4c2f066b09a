package detectors

import (
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
