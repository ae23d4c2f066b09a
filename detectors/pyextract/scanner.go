package pyextract

import "bytes"

// Scanner tokenizes Python source. The zero Scanner is ready for Init. A
// Scanner keeps no state beyond its source, so separate Scanners may be used
// concurrently; one Scanner must not.
type Scanner struct {
	src       []byte
	off       int
	line      int // 1-based line of off
	lineStart int // offset of the first byte of line
	depth     int // bracket depth
	pending   bool
	stack     []frame
	// fbudget bounds the bytes that failed f-string scans may read again:
	// a malformed f-string is scanned twice (as an f-string, then up to its
	// first closing quote), and without a bound a file of malformed
	// triple-quoted f-strings would take quadratic time.
	fbudget int
}

// Init prepares s to tokenize src from its start. It keeps src; src must not be
// changed while s is in use.
func (s *Scanner) Init(src []byte) {
	s.src = src
	s.off = 0
	s.line = 1
	s.lineStart = 0
	s.depth = 0
	s.pending = false
	s.stack = s.stack[:0]
	s.fbudget = 2*len(src) + 1<<16
	// A UTF-8 byte order mark is not a token.
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		s.off = 3
	}
}

// Depth returns the bracket depth after the last token returned by Scan: the
// number of unclosed '(', '[' and '{'.
func (s *Scanner) Depth() int { return s.depth }

// byte classes
const (
	cIdent  = 1 << iota // identifier byte (letters, digits, '_', >= 0x80)
	cDigit              // '0'-'9'
	cSpace              // ' ', '\t', '\f', '\v', '\r'
	cQuote              // '\'' and '"'
	cOpener             // '(', '[', '{'
	cCloser             // ')', ']', '}'
)

var class [256]uint8

func init() {
	for c := 'a'; c <= 'z'; c++ {
		class[c] |= cIdent
		class[c-'a'+'A'] |= cIdent
	}
	for c := '0'; c <= '9'; c++ {
		class[c] |= cIdent | cDigit
	}
	class['_'] |= cIdent
	for c := 0x80; c < 0x100; c++ {
		class[c] |= cIdent
	}
	for _, c := range " \t\f\v\r" {
		class[c] |= cSpace
	}
	class['\''] |= cQuote
	class['"'] |= cQuote
	for _, c := range "([{" {
		class[c] |= cOpener
	}
	for _, c := range ")]}" {
		class[c] |= cCloser
	}
}

// stringPrefix returns the flags of string prefix p (r, u, b, f, t and their
// legal combinations, any case, and Python 2's ur), and whether p is one.
func stringPrefix(p []byte) (Flags, bool) {
	if len(p) == 0 || len(p) > 2 {
		return 0, false
	}
	var f Flags
	var seen uint8 // r=1 u=2 b=4 f=8
	for _, c := range p {
		var bit uint8
		switch c | 0x20 {
		case 'r':
			bit, f = 1, f|Raw
		case 'u':
			bit = 2
		case 'b':
			bit, f = 4, f|Bytes
		case 'f', 't':
			bit, f = 8, f|Format
		default:
			return 0, false
		}
		if seen&bit != 0 {
			return 0, false
		}
		seen |= bit
	}
	switch seen {
	case 1, 2, 4, 8, 1 | 4, 1 | 8, 1 | 2:
		return f, true
	}
	return 0, false
}

// Statement keywords that cannot start a line inside brackets: a line that
// starts with one while brackets are open means a bracket was never closed,
// and the scanner closes them all so that one typo does not swallow the file.
func isStmtKeyword(b []byte) bool {
	switch string(b) {
	case "def", "class", "return", "import", "elif", "try", "except", "finally",
		"while", "del", "pass", "raise", "global", "nonlocal", "assert", "break",
		"continue":
		return true
	}
	return false
}

// Scan returns the next token. After the end of the source it returns EOF
// tokens. Scan never fails: bytes that start no token come back as Illegal.
func (s *Scanner) Scan() Token {
	var t Token
	s.scan(&t)
	return t
}

