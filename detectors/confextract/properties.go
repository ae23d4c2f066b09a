package confextract

// properties extracts Java .properties entries: "key=value", "key: value" and
// "key value"; '#' and '!' start comment lines; a line ending in an odd number
// of backslashes continues on the next line (whose leading blanks are dropped);
// \t \n \r \f \uXXXX and \x (for any other x) are decoded in keys and values.
// Unlike Java, trailing blanks of a value are dropped.
func (x *extractor) properties(lo, hi int) {
	src := x.src
	i := lo
	for i < hi {
		// at a line start
		for i < hi && (isBlank(src[i]) || src[i] == '\f') {
			i++
		}
		if i >= hi {
			break
		}
		c := src[i]
		if c == '\n' || c == '\r' || c == '#' || c == '!' {
			_, i = lineEnd(src, i, hi)
			continue
		}
		ks := i
		for i < hi {
			c := src[i]
			if c == '\\' {
				i += 2
				continue
			}
			if c == '=' || c == ':' || isBlank(c) || c == '\f' || c == '\n' || c == '\r' {
				break
			}
			i++
		}
		if i > hi {
			i = hi
		}
		ke := i
		i = propSkipSpace(src, i, hi)
		if i < hi && (src[i] == '=' || src[i] == ':') {
			i = propSkipSpace(src, i+1, hi)
		}
		vs := i
		for i < hi && src[i] != '\n' && src[i] != '\r' {
			if src[i] == '\\' {
				i++
				if i < hi && src[i] == '\r' && i+1 < hi && src[i+1] == '\n' {
					i++
				}
			}
			i++
		}
		if i > hi {
			i = hi
		}
		ve := trimBlanksRight(src, vs, i)
		// a value ending in an escaped blank keeps it
		if ve < i && ve > vs && src[ve-1] == '\\' {
			ve++
		}
		var key string
		if indexByte(src[ks:ke], '\\') < 0 {
			key = x.str(src[ks:ke])
		} else {
			key = decodeProp(src[ks:ke])
		}
		if key != "" {
			v := decodeProp(src[vs:ve])
			x.add(key, v, kindOf(v, false), ctxProperties, vs, ve)
		}
		_, i = lineEnd(src, i, hi)
	}
}

// propSkipSpace skips blanks and line continuations (a backslash at the end of
// a line, then the next line's leading blanks).
func propSkipSpace(src []byte, i, hi int) int {
	for i < hi {
		c := src[i]
		switch {
		case isBlank(c) || c == '\f':
			i++
		case c == '\\' && i+1 < hi && (src[i+1] == '\n' || src[i+1] == '\r'):
			_, i = lineEnd(src, i+1, hi)
		default:
			return i
		}
	}
	return i
}

func decodeProp(b []byte) string {
	if indexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(b) {
			break
		}
		switch c = b[i]; c {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'f':
			out = append(out, '\f')
		case 'u':
			if r, ok := readHex(b, i+1, len(b), 4); ok {
				i += 4
				if r >= 0xD800 && r < 0xDC00 && i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					if r2, ok := readHex(b, i+3, len(b), 4); ok && r2 >= 0xDC00 && r2 < 0xE000 {
						r = (r-0xD800)<<10 | (r2 - 0xDC00) + 0x10000
						i += 6
					}
				}
				out = appendRune(out, r)
			} else {
				out = append(out, 'u')
			}
		case '\n', '\r':
			// continuation: drop the line end and the next line's leading blanks
			if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			for i+1 < len(b) && (isBlank(b[i+1]) || b[i+1] == '\f') {
				i++
			}
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
