package detectors

import (
	"bytes"
	"fmt"
	"regexp/syntax"
	"slices"
	"sort"
	"sync"

	"github.com/wasilibs/go-re2"

	"github.com/secretsweep/secretsweep/detectors/internal/acdfa"
	"github.com/secretsweep/secretsweep/entropy"
)

// Finding is one secret found in one file. Offsets are into the scanned content;
// Line, Column, EndLine and EndColumn are 1-based, columns count bytes, and the end
// is inclusive (the last byte of the secret).
type Finding struct {
	RuleID      string
	Description string
	Severity    string
	Tags        []string
	// Rank orders how specific the finding's rule is, for overlapping findings:
	// 0 a name-based assignment detector, 1 a shape-based detector or a rule
	// tagged generic, 2 a provider rule. The lower-ranked of two overlapping
	// findings is dropped.
	Rank int

	Path                             string
	Line, Column, EndLine, EndColumn int
	Start, End                       int

	Secret  string
	Entropy float64
	// Detector names what raised the candidate: "regex" or a built-in detector.
	Detector string
	// Decoded is set when the secret was found in decoded text (base64, a notebook cell).
	Decoded bool
	// Dropped is set only on candidates returned by ScanExplain that a filter
	// rejected: the filter's reason ("placeholder", "template", "low-entropy",
	// "shadowed by aws-access-key-id", ...). Such a Finding is not a finding.
	Dropped string
}

// Engine runs a compiled rule set over file contents. It is safe for concurrent use:
// rules are compiled once, lazily, on the first file whose keywords need them.
type Engine struct {
	rules []*rule
	// ac finds the rules' keywords and the built-in detectors' hint words
	// (hints.go) in one pass.
	ac       *acdfa.Matcher
	kwRule   [][]int  // automaton pattern index -> rule indexes
	hintBits []uint32 // automaton pattern index -> hint groups
	always   []int    // regex rules without keywords
	// structured are the rules served by built-in detectors, keyed by detector name.
	structured map[string]*rule
}

type rule struct {
	spec    *RuleSpec
	generic bool

	once sync.Once
	re   *re2.Regexp
	path *re2.Regexp
	err  error
	// multiline: the regex can match a line break, so it must see whole files.
	multiline bool
}

func (r *rule) compile() error {
	r.once.Do(func() {
		if r.spec.Regex != "" {
			// Whole files for rules built to span lines (key blocks, explicit line
			// breaks); the lines around keyword hits for the rest, where a \s
			// between a name and its value may cross at most a line or two.
			r.multiline = slices.Contains(r.spec.Tags, "private-key") || explicitNewline(r.spec.Regex)
			r.re, r.err = re2.Compile(r.spec.Regex)
			if r.err != nil {
				r.err = fmt.Errorf("rule %q: regex: %v", r.spec.ID, r.err)
				return
			}
		}
		if r.spec.Path != "" {
			r.path, r.err = re2.Compile(r.spec.Path)
			if r.err != nil {
				r.err = fmt.Errorf("rule %q: path: %v", r.spec.ID, r.err)
			}
		}
	})
	return r.err
}

// NewEngine builds an engine for cfg. It compiles no regex: each is compiled
// on first use, so that a scan of one small file costs only the rules it needs.
func NewEngine(cfg *Config) (*Engine, error) {
	e := &Engine{structured: map[string]*rule{}}
	kwIndex := map[string]int{}
	var patterns []string
	// pattern returns the automaton's index for word, adding it if new.
	pattern := func(word string) int {
		p, ok := kwIndex[word]
		if !ok {
			p = len(patterns)
			kwIndex[word] = p
			patterns = append(patterns, word)
			e.kwRule = append(e.kwRule, nil)
			e.hintBits = append(e.hintBits, 0)
		}
		return p
	}
	for i := range cfg.Rules {
		spec := &cfg.Rules[i]
		r := &rule{spec: spec, generic: slices.Contains(spec.Tags, "generic")}
		idx := len(e.rules)
		e.rules = append(e.rules, r)
		if spec.Detector != "" {
			e.structured[spec.Detector] = r
			continue
		}
		if len(spec.Keywords) == 0 {
			e.always = append(e.always, idx)
			continue
		}
		for _, kw := range spec.Keywords {
			if p := pattern(kw); !slices.Contains(e.kwRule[p], idx) {
				e.kwRule[p] = append(e.kwRule[p], idx)
			}
		}
	}
	for bit, words := range hintWords {
		for _, w := range words {
			e.hintBits[pattern(w)] |= bit
		}
	}
	ac, err := acdfa.New(patterns)
	if err != nil {
		return nil, fmt.Errorf("rule keywords: %v", err)
	}
	e.ac = ac
	return e, nil
}

// Profile returns a key that is equal for two paths exactly when the same rules and
// detectors apply to them, so that content seen at several paths (renames, copies)
// is scanned once per profile rather than once per path.
func (e *Engine) Profile(path string) string {
	b := []byte(fileKind(path))
	for _, r := range e.rules {
		if r.spec.Path == "" {
			continue
		}
		if r.compile() != nil || !r.path.MatchString(path) {
			b = append(b, '0')
		} else {
			b = append(b, '1')
		}
	}
	return string(b)
}

