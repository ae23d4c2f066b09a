package confextract

import (
	"bytes"
	"encoding/base64"
	"strings"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

// The YAML extractor is line-oriented: a stack of frames, one per open block
// mapping key or sequence item, is kept by indentation; scalars (plain,
// quoted, block) and flow collections are read where they start. Names are the
// dotted paths of mapping keys; sequence items take the name of their sequence.

type yframe struct {
	indent   int
	key      string // mapping key; "" for a sequence item
	path     string // dotted path of the frame (a sequence item: that of its sequence)
	seq      bool   // a sequence item
	nameVal  string // for items: the value of their "name" key
	hasName  bool
	valueIdx int // for items: the pair of their "value" key, or -1
}

type ysecret struct {
	idx  int
	key  string
	data bool
}

type yparser struct {
	x      *extractor
	src    []byte
	hi     int
	stack  []yframe
	kind   string // value of the document's top-level "kind"
	secret []ysecret
}

// ytarget says where a scalar goes: an item of the sequence whose frame is
// stack[parent], or the value of key under stack[parent] (-1: top level).
type ytarget struct {
	item   bool
	key    string
	parent int
}

// flowIndent is the indentation given to frames pushed inside flow collections.
const flowIndent = 1 << 30

func (x *extractor) yaml(lo, hi int) {
	p := &yparser{x: x, src: x.src, hi: hi}
	p.run(lo)
}

func (p *yparser) run(i int) {
	src, hi := p.src, p.hi
	for i < hi {
		le, next := lineEnd(src, i, hi)
		cs := skipBlanks(src, i, le)
		if cs >= le || src[cs] == '#' {
			i = next
			continue
		}
		if cs == i && le-i >= 3 && (string(src[i:i+3]) == "---" || string(src[i:i+3]) == "...") &&
			(le-i == 3 || isBlank(src[i+3])) {
			p.endDoc()
			i = next
			continue
		}
		if cs == i && src[i] == '%' {
			i = next
			continue
		}
		if isTemplateLine(src, cs, le) {
			i = next
			continue
		}
		i = p.line(cs, le, next, cs-i)
	}
	p.endDoc()
}

// isTemplateLine reports a line that is a template directive ({{ ... }} or
// {% ... %}) rather than YAML.
func isTemplateLine(src []byte, cs, le int) bool {
	return src[cs] == '{' && cs+1 < le && (src[cs+1] == '{' || src[cs+1] == '%')
}

func (p *yparser) push(f yframe) {
	if len(p.stack) < 4*maxDepth {
		p.stack = append(p.stack, f)
	}
}

func (p *yparser) pop() {
	n := len(p.stack) - 1
	f := &p.stack[n]
	if f.seq && f.hasName && f.valueIdx >= 0 && f.nameVal != "" {
		p.x.out[f.valueIdx].Name = f.nameVal
	}
	p.stack = p.stack[:n]
}

func (p *yparser) truncate(n int) {
	for len(p.stack) > n {
		p.pop()
	}
}

func (p *yparser) path() string {
	if n := len(p.stack); n > 0 {
		return p.stack[n-1].path
	}
	return ""
}

func (p *yparser) endDoc() {
	p.truncate(0)
	if p.kind == "Secret" {
		for _, s := range p.secret {
			pr := &p.x.out[s.idx]
			pr.Name = s.key
			pr.Context = ctxSecret
			if s.data && pr.Kind == kv.Literal {
				if d, ok := decodeBase64(pr.Value); ok {
					p.x.setValue(s.idx, d)
				}
			}
		}
	}
	p.kind = ""
	p.secret = p.secret[:0]
}

// decodeBase64 decodes standard or URL base64, with or without padding,
// ignoring whitespace.
func decodeBase64(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b), true
		}
	}
	return "", false
}

