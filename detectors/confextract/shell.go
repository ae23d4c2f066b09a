package confextract

import (
	"bytes"
	"strings"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

// shell extracts from a shell script in src[lo:hi]:
//   - variable assignments at the start of a command (NAME=value, NAME+=value,
//     NAME=(a b) arrays, the prefix assignments of "NAME=value cmd"), and those
//     after export, declare, typeset, local, readonly and env ("shell");
//   - command-line options: --name=value and --name value for any command;
//     -e/--env/--build-arg/--from-literal/--set NAME=value as NAME; a few short
//     options of well-known clients (mysql -pX, sshpass -p X, redis-cli -a X,
//     docker/podman/helm login -p X, curl -u X and -H "Name: value")
//     ("shell-arg");
//   - KEY=value lines of here-documents ("shell-heredoc").
func (x *extractor) shell(lo, hi int) {
	p := shParser{x: x, hi: hi, cmdStart: true}
	p.run(lo)
}

type heredoc struct {
	delim string
	strip bool
}

type shParser struct {
	x        *extractor
	hi       int
	cmdStart bool
	decl     bool   // after export/declare/...: assignments are arguments
	cmd      string // command name, if it has known short options
	envCmd   bool   // the command takes -e NAME=value (docker, podman, kubectl...)
	login    bool   // a "login" argument was seen
	pending  string // option awaiting its value
	pendKind byte   // 'v' value, 'e' NAME=value, 'h' header
	docs     []heredoc
}

var shReserved = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true,
	"while": true, "until": true, "for": true, "case": true, "esac": true, "select": true,
	"function": true, "time": true, "coproc": true, "!": true, "{": true, "}": true, "in": true,
}

var shDecl = map[string]bool{
	"export": true, "declare": true, "typeset": true, "local": true, "readonly": true, "env": true,
}

// shortOpt describes a short option of a known client.
type shortOpt struct {
	name     string
	attached bool // -pVALUE
	separate bool // -p VALUE
	kind     byte // 'v' or 'h'
	login    bool // only after a "login" argument
}

var shShort = map[string]map[byte]shortOpt{}

func init() {
	mysql := map[byte]shortOpt{
		'p': {name: "password", attached: true},
		'u': {name: "user", attached: true, separate: true},
	}
	for _, c := range []string{"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow",
		"mysqlpump", "mariadb", "mariadb-dump", "mariadb-admin"} {
		shShort[c] = mysql
	}
	shShort["sshpass"] = map[byte]shortOpt{'p': {name: "password", attached: true, separate: true}}
	shShort["redis-cli"] = map[byte]shortOpt{'a': {name: "password", attached: true, separate: true}}
	login := map[byte]shortOpt{
		'p': {name: "password", separate: true, login: true},
		'u': {name: "username", separate: true, login: true},
	}
	for _, c := range []string{"docker", "podman", "helm", "buildah", "skopeo", "nerdctl", "oras"} {
		shShort[c] = login
	}
	shShort["curl"] = map[byte]shortOpt{
		'u': {name: "user", attached: true, separate: true},
		'H': {name: "header", attached: true, separate: true, kind: 'h'},
	}
}

// commands whose -e option is NAME=value
var shEnvCmds = map[string]bool{
	"docker": true, "podman": true, "nerdctl": true, "kubectl": true, "oc": true, "fly": true,
	"heroku": true, "az": true, "gcloud": true, "ecs-cli": true, "act": true, "k3d": true,
	"docker-compose": true, "compose": true, "singularity": true, "apptainer": true,
}

// options whose value is NAME=value
var shEnvOpts = map[string]bool{
	"e": true, "env": true, "build-arg": true, "from-literal": true, "set": true, "set-string": true,
	"build-env": true, "env-var": true,
}

func (p *shParser) reset() {
	p.cmdStart, p.decl, p.cmd, p.envCmd, p.login, p.pending = true, false, "", false, false, ""
}

