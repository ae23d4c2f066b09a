package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/internal/safefile"
	"github.com/secretsweep/secretsweep/report"
	"github.com/secretsweep/secretsweep/scan"
)

// Caps on the files a scan reads from the repository it scans.
const (
	maxIgnoreSize   = 16 << 20
	maxBaselineSize = 256 << 20
)

// Names of the ignore files read at the scanned root.
const (
	ignoreFile         = ".secretsweepignore"
	gitleaksIgnoreFile = ".gitleaksignore"
)

// suppression is everything that silences findings in one scan: the compiled
// allowlists, inline markers, ignore files and baseline, plus the scan's own
// ignore and baseline files, which are never reported.
type suppression struct {
	filter *allowlist.Filter
	own    map[string]bool // paths relative to the scanned root
}

// newSuppression builds the filters for a scan of root with cfg.
func newSuppression(cfg *detectors.Config, o *options, root string) (*suppression, error) {
	global, perRule, err := cfg.CompileAllowlists()
	if err != nil {
		return nil, err
	}
	f := &allowlist.Filter{RuleAllowlists: perRule, Inline: !o.noInlineAllow}
	if global.Len() > 0 {
		f.Allowlists = append(f.Allowlists, global)
	}
	if cfg.UseDefaultAllowlist() {
		def, err := allowlist.Default()
		if err != nil {
			return nil, err
		}
		f.Allowlists = append(f.Allowlists, def)
	}
	s := &suppression{filter: f, own: map[string]bool{ignoreFile: true, gitleaksIgnoreFile: true}}
	for _, name := range []string{ignoreFile, gitleaksIgnoreFile} {
		ig, err := readIgnore(filepath.Join(root, name), name)
		if err != nil {
			return nil, err
		}
		if ig != nil {
			f.Ignores = append(f.Ignores, ig)
		}
	}
	if o.baseline != "" {
		file, err := safefile.Open(o.baseline, maxBaselineSize)
		if err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		defer file.Close()
		bl, err := allowlist.ReadBaseline(o.baseline, file)
		if err != nil {
			return nil, err
		}
		f.Baseline = bl
		if rel, ok := relativeTo(root, o.baseline); ok {
			s.own[rel] = true
		}
	}
	return s, nil
}

func readIgnore(path, name string) (*allowlist.IgnoreFile, error) {
	file, err := safefile.Open(path, maxIgnoreSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if name == gitleaksIgnoreFile {
		return allowlist.ParseGitleaksIgnore(name, file)
	}
	return allowlist.ParseIgnore(name, file)
}

// relativeTo returns file's path relative to root with '/' separators, if it
// lies inside root.
func relativeTo(root, file string) (string, bool) {
	ar, err1 := filepath.Abs(root)
	af, err2 := filepath.Abs(file)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(ar, af)
	if err != nil || rel == ".." || len(rel) > 3 && rel[:3] == ".."+string(filepath.Separator) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// ownVerdict silences findings in secretsweep's own ignore and baseline files.
var ownVerdict = allowlist.Verdict{Kind: allowlist.KindIgnore, Source: "secretsweep's own ignore and baseline files"}

// hook returns the Scanner.Suppress function for fingerprints keyed by key.
func (s *suppression) hook(key []byte) func(f *detectors.Finding, line, prev string) (allowlist.Verdict, bool) {
	return func(f *detectors.Finding, line, prev string) (allowlist.Verdict, bool) {
		if s.own[f.Path] {
			return ownVerdict, true
		}
		return s.filter.Check(allowlist.Candidate{
			Rule: f.RuleID, Path: f.Path, Secret: f.Secret, Match: f.Secret,
			Line: line, PrevLine: prev, Fingerprint: report.Fingerprint(key, f.RuleID, f.Secret),
		})
	}
}

// checkCommit applies what depends on the commit (allowlist commits, commit
// entries of .gitleaksignore) to a history finding once its commit is known.
func (s *suppression) checkCommit(rec *report.Record, secret string) (allowlist.Verdict, bool) {
	return s.filter.Check(allowlist.Candidate{
		Rule: rec.Rule, Path: rec.Path, Secret: secret, Match: secret, Commit: rec.Commit, Fingerprint: rec.Fingerprint,
	})
}

// suppressed records a silenced finding: counted, explained, and reported only
// with --show-suppressed.
func (res *result) suppressed(o *options, f *detectors.Finding, rec report.Record, v allowlist.Verdict) {
	if res.suppressedBy == nil {
		res.suppressedBy = map[string]int{}
	}
	res.suppressedBy[v.Kind]++
	if o.explain {
		res.explain = append(res.explain, explainFinding(f, "suppressed", v.String()))
	}
	if o.showSuppressed {
		kind := report.SuppressionExternal
		if v.Kind == allowlist.KindInline {
			kind = report.SuppressionInSource
		}
		rec.Suppression = &report.Suppression{Kind: kind, Justification: v.String()}
		res.records = append(res.records, rec)
	}
}

// addSuppressed handles the suppressed findings of a dir or stdin result.
func (res *result) addSuppressed(o *options, r *scan.Result, key []byte) {
	for _, ss := range r.Suppressed {
		for i := range ss {
			f := &ss[i].Finding
			res.suppressed(o, f, newRecord(f, r.Item.Blob, key, o.showSecrets), ss[i].Verdict)
		}
	}
}