// line handles a line whose content starts at src[cs] in column col (0-based).
func (p *yparser) line(cs, le, next, col int) int {
	src := p.src
	for src[cs] == '-' && (cs+1 == le || isBlank(src[cs+1])) {
		// pop deeper frames and the previous item of this sequence
		for n := len(p.stack); n > 0 && (p.stack[n-1].indent > col || p.stack[n-1].indent == col && p.stack[n-1].seq); n = len(p.stack) {
			p.pop()
		}
		p.push(yframe{indent: col, seq: true, path: p.path(), valueIdx: -1})
		j := skipBlanks(src, cs+1, le)
		if j >= le || src[j] == '#' {
			return next
		}
		col += j - cs
		cs = j
	}
	for n := len(p.stack); n > 0 && p.stack[n-1].indent >= col; n = len(p.stack) {
		p.pop()
	}
	if key, vs, ok := p.key(cs, le); ok {
		return p.keyValue(key, col, vs, le, next)
	}
	n := len(p.stack)
	if isTemplateLine(src, cs, le) {
		return next
	}
	if n == 0 {
		if src[cs] == '{' || src[cs] == '[' { // a flow document (JSON as YAML)
			return p.flow(cs, -1)
		}
		return next
	}
	top := &p.stack[n-1]
	if top.seq {
		return p.value(cs, le, next, top.indent, ytarget{item: true, parent: n - 1}, "")
	}
	// the value of the key above, on its own line
	return p.value(cs, le, next, top.indent, ytarget{key: top.key, parent: n - 2}, "")
}

// key reads a mapping key at src[cs:le]: a plain or quoted scalar followed by
// ':' and a blank or the line end. It returns the key and where the value starts.
func (p *yparser) key(cs, le int) (string, int, bool) {
	src := p.src
	c := src[cs]
	if c == '"' || c == '\'' {
		v, _, _, after, ok := p.quoted(cs, le, -1, false)
		if !ok {
			return "", 0, false
		}
		k := skipBlanks(src, after, le)
		if k < le && src[k] == ':' && (k+1 == le || isBlank(src[k+1])) {
			return v, skipBlanks(src, k+1, le), true
		}
		return "", 0, false
	}
	if strings.IndexByte("[{#|>*!&%@`?", c) >= 0 {
		return "", 0, false
	}
	for j := cs; j < le; j++ {
		switch src[j] {
		case ':':
			if j+1 == le || isBlank(src[j+1]) {
				e := trimBlanksRight(src, cs, j)
				if e == cs {
					return "", 0, false
				}
				return p.x.str(src[cs:e]), skipBlanks(src, j+1, le), true
			}
		case '#':
			if isBlank(src[j-1]) {
				return "", 0, false
			}
		}
	}
	return "", 0, false
}

// props skips an anchor (&a) and a tag (!t) before a value and returns the tag.
func (p *yparser) props(vs, le int) (string, int) {
	src := p.src
	tag := ""
	for k := 0; k < 2 && vs < le && (src[vs] == '&' || src[vs] == '!'); k++ {
		e := vs
		for e < le && !isBlank(src[e]) {
			e++
		}
		if src[vs] == '!' {
			tag = string(src[vs:e])
		}
		vs = skipBlanks(src, e, le)
	}
	return tag, vs
}

func (p *yparser) keyValue(key string, col, vs, le, next int) int {
	src := p.src
	parent := len(p.stack) - 1
	tag, vs := p.props(vs, le)
	if vs >= le || src[vs] == '#' {
		p.push(yframe{indent: col, key: key, path: p.x.join(p.path(), key), valueIdx: -1})
		return next
	}
	if c := src[vs]; c == '[' || c == '{' && !(vs+1 < le && src[vs+1] == '{') {
		p.push(yframe{indent: col, key: key, path: p.x.join(p.path(), key), valueIdx: -1})
		r := p.flow(vs, col)
		p.truncate(parent + 1)
		return r
	}
	return p.value(vs, le, next, col, ytarget{key: key, parent: parent}, tag)
}

// value reads the scalar or flow collection at src[vs] (its line ends at le);
// lines of a multi-line scalar must be indented deeper than pind. It returns
// where parsing resumes.
func (p *yparser) value(vs, le, next, pind int, t ytarget, tag string) int {
	src := p.src
	if tag == "" && (src[vs] == '!' || src[vs] == '&') {
		tag, vs = p.props(vs, le)
		if vs >= le || src[vs] == '#' {
			return next
		}
	}
	switch c := src[vs]; {
	case c == '|' || c == '>':
		if r, ok := p.block(vs, le, next, pind, t, tag); ok {
			return r
		}
	case c == '"' || c == '\'':
		v, s, e, after, ok := p.quoted(vs, p.hi, pind, true)
		if ok {
			p.emit(t, v, s, e, tag, false)
			if v == string(src[s:e]) {
				p.embeddedShell(t, s, e)
			}
			_, r := lineEnd(src, after, p.hi)
			return r
		}
		// unterminated: the rest of the line
		s = vs + 1
		e = trimBlanksRight(src, s, le)
		p.emit(t, string(src[s:e]), s, e, tag, false)
		return next
	case c == '*':
		e := vs
		for e < le && !isBlank(src[e]) {
			e++
		}
		p.emit(t, string(src[vs:e]), vs, e, "*", false)
		return next
	case c == '[' || c == '{' && !(vs+1 < le && src[vs+1] == '{'):
		base := len(p.stack)
		r := p.flow(vs, pind)
		p.truncate(base)
		return r
	}
	return p.plain(vs, le, next, pind, t, tag)
}

