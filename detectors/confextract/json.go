package confextract

import (
	"bytes"
	"strings"
)

// maxDepth bounds the nesting tracked by the JSON, TOML, YAML flow and XML
// parsers; deeper containers are skipped over without their keys.
const maxDepth = 256

// jsonTok is a token of the tolerant JSON tokenizer.
type jsonTok struct {
	kind  byte // one of "{}[]:," , 's' string, 'b' bare word (number, literal, unquoted key), 0 EOF
	start int  // for 's': first byte inside the quotes; else first byte
	end   int  // for 's': closing quote (or where the string was cut); else end
}

// jsonLexer tokenizes JSON leniently: // and /* */ and # comments, single-quoted
// strings and bare words are accepted; a string ends at its line end if its
// closing quote is missing.
type jsonLexer struct {
	src []byte
	i   int
	hi  int
}

func (l *jsonLexer) next() jsonTok {
	src, hi := l.src, l.hi
	for l.i < hi {
		c := src[l.i]
		switch {
		case isSpace(c):
			l.i++
		case c == '/' && l.i+1 < hi && src[l.i+1] == '/', c == '#':
			_, l.i = lineEnd(src, l.i, hi)
		case c == '/' && l.i+1 < hi && src[l.i+1] == '*':
			j := bytes.Index(src[l.i+2:hi], []byte("*/"))
			if j < 0 {
				l.i = hi
			} else {
				l.i += j + 4
			}
		case c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',':
			l.i++
			return jsonTok{kind: c, start: l.i - 1, end: l.i}
		case c == '"' || c == '\'':
			s := l.i + 1
			j := s
			for j < hi && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j > hi {
				j = hi
			}
			e := j
			if e < hi && src[e] == '\n' && e > s && src[e-1] == '\r' {
				e--
			}
			if j < hi && src[j] == c {
				j++
			}
			l.i = j
			return jsonTok{kind: 's', start: s, end: e}
		default:
			s := l.i
			for l.i < hi && !isSpace(src[l.i]) && strings.IndexByte("{}[]:,\"'/#", src[l.i]) < 0 {
				l.i++
			}
			if l.i == s {
				l.i++
			}
			return jsonTok{kind: 'b', start: s, end: l.i}
		}
	}
	return jsonTok{start: hi, end: hi}
}

// decodeJSONString decodes the escapes of a JSON (or JSON5) string body.
func decodeJSONString(b []byte) string {
	if indexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] != '\\' {
			out = append(out, b[i])
			i++
			continue
		}
		var w int
		out, w = appendJSONEscape(out, b, i, len(b))
		i += w
	}
	return string(out)
}

// appendJSONEscape decodes the escape at src[i] (a backslash; the string body
// ends at e) onto out and returns its width in src.
func appendJSONEscape(out, src []byte, i, e int) ([]byte, int) {
	if i+1 >= e {
		return append(out, '\\'), 1
	}
	switch c := src[i+1]; c {
	case 'b':
		out = append(out, '\b')
	case 'f':
		out = append(out, '\f')
	case 'n':
		out = append(out, '\n')
	case 'r':
		out = append(out, '\r')
	case 't':
		out = append(out, '\t')
	case 'v':
		out = append(out, '\v')
	case '0':
		out = append(out, 0)
	case '\n':
		// JSON5 line continuation
	case 'u':
		r, ok := readHex(src, i+2, e, 4)
		if !ok {
			return append(out, 'u'), 2
		}
		if r >= 0xD800 && r < 0xDC00 && i+11 < e && src[i+6] == '\\' && src[i+7] == 'u' {
			if r2, ok := readHex(src, i+8, e, 4); ok && r2 >= 0xDC00 && r2 < 0xE000 {
				return appendRune(out, (r-0xD800)<<10|(r2-0xDC00)+0x10000), 12
			}
		}
		return appendRune(out, r), 6
	default:
		out = append(out, c)
	}
	return out, 2
}

// json extracts every string value under an object key. The name is the dotted
// path of object keys (array indexes omitted); strings in arrays take the name
// of the array.
func (x *extractor) json(lo, hi int) {
	type frame struct {
		obj   bool
		path  string
		state byte // objects: 0 want key, 1 have key, 2 after ':', 3 after value
		key   string
	}
	lx := jsonLexer{src: x.src, i: lo, hi: hi}
	stack := make([]frame, 0, 16)
	overflow := 0
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := &stack[len(stack)-1]
		if f.obj {
			if f.state == 1 || f.state == 2 {
				f.state = 3
				return x.join(f.path, f.key)
			}
			return f.path
		}
		return f.path
	}
	for {
		t := lx.next()
		switch t.kind {
		case 0:
			return
		case '{', '[':
			if overflow > 0 || len(stack) >= maxDepth {
				overflow++
				continue
			}
			p := childPath()
			stack = append(stack, frame{obj: t.kind == '{', path: p})
		case '}', ']':
			if overflow > 0 {
				overflow--
				continue
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ':':
			if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].state == 1 {
				stack[n-1].state = 2
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].obj {
				stack[n-1].state = 0
			}
		case 's', 'b':
			if overflow > 0 || len(stack) == 0 {
				continue
			}
			f := &stack[len(stack)-1]
			if !f.obj {
				if t.kind == 's' && f.path != "" {
					v := decodeJSONString(x.src[t.start:t.end])
					x.add(f.path, v, kindOf(v, false), ctxJSON, t.start, t.end)
				}
				continue
			}
			switch f.state {
			case 0, 3:
				if raw := x.src[t.start:t.end]; t.kind == 's' && indexByte(raw, '\\') >= 0 {
					f.key = decodeJSONString(raw)
				} else {
					f.key = x.str(raw)
				}
				f.state = 1
			case 1, 2:
				f.state = 3
				if t.kind == 's' {
					v := decodeJSONString(x.src[t.start:t.end])
					x.add(x.join(f.path, f.key), v, kindOf(v, false), ctxJSON, t.start, t.end)
				}
			}
		}
	}
}
