// Package allowlist decides which candidate findings are not reported, and
// says why. It holds the four filters of a scan, applied in this order:
//
//   - allowlists: [[allowlists]] tables of a config, global or per rule, and
//     the built-in Python-noise allowlist (Spec, Compile, List, Default);
//   - inline markers: "secretsweep:allow" in a comment on the finding's line,
//     "secretsweep:allow-next-line" on the line above, and the markers of
//     gitleaks and detect-secrets (InlineAllowed, AllowsNextLine, Inline);
//   - ignore files: fingerprints in .secretsweepignore, gitleaks fingerprints
//     in .gitleaksignore (ParseIgnore, ParseGitleaksIgnore, IgnoreFile);
//   - the baseline: known findings, written as deterministic JSON (Baseline).
//
// Every filter answers with a Verdict naming exactly what decided — the
// allowlist and its glob, regex, stopword or commit; the marker; the ignore
// file and line; the baseline entry — for --explain. Filter runs all four.
//
// # What it does not do
//
// It does not read files or configs by itself: callers open the files and
// decode TOML (Spec carries the toml tags of [[allowlists]]), and pass paths
// relative to the scanned root with '/' separators. It does not compute
// fingerprints (report.Fingerprint does; ignore files and baselines store
// them, so they survive line moves and redaction, and hold no secret). It
// never prints, and its errors never quote a secret.
//
// # Using it
//
//	global, err := allowlist.Compile(cfg.Allowlists, ".secretsweep.toml")
//	def, err := allowlist.Default()
//	perRule := map[string]*allowlist.List{}
//	for _, r := range cfg.Rules { // source names the rule in verdicts
//		perRule[r.ID], err = allowlist.Compile(r.Allowlists, fmt.Sprintf(".secretsweep.toml rule %q", r.ID))
//	}
//	ign, err := allowlist.ParseIgnore(".secretsweepignore", f1)
//	gl, err := allowlist.ParseGitleaksIgnore(".gitleaksignore", f2)
//	bl, err := allowlist.ReadBaseline("baseline.json", f3)
//	filter := &allowlist.Filter{Allowlists: []*allowlist.List{global, def},
//		RuleAllowlists: perRule, Inline: true, Ignores: []*allowlist.IgnoreFile{ign, gl}, Baseline: bl}
//	if v, ok := filter.Check(candidate); ok { /* dropped: v.Kind, v.Source */ }
//
// Compile's errors are *SpecError (source, allowlist index and description,
// field and entry); the parsers' errors are *ParseError (file and line).
//
// # Choices
//
// Allowlists: with condition "or" any criterion suppresses; with "and" each
// non-empty field (commits, paths, globs, regexes, stopwords) is a criterion
// and all must hold. An allowlist without criteria is an error, so that "and"
// can never allow everything. Globs are gitignore-style (see Glob).
//
// Inline markers count only after a comment opener (see the Marker
// constants), so a secret that contains a marker does not allow itself.
//
// Ignore files: a .secretsweepignore entry is a fingerprint, optionally
// limited to a path glob. A .gitleaksignore entry matches on file, rule and
// commit but not its line number, so that edits above a finding do not
// revive it.
//
// Baseline: an entry matches by fingerprint (which covers rule and secret),
// wherever the finding now is; paths are recorded for people only. Entries
// are sorted by path, rule and fingerprint and hold no line, time or secret,
// so regenerating a baseline on an unchanged tree gives identical bytes:
//
//	{
//	  "version": 1,
//	  "fingerprint_key_hint": "root commit 5692c942646a",
//	  "entries": [
//	    {"fingerprint":"579f…","rule":"aws-access-key-id","path":"app/settings.py","verdict":"","reason":""},
//	    {"fingerprint":"92a3…","rule":"hardcoded-password","path":"tests/test_login.py","verdict":"false-positive","reason":"fixture"}
//	  ]
//	}
//
// One entry a line keeps diffs and merges of baselines readable. To
// regenerate: NewBaseline from the findings, MergeAudits(old) to keep audit
// verdicts, Write. Fingerprints depend on the fingerprint key, so a baseline
// (and an ignore file) only matches scans made with the same key; KeyHint
// records which key was used, never the key itself.
//
// Candidates: Line is the text of the finding's first line in the file as
// scanned (for a notebook, the line of the .ipynb), PrevLine the line above;
// inline markers are looked for there only.
//
// # Cost and concurrency
//
// Compile compiles each regex once (RE2, linear time). Matching a candidate
// costs at most one regex or glob match per allowlist entry, one map lookup
// per ignore file and baseline, and one scan of the line for markers. List, IgnoreFile and a compiled Filter
// are immutable and safe for concurrent use; a Baseline is too, except
// while Prune, SetVerdict or MergeAudits change it. The package has no
// mutable globals.
package allowlist
