package detectors

import "strings"

// A built-in detector understands a file's structure (Python source, config
// formats, URLs) and yields candidate secrets that a regex alone would miss or
// misjudge. A rule in patterns.toml names it with `detector = "NAME"`, which gives it
// its id, description, severity and tags, and lets a user config disable it.

// candidate is a secret that a built-in detector found: its span in the file and,
// when the span is not the secret's literal text (decoded values), its position.
type candidate struct {
	// Detector is the detector name (a rule's `detector`) the candidate is for.
	Detector string
	// Dropped, when set, is the reason a filter rejected the candidate; such
	// candidates are returned only when the caller asked for explanations.
	Dropped    string
	Start, End int
	Secret     string
	Decoded    bool
	// Line, Column, EndLine, EndColumn override the position computed from Start
	// and End when Line > 0 (a value found in decoded text such as a notebook cell).
	Line, Column, EndLine, EndColumn int
}

// A builtin runs once per file and may serve several detector names (for example
// one extraction of (name, value) pairs serves both the password and the token
// detectors).
type builtin struct {
	provides []string
	run      func(f *fileScan) []candidate
}

// fileScan is one file as the built-in detectors get it.
type fileScan struct {
	path    string
	data    []byte
	explain bool
	// hints are the lines of data that hold hint words (hints.go), found in
	// the engine's keyword pass.
	hints []hintLine
}

// builtinOrder lists the built-in detectors in the order they run.
var builtinOrder []builtin

func registerBuiltin(run func(f *fileScan) []candidate, provides ...string) {
	builtinOrder = append(builtinOrder, builtin{provides: provides, run: run})
}

func knownDetector(name string) bool {
	for _, b := range builtinOrder {
		for _, p := range b.provides {
			if p == name {
				return true
			}
		}
	}
	return false
}

// fileKind names the kind of file a path is, as the built-in detectors see it: the
// final extension (lower case) or, for files known by name, the name.
func fileKind(path string) string {
	name := path
	if i := strings.LastIndexAny(name, "/!"); i >= 0 {
		name = name[i+1:] // "dist/a.whl!pkg/settings.py", "a.zip!.pypirc"
	}
	name = strings.ToLower(name)
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return name
}
