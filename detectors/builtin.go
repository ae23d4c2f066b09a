package detectors

// A built-in detector understands a file's structure (Python source, config
// formats, URLs) and yields candidate secrets that a regex alone would miss or
// misjudge. A rule in patterns.toml names it with `detector = "NAME"`, which gives it
// its id, description, severity and tags, and lets a user config disable it.

// candidate is a secret that a built-in detector found: its span in the file and,
// when the span is not the secret's literal text (decoded values), its position.
type candidate struct {
	Start, End int
	Secret     string
	Decoded    bool
	// Line, Column, EndLine, EndColumn override the position computed from Start
	// and End when Line > 0 (a value found in decoded text such as a notebook cell).
	Line, Column, EndLine, EndColumn int
}

type builtin struct {
	name string
	run  func(path string, data []byte) []candidate
}

// builtinOrder lists the built-in detectors in the order they run.
var builtinOrder []builtin

func registerBuiltin(name string, run func(path string, data []byte) []candidate) {
	builtinOrder = append(builtinOrder, builtin{name: name, run: run})
}

func knownDetector(name string) bool {
	for _, b := range builtinOrder {
		if b.name == name {
			return true
		}
	}
	return false
}
