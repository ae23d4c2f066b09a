package allowlist

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// BaselineVersion is the version of the baseline format that this package
// reads and writes.
const BaselineVersion = 1

// Audit verdicts of baseline entries.
const (
	Unaudited     = ""
	TruePositive  = "true-positive"
	FalsePositive = "false-positive"
)

// BaselineEntry is one known finding. It holds no secret, no line number and
// no time, so that a baseline regenerated on an unchanged tree is identical
// and one taken before lines moved still applies.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"` // report.Fingerprint, 64 lower-case hex digits
	Rule        string `json:"rule"`
	Path        string `json:"path"`    // where it was found; informational, not compared
	Verdict     string `json:"verdict"` // Unaudited, TruePositive or FalsePositive
	Reason      string `json:"reason"`  // free text from the audit
}

// Baseline is a set of known findings, to be suppressed so that a CI gate
// fails on new findings only. Entries are kept sorted by (path, rule,
// fingerprint) without duplicates.
//
// A finding matches an entry by fingerprint alone: the fingerprint already
// covers the rule and the secret, so the same secret moved to another file or
// line is still known. (The rule is compared as well, to refuse a hand-edited
// entry whose rule disagrees.) Entries are matched whatever their audit
// verdict: a true positive in the baseline is known, not new; a caller that
// wants to treat it differently reads the verdict with Lookup.
//
// Match and Lookup are safe for concurrent use with each other, but not with
// the methods that change the baseline (Prune, SetVerdict, MergeAudits).
// The nil *Baseline matches nothing.
type Baseline struct {
	// Name is the file name, for verdicts (ReadBaseline sets it).
	Name string
	// KeyHint says which key the fingerprints were made with, so that a
	// baseline that no longer matches anything can be explained: for example
	// "root commit 5692c942646a" or "config fingerprint_key". Never the key.
	KeyHint string

	entries []BaselineEntry
	byFP    map[string][]int // indexes into entries
}

// NewBaseline returns a baseline of entries: sorted, with exact duplicates
// (same fingerprint, rule and path) merged, keeping the first audit verdict
// and reason found. Fingerprints may be of any case. It checks each entry
// (64-hex fingerprint, non-empty rule, known verdict) and names the first
// bad one in its error.
func NewBaseline(entries []BaselineEntry) (*Baseline, error) {
	es := make([]BaselineEntry, len(entries))
	for i, e := range entries {
		e.Fingerprint = strings.ToLower(e.Fingerprint)
		if err := checkEntry(e); err != nil {
			return nil, fmt.Errorf("baseline entry #%d: %w", i+1, err)
		}
		es[i] = e
	}
	b := &Baseline{}
	b.setEntries(es)
	return b, nil
}

func checkEntry(e BaselineEntry) error {
	switch {
	case len(e.Fingerprint) != 64 || !isHex(e.Fingerprint):
		return fmt.Errorf("fingerprint: want 64 hexadecimal digits, got %d characters", len(e.Fingerprint))
	case e.Rule == "":
		return errors.New("no rule")
	}
	return checkVerdict(e.Verdict)
}

func checkVerdict(v string) error {
	switch v {
	case Unaudited, TruePositive, FalsePositive:
		return nil
	}
	return fmt.Errorf("verdict %q is not %q, %q or empty", v, TruePositive, FalsePositive)
}

func compareEntries(a, b BaselineEntry) int {
	return cmp.Or(
		strings.Compare(a.Path, b.Path),
		strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.Fingerprint, b.Fingerprint),
	)
}

// setEntries sorts, deduplicates and indexes es.
func (b *Baseline) setEntries(es []BaselineEntry) {
	slices.SortStableFunc(es, compareEntries)
	out := es[:0]
	for _, e := range es {
		if n := len(out); n > 0 && compareEntries(out[n-1], e) == 0 {
			if out[n-1].Verdict == Unaudited && out[n-1].Reason == "" {
				out[n-1].Verdict, out[n-1].Reason = e.Verdict, e.Reason
			}
			continue
		}
		out = append(out, e)
	}
	clear(es[len(out):])
	b.entries = out
	b.reindex()
}

func (b *Baseline) reindex() {
	b.byFP = make(map[string][]int, len(b.entries))
	for i, e := range b.entries {
		b.byFP[e.Fingerprint] = append(b.byFP[e.Fingerprint], i)
	}
}

