package confextract

import "bytes"

// toml extracts the string values of a TOML file: "key = value" under [table]
// and [[array.of.tables]] headers (name "table.key", array indexes omitted),
// dotted and quoted keys, basic, literal and multi-line strings, strings in
// arrays (name of the array) and in inline tables (name "key.subkey").
// Numbers, booleans and dates are not reported.
func (x *extractor) toml(lo, hi int) {
	src := x.src
	table := ""
	for i := lo; i < hi; {
		le, next := lineEnd(src, i, hi)
		cs := skipBlanks(src, i, le)
		if cs >= le || src[cs] == '#' {
			i = next
			continue
		}
		if src[cs] == '[' {
			j := cs + 1
			if j < le && src[j] == '[' {
				j++
			}
			if k, _, ok := x.tomlKey(j, le); ok {
				table = k
			}
			i = next
			continue
		}
		key, j, ok := x.tomlKey(cs, le)
		if !ok {
			i = next
			continue
		}
		j = skipBlanks(src, j, le)
		if j >= le || src[j] != '=' {
			i = next
			continue
		}
		j = skipBlanks(src, j+1, le)
		i = x.tomlValue(x.join(table, key), j, hi)
	}
}

func isBareKey(c byte) bool { return isNameByte(c) || c == '-' }