// Rules returns the number of rules.
func (e *Engine) Rules() int { return len(e.rules) }

// candidates returns, in rule order, the indexes of the regex rules whose keywords
// occur in data (and those without keywords). This is the prefilter: it may name a
// rule whose regex then finds nothing, but never leaves out one that would match.
func (e *Engine) candidates(data []byte) []int {
	out, _, _ := e.keywordPass(data)
	return out
}

// keywordPass runs the automaton over data once. It returns candidates, for
// each rule index the offsets of its keyword hits (nil for rules without
// keywords), and the lines that hold hint words.
func (e *Engine) keywordPass(data []byte) ([]int, map[int][]int, []hintLine) {
	var out []int
	var hits map[int][]int
	hl := hintLines{data: data}
	e.ac.Each(data, func(pat, start int) {
		if g := e.hintBits[pat]; g != 0 {
			hl.add(start, g)
		}
		for _, ri := range e.kwRule[pat] {
			if hits == nil {
				hits = map[int][]int{}
			}
			if _, ok := hits[ri]; !ok {
				out = append(out, ri)
			}
			hs := hits[ri]
			if len(hs) < maxHits {
				hits[ri] = append(hs, start)
			} else if len(hs) == maxHits {
				hits[ri] = append(hs, -1) // too many: scan the whole file
			}
		}
	})
	out = append(out, e.always...)
	sort.Ints(out)
	return out, hits, hl.result()
}

// maxHits bounds the keyword hits kept per rule; past it, the rule's regex runs
// over the whole file.
const maxHits = 512

// windows returns the parts of data a single-line rule needs to search: the
// lines around its keyword hits (the line before and after too), merged where
// they are close. A regex match contains a keyword (the rule tests check this
// for every example), so a match of a rule that cannot span lines lies within
// one such window. nil means the whole of data.
func windows(data []byte, hits []int) [][2]int {
	if len(hits) == 0 || hits[len(hits)-1] < 0 {
		return nil
	}
	var out [][2]int
	covered := 0
	for _, h := range hits {
		if len(out) > 0 && h < out[len(out)-1][1] {
			continue // inside the last window
		}
		start := bytes.LastIndexByte(data[:h], '\n')
		if start > 0 {
			start = bytes.LastIndexByte(data[:start], '\n')
		}
		start++
		end := len(data)
		if i := bytes.IndexByte(data[h:], '\n'); i >= 0 {
			end = h + i + 1
			if j := bytes.IndexByte(data[end:], '\n'); j >= 0 {
				end += j + 1
			} else {
				end = len(data)
			}
		}
		if len(out) > 0 && start <= out[len(out)-1][1]+256 {
			out[len(out)-1][1] = end
		} else {
			out = append(out, [2]int{start, end})
		}
		covered = end - out[0][0]
	}
	if covered > len(data)/2 {
		return nil // most of the file: one call is cheaper than many
	}
	return out
}

// Scan runs every rule over one file's content and returns its findings ordered by
// position. path is the file's path relative to the scanned root, with '/'
// separators; rules with a path regex apply only where it matches.
func (e *Engine) Scan(path string, data []byte) ([]Finding, error) {
	return e.scan(path, data, false)
}

// ScanExplain is Scan that also returns the candidates that filters dropped, each
// with Dropped set to the reason, so that --explain can show why a candidate was
// not reported. It costs more than Scan: use it only when asked.
func (e *Engine) ScanExplain(path string, data []byte) ([]Finding, error) {
	return e.scan(path, data, true)
}