// plain reads a plain scalar, with its continuation lines.
func (p *yparser) plain(vs, le, next, pind int, t ytarget, tag string) int {
	src, hi := p.src, p.hi
	e := trimBlanksRight(src, vs, commentStart(src, vs, le, "#"))
	end, resume := e, next
	var b []byte
	blanks := 0
	for j := next; j < hi; {
		le2, next2 := lineEnd(src, j, hi)
		c2 := skipBlanks(src, j, le2)
		if c2 >= le2 {
			blanks++
			j = next2
			continue
		}
		if c2-j <= pind || src[c2] == '#' || isTemplateLine(src, c2, le2) ||
			src[c2] == '-' && (c2+1 == le2 || isBlank(src[c2+1])) {
			break
		}
		if _, _, ok := p.key(c2, le2); ok {
			break
		}
		e2 := trimBlanksRight(src, c2, commentStart(src, c2, le2, "#"))
		if b == nil {
			b = append(b, src[vs:e]...)
		}
		if blanks == 0 {
			b = append(b, ' ')
		}
		for ; blanks > 0; blanks-- {
			b = append(b, '\n')
		}
		b = append(b, src[c2:e2]...)
		end, resume = e2, next2
		j = next2
	}
	v := ""
	if b != nil {
		v = string(b)
	} else {
		v = string(src[vs:e])
	}
	p.emit(t, v, vs, end, tag, true)
	p.embeddedShell(t, vs, end)
	return resume
}

// quoted reads a single- or double-quoted scalar at src[i], which may span
// lines up to hi if fold is set (continuation lines must be indented deeper
// than pind when pind >= 0). It returns the decoded value, the span of its
// content, the offset after the closing quote, and whether it was closed.
func (p *yparser) quoted(i, hi, pind int, fold bool) (v string, s, e, after int, ok bool) {
	src := p.src
	q := src[i]
	s = i + 1
	limit := hi // callers pass the line end when !fold
	if fold && !p.x.multiline() {
		limit, _ = lineEnd(src, i, hi)
	}
	var b []byte
	plainRun := true // b not started: the value is src[s:j]
	j := s
	start := func() {
		if plainRun {
			b = append(make([]byte, 0, j-s+16), src[s:j]...)
			plainRun = false
		}
	}
	for j < limit {
		c := src[j]
		switch {
		case c == q:
			if q == '\'' && j+1 < limit && src[j+1] == '\'' {
				start()
				b = append(b, '\'')
				j += 2
				continue
			}
			if plainRun {
				return string(src[s:j]), s, j, j + 1, true
			}
			return string(b), s, j, j + 1, true
		case c == '\\' && q == '"':
			start()
			j = yamlEscape(src, j, limit, &b)
		case c == '\n' || c == '\r':
			start()
			// fold: drop trailing blanks, count empty lines
			for len(b) > 0 && isBlank(b[len(b)-1]) {
				b = b[:len(b)-1]
			}
			_, k := lineEnd(src, j, limit)
			empty := 0
			for k < limit {
				le2, next2 := lineEnd(src, k, limit)
				c2 := skipBlanks(src, k, le2)
				if c2 < le2 {
					if pind >= 0 && c2-k <= pind && src[c2] != q {
						p.x.fail(k - i)
						return "", s, s, s, false
					}
					k = c2
					break
				}
				empty++
				k = next2
			}
			if empty == 0 {
				b = append(b, ' ')
			}
			for ; empty > 0; empty-- {
				b = append(b, '\n')
			}
			j = k
		default:
			if !plainRun {
				b = append(b, c)
			}
			j++
		}
	}
	p.x.fail(limit - i)
	return "", s, s, s, false
}

