package pyextract

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

// Contexts of the pairs that Extract returns.
const (
	CtxAssign        = "assign"         // NAME = v, a.b = v, a = b = v, x: str = v, (x := v), setattr(o, "x", v), os.putenv("X", v)
	CtxSubscript     = "subscript"      // d["KEY"] = v; Name is the last key
	CtxCompare       = "compare"        // x == "v", "v" != x
	CtxKwarg         = "kwarg"          // f(name=v)
	CtxDict          = "dict"           // {"name": v}, dict(name=v)
	CtxGetenvDefault = "getenv-default" // os.getenv("NAME", v), config("NAME", default=v)
	CtxAuthTuple     = "auth-tuple"     // auth=(u, p), HTTPBasicAuth(u, p): "username", "password"
	CtxDefaultArg    = "default-arg"    // def f(name=v)
)

// MaxRefLen is the longest Value of a Reference pair (and of a Name built from
// source text); longer expressions are cut, on a UTF-8 boundary.
const MaxRefLen = 200

// Extract returns the (name, value) pairs of Python source src, in source order
// (by Start; pairs that share a value keep the order of their names).
//
// It never fails: on malformed or truncated code (unterminated strings,
// unbalanced brackets, Python 2 code, non-UTF-8 bytes) it recovers and
// extracts what it can. It runs in time linear in len(src), uses no recursion,
// and does not keep or modify src.
func Extract(src []byte) []kv.Pair {
	e := pool.Get().(*extractor)
	defer e.release()
	return e.extract(src)
}

func (e *extractor) extract(src []byte) []kv.Pair {
	e.src = src
	s := &e.scanner
	s.Init(src)
	for {
		// Scan straight into the logical line; drop what is not part of it.
		if len(e.toks) == cap(e.toks) {
			e.toks = slices.Grow(e.toks, max(len(e.toks), 64)) // double: long lines copy less
		}
		e.toks = append(e.toks, Token{})
		t := &e.toks[len(e.toks)-1]
		s.scan(t)
		switch t.Kind {
		case EOF:
			e.toks = e.toks[:len(e.toks)-1]
			e.flush()
			if len(e.pairs) == 0 {
				return nil
			}
			byStart := func(a, b kv.Pair) int { return a.Start - b.Start }
			if !slices.IsSortedFunc(e.pairs, byStart) {
				slices.SortStableFunc(e.pairs, byStart)
			}
			return slices.Clone(e.pairs)
		case Comment:
			e.toks = e.toks[:len(e.toks)-1]
		case Newline:
			e.toks = e.toks[:len(e.toks)-1]
			e.flush()
		case Op:
			if t.End-t.Start == 1 && src[t.Start] == ';' && s.Depth() == 0 {
				e.toks = e.toks[:len(e.toks)-1]
				e.flush()
				continue
			}
			e.code = append(e.code, e.codeOf(t))
		default:
			e.code = append(e.code, e.codeOf(t))
		}
	}
}

var pool = sync.Pool{New: func() any { return &extractor{fst: make([]frame, 0, 16)} }}

// release clears e and puts it back in the pool, unless it grew too big to be
// worth keeping.
func (e *extractor) release() {
	clear(e.pairs) // drop the strings
	clear(e.cache)
	e.classified = 0
	if cap(e.toks) > 1<<14 || cap(e.pairs) > 1<<12 || cap(e.buf) > 1<<16 || cap(e.arena) > 1<<14 {
		return
	}
	e.src, e.s = nil, ""
	e.toks, e.code, e.pairs, e.buf, e.arena = e.toks[:0], e.code[:0], e.pairs[:0], e.buf[:0], e.arena[:0]
	e.scanner.Init(nil)
	pool.Put(e)
}

type extractor struct {
	scanner Scanner
	src     []byte
	s       string  // string(src), made on first use: values and names that are source text share it
	toks    []Token // the logical line being analysed, without comments
	code    []byte  // for each token of toks, its code (see codeOf)
	match   []int   // for brackets in toks: the index of the partner, n if unclosed, -1 if stray
	stack   []int
	arena   []span // stack-allocated element lists, see split
	fst     []frame
	buf     []byte
	pairs   []kv.Pair
	// In a chained assignment (a = b = v) each value is classified once.
	cacheOn bool
	cache   map[span]cachedValue
	// classified counts the values classified, for tests.
	classified int
}