func (e *Engine) scan(path string, data []byte, explain bool) ([]Finding, error) {
	var out []Finding
	lines := lineIndex{data: data}
	cands, hits, hints := e.keywordPass(data)
	for _, ri := range cands {
		r := e.rules[ri]
		if err := r.compile(); err != nil {
			return nil, err
		}
		if r.path != nil && !r.path.MatchString(path) {
			continue
		}
		var matches [][]int
		var win [][2]int
		if !r.multiline {
			win = windows(data, hits[ri])
		}
		if win == nil {
			matches = r.re.FindAllSubmatchIndex(data, -1)
		} else {
			for _, w := range win {
				for _, m := range r.re.FindAllSubmatchIndex(data[w[0]:w[1]], -1) {
					for k := range m {
						if m[k] >= 0 {
							m[k] += w[0]
						}
					}
					matches = append(matches, m)
				}
			}
		}
		for _, m := range matches {
			g := r.spec.SecretGroup
			if 2*g+1 >= len(m) || m[2*g] < 0 {
				continue
			}
			start, end := m[2*g], m[2*g+1]
			secret := string(data[start:end])
			if secret == "" {
				continue
			}
			h := entropy.Shannon(secret)
			var reason string
			switch {
			case isKnownExample(secret):
				reason = reasonExample
			case r.spec.Entropy > 0 && h < r.spec.Entropy:
				reason = reasonLowEntropy
			}
			if reason != "" && !explain {
				continue
			}
			f := e.newFinding(r, path, &lines, start, end, secret, h, "regex")
			f.Dropped = reason
			out = append(out, f)
		}
	}
	file := &fileScan{path: path, data: data, explain: explain, hints: hints}
	for _, d := range builtinOrder {
		var rs []*rule
		for _, name := range d.provides {
			if r, ok := e.structured[name]; ok {
				if err := r.compile(); err != nil {
					return nil, err
				}
				if r.path == nil || r.path.MatchString(path) {
					rs = append(rs, r)
				}
			}
		}
		if len(rs) == 0 {
			continue
		}
		for _, c := range d.run(file) {
			r, ok := e.structured[c.Detector]
			if !ok || !slices.Contains(rs, r) {
				continue
			}
			f := e.newFinding(r, path, &lines, c.Start, c.End, c.Secret, entropy.Shannon(c.Secret), c.Detector)
			f.Decoded = c.Decoded
			f.Dropped = c.Dropped
			// A provider rule knows the token's format; a detector only its
			// surroundings (a URL, a header, a name): where both find the same
			// secret, the provider rule wins, and a shape (URL, header) beats
			// a name.
			f.Rank = 1
			if c.Detector == detPassword || c.Detector == detSecret {
				f.Rank = 0
			}
			if slices.Contains(f.Tags, "password") && weakPassword(c.Secret) {
				f.Tags = append(slices.Clone(f.Tags), "weak-password")
			}
			if c.Line > 0 {
				f.Line, f.Column, f.EndLine, f.EndColumn = c.Line, c.Column, c.EndLine, c.EndColumn
			}
			out = append(out, f)
		}
	}
	return dropShadowed(out, explain), nil
}

func (e *Engine) newFinding(r *rule, path string, lines *lineIndex, start, end int, secret string, h float64, detector string) Finding {
	f := Finding{
		RuleID:      r.spec.ID,
		Description: r.spec.Description,
		Severity:    r.spec.Severity,
		Tags:        r.spec.Tags,
		Rank:        2,
		Path:        path,
		Start:       start,
		End:         end,
		Secret:      secret,
		Entropy:     h,
		Detector:    detector,
	}
	if r.generic {
		f.Rank = 1 // a catch-all rule: as specific as a shape detector
	}
	f.Line, f.Column = lines.pos(start)
	last := end - 1
	if last < start {
		last = start
	}
	f.EndLine, f.EndColumn = lines.pos(last)
	return f
}

// dropShadowed orders findings by position and, where two findings' secrets
// overlap, drops the one of lower Rank (the less specific rule); identical
// (rule, span) duplicates are dropped too. With explain, a shadowed finding is
// kept and marked Dropped instead. Candidates already dropped shadow nothing.
func dropShadowed(fs []Finding, explain bool) []Finding {
	if len(fs) < 2 {
		return fs
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		return a.RuleID < b.RuleID
	})
	drop := make([]bool, len(fs))
	by := make([]string, len(fs))
	for i := range fs {
		if fs[i].Dropped != "" {
			continue
		}
		for j := i + 1; j < len(fs) && fs[j].Start < fs[i].End; j++ {
			a, b := &fs[i], &fs[j]
			if b.Dropped != "" {
				continue
			}
			before := drop[i]
			switch {
			case a.RuleID == b.RuleID && a.Start == b.Start && a.End == b.End:
				drop[j] = true
			case a.Rank < b.Rank:
				drop[i] = true
			case b.Rank < a.Rank:
				drop[j] = true
			case a.Rank < 2 && a.Start == b.Start && a.End == b.End:
				drop[j] = true
			}
			if drop[i] && !before && by[i] == "" {
				by[i] = b.RuleID
			}
			if drop[j] && by[j] == "" {
				by[j] = a.RuleID
			}
		}
	}
	out := fs[:0]
	for i := range fs {
		switch {
		case !drop[i]:
			out = append(out, fs[i])
		case explain && by[i] != fs[i].RuleID:
			fs[i].Dropped = "shadowed by " + by[i]
			out = append(out, fs[i])
		}
	}
	return out
}

// lineIndex turns byte offsets into 1-based line and column, building the table of
// line starts only when a finding needs it.
type lineIndex struct {
	data   []byte
	starts []int
}

func (l *lineIndex) pos(off int) (line, col int) {
	if l.starts == nil {
		l.starts = append(l.starts, 0)
		for i := 0; ; {
			j := bytes.IndexByte(l.data[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			l.starts = append(l.starts, i)
		}
	}
	n := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	return n + 1, off - l.starts[n] + 1
}

// explicitNewline reports whether a regex spells out a line break (a literal
// \n or \r, or '.' with the s flag): it is written to match across lines.
// When unsure it says yes.
func explicitNewline(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				if r == '\n' || r == '\r' {
					return true
				}
			}
		case syntax.OpAnyChar:
			return true
		}
		for _, sub := range re.Sub {
			if walk(sub) {
				return true
			}
		}
		return false
	}
	return walk(re)
}