// yamlEscape decodes the escape at src[j] (a backslash) into b and returns the
// offset after it.
func yamlEscape(src []byte, j, limit int, b *[]byte) int {
	if j+1 >= limit {
		return j + 1
	}
	c := src[j+1]
	j += 2
	switch c {
	case '0':
		*b = append(*b, 0)
	case 'a':
		*b = append(*b, '\a')
	case 'b':
		*b = append(*b, '\b')
	case 't', '\t':
		*b = append(*b, '\t')
	case 'n':
		*b = append(*b, '\n')
	case 'v':
		*b = append(*b, '\v')
	case 'f':
		*b = append(*b, '\f')
	case 'r':
		*b = append(*b, '\r')
	case 'e':
		*b = append(*b, 0x1b)
	case 'N':
		*b = appendRune(*b, 0x85)
	case '_':
		*b = appendRune(*b, 0xa0)
	case 'L':
		*b = appendRune(*b, 0x2028)
	case 'P':
		*b = appendRune(*b, 0x2029)
	case 'x', 'u', 'U':
		n := hexLen(c)
		if r, ok := readHex(src, j, limit, n); ok {
			*b = appendRune(*b, r)
			j += n
		} else {
			*b = append(*b, '\\', c)
		}
	case '\n', '\r':
		// escaped line break: join without a space
		if c == '\r' && j < limit && src[j] == '\n' {
			j++
		}
		for j < limit && isBlank(src[j]) {
			j++
		}
	default:
		*b = append(*b, c)
	}
	return j
}

// block reads a block scalar (| or >) whose header is at src[vs].
func (p *yparser) block(vs, le, next, pind int, t ytarget, tag string) (int, bool) {
	src, hi := p.src, p.hi
	folded := src[vs] == '>'
	chomp := byte(0)
	explicit := 0
	h := vs + 1
	for ; h < le; h++ {
		c := src[h]
		if c == '-' || c == '+' {
			chomp = c
		} else if c >= '1' && c <= '9' {
			explicit = int(c - '0')
		} else {
			break
		}
	}
	if h2 := skipBlanks(src, h, le); h2 < le && !(src[h2] == '#' && h2 > h) {
		return 0, false
	}
	base := pind
	if base < 0 {
		base = 0
	}
	indent := -1
	if explicit > 0 {
		indent = base + explicit
		if pind < 0 {
			indent = explicit
		}
	}
	type bline struct{ s, e int } // content; s == e for an empty line
	var lines []bline
	resume := next
	for j := next; j < hi; {
		le2, next2 := lineEnd(src, j, hi)
		sp := j
		for sp < le2 && src[sp] == ' ' {
			sp++
		}
		if skipBlanks(src, sp, le2) >= le2 {
			lines = append(lines, bline{le2, le2})
			j = next2
			continue
		}
		if indent < 0 {
			if sp-j <= pind {
				break
			}
			indent = sp - j
		}
		if sp-j < indent {
			break
		}
		lines = append(lines, bline{j + indent, le2})
		resume = next2
		j = next2
	}
	// trailing empty lines only matter for "keep" chomping
	last := len(lines) - 1
	for last >= 0 && lines[last].s == lines[last].e {
		last--
	}
	trailing := len(lines) - 1 - last
	lines = lines[:last+1]
	var b []byte
	empty, prevMore, first := 0, false, true
	newlines := func(n int) {
		for ; n > 0; n-- {
			b = append(b, '\n')
		}
	}
	for _, l := range lines {
		if l.s == l.e {
			empty++
			continue
		}
		more := isBlank(src[l.s])
		switch {
		case first:
			newlines(empty)
		case folded && !more && !prevMore:
			if empty == 0 {
				b = append(b, ' ')
			}
			newlines(empty)
		default:
			newlines(empty + 1)
		}
		b = append(b, src[l.s:l.e]...)
		empty, prevMore, first = 0, more, false
	}
	if !first {
		switch chomp {
		case 0:
			newlines(1)
		case '+':
			newlines(1 + trailing)
		}
	}
	v := string(b)
	s, e := le, le
	for _, l := range lines {
		if l.s < l.e {
			s = l.s
			break
		}
	}
	if len(lines) > 0 {
		e = lines[len(lines)-1].e
	}
	if s > e {
		s = e
	}
	p.emit(t, v, s, e, tag, false)
	p.embeddedShell(t, s, e)
	return resume, true
}

// refTag reports whether a local tag makes the value a reference (CloudFormation
// !Ref, !GetAtt..., pyyaml-env-tag !env / !ENV, and the like).
func tagKind(tag string) (kv.Kind, bool) {
	switch {
	case tag == "" || strings.HasPrefix(tag, "!!") || tag == "!":
		return 0, false
	case tag == "*":
		return kv.Reference, true
	case tag == "!Sub" || tag == "!sub":
		return kv.Template, true
	case tag == "!vault" || tag == "!unsafe" || tag == "!binary" || tag == "!str":
		return kv.Literal, true
	}
	return kv.Reference, true
}