type cachedValue struct {
	p  kv.Pair
	ok bool
}

type span struct{ a, b int }

// value is a classified value expression.
type value struct {
	text        string
	kind        kv.Kind
	start, end  int // byte offsets
	first, last int // indexes of the tokens holding start and end-1
}

// flush analyses the logical line in e.toks.
func (e *extractor) flush() {
	n := len(e.toks)
	if n == 0 {
		return
	}
	e.matchBrackets()
	e.statement(0, n)
	e.expressions()
	e.toks = e.toks[:0]
	e.code = e.code[:0]
}

func (e *extractor) matchBrackets() {
	n := len(e.toks)
	e.match = slices.Grow(e.match[:0], n)[:n]
	e.stack = e.stack[:0]
	for i, c := range e.code {
		e.match[i] = -1
		switch c := class[c]; {
		case c&cOpener != 0:
			e.stack = append(e.stack, i)
		case c&cCloser != 0:
			if k := len(e.stack); k > 0 {
				o := e.stack[k-1]
				e.stack = e.stack[:k-1]
				e.match[o] = i
				e.match[i] = o
			}
		}
	}
	for _, o := range e.stack {
		e.match[o] = n
	}
}

// Token codes, one byte per token so that the tests below are cheap: a
// one-byte operator is its own byte; the other codes are letters.
const (
	codeName    = 'n' // identifier that is not a keyword
	codeKeyword = 'k'
	codeString  = 's'
	codeNumber  = 'd'
	codeEq      = 'E' // ==
	codeNe      = 'N' // != <>
	codeWalrus  = 'W' // :=
	codePow     = 'P' // **
	codeOp      = 'o' // other operators
	codeIllegal = '?'
)

// codeOf returns the code of token t.
func (e *extractor) codeOf(t *Token) byte {
	var c byte
	switch t.Kind {
	case Name:
		c = codeName
		if t.End-t.Start <= 8 && isKeyword(e.src[t.Start:t.End]) {
			c = codeKeyword
		}
	case String:
		c = codeString
	case Number:
		c = codeNumber
	case Op:
		switch t.End - t.Start {
		case 1:
			c = e.src[t.Start]
		case 2:
			switch string(e.src[t.Start:t.End]) {
			case "==":
				c = codeEq
			case "!=", "<>":
				c = codeNe
			case ":=":
				c = codeWalrus
			case "**":
				c = codePow
			default:
				c = codeOp
			}
		default:
			c = codeOp
		}
	default:
		c = codeIllegal
	}
	return c
}

// Token tests.

// op1 returns the one-byte operator at token i, or another byte that is no
// operator (a letter code), or 0 out of range.
func (e *extractor) op1(i int) byte {
	if uint(i) >= uint(len(e.code)) {
		return 0
	}
	return e.code[i]
}

func (e *extractor) text(i int) []byte {
	t := e.toks[i]
	return e.src[t.Start:t.End]
}

// sub returns src[a:b] as a string that shares memory with e.s.
func (e *extractor) sub(a, b int) string {
	if e.s == "" {
		e.s = string(e.src)
	}
	return e.s[a:b]
}

// name returns the text of token i as a string.
func (e *extractor) name(i int) string {
	t := e.toks[i]
	return e.sub(t.Start, t.End)
}

// unquoted returns the value of string token k, and whether it has fields.
func (e *extractor) unquoted(k int) (string, bool) {
	t := e.toks[k]
	content := e.src[t.ContentStart:t.ContentEnd]
	if t.Flags&Format == 0 && bytes.IndexByte(content, '\r') < 0 && (t.Flags&Raw != 0 || bytes.IndexByte(content, '\\') < 0) {
		return e.sub(t.ContentStart, t.ContentEnd), false
	}
	var f bool
	e.buf, f = appendUnquoted(e.buf[:0], e.src, t, e.fst[:0])
	return string(e.buf), f
}

