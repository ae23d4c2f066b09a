package allowlist

// Filter applies every filter to a candidate, in a fixed order: allowlists
// (global, then the candidate's rule's), inline markers, ignore files, then
// the baseline. The first that suppresses the candidate decides. A Filter is
// safe for concurrent use once built (and while its Baseline is not being
// changed); the zero Filter suppresses nothing.
type Filter struct {
	// Allowlists apply to every candidate, in order: typically the user
	// config's top-level allowlists, then Default().
	Allowlists []*List
	// RuleAllowlists are the allowlists of each rule, by rule id.
	RuleAllowlists map[string]*List
	// Inline honours inline markers (see InlineAllowed and AllowsNextLine),
	// using Candidate.Line and Candidate.PrevLine.
	Inline bool
	// Ignores are parsed .secretsweepignore and .gitleaksignore files.
	Ignores []*IgnoreFile
	// Baseline, if set, suppresses known findings.
	Baseline *Baseline
}

// Check reports whether c is suppressed, and by what. Ignore files and the
// baseline need c.Fingerprint.
func (f *Filter) Check(c Candidate) (Verdict, bool) {
	if f == nil {
		return Verdict{}, false
	}
	for _, l := range f.Allowlists {
		if v, ok := l.Match(c); ok {
			return v, true
		}
	}
	if v, ok := f.RuleAllowlists[c.Rule].Match(c); ok {
		return v, true
	}
	if f.Inline {
		if v, ok := Inline(c.Line, c.PrevLine); ok {
			return v, true
		}
	}
	for _, ig := range f.Ignores {
		if v, ok := ig.Match(c.Fingerprint, c.Path, c.Rule, c.Commit); ok {
			return v, true
		}
	}
	return f.Baseline.Match(c.Fingerprint, c.Path, c.Rule)
}