// Len returns the number of entries.
func (b *Baseline) Len() int {
	if b == nil {
		return 0
	}
	return len(b.entries)
}

// Entries returns a copy of the entries, in order.
func (b *Baseline) Entries() []BaselineEntry {
	if b == nil {
		return nil
	}
	return slices.Clone(b.entries)
}

// lookup returns the index of the entry for fp (any case) and rule ("" for
// any rule), preferring one at path, or -1.
func (b *Baseline) lookup(fp, path, rule string) int {
	if b == nil {
		return -1
	}
	found := -1
	for _, i := range b.byFP[strings.ToLower(fp)] {
		e := &b.entries[i]
		if rule != "" && e.Rule != rule {
			continue
		}
		if e.Path == path {
			return i
		}
		if found < 0 {
			found = i
		}
	}
	return found
}

// Lookup returns the entry for fingerprint fp, preferring one at path when
// the same secret was baselined in several files.
func (b *Baseline) Lookup(fp, path string) (BaselineEntry, bool) {
	i := b.lookup(fp, path, "")
	if i < 0 {
		return BaselineEntry{}, false
	}
	return b.entries[i], true
}

// Match reports whether the finding with fingerprint fp, of rule, is in the
// baseline, wherever it was found (path only picks the entry named in the
// verdict). rule "" matches any rule.
func (b *Baseline) Match(fp, path, rule string) (Verdict, bool) {
	i := b.lookup(fp, path, rule)
	if i < 0 {
		return Verdict{}, false
	}
	e := b.entries[i]
	var s strings.Builder
	s.WriteString(cmp.Or(b.Name, "baseline"))
	fmt.Fprintf(&s, ": %s %s", e.Rule, short(e.Fingerprint))
	if e.Path != path {
		fmt.Fprintf(&s, " (baselined at %s)", cmp.Or(e.Path, `""`))
	}
	if e.Verdict != Unaudited {
		s.WriteString(", audited " + e.Verdict)
	}
	if e.Reason != "" {
		s.WriteString(": " + e.Reason)
	}
	return Verdict{Kind: KindBaseline, Source: s.String()}, true
}

// Prune drops the entries whose fingerprint is not in found (the
// fingerprints of a fresh scan, in lower-case hex as report.Fingerprint
// writes them) and returns how many it dropped.
func (b *Baseline) Prune(found map[string]bool) int {
	if b == nil {
		return 0
	}
	out := b.entries[:0]
	for _, e := range b.entries {
		if found[e.Fingerprint] {
			out = append(out, e)
		}
	}
	dropped := len(b.entries) - len(out)
	clear(b.entries[len(out):])
	b.entries = out
	b.reindex()
	return dropped
}

// SetVerdict records an audit: verdict (TruePositive, FalsePositive or
// Unaudited) and reason on every entry with fingerprint fp. It is an error
// when fp is not in the baseline or the verdict is unknown.
func (b *Baseline) SetVerdict(fp, verdict, reason string) error {
	if err := checkVerdict(verdict); err != nil {
		return err
	}
	if b == nil || len(b.byFP[strings.ToLower(fp)]) == 0 {
		return fmt.Errorf("fingerprint %s is not in the baseline", short(fp))
	}
	for _, i := range b.byFP[strings.ToLower(fp)] {
		b.entries[i].Verdict, b.entries[i].Reason = verdict, reason
	}
	return nil
}

// MergeAudits copies audit verdicts and reasons from old, a previous
// baseline, to the entries of b that have none, matching by fingerprint
// (and preferring old's entry at the same path). Use it when regenerating a
// baseline, so that audits survive.
func (b *Baseline) MergeAudits(old *Baseline) {
	if b == nil || old == nil {
		return
	}
	for i := range b.entries {
		e := &b.entries[i]
		if e.Verdict != Unaudited || e.Reason != "" {
			continue
		}
		if j := old.lookup(e.Fingerprint, e.Path, e.Rule); j >= 0 {
			e.Verdict, e.Reason = old.entries[j].Verdict, old.entries[j].Reason
		}
	}
}

