package confextract

import (
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

// Format is a config file format understood by Extract.
type Format int

// The formats. FormatNone means "not a config file this package knows"; Extract
// returns nil for it. JupyterNotebook is reported by Detect for .ipynb files; such
// files are decoded with Notebook, and Extract returns nil for them.
const (
	FormatNone Format = iota
	Env
	INI
	YAML
	TOML
	JSON
	Properties
	Dockerfile
	Shell
	XML
	JupyterNotebook
	numFormats
)

var formatNames = [numFormats]string{
	FormatNone:      "none",
	Env:             "env",
	INI:             "ini",
	YAML:            "yaml",
	TOML:            "toml",
	JSON:            "json",
	Properties:      "properties",
	Dockerfile:      "dockerfile",
	Shell:           "shell",
	XML:             "xml",
	JupyterNotebook: "ipynb",
}

// String returns the lower-case name of f ("env", "yaml", ...).
func (f Format) String() string {
	if f >= 0 && f < numFormats {
		return formatNames[f]
	}
	return "unknown"
}

// Detect picks a format from the file path (its base name and extension) and,
// when the name is ambiguous (*.conf, files without an extension), from the
// start of src. src may be nil; then only the name is used.
func Detect(p string, src []byte) Format {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	base := strings.ToLower(p)
	switch base {
	case ".env", "env", ".flaskenv", ".npmrc", "env.example", "env.sample", "env.template", "env.dist",
		"env.local", "env.dev", "env.prod", "env.test":
		return Env
	case ".envrc", ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc",
		".zshenv", ".zprofile", ".zlogin", ".kshrc", ".mkshrc", "bashrc", "profile", "zshrc":
		return Shell
	case ".pypirc", ".pylintrc", "pylintrc", ".coveragerc", ".flake8", ".editorconfig", ".gitconfig",
		".hgrc", "hgrc", ".pydistutils.cfg", ".isort.cfg", "pip.conf", "pip.ini", ".condarc.ini":
		return INI
	case "pipfile", "poetry.lock", "uv.lock", "pdm.lock", "cargo.lock":
		return TOML
	case "dockerfile", "containerfile":
		return Dockerfile
	}
	if strings.HasPrefix(base, "dockerfile.") || strings.HasPrefix(base, "containerfile.") ||
		strings.HasPrefix(base, "dockerfile-") || strings.HasSuffix(base, ".dockerfile") ||
		strings.HasSuffix(base, ".containerfile") {
		return Dockerfile
	}
	if strings.HasPrefix(base, ".env.") || strings.HasPrefix(base, ".env-") || strings.HasPrefix(base, ".env_") ||
		strings.HasSuffix(base, ".env") || strings.Contains(base, ".env.") {
		return Env
	}
	switch path.Ext(base) {
	case ".ini", ".cfg":
		return INI
	case ".conf":
		return sniffConf(src)
	case ".yaml", ".yml":
		return YAML
	case ".toml":
		return TOML
	case ".json", ".jsonc", ".json5", ".webmanifest":
		return JSON
	case ".ipynb":
		return JupyterNotebook
	case ".properties":
		return Properties
	case ".sh", ".bash", ".zsh", ".ksh", ".dash":
		return Shell
	case ".xml", ".config", ".csproj", ".pom":
		return XML
	case "":
		return sniffNoExt(src)
	}
	return FormatNone
}

// sniffNoExt recognises shell scripts by their #! line.
func sniffNoExt(src []byte) Format {
	if len(src) < 3 || src[0] != '#' || src[1] != '!' {
		return FormatNone
	}
	line := src
	if i := indexByte(src, '\n'); i >= 0 {
		line = src[:i]
	}
	l := string(line)
	for _, sh := range []string{"/sh", "/bash", "/zsh", "/ksh", "/dash", "/ash", " sh", " bash", " zsh", " ksh", " dash", " ash"} {
		if strings.Contains(l, sh) {
			return Shell
		}
	}
	return FormatNone
}

// sniffConf tells INI-style *.conf files (pip.conf, supervisord) from
// "key value" ones (redis.conf) and brace-structured ones (nginx), which are
// not extracted.
func sniffConf(src []byte) Format {
	if len(src) > 8192 {
		src = src[:8192]
	}
	var eq, sp, brace int
	for len(src) > 0 {
		line := src
		if i := indexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == '#' || s[0] == ';' {
			continue
		}
		switch {
		case s[0] == '[' && s[len(s)-1] == ']':
			return INI
		case strings.HasSuffix(s, "{") || s == "}" || s[0] == '<':
			brace++
		case strings.IndexByte(s, '=') > 0:
			eq++
		default:
			sp++
		}
	}
	switch {
	case brace > 0:
		return FormatNone
	case eq >= sp:
		return INI
	}
	return Properties
}

// Extract returns the (name, value) pairs of src read as format f, in file order.
// It never fails and never panics: what cannot be parsed is skipped. src is not
// kept and not modified.
func Extract(f Format, src []byte) []kv.Pair {
	x := extractor{src: src, budget: len(src) + 4096}
	if sp, ok := scratchPool.Get().(*[]kv.Pair); ok {
		x.out = (*sp)[:0]
		defer func() {
			clear(x.out[:cap(x.out)]) // drop the strings
			if cap(x.out) <= maxScratch {
				*sp = x.out[:0]
				scratchPool.Put(sp)
			}
		}()
	}
	lo := 0
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		lo = 3
	}
	switch f {
	case Env:
		x.env(lo, len(src), ctxEnv)
	case INI:
		x.ini(lo, len(src))
	case YAML:
		x.yaml(lo, len(src))
	case TOML:
		x.toml(lo, len(src))
	case JSON:
		x.json(lo, len(src))
	case Properties:
		x.properties(lo, len(src))
	case Dockerfile:
		x.dockerfile(lo, len(src))
	case Shell:
		x.shell(lo, len(src))
	case XML:
		x.xml(lo, len(src))
	}
	return x.finish()
}

