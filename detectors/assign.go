package detectors

import (
	"bytes"
	"strings"

	"github.com/secretsweep/secretsweep/detectors/confextract"
	"github.com/secretsweep/secretsweep/detectors/kv"
	"github.com/secretsweep/secretsweep/detectors/pyextract"
)

// The assignment detectors find credentials written as a value given to a
// credential-like name: `password = "..."`, `"api_key": "..."`, `DB_PASS=...`,
// `Password: "..."`, `--token=...`. Python source and config files are parsed by
// their own extractors (pyextract, confextract); every other text file goes
// through the line scanner below, which knows the assignment shapes common to
// most languages and to prose (README snippets, shell sessions).

const (
	detPassword = "password-assignment"
	detSecret   = "secret-assignment"
)

func init() {
	registerBuiltin(assignmentCandidates, detPassword, detSecret)
}

// codeKinds are file kinds where an unquoted value is an expression (a variable,
// a call), not a literal.
var codeKinds = map[string]bool{
	".py": true, ".go": true, ".js": true, ".jsx": true, ".ts": true, ".tsx": true, ".mjs": true, ".cjs": true,
	".java": true, ".kt": true, ".kts": true, ".scala": true, ".groovy": true, ".gradle": true, ".rb": true,
	".php": true, ".cs": true, ".c": true, ".h": true, ".cc": true, ".cpp": true, ".hpp": true, ".rs": true,
	".swift": true, ".m": true, ".mm": true, ".dart": true, ".lua": true, ".pl": true, ".pm": true, ".r": true,
	".ex": true, ".exs": true, ".erl": true, ".clj": true, ".fs": true, ".vb": true, ".jl": true, ".vue": true,
	".svelte": true, ".coffee": true, ".pyx": true, ".pyi": true, ".tl": true,
}

func assignmentCandidates(f *fileScan) []candidate {
	explain := f.explain
	pairs := extractPairs(f.path, fileKind(f.path), f.data, f.hints)
	var out []candidate
	for _, p := range pairs {
		class := classifyName(p.Name)
		if class == nameNone {
			continue
		}
		var reason string
		switch p.Kind {
		case kv.Reference:
			reason = reasonReference
		case kv.Template:
			reason = reasonTemplate
		default:
			reason = filterValue(p.Name, p.Value, class)
		}
		if reason != "" && !explain {
			continue
		}
		det := detSecret
		if class == namePassword {
			det = detPassword
		}
		c := candidate{Detector: det, Start: p.Start, End: p.End, Secret: p.Value, Decoded: p.Decoded, Dropped: reason}
		if p.Decoded {
			c.Line, c.Column, c.EndLine, c.EndColumn = p.Line, p.Col, p.EndLine, p.EndCol
		}
		out = append(out, c)
	}
	return out
}

// skipKinds are file kinds where names like "key" or "token" are syntax, not
// credentials (style sheets, lock files).
var skipKinds = map[string]bool{
	".css": true, ".less": true, ".scss": true, ".sass": true, ".styl": true, ".svg": true,
	".lock": true, ".sum": true, ".map": true,
}

// extractPairs returns the (name, value) pairs of a file, by its kind; hints
// are the file's hint lines.
func extractPairs(path, kind string, data []byte, hints []hintLine) []kv.Pair {
	switch {
	case skipKinds[kind]:
		return nil
	case kind == ".py" || kind == ".pyi" || kind == ".pyw":
		// The Python extractor reads code; the line scanner adds what stands in
		// comments and inside strings, which the extractor does not look into.
		return mergePairs(pyextract.Extract(data), scanLines(data, hints, false))
	}
	member := path
	if i := strings.LastIndexByte(member, '!'); i >= 0 {
		member = member[i+1:] // a file inside an archive is known by its own name
	}
	switch f := confextract.Detect(member, data); f {
	case confextract.JupyterNotebook:
		return notebookPairs(data, hints)
	case confextract.FormatNone:
	default:
		return mergePairs(confextract.Extract(f, data), scanLines(data, hints, true))
	}
	return scanLines(data, hints, !codeKinds[kind])
}