func (p *shParser) run(i int) {
	x, src, hi := p.x, p.x.src, p.hi
	for i < hi {
		c := src[i]
		switch {
		case isBlank(c) || c == '\r':
			i++
		case c == '\\' && i+1 < hi && src[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < hi && src[i+1] == '\r' && src[i+2] == '\n':
			i += 3
		case c == '\n':
			i++
			p.reset()
			if len(p.docs) > 0 {
				i = p.heredocs(i)
			}
		case c == '#':
			for i < hi && src[i] != '\n' {
				i++
			}
		case c == ';' || c == '&' || c == '|' || c == '(' || c == ')':
			i++
			p.reset()
		case c == '<' || c == '>':
			i = p.redirect(i)
		default:
			e := x.scanWord(i, hi, '\\')
			if e <= i {
				e = i + 1
			}
			p.word(i, e)
			i = e
		}
	}
}

// redirect handles a redirection operator at src[i]: here-documents are noted,
// the target word is skipped.
func (p *shParser) redirect(i int) int {
	x, src, hi := p.x, p.x.src, p.hi
	if src[i] == '<' && i+1 < hi && src[i+1] == '<' {
		i += 2
		if i < hi && src[i] == '<' { // here-string
			i++
			i = skipBlanks(src, i, hi)
			if i < hi && !isShellDelim(src[i]) {
				i = x.scanWord(i, hi, '\\')
			}
			return i
		}
		strip := false
		if i < hi && src[i] == '-' {
			strip = true
			i++
		}
		i = skipBlanks(src, i, hi)
		if i < hi && !isShellDelim(src[i]) {
			e := x.scanWord(i, hi, '\\')
			d, _ := decodeWord(src, i, e, '\\')
			if d != "" && len(p.docs) < 16 {
				p.docs = append(p.docs, heredoc{delim: d, strip: strip})
			}
			return e
		}
		return i
	}
	for i < hi && (src[i] == '<' || src[i] == '>' || src[i] == '&' || src[i] == '|') {
		i++
	}
	i = skipBlanks(src, i, hi)
	if i < hi && !isShellDelim(src[i]) {
		i = x.scanWord(i, hi, '\\')
	}
	return i
}

// heredocs reads the bodies of the pending here-documents starting at src[i]
// and returns the offset after the last delimiter line.
func (p *shParser) heredocs(i int) int {
	src, hi := p.x.src, p.hi
	docs := p.docs
	p.docs = p.docs[:0]
	for _, d := range docs {
		body := i
		end := hi
		for i < hi {
			le, next := lineEnd(src, i, hi)
			s := i
			if d.strip {
				for s < le && src[s] == '\t' {
					s++
				}
			}
			if string(src[s:le]) == d.delim {
				end = i
				i = next
				break
			}
			i = next
		}
		if end == hi {
			i = hi
		}
		p.x.env(body, end, ctxHeredoc)
	}
	return i
}

// assignment reports whether src[lo:hi] is NAME=... or NAME+=... and returns
// the name and the offset of the value.
func (x *extractor) assignment(lo, hi int) (string, int, bool) {
	src := x.src
	if lo >= hi || !isNameStart(src[lo]) {
		return "", 0, false
	}
	j := lo + 1
	for j < hi && isNameByte(src[j]) {
		j++
	}
	ne := j
	if j < hi && src[j] == '+' {
		j++
	}
	if j < hi && src[j] == '[' { // NAME[index]=
		k := indexByte(src[j:hi], ']')
		if k < 0 {
			return "", 0, false
		}
		j += k + 1
	}
	if j >= hi || src[j] != '=' {
		return "", 0, false
	}
	return x.str(src[lo:ne]), j + 1, true
}

// word handles the shell word src[ws:we].
func (p *shParser) word(ws, we int) {
	src := p.x.src
	if p.cmdStart || p.decl {
		if name, vs, ok := p.x.assignment(ws, we); ok {
			p.assign(name, vs, we)
			return
		}
	}
	if p.cmdStart {
		w := src[ws:we]
		if shReserved[string(w)] { // no allocation for a map index
			return
		}
		p.cmdStart = false
		if shDecl[string(w)] {
			p.decl = true
			return
		}
		if k := bytes.LastIndexByte(w, '/'); k >= 0 {
			w = w[k+1:]
		}
		// only commands with known options are remembered
		p.cmd = ""
		p.envCmd = shEnvCmds[string(w)]
		if _, ok := shShort[string(w)]; ok {
			p.cmd = string(w)
		}
		return
	}
	if p.decl {
		return // options (-x) and plain names
	}
	p.arg(ws, we)
}

// assign emits NAME=value with the value at src[vs:we].
func (p *shParser) assign(name string, vs, we int) {
	src := p.x.src
	if vs < we && src[vs] == '(' && we > vs+1 && src[we-1] == ')' {
		// array: one pair per element
		i := vs + 1
		e := we - 1
		for i < e {
			c := src[i]
			if isSpace(c) || c == '\\' && i+1 < e && src[i+1] == '\n' {
				i++
				continue
			}
			if c == '#' {
				for i < e && src[i] != '\n' {
					i++
				}
				continue
			}
			j := p.x.scanWord(i, e, '\\')
			if j <= i {
				j = i + 1
			}
			k := i
			if c == '[' { // [key]=value
				if _, v, ok := subscriptAssign(src, i, j); ok {
					k = v
				}
			}
			p.emitWord(name, ctxShell, k, j)
			i = j
		}
		return
	}
	p.emitWord(name, ctxShell, vs, we)
}

func subscriptAssign(src []byte, i, j int) (string, int, bool) {
	k := indexByte(src[i:j], ']')
	if k < 0 || i+k+1 >= j || src[i+k+1] != '=' {
		return "", 0, false
	}
	return string(src[i+1 : i+k]), i + k + 2, true
}

// emitWord adds name with the shell word src[vs:we] as value. The position is
// that of the word without its outer quotes.
func (p *shParser) emitWord(name, ctx string, vs, we int) {
	x := p.x
	v, expand := decodeWord(x.src, vs, we, '\\')
	s, e := unquoteSpan(x.src, vs, we)
	kind := kv.Literal
	if expand || hasTemplate(v, false) {
		kind = kv.Template
	}
	x.add(name, v, kind, ctx, s, e)
}

// unquoteSpan narrows src[s:e] by a leading and a trailing quote.
func unquoteSpan(src []byte, s, e int) (int, int) {
	if e-s >= 2 {
		if c := src[s]; c == '"' || c == '\'' {
			s++
		} else if c == '$' && (src[s+1] == '\'' || src[s+1] == '"') && e-s >= 3 {
			s += 2
		}
		if c := src[e-1]; c == '"' || c == '\'' {
			e--
		}
	}
	return s, e
}

// arg handles an argument word src[ws:we] of the current command.
func (p *shParser) arg(ws, we int) {
	src := p.x.src
	if p.pending != "" {
		name, kind := p.pending, p.pendKind
		p.pending = ""
		if src[ws] != '-' {
			p.option(name, kind, ws, we)
			return
		}
	}
	if we-ws > 2 && src[ws] == '-' && src[ws+1] == '-' {
		j := ws + 2
		for j < we && src[j] != '=' && isOptByte(src[j]) {
			j++
		}
		if j == ws+2 {
			return
		}
		name := p.x.str(src[ws+2 : j])
		kind := byte('v')
		if shEnvOpts[name] {
			kind = 'e'
		} else if name == "header" && p.cmd == "curl" {
			kind = 'h'
		}
		if j < we && src[j] == '=' {
			p.option(name, kind, j+1, we)
		} else if j == we {
			p.pending, p.pendKind = name, kind
		}
		return
	}
	if we-ws >= 2 && src[ws] == '-' && src[ws+1] != '-' {
		if we-ws == 2 && src[ws+1] == 'e' && p.envCmd {
			p.pending, p.pendKind = "e", 'e'
			return
		}
		o, ok := shShort[p.cmd][src[ws+1]]
		if !ok || o.login && !p.login {
			return
		}
		kind := o.kind
		if kind == 0 {
			kind = 'v'
		}
		if we-ws > 2 && o.attached {
			p.option(o.name, kind, ws+2, we)
		} else if we-ws == 2 && o.separate {
			p.pending, p.pendKind = o.name, kind
		}
		return
	}
	if string(src[ws:we]) == "login" {
		p.login = true
	}
}

func isOptByte(c byte) bool { return isNameByte(c) || c == '-' || c == '.' }

// option emits the value src[vs:we] of option name.
func (p *shParser) option(name string, kind byte, vs, we int) {
	x := p.x
	src := x.src
	switch kind {
	case 'e', 'h':
		v, expand := decodeWord(src, vs, we, '\\')
		if kind == 'e' && (name == "set" || name == "set-string") && strings.IndexByte(v, ',') >= 0 {
			s, e := unquoteSpan(src, vs, we)
			if v == string(src[s:e]) {
				// helm --set a=1,b=2: one pair per item
				for s < e {
					k := indexByte(src[s:e], ',')
					if k < 0 {
						k = e - s
					}
					p.option(name, 'e', s, s+k)
					s += k + 1
				}
				return
			}
		}
		sep := byte('=')
		if kind == 'h' {
			sep = ':'
		}
		k := strings.IndexByte(v, sep)
		if k <= 0 {
			break
		}
		n := strings.TrimSpace(v[:k])
		val := v[k+1:]
		if kind == 'h' {
			val = strings.TrimLeft(val, " \t")
		}
		if n == "" || strings.ContainsAny(n, " \t\n") {
			break
		}
		// the raw span of the value: after the separator in the raw word
		s, e := unquoteSpan(src, vs, we)
		if r := indexByte(src[s:e], sep); r >= 0 {
			s += r + 1
			if kind == 'h' {
				s = skipBlanks(src, s, e)
			}
		}
		kd := kv.Literal
		if expand || hasTemplate(val, false) {
			kd = kv.Template
		}
		x.add(n, val, kd, ctxShellArg, s, e)
		return
	}
	p.emitWord(name, ctxShellArg, vs, we)
}
