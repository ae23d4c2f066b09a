package confextract

// Shell word scanning, shared by the shell and Dockerfile extractors.

const maxShellNest = 64

// skipNested skips the construct opened at src[i]: a '"' string, "$(" / "$((",
// "${", a backtick command, or "(" (an array or extglob), with what they nest.
// It returns the offset after the construct and whether it was closed before hi.
func skipNested(src []byte, i, hi int, esc byte) (int, bool) {
	return skipNestedNL(src, i, hi, esc, false)
}

// skipNestedNL is skipNested; with stopNL, an unquoted or quoted newline ends
// the scan as unclosed.
func skipNestedNL(src []byte, i, hi int, esc byte, stopNL bool) (int, bool) {
	var stack [maxShellNest]byte
	n := 0
	push := func(m byte) {
		if n < maxShellNest {
			stack[n] = m
			n++
		}
	}
	switch {
	case src[i] == '"' || src[i] == '`' || src[i] == '(':
		push(src[i])
		i++
	case src[i] == '$' && i+1 < hi && (src[i+1] == '(' || src[i+1] == '{'):
		push(src[i+1])
		i += 2
	default:
		return i + 1, true
	}
	for i < hi && n > 0 {
		c := src[i]
		if stopNL && c == '\n' {
			return i, false
		}
		top := stack[n-1]
		if c == esc {
			i += 2
			continue
		}
		switch top {
		case '"':
			switch {
			case c == '"':
				n--
			case c == '`':
				push('`')
			case c == '$' && i+1 < hi && (src[i+1] == '(' || src[i+1] == '{'):
				push(src[i+1])
				i++
			}
		case '`':
			if c == '`' {
				n--
			}
		case '(', '{':
			switch {
			case c == ')' && top == '(' || c == '}' && top == '{':
				n--
			case c == '(' && top == '(':
				push('(')
			case c == '\'':
				j := indexByte(src[i+1:hi], '\'')
				if j < 0 {
					return hi, false
				}
				if stopNL && indexByte(src[i+1:i+1+j], '\n') >= 0 {
					return i, false
				}
				i += j + 1
			case c == '"' || c == '`':
				push(c)
			case c == '$' && i+1 < hi && (src[i+1] == '(' || src[i+1] == '{'):
				push(src[i+1])
				i++
			case c == '#' && top == '(' && (i == 0 || isSpace(src[i-1])):
				for i < hi && src[i] != '\n' {
					i++
				}
				continue
			}
		}
		i++
	}
	if i > hi {
		i = hi
	}
	return i, n == 0
}

// isShellDelim reports whether c ends an unquoted shell word.
func isShellDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')':
		return true
	}
	return false
}

// scanWord returns the end of the shell word starting at src[i] (which is not
// a delimiter). A quote or nesting left open ends the word at its line end;
// x's budget bounds how far such a scan may look.
func (x *extractor) scanWord(i, hi int, esc byte) int {
	src := x.src
	start := i
	for i < hi {
		c := src[i]
		switch {
		case c == esc:
			if i+1 < hi && src[i+1] == '\r' && i+2 < hi && src[i+2] == '\n' {
				i += 3
			} else {
				i += 2
			}
			continue
		case c == '\r' && (i+1 >= hi || src[i+1] == '\n'):
			return i
		case c == '(' && i > start && (src[i-1] == '=' || src[i-1] == '@' || src[i-1] == '!' ||
			src[i-1] == '+' || src[i-1] == '*' || src[i-1] == '?'):
			i = x.nested(i, hi, esc)
			continue
		case isShellDelim(c):
			return i
		case c == '\'':
			i = x.quoted(i, hi, '\'', esc)
			continue
		case c == '$' && i+1 < hi && src[i+1] == '\'':
			i = x.quoted(i+1, hi, '\'', esc)
			continue
		case c == '"' || c == '`' || c == '$' && i+1 < hi && (src[i+1] == '(' || src[i+1] == '{'):
			i = x.nested(i, hi, esc)
			continue
		}
		i++
	}
	if i > hi {
		i = hi
	}
	return i
}

// nested skips a nested construct at src[i]; left open, it ends at its line end.
func (x *extractor) nested(i, hi int, esc byte) int {
	j, ok := skipNestedNL(x.src, i, hi, esc, !x.multiline())
	if ok {
		return j
	}
	x.fail(j - i)
	le, _ := lineEnd(x.src, i, hi)
	if le <= i {
		le = i + 1
	}
	return le
}