func (s *Scanner) scan(t *Token) {
	src := s.src
	n := len(src)
	off := s.off
	for off < n {
		c := src[off]
		if class[c]&cSpace != 0 {
			off++
			continue
		}
		switch c {
		case '\n':
			*t = Token{Kind: Newline, Start: off, End: off + 1, Line: s.line, Col: off - s.lineStart + 1}
			off++
			s.line++
			s.lineStart = off
			if s.depth > 0 {
				s.off = off
				if s.stmtLineFollows() {
					s.depth = 0
				}
			}
			if s.depth == 0 && s.pending {
				s.pending = false
				s.off = off
				return
			}
			continue
		case '#':
			end := n
			if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
				end = off + i
			}
			if end > off && src[end-1] == '\r' {
				end--
			}
			*t = Token{Kind: Comment, Start: off, End: end, Line: s.line, Col: off - s.lineStart + 1}
			s.off = end
			return
		case '\\':
			// Line continuation.
			if off+1 < n && src[off+1] == '\n' {
				off += 2
				s.line++
				s.lineStart = off
				continue
			}
			if off+2 < n && src[off+1] == '\r' && src[off+2] == '\n' {
				off += 3
				s.line++
				s.lineStart = off
				continue
			}
		}
		s.pending = true
		s.off = off
		s.token(t, c)
		return
	}
	s.off = off
	*t = Token{Kind: EOF, Start: n, End: n, Line: s.line, Col: n - s.lineStart + 1}
	if s.pending {
		s.pending = false
		t.Kind = Newline
	}
}

// stmtLineFollows reports whether the line at s.off starts with a statement
// keyword.
func (s *Scanner) stmtLineFollows() bool {
	src := s.src
	i := s.off
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	j := i
	for j < len(src) && class[src[j]]&cIdent != 0 {
		j++
	}
	return j > i && j-i <= 8 && isStmtKeyword(src[i:j])
}

func (s *Scanner) token(t *Token, c byte) {
	src := s.src
	n := len(src)
	start := s.off
	*t = Token{Start: start, Line: s.line, Col: start - s.lineStart + 1}
	cl := class[c]
	switch {
	case cl&cDigit != 0 || (c == '.' && start+1 < n && class[src[start+1]]&cDigit != 0):
		i := start + 1
		hex := c == '0' && i < n && (src[i]|0x20 == 'x')
		for i < n {
			d := src[i]
			if class[d]&cIdent != 0 || d == '.' {
				i++
				continue
			}
			if (d == '+' || d == '-') && !hex && src[i-1]|0x20 == 'e' {
				i++
				continue
			}
			break
		}
		t.Kind, t.End = Number, i
		s.off = i
		return
	case cl&cIdent != 0:
		i := start + 1
		for i < n && class[src[i]]&cIdent != 0 {
			i++
		}
		if i < n && i-start <= 2 && class[src[i]]&cQuote != 0 {
			if f, ok := stringPrefix(src[start:i]); ok {
				s.str(t, i, f)
				return
			}
		}
		t.Kind, t.End = Name, i
		s.off = i
		return
	case cl&cQuote != 0:
		s.str(t, start, 0)
		return
	case cl&cOpener != 0:
		s.depth++
		t.Kind, t.End = Op, start+1
		s.off = start + 1
		return
	case cl&cCloser != 0:
		if s.depth > 0 {
			s.depth--
		}
		t.Kind, t.End = Op, start+1
		s.off = start + 1
		return
	}
	// Other operators.
	t.Kind = Op
	l := opLen(src[start:])
	if l == 0 {
		t.Kind = Illegal
		l = 1
	}
	t.End = start + l
	s.off = t.End
}