// isName reports whether token i is an identifier that is not a keyword.
func (e *extractor) isName(i int) bool {
	return e.op1(i) == codeName
}

func (e *extractor) isWord(i int, w string) bool {
	c := e.op1(i)
	return (c == codeName || c == codeKeyword) && e.toks[i].Is(e.src, w)
}

func (e *extractor) isString(i int) bool {
	return e.op1(i) == codeString
}

func (e *extractor) isOpener(i int) bool {
	c := e.op1(i)
	return c != 0 && class[c]&cOpener != 0
}

func (e *extractor) isCloser(i int) bool {
	c := e.op1(i)
	return c != 0 && class[c]&cCloser != 0
}

func isKeyword(b []byte) bool {
	switch string(b) {
	case "False", "None", "True", "and", "as", "assert", "async", "await", "break",
		"class", "continue", "def", "del", "elif", "else", "except", "finally", "for",
		"from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
		"pass", "raise", "return", "try", "while", "with", "yield":
		return true
	}
	return false
}

// next returns the index after the token at i, skipping a whole bracketed group
// when i opens one.
func (e *extractor) next(i int) int {
	if e.isOpener(i) {
		if m := e.match[i]; m > i {
			return m + 1
		}
	}
	return i + 1
}

// closeOf returns the index of the closer of the opener at o, capped to n.
func (e *extractor) closeOf(o int) int {
	return min(e.match[o], len(e.toks))
}

// findTop returns the index of the first one-byte operator op at the top level
// of [a, b), or -1.
func (e *extractor) findTop(a, b int, op byte) int {
	for k := a; k < b; k = e.next(k) {
		if e.op1(k) == op {
			return k
		}
	}
	return -1
}

// split returns the comma-separated elements at the top level of [a, b),
// without a trailing empty element. The result lives on e.arena; the caller
// releases it with e.arena = e.arena[:mark].
func (e *extractor) split(a, b int) []span {
	mark := len(e.arena)
	s := a
	for k := a; k < b; k = e.next(k) {
		if e.op1(k) == ',' {
			e.arena = append(e.arena, span{s, k})
			s = k + 1
		}
	}
	if s < b {
		e.arena = append(e.arena, span{s, b})
	}
	return e.arena[mark:]
}

// allStrings reports whether [a, b) is a non-empty run of string literals.
func (e *extractor) allStrings(a, b int) bool {
	if a >= b {
		return false
	}
	for k := a; k < b; k++ {
		if e.code[k] != codeString {
			return false
		}
	}
	return true
}

// Statements.

func isCompound(b []byte) bool {
	switch string(b) {
	case "if", "elif", "else", "while", "for", "try", "except", "finally", "with",
		"class", "def", "async":
		return true
	}
	return false
}

// statement finds the assignments of the logical line [lo, hi).
func (e *extractor) statement(lo, hi int) {
	// Skip compound statement headers: "if x: a = 1", "class A: b = 2".
	for lo < hi && e.code[lo] == codeKeyword && isCompound(e.text(lo)) {
		c := e.findTop(lo+1, hi, ':')
		if c < 0 {
			return
		}
		lo = c + 1
	}
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	for k := lo; k < hi; k = e.next(k) {
		if e.isWord(k, "lambda") {
			break
		}
		if e.op1(k) == '=' {
			e.arena = append(e.arena, span{k, k})
		}
	}
	eqs := e.arena[mark:]
	if len(eqs) == 0 {
		return
	}
	if len(eqs) > 1 {
		if e.cache == nil {
			e.cache = make(map[span]cachedValue)
		}
		clear(e.cache)
		e.cacheOn = true
		defer func() { e.cacheOn = false }()
	}
	vlo := eqs[len(eqs)-1].a + 1
	s := lo
	for i, q := range eqs {
		ta, tb := s, q.a
		if i == 0 {
			if c := e.findTop(ta, tb, ':'); c >= 0 {
				tb = c // annotated assignment
			}
		}
		e.assignTarget(ta, tb, vlo, hi)
		s = q.a + 1
	}
}

