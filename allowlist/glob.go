package allowlist

import (
	"errors"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Glob is a gitignore-style path pattern, matched with doublestar syntax
// (*, ?, [a-z], [!a-z], {a,b}, ** and \ escapes) against slash-separated
// paths relative to the scanned root:
//
//   - a pattern without '/' (other than a trailing one) matches a name at any
//     depth: "*.lock" matches "poetry.lock" and "web/yarn.lock";
//   - a pattern with a '/' at its start or in its middle (or starting with
//     "./") is anchored at the root: "fixtures/**", "/fixtures" and
//     "./fixtures" match "fixtures/a.json" but not "src/fixtures/a.json";
//     "**/fixtures/**" matches both;
//   - a pattern that matches a directory matches everything under it, as
//     gitignore excludes a directory's contents: "fixtures", "build/cache" and
//     "**/__pycache__" match files below those directories;
//   - a trailing '/' matches directories only: "venv/" matches "venv/lib/x.py"
//     but not a file named "venv".
//
// Matching is case-sensitive. Negation ("!pattern") is not supported: an
// allowlist can only add to what is allowed. A Glob is immutable and safe for
// concurrent use; matching costs one doublestar match per path component.
type Glob struct {
	text     string // as written
	pattern  string // what doublestar matches
	anchored bool   // matched against path prefixes, else against names
	dirOnly  bool   // only directories (never the last component) match
}

// ParseGlob checks and prepares a pattern.
func ParseGlob(pattern string) (Glob, error) {
	g := Glob{text: pattern}
	p := pattern
	switch {
	case strings.TrimSpace(p) == "":
		return g, errors.New("empty glob")
	case strings.HasPrefix(p, "!"):
		return g, errors.New("negated globs (!pattern) are not supported")
	}
	if strings.HasSuffix(p, "/") {
		g.dirOnly = true
		p = strings.TrimRight(p, "/")
	}
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "./") {
		g.anchored = true
		p = cleanPath(p)
	}
	if p == "" {
		return g, errors.New("glob matches nothing but the root")
	}
	if strings.Contains(p, "/") {
		g.anchored = true
	}
	if !doublestar.ValidatePattern(p) {
		return g, errors.New("bad glob syntax (unclosed [ or {, or a trailing \\)")
	}
	g.pattern = p
	return g, nil
}

// String returns the pattern as written.
func (g Glob) String() string { return g.text }

// Match reports whether the slash-separated path, or a directory above it,
// matches the pattern. A leading "./" of path is ignored.
func (g Glob) Match(path string) bool {
	path = cleanPath(path)
	if path == "" || g.pattern == "" {
		return false
	}
	// Walk the components; end is the index just past the current one.
	start := 0
	for start <= len(path) {
		end := strings.IndexByte(path[start:], '/')
		last := end < 0
		if last {
			end = len(path)
		} else {
			end += start
		}
		if !(last && g.dirOnly) {
			var name string
			if g.anchored {
				name = path[:end]
			} else {
				name = path[start:end]
			}
			if doublestar.MatchUnvalidated(g.pattern, name) {
				return true
			}
		}
		if last {
			break
		}
		start = end + 1
	}
	return false
}

// cleanPath drops a leading "./" (repeatedly) and leading slashes.
func cleanPath(p string) string {
	for {
		switch {
		case strings.HasPrefix(p, "./"):
			p = p[2:]
		case strings.HasPrefix(p, "/"):
			p = p[1:]
		default:
			return p
		}
	}
}