func isYAMLNull(v string) bool {
	return v == "" || v == "~" || v == "null" || v == "Null" || v == "NULL"
}

// emit adds a scalar found for target t.
func (p *yparser) emit(t ytarget, v string, s, e int, tag string, plain bool) {
	if plain && isYAMLNull(v) && tag == "" || !t.item && t.key == "<<" {
		return
	}
	x := p.x
	var parent *yframe
	if t.parent >= 0 && t.parent < len(p.stack) {
		parent = &p.stack[t.parent]
	}
	kind, tagged := tagKind(tag)
	if t.item {
		if parent == nil {
			return
		}
		if t.parent > 0 {
			if gp := &p.stack[t.parent-1]; !gp.seq && (gp.key == "environment" || gp.key == "args") {
				k := strings.IndexByte(v, '=')
				if k <= 0 || !isEnvName(v[:k]) {
					if k < 0 && isEnvName(v) {
						return // a variable passed through without a value
					}
					goto plainItem
				}
				if r := indexByte(x.src[s:e], '='); r >= 0 {
					s += r + 1
				}
				val := v[k+1:]
				if !tagged {
					kind = envKind(val)
				}
				x.add(v[:k], val, kind, ctxCompose, s, e)
				return
			}
		}
	plainItem:
		if parent.path == "" {
			return
		}
		if !tagged {
			kind = kindOf(v, false)
		}
		x.add(parent.path, v, kind, ctxYAML, s, e)
		return
	}
	name, ctx := t.key, ctxYAML
	if parent != nil {
		name = p.x.join(parent.path, t.key)
		if !parent.seq && (parent.key == "environment" ||
			parent.key == "args" && t.parent > 0 && p.stack[t.parent-1].key == "build") {
			name, ctx = t.key, ctxCompose
		}
	}
	if !tagged {
		if ctx == ctxCompose {
			kind = envKind(v)
		} else {
			kind = kindOf(v, false)
		}
	}
	idx := x.add(name, v, kind, ctx, s, e)
	switch {
	case parent == nil:
		if t.key == "kind" && idx >= 0 {
			p.kind = v
		}
	case parent.seq:
		if t.key == "name" {
			parent.nameVal, parent.hasName = v, true
		} else if t.key == "value" {
			parent.valueIdx = idx
		}
	case idx < 0:
	case t.parent == 0 && (parent.key == "data" || parent.key == "stringData"):
		p.secret = append(p.secret, ysecret{idx: idx, key: t.key, data: parent.key == "data"})
	}
}