// opLen returns the length of the operator at the start of b, or 0.
func opLen(b []byte) int {
	c := b[0]
	var c1, c2 byte
	if len(b) > 1 {
		c1 = b[1]
	}
	if len(b) > 2 {
		c2 = b[2]
	}
	switch c {
	case '(', ')', '[', ']', '{', '}', ',', ';', '~':
		return 1
	case '.':
		if c1 == '.' && c2 == '.' {
			return 3
		}
		return 1
	case '*', '/', '<', '>':
		if c1 == c { // ** // << >>
			if c2 == '=' {
				return 3
			}
			return 2
		}
		if c1 == '=' || (c == '<' && c1 == '>') {
			return 2
		}
		return 1
	case '-':
		if c1 == '=' || c1 == '>' {
			return 2
		}
		return 1
	case ':':
		if c1 == '=' {
			return 2
		}
		return 1
	case '+', '%', '&', '|', '^', '@', '=', '!':
		if c1 == '=' {
			return 2
		}
		return 1
	}
	return 0
}

// str scans a string literal whose prefix starts at t.Start and whose opening
// quote is at q.
func (s *Scanner) str(t *Token, q int, f Flags) {
	src := s.src
	n := len(src)
	quote := src[q]
	cs := q + 1
	if q+2 < n && src[q+1] == quote && src[q+2] == quote {
		f |= Triple
		cs = q + 3
	}
	triple := f&Triple != 0
	var end int
	var ok bool
	if f&Format != 0 {
		fields := 0
		if s.fbudget > 0 {
			st := append(s.stack[:0], frame{str: true, quote: quote, triple: triple, raw: f&Raw != 0, f: true})
			end, ok, fields, st = run(src, cs, st)
			s.stack = st
			if !ok {
				s.fbudget -= end - cs
			}
		}
		if !ok {
			// Not a well-formed f-string (or one only a newer Python accepts):
			// end it at the first closing quote, as older Pythons did.
			end, ok = plainString(src, cs, quote, triple)
			if bytes.IndexByte(src[cs:end], '{') >= 0 {
				fields = 1
			}
		}
		if fields > 0 {
			f |= Fields
		}
	} else {
		end, ok = plainString(src, cs, quote, triple)
	}
	t.Kind = String
	t.ContentStart = cs
	t.End = end
	if ok {
		t.ContentEnd = end - 1
		if triple {
			t.ContentEnd = end - 3
		}
	} else {
		f |= Unterminated
		if !triple && end > cs && src[end-1] == '\r' {
			end--
		}
		t.ContentEnd = end
	}
	t.Flags = f
	// Strings may span lines (triple quotes, backslash-newline).
	if triple || f&Format != 0 || bytes.IndexByte(src[cs:t.End], '\\') >= 0 {
		if k := bytes.Count(src[cs:t.End], nl); k > 0 {
			s.line += k
			s.lineStart = t.Start + bytes.LastIndexByte(src[t.Start:t.End], '\n') + 1
		}
	}
	s.off = t.End
}