// notebookPairs decodes a Jupyter notebook's cells and extracts pairs from each:
// Python from code cells, assignments from outputs and markdown; positions are
// those in the .ipynb file.
func notebookPairs(data []byte, hints []hintLine) []kv.Pair {
	cells, err := confextract.Notebook(data)
	if err != nil {
		return scanLines(data, hints, true) // not valid JSON: scan it as text
	}
	lines := lineIndex{data: data}
	lines.pos(0) // build the table of line starts
	offset := func(line, col int) int {
		if line < 1 || line > len(lines.starts) {
			return 0
		}
		return min(lines.starts[line-1]+col-1, len(data))
	}
	var out []kv.Pair
	for i := range cells {
		c := &cells[i]
		text := []byte(c.Text)
		var ps []kv.Pair
		if c.Kind == "code" {
			ps = mergePairs(pyextract.Extract(text), scanLines(text, findHintLines(text), false))
		} else {
			ps = scanLines(text, findHintLines(text), true)
		}
		for _, p := range ps {
			p.Line, p.Col = c.Position(p.Line, p.Col)
			p.EndLine, p.EndCol = c.Position(p.EndLine, p.EndCol)
			if p.Line == 0 {
				continue
			}
			p.Start, p.End = offset(p.Line, p.Col), offset(p.EndLine, p.EndCol)+1
			p.Decoded = true
			out = append(out, p)
		}
	}
	return out
}

// mergePairs adds to the pairs of a language extractor those the line scanner
// found where the extractor saw none: inside comments and inside string literals
// (JSON in a docstring, a query string in a URL). Where both saw a value, the
// extractor's reading wins, since it knows a reference or template when it sees one.
func mergePairs(primary, lines []kv.Pair) []kv.Pair {
	out := primary
	j := 0
	for _, l := range lines {
		overlap := false
		for j < len(primary) && primary[j].End <= l.Start {
			j++
		}
		for k := j; k < len(primary) && primary[k].Start < l.End; k++ {
			// The same value, unless the line pair lies inside a longer string
			// the extractor read whole (a URL, a connection string, JSON text).
			if primary[k].End > l.Start && primary[k].Start >= l.Start {
				overlap = true
				break
			}
		}
		if !overlap {
			out = append(out, l)
		}
	}
	return out
}

// scanLines finds name/value assignments line by line. unquotedOK says whether an
// unquoted value counts as a literal (config, shell, prose) or not (code);
// hints are the hint lines of data.
func scanLines(data []byte, hints []hintLine, unquotedOK bool) []kv.Pair {
	var out []kv.Pair
	for _, hl := range hints {
		start, end, lineNo := hl.start, hl.end, hl.no
		if hl.groups&hintCred == 0 || end-start > 4096 {
			continue
		}
		line := data[start:end]
		// In a comment of code, an unquoted value is prose or a shell line, not
		// an expression: `# export DB_PASSWORD=...`, ` * TOKEN=...`.
		out = appendLinePairs(out, line, start, lineNo, unquotedOK || isCodeComment(line))
	}
	return out
}