// scratchPool holds the slices pairs are collected in; Extract returns an
// exactly sized copy. This halves the memory a call allocates, which is most
// of its cost.
var scratchPool = sync.Pool{New: func() any { s := make([]kv.Pair, 0, 256); return &s }}

const maxScratch = 1 << 16

// Context strings.
const (
	ctxEnv        = "env"
	ctxINI        = "ini"
	ctxYAML       = "yaml"
	ctxSecret     = "k8s-secret"
	ctxCompose    = "compose"
	ctxTOML       = "toml"
	ctxJSON       = "json"
	ctxProperties = "properties"
	ctxDocker     = "dockerfile"
	ctxShell      = "shell"
	ctxShellArg   = "shell-arg"
	ctxHeredoc    = "shell-heredoc"
	ctxXML        = "xml"
)

// extractor collects the pairs of one file.
type extractor struct {
	src []byte
	out []kv.Pair
	// budget bounds the bytes spent scanning for the end of constructs that turn
	// out to be unterminated (a stray quote or bracket). When it is spent, such
	// scans stop at the end of their line, which keeps every parser linear.
	budget int
	// names interns keys and names: config files repeat them, and a hit
	// costs no allocation.
	names map[string]string
	buf   []byte
}

const maxInterned = 1 << 13

// str returns b as a string, interned.
func (x *extractor) str(b []byte) string {
	if s, ok := x.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(x.names) < maxInterned {
		if x.names == nil {
			x.names = make(map[string]string, 64)
		}
		x.names[s] = s
	}
	return s
}

// join returns a + "." + b (or the non-empty one), interned.
func (x *extractor) join(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	x.buf = append(append(append(x.buf[:0], a...), '.'), b...)
	return x.str(x.buf)
}

// fail records n bytes scanned in vain and reports whether scans may still
// cross lines.
func (x *extractor) fail(n int) {
	x.budget -= n
}

// multiline reports whether constructs may still be scanned across lines.
func (x *extractor) multiline() bool { return x.budget > 0 }

// add appends a pair whose value was read from src[start:end] and returns its
// index, or -1 if the pair has no name and was dropped.
func (x *extractor) add(name, value string, kind kv.Kind, ctx string, start, end int) int {
	if name == "" {
		return -1
	}
	if start < 0 {
		start = 0
	}
	if end < start {
		end = start
	}
	if end > len(x.src) {
		end = len(x.src)
		if start > end {
			start = end
		}
	}
	x.out = append(x.out, kv.Pair{
		Name: name, Value: value, Kind: kind, Context: ctx,
		Start: start, End: end,
		Decoded: value != string(x.src[start:end]),
	})
	return len(x.out) - 1
}

// setValue replaces the value of pair i and recomputes Decoded.
func (x *extractor) setValue(i int, v string) {
	p := &x.out[i]
	p.Value = v
	p.Decoded = v != string(x.src[p.Start:p.End])
}

// finish sorts the pairs into file order and fills in their line and column
// positions.
func (x *extractor) finish() []kv.Pair {
	if len(x.out) == 0 {
		return nil
	}
	out := make([]kv.Pair, len(x.out))
	copy(out, x.out)
	sorted := true
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].Start {
			sorted = false
			break
		}
	}
	if !sorted {
		slices.SortStableFunc(out, func(a, b kv.Pair) int { return a.Start - b.Start })
	}
	// One walk over the file: line and lineStart are those of offset off.
	src := x.src
	line, lineStart, off := 1, 0, 0
	for i := range out {
		p := &out[i]
		for {
			j := indexByte(src[off:p.Start], '\n')
			if j < 0 {
				break
			}
			off += j + 1
			line, lineStart = line+1, off
		}
		off = p.Start
		p.Line, p.Col = line, p.Start-lineStart+1
		p.EndLine, p.EndCol = line, p.Col-1
		if p.End > p.Start {
			l, ls := line, lineStart
			for k := p.Start; ; {
				j := indexByte(src[k:p.End-1], '\n')
				if j < 0 {
					break
				}
				k += j + 1
				l, ls = l+1, k
			}
			p.EndLine, p.EndCol = l, p.End-1-ls+1
		}
	}
	return out
}
