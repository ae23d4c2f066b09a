package allowlist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseError is an error in an ignore or baseline file, located by file name
// and 1-based line (0 when unknown). Its message never quotes the file's
// content: a line that is not a fingerprint may be a pasted secret.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// IgnoreFile holds the entries of a .secretsweepignore or a .gitleaksignore
// file. It is immutable and safe for concurrent use. The nil *IgnoreFile
// matches nothing.
type IgnoreFile struct {
	name     string
	byFP     map[string][]fpEntry       // .secretsweepignore entries by fingerprint
	byTarget map[fileRule][]commitEntry // .gitleaksignore entries by (file, rule)
	n        int
}

type fpEntry struct {
	line   int
	glob   *Glob // nil: any path
	reason string
}

type fileRule struct{ file, rule string }

type commitEntry struct {
	line   int
	commit string // lower case; "" for file:rule:line entries
	text   string // the entry without its line number, for verdicts
}

// Name returns the file name given to the parser.
func (f *IgnoreFile) Name() string {
	if f == nil {
		return ""
	}
	return f.name
}

// Len returns the number of entries.
func (f *IgnoreFile) Len() int {
	if f == nil {
		return 0
	}
	return f.n
}

// ParseIgnore reads a .secretsweepignore file; name is used in errors and
// verdicts. One entry a line:
//
//	# full-line comment
//	6458a8c7…(64 hex digits)                      # reason, to the end of the line
//	6458a8c7…(64 hex digits)  tests/fixtures/**   # applies only under tests/fixtures
//
// An entry is a fingerprint (report.Fingerprint, as in reports; any case),
// optionally followed by whitespace and a path glob (see Glob; it cannot
// contain whitespace): with a glob the entry applies only to findings whose
// path matches. A '#' at the start of a line or after whitespace starts a
// comment. Blank lines are allowed; a UTF-8 byte order mark and CR before LF
// are ignored. Errors are *ParseError, naming file and line.
func ParseIgnore(name string, r io.Reader) (*IgnoreFile, error) {
	f := &IgnoreFile{name: name, byFP: map[string][]fpEntry{}}
	err := eachLine(name, r, func(n int, line string) error {
		body, reason := cutComment(line)
		fields := strings.Fields(body)
		if len(fields) == 0 {
			return nil
		}
		fp := fields[0]
		if len(fp) != 64 || !isHex(fp) {
			if strings.Count(fp, ":") >= 2 {
				return errors.New("not a fingerprint: this looks like a .gitleaksignore entry (file:rule:line); secretsweep reads those from .gitleaksignore")
			}
			return fmt.Errorf("not a fingerprint: want 64 hexadecimal digits, got %d characters", len(fp))
		}
		e := fpEntry{line: n, reason: reason}
		switch len(fields) {
		case 1:
		case 2:
			g, err := ParseGlob(fields[1])
			if err != nil {
				return fmt.Errorf("path glob: %w", err)
			}
			e.glob = &g
		default:
			return errors.New("too many fields: want a fingerprint, an optional path glob (without spaces) and an optional # comment")
		}
		fp = strings.ToLower(fp)
		f.byFP[fp] = append(f.byFP[fp], e)
		f.n++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ParseGitleaksIgnore reads a .gitleaksignore file: one gitleaks fingerprint
// a line, "commit:file:rule:line" for findings in git history or
// "file:rule:line" otherwise; blank lines and lines starting with '#' are
// skipped. A file path may contain ':' (the rule and line are taken from the
// right); the first field is a commit when the entry has four or more fields
// and it is 7 to 64 hex digits. Backslashes in paths become '/'.
//
// Gitleaks fingerprints hold no secret, so they cannot be compared with ours:
// an entry matches a candidate with the same file and rule id (and, for an
// entry with a commit, a commit starting with it; candidates without a commit
// never match such entries). The line number is checked to be a number but
// not compared, so inserting lines above a finding does not break its entry;
// the price is that the entry covers every finding of that rule in that file.
// Rule ids are compared exactly: an entry helps only where gitleaks and
// secretsweep name the rule alike.
func ParseGitleaksIgnore(name string, r io.Reader) (*IgnoreFile, error) {
	f := &IgnoreFile{name: name, byTarget: map[fileRule][]commitEntry{}}
	err := eachLine(name, r, func(n int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		parts := strings.Split(line, ":")
		if len(parts) < 3 {
			return errors.New("want commit:file:rule:line or file:rule:line")
		}
		lineNo, rule := parts[len(parts)-1], parts[len(parts)-2]
		if lineNo == "" || !isDigits(lineNo) {
			return errors.New("want commit:file:rule:line or file:rule:line: the line number is not a number")
		}
		if rule == "" {
			return errors.New("empty rule id")
		}
		head := parts[:len(parts)-2]
		var commit string
		if len(head) >= 2 && len(head[0]) >= 7 && len(head[0]) <= 64 && isHex(head[0]) {
			commit = strings.ToLower(head[0])
			head = head[1:]
		}
		file := cleanPath(strings.ReplaceAll(strings.Join(head, ":"), `\`, "/"))
		if file == "" {
			return errors.New("empty file path")
		}
		e := commitEntry{line: n, commit: commit, text: file + ":" + rule}
		k := fileRule{file, rule}
		f.byTarget[k] = append(f.byTarget[k], e)
		f.n++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Match reports whether an entry of f suppresses the finding with
// fingerprint fp at path, of rule, found in commit ("" when not from
// history). Fingerprint entries are compared by fingerprint (and glob);
// .gitleaksignore entries by file, rule and commit. The verdict names the
// file and line of the entry.
func (f *IgnoreFile) Match(fp, path, rule, commit string) (Verdict, bool) {
	if f == nil {
		return Verdict{}, false
	}
	if len(f.byFP) > 0 && fp != "" {
		fp = strings.ToLower(fp)
		for _, e := range f.byFP[fp] {
			if e.glob != nil && !e.glob.Match(path) {
				continue
			}
			src := fmt.Sprintf("%s:%d: fingerprint %s", f.name, e.line, short(fp))
			if e.glob != nil {
				src += " on " + e.glob.String()
			}
			if e.reason != "" {
				src += " (" + e.reason + ")"
			}
			return Verdict{Kind: KindIgnore, Source: src}, true
		}
	}
	if len(f.byTarget) > 0 {
		lc := strings.ToLower(commit)
		for _, e := range f.byTarget[fileRule{cleanPath(path), rule}] {
			if e.commit != "" && (lc == "" || !strings.HasPrefix(lc, e.commit)) {
				continue
			}
			src := fmt.Sprintf("%s:%d: %s", f.name, e.line, e.text)
			if e.commit != "" {
				src += " in commit " + short(e.commit)
			}
			src += " (line number not compared)"
			return Verdict{Kind: KindIgnore, Source: src}, true
		}
	}
	return Verdict{}, false
}

// short abbreviates a fingerprint or commit id to 12 digits.
func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cutComment splits a line at the first '#' that starts it or follows
// whitespace, and returns the text before it and the comment's text, trimmed.
func cutComment(line string) (body, comment string) {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i], strings.TrimSpace(line[i+1:])
		}
	}
	return line, ""
}

// eachLine calls fn with each line of r (1-based number, without the line
// end), stopping at the first error, which it locates.
func eachLine(name string, r io.Reader, fn func(n int, line string) error) error {
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return &ParseError{File: name, Err: err}
		}
		if line == "" && err == io.EOF {
			return nil
		}
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if ferr := fn(n, line); ferr != nil {
			return &ParseError{File: name, Line: n, Err: ferr}
		}
		if err == io.EOF {
			return nil
		}
	}
}