// flow reads the flow collection at src[i]; the frame it belongs to is on top
// of the stack. Continuation lines must be indented deeper than pind. It
// returns where parsing resumes.
func (p *yparser) flow(i, pind int) int {
	src, hi := p.src, p.hi
	type fctx struct {
		isMap     bool
		haveKey   bool
		key       string
		keyPushed bool
		mark      int
	}
	base := len(p.stack)
	var ctxs []fctx
	overflow := 0
	defer p.truncate(base)
	start := i
	le := -1 // end of the line holding i, once i > le it is recomputed
	for i < hi {
		if i > le {
			le, _ = lineEnd(src, i, hi)
		}
		c := src[i]
		switch {
		case isBlank(c) || c == '\r':
			i++
			continue
		case c == '\n':
			if !p.x.multiline() {
				return i + 1
			}
			_, next := lineEnd(src, i, hi)
			le2, _ := lineEnd(src, next, hi)
			c2 := skipBlanks(src, next, le2)
			if c2 < le2 && src[c2] != '#' && pind >= 0 && c2-next <= pind &&
				!(src[c2] == ']' || src[c2] == '}') {
				p.x.fail(next - start)
				return next // unterminated: resume at this line
			}
			i = next
			continue
		case c == '#' && (i == 0 || isSpace(src[i-1])):
			for i < hi && src[i] != '\n' {
				i++
			}
			continue
		case c == '[' || c == '{' && !(i+1 < hi && src[i+1] == '{'):
			i++
			if overflow > 0 || len(ctxs) >= maxShellNest {
				overflow++
				continue
			}
			if n := len(ctxs); n > 0 && ctxs[n-1].haveKey {
				k := ctxs[n-1].key
				p.push(yframe{indent: flowIndent, key: k, path: p.x.join(p.path(), k), valueIdx: -1})
				ctxs[n-1].keyPushed = true
			}
			mark := len(p.stack)
			if c == '[' {
				p.push(yframe{indent: flowIndent, seq: true, path: p.path(), valueIdx: -1})
			}
			ctxs = append(ctxs, fctx{isMap: c == '{', mark: mark})
			continue
		case c == ']' || c == '}':
			i++
			if overflow > 0 {
				overflow--
				continue
			}
			if len(ctxs) == 0 {
				_, r := lineEnd(src, i-1, hi)
				return r
			}
			p.truncate(ctxs[len(ctxs)-1].mark)
			ctxs = ctxs[:len(ctxs)-1]
			if n := len(ctxs); n > 0 {
				if ctxs[n-1].keyPushed {
					p.truncate(len(p.stack) - 1)
					ctxs[n-1].keyPushed = false
				}
				ctxs[n-1].haveKey = false
			}
			if len(ctxs) == 0 {
				_, r := lineEnd(src, i-1, hi)
				return r
			}
			continue
		case c == ',':
			i++
			if n := len(ctxs); n > 0 && overflow == 0 {
				ctxs[n-1].haveKey = false
				if !ctxs[n-1].isMap {
					p.truncate(ctxs[n-1].mark)
					p.push(yframe{indent: flowIndent, seq: true, path: p.path(), valueIdx: -1})
				}
			}
			continue
		case c == ':':
			i++
			continue
		}
		if len(ctxs) == 0 {
			_, r := lineEnd(src, i, hi)
			return r
		}
		// a scalar
		var v, tag string
		var s, e int
		plain := false
		if c == '!' || c == '&' {
			tag, i = p.props(i, le)
			if i >= le {
				continue
			}
			c = src[i]
		}
		switch {
		case c == '"' || c == '\'':
			var ok bool
			var after int
			v, s, e, after, ok = p.quoted(i, hi, pind, true)
			if !ok {
				i = le
				continue
			}
			i = after
			if i > le {
				le, _ = lineEnd(src, i, hi)
			}
		case c == '{': // {{ template }}
			s = i
			k := bytes.Index(src[i:le], []byte("}}"))
			if k < 0 {
				i = le
			} else {
				i += k + 2
			}
			e = i
			v = string(src[s:e])
		case c == ',' || c == '[' || c == ']' || c == '}':
			continue
		default:
			s = i
			for i < le {
				d := src[i]
				if d == ',' || d == '[' || d == ']' || d == '{' || d == '}' ||
					d == ':' && (i+1 >= le || isBlank(src[i+1]) || strings.IndexByte(",[]{}", src[i+1]) >= 0) ||
					d == '#' && isBlank(src[i-1]) {
					break
				}
				i++
			}
			if i == s {
				i++
				continue
			}
			e = trimBlanksRight(src, s, i)
			v = string(src[s:e])
			plain = true
			if c == '*' {
				tag = "*"
			}
		}
		if overflow > 0 {
			continue
		}
		j := skipBlanks(src, i, le)
		top := &ctxs[len(ctxs)-1]
		if j < le && src[j] == ':' && !top.haveKey {
			top.haveKey, top.key = true, v
			i = j + 1
			continue
		}
		if top.haveKey {
			p.emit(ytarget{key: top.key, parent: len(p.stack) - 1}, v, s, e, tag, plain)
			top.haveKey = false
		} else if !top.isMap {
			p.emit(ytarget{item: true, parent: len(p.stack) - 1}, v, s, e, tag, plain)
		}
	}
	p.x.fail(hi - start)
	return hi
}

// isEnvName reports whether s looks like an environment variable name.
func isEnvName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isNameByte(c) && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// yShellKeys are keys whose values are shell commands (GitHub Actions run,
// GitLab CI script, compose command...); yShellLists those whose list items
// are.
var yShellKeys = map[string]bool{
	"run": true, "script": true, "before_script": true, "after_script": true, "command": true,
	"entrypoint": true, "cmd": true, "commands": true,
}

var yShellLists = map[string]bool{
	"script": true, "before_script": true, "after_script": true, "commands": true, "run": true,
}

// embeddedShell runs the shell extractor over a scalar src[s:e] that is a
// shell command by its key.
func (p *yparser) embeddedShell(t ytarget, s, e int) {
	if e <= s {
		return
	}
	if t.item {
		if t.parent <= 0 || t.parent >= len(p.stack) {
			return
		}
		if gp := &p.stack[t.parent-1]; gp.seq || !yShellLists[gp.key] {
			return
		}
	} else if !yShellKeys[t.key] {
		return
	}
	p.x.shell(s, e)
}
