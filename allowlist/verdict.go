package allowlist

// The kinds of Verdict, one for each filter.
const (
	KindAllowlist = "allowlist" // an [[allowlists]] entry of a config, or the built-in default
	KindInline    = "inline"    // a marker comment on the finding's line or the line above
	KindIgnore    = "ignore"    // an entry of .secretsweepignore or .gitleaksignore
	KindBaseline  = "baseline"  // an entry of a baseline file
)

// Verdict says that a candidate is suppressed and what decided it.
type Verdict struct {
	// Kind is KindAllowlist, KindInline, KindIgnore or KindBaseline.
	Kind string
	// Source names exactly what decided, for --explain; for example
	// `.secretsweep.toml allowlist #2 (test fixtures): glob fixtures/**`,
	// `.secretsweepignore:3: fingerprint 6458a8c7e1f2… (reason: test key)` or
	// `inline marker "secretsweep:allow" on the finding's line`. It never holds
	// the secret.
	Source string
}

// String returns "kind: source".
func (v Verdict) String() string { return v.Kind + ": " + v.Source }

// Candidate is what the filters look at: a finding before it is reported.
// Paths are relative to the scanned root with '/' separators, as in reports.
type Candidate struct {
	Rule   string // rule id
	Path   string // file path; "" when the input has none
	Secret string // the secret, unredacted
	Match  string // the whole text the rule matched; "" means the same as Secret
	Line   string // the text of the finding's (first) line, without its newline
	Commit string // full commit id for git sources, else ""

	// Used by Filter only.
	PrevLine    string // the text of the line above the finding's line ("" on line 1)
	Fingerprint string // report.Fingerprint of (Rule, Secret)
}