func isCodeComment(l []byte) bool {
	l = bytes.TrimLeft(l, " \t")
	for _, p := range []string{"#", "//", "/*", "* ", "--", ";", "<!--", "%"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// appendLinePairs scans one line for `name OP value` with OP one of = : := => ==
// and for `("name", "value")` argument pairs.
func appendLinePairs(out []kv.Pair, line []byte, base, lineNo int, unquotedOK bool) []kv.Pair {
	out = appendSetterPairs(out, line, base, lineNo)
	var inStr stringMap
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != '=' && c != ':' && c != ',' {
			continue
		}
		opStart, opEnd := i, i+1
		if c == ',' {
			// ("name", "value"): only between two quoted strings.
			if i == 0 || (line[i-1] != '"' && line[i-1] != '\'' && !(line[i-1] == ' ' && i > 1 && (line[i-2] == '"' || line[i-2] == '\''))) {
				continue
			}
		} else {
			if i > 0 && (line[i-1] == '!' || line[i-1] == '<' || line[i-1] == '>' || line[i-1] == '=' || line[i-1] == ':') {
				continue // != <= >= and the second byte of == :: handled below
			}
			if opEnd < len(line) {
				switch {
				case c == ':' && line[opEnd] == '=', c == '=' && line[opEnd] == '>', c == '=' && line[opEnd] == '=':
					opEnd++
					if opEnd < len(line) && line[opEnd] == '=' {
						opEnd++
					}
				case c == ':' && (line[opEnd] == ':' || line[opEnd] == '/'):
					i++
					continue
				}
			}
		}
		name, ok := nameBefore(line, opStart)
		if ok && c == '=' && !name.quoted {
			name = annotatedName(line, name)
		}
		if !ok || (c == ',' && (!name.quoted || !setterCall(line, name.start-1))) {
			continue
		}
		// name=value inside a string literal: a query string, a DSN, a cookie.
		query := c == '=' && opEnd == i+1 && name.start > 0 && !name.quoted &&
			(line[name.start-1] == '?' || line[name.start-1] == '&' || line[name.start-1] == ';' ||
				((line[name.start-1] == ' ' || line[name.start-1] == '"' || line[name.start-1] == '\'' || line[name.start-1] == '`') && inStr.at(line, name.start)))
		v, ok := valueAfter(line, opEnd, unquotedOK || c == ',' || query)
		if !ok || (c == ',' && !v.quoted) {
			continue
		}
		if !v.quoted && proseAfter(line, opEnd, v, c) {
			continue // "password: the one you chose", "PASSWORD= WebLogic admin user"
		}
		kind := kv.Literal
		switch {
		case !v.quoted && !unquotedOK && !query:
			kind = kv.Reference
		case v.quoted && concatenated(line, v):
			kind = kv.Template
		case !v.quoted && bytes.ContainsAny(line[v.start:v.end], "([{"):
			kind = kv.Reference
		}
		out = append(out, kv.Pair{
			Name: name.text, Value: string(line[v.start:v.end]), Kind: kind, Context: "line",
			Line: lineNo, Col: v.start + 1, EndLine: lineNo, EndCol: v.end,
			Start: base + v.start, End: base + v.end,
		})
		// Go on after an unquoted value; inside a quoted one, since a string may
		// hold its own name=value pairs (a query string, a DSN, a cookie).
		// An expression (code) may hold pairs of its own: `x = {'key': '...'}`.
		if v.quoted || kind == kv.Reference {
			i = v.start - 1
		} else if v.end > i {
			i = v.end - 1
		}
	}
	return out
}

// stringMap tells whether a position of a line lies inside a double- or
// single-quoted string, by the parity of unescaped quotes before it. It is built
// on first use, once per line.
type stringMap struct{ in []bool }

func (m *stringMap) at(line []byte, p int) bool {
	if m.in == nil {
		m.in = make([]bool, len(line)+1)
		var dq, sq int
		for i := 0; i < len(line); i++ {
			m.in[i] = dq%2 == 1 || (dq == 0 && sq%2 == 1)
			switch line[i] {
			case '\\':
				if i+1 < len(line) {
					m.in[i+1] = m.in[i]
				}
				i++
			case '"':
				dq++
			case '\'':
				sq++
			}
		}
		m.in[len(line)] = dq%2 == 1 || (dq == 0 && sq%2 == 1)
	}
	return m.in[p]
}

// setterCall reports whether the quote at q opens the first argument of a call
// that sets a named value: set("k", v), put, add, setdefault, setenv,
// setProperty, header(s).
func setterCall(line []byte, q int) bool {
	j := q - 1
	for j >= 0 && line[j] == ' ' {
		j--
	}
	if j < 0 || line[j] != '(' {
		return false
	}
	k := j
	for k > 0 && isIdentByte(line[k-1]) {
		k--
	}
	callee := string(asciiLower(line[k:j]))
	for _, s := range []string{"set", "put", "add", "setdefault", "setenv", "setproperty", "header", "headers", "setheader", "addheader", "putenv"} {
		if callee == s || (len(callee) > len(s) && callee[len(callee)-len(s):] == s) {
			return true
		}
	}
	return false
}

// concatenated reports whether a quoted value is one part of a concatenation or a
// formatted string (followed or preceded by +, or followed by % or .format).
func concatenated(line []byte, v token) bool {
	k := v.end + 1
	for k < len(line) && line[k] == ' ' {
		k++
	}
	if k < len(line) && (line[k] == '+' || line[k] == '%' || bytes.HasPrefix(line[k:], []byte(".format"))) {
		return true
	}
	j := v.start - 2
	for j >= 0 && line[j] == ' ' {
		j--
	}
	return j >= 0 && line[j] == '+'
}

// proseAfter reports whether an unquoted value is the first word of a sentence:
// more words follow it, and either the operator is ':' or a space stands between
// '=' and the value.
func proseAfter(line []byte, opEnd int, v token, op byte) bool {
	k := v.end
	if k+1 >= len(line) || line[k] != ' ' {
		return false
	}
	for k < len(line) && line[k] == ' ' {
		k++
	}
	if k >= len(line) || !(line[k] >= 'a' && line[k] <= 'z' || line[k] >= 'A' && line[k] <= 'Z') {
		return false // a comment, a continuation, an operator, a number
	}
	return op == ':' || (v.start > opEnd && line[opEnd] == ' ')
}

// annotatedName: in `val password: String = "..."` or `password: string = "..."`
// the name read before '=' is the type; the variable stands before the colon.
func annotatedName(line []byte, typ token) token {
	j := typ.start - 1
	for j >= 0 && line[j] == ' ' {
		j--
	}
	if j < 1 || line[j] != ':' || line[j-1] == ':' {
		return typ
	}
	if n, ok := nameBefore(line, j); ok && !n.quoted {
		return n
	}
	return typ
}

type token struct {
	text       string
	start, end int
	quoted     bool
}

func isNameByte(b byte) bool {
	return isIdentByte(b) || b == '.' || b == '-' || b == '$' || b == '@' || b >= 0x80
}

// nameBefore reads the name that ends just before position op (spaces skipped):
// a quoted string, a subscript ["name"], or an identifier with dots and dashes.
func nameBefore(line []byte, op int) (token, bool) {
	j := op - 1
	for j >= 0 && (line[j] == ' ' || line[j] == '\t') {
		j--
	}
	if j < 0 {
		return token{}, false
	}
	if line[j] == ']' {
		j--
	}
	if q := line[j]; q == '"' || q == '\'' || q == '`' {
		k := bytes.LastIndexByte(line[:j], q)
		if k < 0 || j-k-1 > 100 {
			return token{}, false
		}
		return token{text: string(line[k+1 : j]), start: k + 1, end: j, quoted: true}, true
	}
	end := j + 1
	for j >= 0 && isNameByte(line[j]) && end-j <= 100 {
		j--
	}
	if j+1 >= end {
		return token{}, false
	}
	return token{text: string(bytes.TrimLeft(line[j+1:end], "-$@.")), start: j + 1, end: end}, true
}

// valueAfter reads the value that starts at position p (spaces skipped): a quoted
// string closed on the same line, or, when unquotedOK, a run of non-space bytes.
func valueAfter(line []byte, p int, unquotedOK bool) (token, bool) {
	for p < len(line) && (line[p] == ' ' || line[p] == '\t') {
		p++
	}
	if p >= len(line) {
		return token{}, false
	}
	// String prefixes: Python b"" r"" f"" u"", C# @"", Go/JS none.
	if p+1 < len(line) && (line[p+1] == '"' || line[p+1] == '\'') {
		switch line[p] {
		case 'b', 'r', 'u', 'B', 'R', 'U', '@':
			p++
		case 'f', 'F':
			return token{}, false // an f-string is a template
		}
	}
	if q := line[p]; q == '"' || q == '\'' || q == '`' {
		if p+2 < len(line) && line[p+1] == q && line[p+2] == q {
			return token{}, false // triple-quoted: multi-line, left to language extractors
		}
		k := p + 1
		for k < len(line) && line[k] != q {
			if line[k] == '\\' {
				k++
			}
			k++
		}
		if k >= len(line) {
			return token{}, false
		}
		return token{start: p + 1, end: k, quoted: true}, true
	}
	if !unquotedOK {
		// Still return the expression's extent so the caller can mark it a reference.
		k := p
		for k < len(line) && line[k] != ' ' && line[k] != ',' && line[k] != ';' {
			k++
		}
		return token{start: p, end: k}, true
	}
	k := p
	for k < len(line) {
		b := line[k]
		if b == ' ' || b == '\t' || b == ',' || b == ';' || b == ')' || b == '}' || b == ']' || b == '"' || b == '\'' || b == '`' || b == '\r' || b == '<' || b == '>' || b == '&' {
			break
		}
		k++
	}
	if line[p] == '#' {
		return token{}, false // a comment, not a value
	}
	end := k
	for end > p && (line[end-1] == '\\' || line[end-1] == '.') {
		end--
	}
	if end == p {
		return token{}, false
	}
	return token{start: p, end: end}, true
}

// appendSetterPairs finds one-argument calls that give a credential its value:
// setters whose name says what they set (setPassword("..."), setApiKey('...'),
// set_secret("...")) and constructors of credential types (Password("..."),
// SecretStr("..."), new StringCredentialValue("...")).
func appendSetterPairs(out []kv.Pair, line []byte, base, lineNo int) []kv.Pair {
	for i := 0; i+4 < len(line); i++ {
		if !isIdentByte(line[i]) || (i > 0 && isIdentByte(line[i-1])) {
			continue
		}
		setter := (line[i] == 's' || line[i] == 'S') && (line[i+1] == 'e' || line[i+1] == 'E') && (line[i+2] == 't' || line[i+2] == 'T')
		ctor := line[i] >= 'A' && line[i] <= 'Z'
		if !setter && !ctor {
			continue
		}
		k := i
		for k < len(line) && isIdentByte(line[k]) {
			k++
		}
		if k >= len(line) || line[k] != '(' {
			i = k
			continue
		}
		name := string(line[i:k])
		if setter {
			name = string(line[i+3 : k])
		}
		if name == "" {
			continue
		}
		v, ok := valueAfter(line, k+1, false)
		if !ok || !v.quoted {
			continue
		}
		// Exactly one argument: the value is followed by the closing parenthesis.
		e := v.end + 1
		for e < len(line) && line[e] == ' ' {
			e++
		}
		if e >= len(line) || line[e] != ')' {
			continue
		}
		out = append(out, kv.Pair{
			Name: name, Value: string(line[v.start:v.end]), Kind: kv.Literal, Context: "setter",
			Line: lineNo, Col: v.start + 1, EndLine: lineNo, EndCol: v.end,
			Start: base + v.start, End: base + v.end,
		})
		i = v.end
	}
	return out
}
