// Package kv holds the one type that every structure-aware extractor produces: a
// named value found in a source or config file, with its position.
//
// Extractors (Python source, .env, INI, YAML, TOML, JSON, .properties, Dockerfile,
// shell, notebooks) turn a file into a stream of Pairs; the credential detector in
// package detectors decides which Pairs are credentials. Extractors never judge.
package kv

// Kind says how the value was written, so that filters can tell a literal from an
// indirection (a variable, a call, an environment lookup) or a template.
type Kind uint8

const (
	// Literal is a plain string literal or an unquoted config value.
	Literal Kind = iota
	// Template is a literal with interpolated parts (f-string fields, ${VAR}, {{ x }}).
	Template
	// Reference is a name, attribute, call or other expression that is not a literal.
	Reference
)

func (k Kind) String() string {
	switch k {
	case Literal:
		return "literal"
	case Template:
		return "template"
	case Reference:
		return "reference"
	}
	return "unknown"
}

// Pair is one (name, value) found in a file.
//
// Offsets are byte offsets into the file content that was parsed; Line and Col are
// 1-based and Col counts bytes. Start/End locate the value as written in the file
// (inside its quotes for a quoted literal). When the value was decoded (escape
// sequences, base64, a notebook cell), Value is the decoded text and Start/End still
// locate the raw text it came from.
type Pair struct {
	// Name is the key, variable, attribute or argument name as written, e.g.
	// "DB_PASSWORD", "app.config[SECRET_KEY]", "password", "database.default.password".
	// Nested config keys are joined with '.'.
	Name string
	// Value is the value (unquoted, escapes decoded where the format defines them).
	Value string
	// Kind classifies Value.
	Kind Kind
	// Context names the construct that produced the pair, e.g. "assign", "kwarg",
	// "dict", "subscript", "getenv-default", "auth-tuple", "env", "ini", "yaml",
	// "k8s-secret", "toml", "json", "properties", "dockerfile", "shell", "compose".
	Context string
	// Line, Col, EndLine, EndCol: 1-based position of the value's first byte and of
	// its last byte (inclusive).
	Line, Col, EndLine, EndCol int
	// Start and End are byte offsets [Start, End) of the value in the file.
	Start, End int
	// Decoded is set when Value is not the literal text of the file (base64, escapes).
	Decoded bool
}