// tomlKey reads a dotted key at src[i:le] and returns it joined with '.'.
func (x *extractor) tomlKey(i, le int) (string, int, bool) {
	src := x.src
	key := ""
	n := 0
	for {
		i = skipBlanks(src, i, le)
		if i >= le {
			return key, i, n > 0
		}
		var part string
		switch c := src[i]; {
		case c == '"' || c == '\'':
			j := i + 1
			for j < le && src[j] != c && src[j] != '\n' {
				if c == '"' && src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= le || src[j] != c {
				return key, i, false
			}
			if c == '"' {
				part = decodeTOMLBasic(src[i+1 : j])
			} else {
				part = string(src[i+1 : j])
			}
			i = j + 1
		case isBareKey(c):
			s := i
			for i < le && isBareKey(src[i]) {
				i++
			}
			part = x.str(src[s:i])
		default:
			return key, i, n > 0
		}
		if n == 0 {
			key = part
		} else {
			key = x.join(key, part)
		}
		n++
		i = skipBlanks(src, i, le)
		if i >= le || src[i] != '.' {
			return key, i, true
		}
		i++
	}
}

// tomlValue reads the value at src[i] named name, with the arrays and inline
// tables it holds, and returns where parsing resumes (a line start).
func (x *extractor) tomlValue(name string, i, hi int) int {
	src := x.src
	type frame struct {
		table bool
		name  string
	}
	var stack []frame
	overflow := 0
	for i < hi {
		if len(stack) > 0 || overflow > 0 {
			// skip blanks, newlines, comments and commas
			lineStart := false
			for i < hi {
				c := src[i]
				if isSpace(c) || c == ',' {
					if c == '\n' {
						lineStart = true
					}
					i++
				} else if c == '#' {
					for i < hi && src[i] != '\n' {
						i++
					}
				} else {
					break
				}
			}
			if i >= hi {
				return hi
			}
			c := src[i]
			if lineStart && len(stack) > 0 && tomlLooksLikeLine(src, i, hi, stack[len(stack)-1].table) {
				// an unclosed array or table: resume at this line
				for i > 0 && src[i-1] != '\n' {
					i--
				}
				return i
			}
			if c == ']' || c == '}' {
				i++
				if overflow > 0 {
					overflow--
				} else {
					stack = stack[:len(stack)-1]
				}
				if len(stack) == 0 && overflow == 0 {
					_, next := lineEnd(src, i-1, hi)
					return next
				}
				continue
			}
			if overflow > 0 {
				if c == '[' || c == '{' {
					overflow++
					i++
					continue
				}
			}
			top := stack[len(stack)-1]
			if overflow > 0 {
				// skip strings and words inside too-deep containers
			} else if top.table {
				// tomlKey and skipBlanks stop at the line end
				k, j, ok := x.tomlKey(i, hi)
				j = skipBlanks(src, j, hi)
				if !ok || j >= hi || src[j] != '=' {
					i++
					continue
				}
				i = skipBlanks(src, j+1, hi)
				name = x.join(top.name, k)
				if i >= hi {
					return hi
				}
			} else {
				name = top.name
			}
		}
		c := src[i]
		switch {
		case c == '[' || c == '{':
			i++
			if overflow > 0 || len(stack) >= maxDepth {
				overflow++
			} else {
				stack = append(stack, frame{table: c == '{', name: name})
			}
			continue
		case c == '"' || c == '\'':
			i = x.tomlString(name, i, hi, overflow == 0)
		default:
			for i < hi && !isSpace(src[i]) && src[i] != ',' && src[i] != ']' && src[i] != '}' && src[i] != '#' {
				i++
			}
		}
		if len(stack) == 0 && overflow == 0 {
			if i >= hi {
				return hi
			}
			_, next := lineEnd(src, i, hi)
			return next
		}
	}
	return hi
}

// tomlLooksLikeLine reports whether the line starting at src[i] inside an
// array or inline table is rather a new "key =" line or a [table] header.
func tomlLooksLikeLine(src []byte, i, hi int, inTable bool) bool {
	le, _ := lineEnd(src, i, hi)
	c := src[i]
	if c == '[' {
		j := skipBlanks(src, i+1, le)
		if j < le && src[j] == '[' {
			j = skipBlanks(src, j+1, le)
		}
		return j < le && isNameStart(src[j]) && bytes.IndexByte(src[j:le], ']') > 0 &&
			!bytes.HasPrefix(src[j:le], []byte("true")) && !bytes.HasPrefix(src[j:le], []byte("false"))
	}
	if inTable || !isBareKey(c) && c != '"' && c != '\'' {
		return false
	}
	j := i
	if c == '"' || c == '\'' {
		k := bytes.IndexByte(src[i+1:le], c)
		if k < 0 {
			return false
		}
		j = i + k + 2
	} else {
		for j < le && (isBareKey(src[j]) || src[j] == '.') {
			j++
		}
	}
	j = skipBlanks(src, j, le)
	return j < le && src[j] == '=' && (j+1 >= le || src[j+1] != '=')
}

// tomlString reads a string at src[i] and, if emit, adds it as name. It
// returns the offset after the string.
func (x *extractor) tomlString(name string, i, hi int, emit bool) int {
	src := x.src
	q := src[i]
	if i+2 < hi && src[i+1] == q && src[i+2] == q {
		// multi-line
		s := i + 3
		if s < hi && src[s] == '\n' {
			s++
		} else if s+1 < hi && src[s] == '\r' && src[s+1] == '\n' {
			s += 2
		}
		limit := hi
		if !x.multiline() {
			limit, _ = lineEnd(src, i, hi)
		}
		j, found := s, false
		for j < limit {
			if q == '"' && src[j] == '\\' {
				j += 2
				continue
			}
			if src[j] == q && j+2 < limit && src[j+1] == q && src[j+2] == q {
				// the closing delimiter is the last three of up to five quotes
				k := j + 3
				for k < limit && src[k] == q && k-j < 5 {
					k++
				}
				j, found = k-3, true
				break
			}
			j++
		}
		if !found {
			j = limit
		}
		if j >= limit {
			x.fail(limit - i)
			le, _ := lineEnd(src, i, hi)
			e := le
			if s > e {
				s = e
			}
			if emit {
				v := string(src[s:e])
				x.add(name, v, kindOf(v, false), ctxTOML, s, e)
			}
			return le
		}
		if emit {
			var v string
			if q == '"' {
				v = decodeTOMLBasic(src[s:j])
			} else {
				v = string(src[s:j])
			}
			x.add(name, v, kindOf(v, false), ctxTOML, s, j)
		}
		return j + 3
	}
	j := i + 1
	for j < hi && src[j] != q && src[j] != '\n' {
		if q == '"' && src[j] == '\\' && j+1 < hi && src[j+1] != '\n' {
			j++
		}
		j++
	}
	if j < hi && src[j] == '\n' && j > i+1 && src[j-1] == '\r' {
		j--
	}
	if emit {
		var v string
		if q == '"' {
			v = decodeTOMLBasic(src[i+1 : j])
		} else {
			v = string(src[i+1 : j])
		}
		x.add(name, v, kindOf(v, false), ctxTOML, i+1, j)
	}
	if j < hi && src[j] == q {
		j++
	}
	return j
}

// decodeTOMLBasic decodes the escapes of a TOML basic string, including the
// line-ending backslash of multi-line strings.
func decodeTOMLBasic(b []byte) string {
	if indexByte(b, '\\') < 0 && indexByte(b, '\r') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			continue
		}
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		i++
		switch c = b[i]; c {
		case 'b':
			out = append(out, '\b')
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'f':
			out = append(out, '\f')
		case 'r':
			out = append(out, '\r')
		case 'e':
			out = append(out, 0x1b)
		case 'u', 'U':
			n := 4
			if c == 'U' {
				n = 8
			}
			if r, ok := readHex(b, i+1, len(b), n); ok {
				out = appendRune(out, r)
				i += n
			} else {
				out = append(out, '\\', c)
			}
		case 'x':
			if r, ok := readHex(b, i+1, len(b), 2); ok {
				out = appendRune(out, r)
				i += 2
			} else {
				out = append(out, '\\', c)
			}
		case ' ', '\t', '\n', '\r':
			// line-ending backslash: drop whitespace up to the next non-blank
			j := i
			for j < len(b) && isBlank(b[j]) {
				j++
			}
			if j < len(b) && (b[j] == '\n' || b[j] == '\r') {
				for j < len(b) && isSpace(b[j]) {
					j++
				}
				i = j - 1
			} else {
				out = append(out, '\\', c)
			}
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