// Write writes the baseline as JSON: an object with "version",
// "fingerprint_key_hint" (when set) and "entries", two-space indented, one
// entry a line, sorted, ending with a newline. The same baseline always
// gives the same bytes.
func (b *Baseline) Write(w io.Writer) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\n  \"version\": %d,\n", BaselineVersion)
	if b != nil && b.KeyHint != "" {
		buf.WriteString(`  "fingerprint_key_hint": `)
		if err := encodeCompact(&buf, b.KeyHint); err != nil {
			return err
		}
		buf.WriteString(",\n")
	}
	if b.Len() == 0 {
		buf.WriteString("  \"entries\": []\n}\n")
	} else {
		buf.WriteString("  \"entries\": [\n")
		for i, e := range b.entries {
			buf.WriteString("    ")
			if err := encodeCompact(&buf, e); err != nil {
				return err
			}
			if i < len(b.entries)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString("  ]\n}\n")
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// encodeCompact appends v as compact JSON without HTML escaping and without
// the encoder's newline.
func encodeCompact(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}

// ReadBaseline reads a baseline written by Write (or by hand: any JSON layout
// and order is accepted, and Write normalizes it). name is used in errors and
// verdicts. Unknown keys, a version other than BaselineVersion, and bad
// entries are errors; errors are *ParseError naming file and line.
func ReadBaseline(name string, r io.Reader) (*Baseline, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	fail := func(off int64, err error) error {
		return &ParseError{File: name, Line: lineAt(data, off), Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	// decodeErr locates an error of dec: syntax and type errors by their own
	// offset, others at start. prefix names the entry, if any.
	decodeErr := func(start int64, prefix string, err error) error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fail(se.Offset, errors.New(prefix+se.Error()))
		case errors.As(err, &te):
			msg := "want " + te.Type.String()
			if te.Field != "" {
				msg = te.Field + ": " + msg
			}
			return fail(te.Offset, errors.New(prefix+msg))
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return fail(int64(len(data)), errors.New(prefix+"unexpected end of JSON"))
		}
		return fail(start, errors.New(prefix+err.Error()))
	}
	expect := func(want json.Delim, what string) error {
		off := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return decodeErr(off, "", err)
		}
		if d, ok := t.(json.Delim); !ok || d != want {
			return fail(skipSpace(data, off), fmt.Errorf("want %s", what))
		}
		return nil
	}
	if err := expect('{', "a JSON object"); err != nil {
		return nil, err
	}
	b := &Baseline{Name: name}
	var es []BaselineEntry
	seen := map[string]bool{}
	version := -1
	for dec.More() {
		keyStart := skipSpace(data, dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			return nil, decodeErr(keyStart, "", err)
		}
		key, _ := t.(string)
		if seen[key] {
			return nil, fail(keyStart, fmt.Errorf("duplicate key %q", key))
		}
		seen[key] = true
		off := dec.InputOffset()
		switch key {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return nil, decodeErr(off, "version: ", err)
			}
			if version != BaselineVersion {
				return nil, fail(skipSpace(data, off), fmt.Errorf("baseline version %d: this secretsweep reads version %d", version, BaselineVersion))
			}
		case "fingerprint_key_hint":
			if err := dec.Decode(&b.KeyHint); err != nil {
				return nil, decodeErr(off, "fingerprint_key_hint: ", err)
			}
		case "entries":
			if err := expect('[', "an array of entries"); err != nil {
				return nil, err
			}
			for dec.More() {
				start := skipSpace(data, dec.InputOffset())
				var e BaselineEntry
				if err := dec.Decode(&e); err != nil {
					return nil, decodeErr(start, fmt.Sprintf("entry #%d: ", len(es)+1), err)
				}
				e.Fingerprint = strings.ToLower(e.Fingerprint)
				if err := checkEntry(e); err != nil {
					return nil, fail(start, fmt.Errorf("entry #%d: %w", len(es)+1, err))
				}
				es = append(es, e)
			}
			if err := expect(']', "the end of entries"); err != nil {
				return nil, err
			}
		default:
			return nil, fail(keyStart, fmt.Errorf("unknown key %q", key))
		}
	}
	if err := expect('}', "the end of the object"); err != nil {
		return nil, err
	}
	if off := dec.InputOffset(); skipSpace(data, off) < int64(len(data)) {
		return nil, fail(skipSpace(data, off), errors.New("data after the baseline object"))
	}
	if version < 0 {
		return nil, fail(0, errors.New("no version"))
	}
	b.setEntries(es)
	return b, nil
}

// skipSpace returns the offset of the first byte at or after off that is not
// JSON whitespace or a comma.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}