// quoted skips the string quoted by q at src[i]. When src[i-1] is '$' (an
// ANSI-C string), backslashes escape the next byte.
func (x *extractor) quoted(i, hi int, q, esc byte) int {
	src := x.src
	ansi := i > 0 && src[i-1] == '$'
	stopNL := !x.multiline()
	j := i + 1
	for j < hi && src[j] != q && !(stopNL && src[j] == '\n') {
		if ansi && src[j] == '\\' {
			j++
		}
		j++
	}
	if j < hi && src[j] == q {
		return j + 1
	}
	if j > hi {
		j = hi
	}
	x.fail(j - i)
	le, _ := lineEnd(src, i, hi)
	if le <= i {
		le = i + 1
	}
	return le
}

// decodeWord removes the quoting of the shell word src[lo:hi] and reports
// whether it holds expansions ($VAR, ${...}, $(...), backticks) outside single
// quotes. Expansions are kept as written.
func decodeWord(src []byte, lo, hi int, esc byte) (string, bool) {
	simple := true
	for k := lo; k < hi; k++ {
		if c := src[k]; c == esc || c == '\'' || c == '"' || c == '$' || c == '`' || c == '\n' {
			simple = false
			break
		}
	}
	if simple {
		return string(src[lo:hi]), false
	}
	out := make([]byte, 0, hi-lo)
	expand := false
	i := lo
	// expansion handles a '$' or '`' at src[i] (outside single quotes).
	expansion := func() {
		c := src[i]
		if c == '`' || i+1 < hi && (src[i+1] == '(' || src[i+1] == '{') {
			j, _ := skipNested(src, i, hi, esc)
			out = append(out, src[i:j]...)
			expand = true
			i = j
			return
		}
		if i+1 < hi && (isNameStart(src[i+1]) || src[i+1] >= '0' && src[i+1] <= '9' ||
			indexByte([]byte("@*#?$!-"), src[i+1]) >= 0) {
			expand = true
		}
		out = append(out, '$')
		i++
	}
	for i < hi {
		c := src[i]
		switch {
		case c == esc:
			if i+1 < hi {
				if n := src[i+1]; n == '\n' {
					i += 2
					continue
				} else if n == '\r' && i+2 < hi && src[i+2] == '\n' {
					i += 3
					continue
				}
				out = append(out, src[i+1])
				i += 2
				continue
			}
			out = append(out, c)
			i++
		case c == '\'':
			j := indexByte(src[i+1:hi], '\'')
			if j < 0 {
				out = append(out, src[i+1:hi]...)
				i = hi
				continue
			}
			out = append(out, src[i+1:i+1+j]...)
			i += j + 2
		case c == '$' && i+1 < hi && src[i+1] == '\'':
			i = decodeANSI(src, i+2, hi, &out)
		case c == '"':
			i++
			for i < hi && src[i] != '"' {
				d := src[i]
				switch {
				case d == esc && i+1 < hi:
					n := src[i+1]
					switch {
					case n == '\n':
					case n == '$' || n == '`' || n == '"' || n == esc:
						out = append(out, n)
					default:
						out = append(out, d, n)
					}
					i += 2
				case d == '$' || d == '`':
					expansion()
				default:
					out = append(out, d)
					i++
				}
			}
			i++
		case c == '$' || c == '`':
			expansion()
		default:
			out = append(out, c)
			i++
		}
	}
	return string(out), expand
}

// decodeANSI decodes a $'...' string body starting at src[i] into out and
// returns the offset after its closing quote.
func decodeANSI(src []byte, i, hi int, out *[]byte) int {
	for i < hi && src[i] != '\'' {
		c := src[i]
		if c != '\\' || i+1 >= hi {
			*out = append(*out, c)
			i++
			continue
		}
		n := src[i+1]
		i += 2
		switch n {
		case 'n':
			*out = append(*out, '\n')
		case 't':
			*out = append(*out, '\t')
		case 'r':
			*out = append(*out, '\r')
		case 'a':
			*out = append(*out, '\a')
		case 'b':
			*out = append(*out, '\b')
		case 'e', 'E':
			*out = append(*out, 0x1b)
		case 'f':
			*out = append(*out, '\f')
		case 'v':
			*out = append(*out, '\v')
		case 'x':
			r, ok := readHex(src, i, hi, 2)
			if !ok {
				r, ok = readHex(src, i, hi, 1)
				if ok {
					i++
				}
			} else {
				i += 2
			}
			if ok {
				*out = append(*out, byte(r))
			} else {
				*out = append(*out, '\\', 'x')
			}
		case 'u', 'U':
			n2 := 4
			if n == 'U' {
				n2 = 8
			}
			if r, ok := readHex(src, i, hi, n2); ok {
				*out = appendRune(*out, r)
				i += n2
			} else {
				*out = append(*out, '\\', n)
			}
		default:
			*out = append(*out, n)
		}
	}
	if i < hi {
		i++
	}
	return i
}