// unwrap strips one pair of parentheses or square brackets enclosing all of
// [a, b), as around a tuple or list.
func (e *extractor) unwrap(a, b int) (int, int) {
	if c := e.op1(a); (c == '(' || c == '[') && b-a >= 2 && e.match[a] == b-1 {
		return a + 1, b - 1
	}
	return a, b
}

func (e *extractor) assignTarget(ta, tb, va, vb int) {
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	a, b := e.unwrap(ta, tb)
	if a == ta && e.findTop(a, b, ',') < 0 {
		e.assignOne(span{ta, tb}, span{va, vb})
		return
	}
	targets := e.split(a, b)
	if len(targets) == 0 {
		return
	}
	x, y := e.unwrap(va, vb)
	values := e.split(x, y)
	if len(values) != len(targets) {
		return
	}
	for i := range targets {
		e.assignOne(targets[i], values[i])
	}
}

func (e *extractor) assignOne(t, v span) {
	name, ctx, ok := e.targetName(t.a, t.b)
	if !ok {
		return
	}
	if ctx == CtxAssign && isAuthName(lastComponent(name)) && e.authTuple(v.a, v.b) {
		return
	}
	e.emitValue(name, ctx, v.a, v.b)
}

func lastComponent(s string) string {
	if i := bytes.LastIndexByte([]byte(s), '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// targetName names an assignment target: a dotted name, or a subscript with a
// string key.
func (e *extractor) targetName(a, b int) (string, string, bool) {
	if a >= b || !e.isName(a) {
		return "", "", false
	}
	k := a + 1
	last := 0 // 0 name, '[' subscript, '(' call
	lastOpen := -1
	for k < b {
		switch c := e.op1(k); c {
		case '.':
			if !e.isName(k + 1) {
				return "", "", false
			}
			k += 2
			last = 0
		case '[', '(':
			m := e.match[k]
			if m <= k || m >= b {
				return "", "", false
			}
			last, lastOpen = int(c), k
			k = m + 1
		default:
			return "", "", false
		}
	}
	switch last {
	case '[':
		if key, ok := e.stringsText(lastOpen+1, e.match[lastOpen]); ok {
			return key, CtxSubscript, true
		}
		return "", "", false
	case '(':
		return "", "", false
	}
	return e.joinText(a, b), CtxAssign, true
}

// stringsText returns the decoded value of the string run [a, b).
func (e *extractor) stringsText(a, b int) (string, bool) {
	if !e.allStrings(a, b) {
		return "", false
	}
	if b == a+1 {
		v, _ := e.unquoted(a)
		return v, true
	}
	e.buf = e.buf[:0]
	for k := a; k < b; k++ {
		e.buf, _ = appendUnquoted(e.buf, e.src, e.toks[k], e.fst[:0])
	}
	return string(e.buf), true
}

// joinText returns the text of tokens [a, b) without the space between them,
// cut to MaxRefLen.
func (e *extractor) joinText(a, b int) string {
	k := a + 1
	for k < b && e.toks[k].Start == e.toks[k-1].End {
		k++
	}
	if k == b {
		start, end := e.toks[a].Start, e.toks[b-1].End
		return e.sub(start, start+len(cut(e.src[start:end], MaxRefLen)))
	}
	e.buf = e.buf[:0]
	for k := a; k < b && len(e.buf) < MaxRefLen; k++ {
		e.buf = append(e.buf, e.text(k)...)
	}
	return string(cut(e.buf, MaxRefLen))
}

// cut shortens b to at most l bytes, on a UTF-8 boundary.
func cut(b []byte, l int) []byte {
	if len(b) <= l {
		return b
	}
	k := l
	for k > 0 && k > l-utf8.UTFMax && !utf8.RuneStart(b[k]) {
		k--
	}
	return b[:k]
}

// Expressions.

// expressions finds the pairs inside the expressions of the logical line:
// calls and their keyword arguments, dict displays, comparisons, walruses.
func (e *extractor) expressions() {
	n := len(e.toks)
	for i := 0; i < n; i++ {
		switch e.code[i] {
		case '(':
			e.paren(i)
		case '{':
			e.brace(i)
		case codeEq, codeNe:
			e.compare(i)
		case codeWalrus:
			e.walrus(i)
		}
	}
}

func isAuthName(s string) bool {
	switch s {
	case "auth", "basic_auth", "http_auth", "proxy_auth":
		return true
	}
	return false
}

// callee kinds
const (
	calleeOther = iota
	calleeGetenv
	calleeAuth
	calleeDict
	calleeSetenv  // os.putenv("NAME", v), monkeypatch.setenv("NAME", v)
	calleeSetattr // setattr(obj, "name", v), monkeypatch.setattr("mod.NAME", v)
)

// calleeKind classifies the callee of the call whose '(' is at o.
func (e *extractor) calleeKind(o int) int {
	if !e.isName(o - 1) {
		return calleeOther
	}
	last := e.text(o - 1)
	var prev []byte
	bare := true
	if e.op1(o-2) == '.' {
		bare = false
		if o >= 3 && e.toks[o-3].Kind == Name {
			prev = e.text(o - 3)
		}
	}
	switch string(last) {
	case "getenv":
		return calleeGetenv
	case "get", "setdefault":
		if string(prev) == "environ" {
			return calleeGetenv
		}
	case "config":
		if bare || string(prev) == "decouple" {
			return calleeGetenv
		}
	case "env":
		if bare {
			return calleeGetenv
		}
	case "HTTPBasicAuth", "HTTPDigestAuth", "HTTPProxyAuth", "BasicAuth", "DigestAuth":
		return calleeAuth
	case "dict":
		if bare {
			return calleeDict
		}
	case "setenv", "putenv":
		return calleeSetenv
	case "setattr":
		return calleeSetattr
	}
	if string(prev) == "env" && e.isName(o-3) && e.op1(o-4) != '.' {
		return calleeGetenv // env.str("NAME", default=...), env.db_url(...)
	}
	return calleeOther
}

// paren handles the '(' at o: a call or a def's parameter list.
func (e *extractor) paren(o int) {
	p := o - 1
	if p < 0 {
		return
	}
	switch {
	case e.isName(p):
		if e.isWord(p-1, "def") {
			e.params(o)
			return
		}
	case e.isCloser(p) && e.op1(p) != '}':
	default:
		return
	}
	e.call(o)
}

func (e *extractor) params(o int) {
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	for _, el := range e.split(o+1, e.closeOf(o)) {
		if !e.isName(el.a) {
			continue
		}
		eq := e.findTop(el.a+1, el.b, '=')
		if eq < 0 {
			continue
		}
		e.emitValue(e.name(el.a), CtxDefaultArg, eq+1, el.b)
	}
}

func (e *extractor) call(o int) {
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	c := e.closeOf(o)
	kind := e.calleeKind(o)
	args := e.split(o+1, c)
	var pos [3]span
	npos := 0
	var dflt span
	hasDflt := false
	for _, el := range args {
		if e.isName(el.a) && e.op1(el.a+1) == '=' {
			name := e.name(el.a)
			va, vb := el.a+2, el.b
			switch {
			case kind == calleeGetenv && name == "default":
				dflt, hasDflt = span{va, vb}, true
			case isAuthName(name) && e.authTuple(va, vb):
			case kind == calleeDict:
				e.emitValue(name, CtxDict, va, vb)
			default:
				e.emitValue(name, CtxKwarg, va, vb)
			}
			continue
		}
		if op := e.op1(el.a); op == '*' || op == codePow {
			continue
		}
		if npos < len(pos) {
			pos[npos] = el
		}
		npos++
	}
	switch kind {
	case calleeGetenv:
		if npos == 0 {
			return
		}
		name, ok := e.stringsText(pos[0].a, pos[0].b)
		if !ok {
			name = e.joinText(pos[0].a, pos[0].b)
		}
		if npos >= 2 {
			dflt, hasDflt = pos[1], true
		}
		if hasDflt {
			e.emitValue(name, CtxGetenvDefault, dflt.a, dflt.b)
		}
		// os.getenv("NAME") or "default"
		if c < len(e.toks) && e.isWord(c+1, "or") {
			k := c + 2
			for e.isString(k) {
				k++
			}
			if k > c+2 && e.endsOperand(k) {
				e.emitValue(name, CtxGetenvDefault, c+2, k)
			}
		}
	case calleeSetenv:
		if npos >= 2 {
			if name, ok := e.stringsText(pos[0].a, pos[0].b); ok {
				e.emitValue(name, CtxAssign, pos[1].a, pos[1].b)
			}
		}
	case calleeSetattr:
		if npos >= 2 {
			if name, ok := e.stringsText(pos[0].a, pos[0].b); ok {
				e.emitValue(name, CtxAssign, pos[1].a, pos[1].b)
			} else if name, ok := e.stringsText(pos[1].a, pos[1].b); ok && npos >= 3 {
				e.emitValue(name, CtxAssign, pos[2].a, pos[2].b)
			}
		}
	case calleeAuth:
		if npos >= 2 {
			e.emitValue("username", CtxAuthTuple, pos[0].a, pos[0].b)
			e.emitValue("password", CtxAuthTuple, pos[1].a, pos[1].b)
		}
	}
}

// endsOperand reports whether the token at k cannot continue an operand that
// ends before it.
func (e *extractor) endsOperand(k int) bool {
	if k >= len(e.toks) {
		return true
	}
	switch e.op1(k) {
	case '.', '(', '[', '%', '+', '*', '@', '/':
		return false
	}
	return e.code[k] != codeString
}

// authTuple emits the elements of a 2-tuple (or list) [a, b) as username and
// password, and reports whether [a, b) was one.
func (e *extractor) authTuple(a, b int) bool {
	x, y := e.unwrap(a, b)
	if x == a {
		return false
	}
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	els := e.split(x, y)
	if len(els) != 2 {
		return false
	}
	e.emitValue("username", CtxAuthTuple, els[0].a, els[0].b)
	e.emitValue("password", CtxAuthTuple, els[1].a, els[1].b)
	return true
}

// brace handles a dict display at o.
func (e *extractor) brace(o int) {
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	for _, el := range e.split(o+1, e.closeOf(o)) {
		colon := e.findTop(el.a, el.b, ':')
		if colon < 0 {
			if e.op1(el.a) == codePow {
				continue
			}
			return // a set
		}
		for k := colon + 1; k < el.b; k = e.next(k) {
			if e.isWord(k, "for") {
				return // a comprehension
			}
		}
		key, ok := e.stringsText(el.a, colon)
		if !ok || key == "" {
			continue
		}
		e.emitValue(key, CtxDict, colon+1, el.b)
	}
}

// compare handles "==" or "!=" at i.
func (e *extractor) compare(i int) {
	n := len(e.toks)
	// operand == "literal"
	k := i + 1
	for k < n && e.code[k] == codeString {
		k++
	}
	if k > i+1 && e.endsOperand(k) {
		if s, ok := e.primaryBack(i); ok {
			e.emitValue(e.primaryName(s, i), CtxCompare, i+1, k)
		}
		return
	}
	// "literal" == operand
	s := i
	for s > 0 && e.code[s-1] == codeString {
		s--
	}
	if s == i {
		return
	}
	switch e.op1(s - 1) {
	case '.', '%', '+', '*', '@', '/', '-':
		return
	}
	end, ok := e.primaryFwd(i + 1)
	if !ok {
		return
	}
	switch e.op1(end) {
	case '.', '(', '[', '%', '+', '*', '@', '/', '-':
		return
	}
	e.emitValue(e.primaryName(i+1, end), CtxCompare, s, i)
}

// primaryBack finds the start of the primary expression (a name with
// attributes, subscripts and calls) that ends before index end.
func (e *extractor) primaryBack(end int) (int, bool) {
	k := end - 1
	for k >= 0 {
		switch {
		case e.op1(k) == ')' || e.op1(k) == ']':
			o := e.match[k]
			if o < 0 {
				return 0, false
			}
			if e.isName(o-1) || e.op1(o-1) == ')' || e.op1(o-1) == ']' {
				k = o - 1
				continue
			}
			return o, true
		case e.isName(k):
			if k >= 2 && e.op1(k-1) == '.' {
				k -= 2
				continue
			}
			return k, true
		default:
			return 0, false
		}
	}
	return 0, false
}

// primaryFwd finds the end of the primary expression that starts at a.
func (e *extractor) primaryFwd(a int) (int, bool) {
	if !e.isName(a) {
		return 0, false
	}
	n := len(e.toks)
	k := a + 1
	for k < n {
		switch e.op1(k) {
		case '.':
			if !e.isName(k + 1) {
				return k, true
			}
			k += 2
		case '(', '[':
			m := e.match[k]
			if m <= k || m >= n {
				return 0, false
			}
			k = m + 1
		default:
			return k, true
		}
	}
	return k, true
}

// primaryName names the primary [a, b): the key of a final string subscript,
// the variable of an environment lookup, or else its text.
func (e *extractor) primaryName(a, b int) string {
	switch e.op1(b - 1) {
	case ']':
		o := e.match[b-1]
		if o > a {
			if key, ok := e.stringsText(o+1, b-1); ok {
				return key
			}
		}
	case ')':
		o := e.match[b-1]
		if o > a && e.calleeKind(o) == calleeGetenv {
			k := o + 1
			for k < b-1 && e.isString(k) {
				k++
			}
			if k > o+1 && (e.op1(k) == ',' || k == b-1) {
				if key, ok := e.stringsText(o+1, k); ok {
					return key
				}
			}
		}
	}
	return e.joinText(a, b)
}

// walrus handles "name := value" at i.
func (e *extractor) walrus(i int) {
	if !e.isName(i - 1) {
		return
	}
	n := len(e.toks)
	k := i + 1
	for k < n && e.op1(k) != ',' && !e.isCloser(k) {
		k = e.next(k)
	}
	e.emitValue(e.name(i-1), CtxAssign, i+1, min(k, n))
}

// Values.

// emitValue classifies the value expression [a, b) and emits a pair for it.
func (e *extractor) emitValue(name, ctx string, a, b int) {
	if name == "" {
		return
	}
	var p kv.Pair
	var ok bool
	if e.cacheOn {
		c, hit := e.cache[span{a, b}]
		if !hit {
			c.p, c.ok = e.valuePair(a, b)
			e.cache[span{a, b}] = c
		}
		p, ok = c.p, c.ok
	} else {
		p, ok = e.valuePair(a, b)
	}
	if !ok {
		return
	}
	p.Name, p.Context = name, ctx
	e.pairs = append(e.pairs, p)
}

// valuePair returns a pair without Name and Context for the value [a, b).
func (e *extractor) valuePair(a, b int) (kv.Pair, bool) {
	e.classified++
	v, ok := e.classify(a, b)
	if !ok || v.text == "" || v.start >= v.end {
		return kv.Pair{}, false
	}
	src := e.src
	p := kv.Pair{
		Value: v.text,
		Kind:  v.kind,
		Start: v.start,
		End:   v.end,
	}
	p.Line, p.Col = e.pos(v.first, v.start)
	last := v.last
	if e.toks[last].Start > v.end-1 {
		last = v.first
	}
	p.EndLine, p.EndCol = e.pos(last, v.end-1)
	p.Decoded = v.text != string(src[v.start:v.end])
	return p, true
}

// pos returns the line and column of offset off, at or after the start of
// token ti.
func (e *extractor) pos(ti, off int) (int, int) {
	t := e.toks[ti]
	seg := e.src[t.Start:off]
	k := bytes.Count(seg, nl)
	if k == 0 {
		return t.Line, t.Col + off - t.Start
	}
	return t.Line + k, off - (t.Start + bytes.LastIndexByte(seg, '\n'))
}

// classify returns the value of expression [a, b): a Literal for string
// literals, a Template for f-strings with fields and for strings formatted with
// %, .format() or +, a Reference for other expressions with a name in them.
// Numbers, None/True/False, containers, lambdas and empty strings give no value.
func (e *extractor) classify(a, b int) (value, bool) {
	n := len(e.toks)
	b = min(b, n)
	// Strip grouping parentheses.
	for a < b && e.op1(a) == '(' && e.match[a] == b-1 {
		if e.findTop(a+1, b-1, ',') >= 0 {
			return value{}, false // a tuple
		}
		a, b = a+1, b-1
	}
	if a >= b {
		return value{}, false
	}
	k := a
	for k < b && e.code[k] == codeString {
		k++
	}
	if k == b {
		return e.strings(a, b), true
	}
	if k > a {
		// "..." % args, "...".format(...)
		if e.op1(k) == '%' || (e.op1(k) == '.' && e.isWord(k+1, "format") && e.op1(k+2) == '(' && e.match[k+2] == b-1) {
			v := e.strings(a, k)
			v.kind = kv.Template
			return v, true
		}
	}
	if e.isOpener(a) && (e.match[a] == b-1 || e.match[a] >= n) {
		return value{}, false // a list, dict, set or comprehension
	}
	if e.isWord(a, "lambda") || e.findTop(a, b, ',') >= 0 {
		return value{}, false
	}
	if v, ok := e.plus(a, b); ok {
		return v, true
	}
	named := false
	for k := a; k < b; k++ {
		if c := e.code[k]; c == codeString || c == codeName {
			named = true
			break
		}
	}
	if !named {
		return value{}, false
	}
	start, end := e.toks[a].Start, e.toks[b-1].End
	text := cut(e.src[start:end], MaxRefLen)
	return value{text: e.sub(start, start+len(text)), kind: kv.Reference, start: start, end: start + len(text), first: a, last: b - 1}, true
}

// strings returns the value of the string run [a, b).
func (e *extractor) strings(a, b int) value {
	if b == a+1 {
		t := e.toks[a]
		text, f := e.unquoted(a)
		v := value{text: text, kind: kv.Literal, start: t.ContentStart, end: t.ContentEnd, first: a, last: a}
		if f {
			v.kind = kv.Template
		}
		return v
	}
	e.buf = e.buf[:0]
	tmpl := false
	for k := a; k < b; k++ {
		var f bool
		e.buf, f = appendUnquoted(e.buf, e.src, e.toks[k], e.fst[:0])
		tmpl = tmpl || f
	}
	v := value{text: string(e.buf), kind: kv.Literal, start: e.toks[a].ContentStart, end: e.toks[b-1].ContentEnd, first: a, last: b - 1}
	if tmpl {
		v.kind = kv.Template
	}
	return v
}

// plus returns the value of a concatenation with '+' of string literals and
// other operands; the operands that are not literals are written "{expr}".
func (e *extractor) plus(a, b int) (value, bool) {
	mark := len(e.arena)
	defer func() { e.arena = e.arena[:mark] }()
	s := a
	for k := a; k < b; k = e.next(k) {
		t := e.toks[k]
		switch t.Kind {
		case Name:
			if e.code[k] == codeKeyword {
				return value{}, false
			}
		case String, Number:
		case Op:
			switch e.op1(k) {
			case '+':
				e.arena = append(e.arena, span{s, k})
				s = k + 1
			case '.', '(', '[', '{':
			default:
				return value{}, false
			}
		default:
			return value{}, false
		}
	}
	e.arena = append(e.arena, span{s, b})
	ops := e.arena[mark:]
	if len(ops) < 2 {
		return value{}, false
	}
	lit := false
	for _, o := range ops {
		if o.a >= o.b {
			return value{}, false
		}
		if e.allStrings(o.a, o.b) {
			lit = true
		}
	}
	if !lit {
		return value{}, false
	}
	var buf []byte
	kind := kv.Literal
	for _, o := range ops {
		if e.allStrings(o.a, o.b) {
			for k := o.a; k < o.b; k++ {
				var f bool
				buf, f = appendUnquoted(buf, e.src, e.toks[k], e.fst[:0])
				if f {
					kind = kv.Template
				}
			}
			continue
		}
		kind = kv.Template
		buf = append(buf, '{')
		buf = append(buf, cut(e.src[e.toks[o.a].Start:e.toks[o.b-1].End], MaxRefLen)...)
		buf = append(buf, '}')
	}
	v := value{text: string(buf), kind: kind, first: a, last: b - 1}
	if first := e.toks[a]; first.Kind == String {
		v.start = first.ContentStart
	} else {
		v.start = first.Start
	}
	if last := e.toks[b-1]; last.Kind == String {
		v.end = last.ContentEnd
	} else {
		v.end = last.End
	}
	return v, true
}