// plainString scans the text of a string without replacement fields from
// src[i] and returns the offset after its closing quote and true, or, if it is
// unterminated, the offset of the line end (or len(src)) and false.
func plainString(src []byte, i int, quote byte, triple bool) (int, bool) {
	n := len(src)
	if !triple {
		for i < n {
			switch src[i] {
			case quote:
				return i + 1, true
			case '\\':
				if i+2 < n && src[i+1] == '\r' && src[i+2] == '\n' {
					i++
				}
				i += 2
			case '\n':
				return i, false
			default:
				i++
			}
		}
		return n, false
	}
	for i < n {
		switch src[i] {
		case quote:
			if i+2 < n && src[i+1] == quote && src[i+2] == quote {
				return i + 3, true
			}
			i++
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return n, false
}

var nl = []byte{'\n'}

// frame is one level of the explicit stack used to scan strings and f-string
// replacement fields, which nest (f"{d[f'{k}']}").
type frame struct {
	str    bool  // a string; else a replacement field
	quote  byte  // the string's quote; for a field, its enclosing string's
	triple bool  // likewise
	raw    bool  // string only
	f      bool  // string only: has fields
	spec   bool  // field only: in the format spec, after ':'
	depth  int32 // field only: bracket depth
}

// run scans string text from src[i] with the frames on st until the bottom
// frame closes. It returns the offset just past the bottom frame's closing
// quote (or '}' for a field), and ok. When ok is false the bottom frame did not
// close: end is the line end that ended a single-quoted string (or a field in
// one), or len(src). fields counts the replacement fields opened directly in a
// bottom string frame. It runs in time linear in end-i.
func run(src []byte, i int, st []frame) (end int, ok bool, fields int, _ []frame) {
	n := len(src)
	for i < n {
		top := &st[len(st)-1]
		c := src[i]
		if top.str {
			switch {
			case c == '\\':
				if i+1 < n {
					d := src[i+1]
					if top.f && (d == '{' || d == '}') {
						i++
						continue
					}
					if top.f && !top.raw && d == 'N' && i+2 < n && src[i+2] == '{' {
						// \N{NAME}: the braces are not a field.
						j := i + 3
						for j < n && src[j] != '}' && src[j] != top.quote && src[j] != '\n' {
							j++
						}
						if j < n && src[j] == '}' {
							j++
						}
						i = j
						continue
					}
					if d == '\r' && i+2 < n && src[i+2] == '\n' {
						i += 3
						continue
					}
				}
				i += 2
			case c == top.quote:
				if top.triple {
					if i+2 >= n || src[i+1] != c || src[i+2] != c {
						i++
						continue
					}
					i += 3
				} else {
					i++
				}
				st = st[:len(st)-1]
				if len(st) == 0 {
					return i, true, fields, st
				}
			case c == '\n' && !top.triple:
				return i, false, fields, st
			case top.f && c == '{':
				if i+1 < n && src[i+1] == '{' {
					i += 2
					continue
				}
				if len(st) == 1 {
					fields++
				}
				st = append(st, frame{quote: top.quote, triple: top.triple})
				i++
			case top.f && c == '}':
				if i+1 < n && src[i+1] == '}' {
					i += 2
				} else {
					i++
				}
			default:
				i++
			}
			continue
		}
		// A replacement field.
		if c == '\n' && !top.triple {
			return i, false, fields, st
		}
		if top.spec {
			switch {
			case c == '{':
				st = append(st, frame{quote: top.quote, triple: top.triple})
			case c == '}':
				st = st[:len(st)-1]
				if len(st) == 0 {
					return i + 1, true, fields, st
				}
			case c == top.quote && (!top.triple || (i+2 < n && src[i+1] == c && src[i+2] == c)):
				return i, false, fields, st
			}
			i++
			continue
		}
		switch {
		case class[c]&cOpener != 0:
			top.depth++
			i++
		case c == ')' || c == ']':
			if top.depth > 0 {
				top.depth--
			}
			i++
		case c == '}':
			i++
			if top.depth > 0 {
				top.depth--
				continue
			}
			st = st[:len(st)-1]
			if len(st) == 0 {
				return i, true, fields, st
			}
		case c == ':' && top.depth == 0:
			top.spec = true
			i++
		case class[c]&cQuote != 0:
			st, i = pushString(st, src, i, 0)
		case class[c]&cIdent != 0:
			j := i + 1
			for j < n && class[src[j]]&cIdent != 0 {
				j++
			}
			if j < n && class[src[j]]&cQuote != 0 {
				if f, ok := stringPrefix(src[i:j]); ok {
					st, i = pushString(st, src, j, f)
					continue
				}
			}
			i = j
		default:
			i++
		}
	}
	return n, false, fields, st
}

// pushString pushes a string frame for the string whose opening quote is at
// src[q], and returns the offset of its content.
func pushString(st []frame, src []byte, q int, f Flags) ([]frame, int) {
	c := src[q]
	fr := frame{str: true, quote: c, raw: f&Raw != 0, f: f&Format != 0}
	if q+2 < len(src) && src[q+1] == c && src[q+2] == c {
		fr.triple = true
		return append(st, fr), q + 3
	}
	return append(st, fr), q + 1
}
