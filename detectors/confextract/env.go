package confextract

import "github.com/secretsweep/secretsweep/detectors/kv"

// env extracts KEY=value lines (python-dotenv / docker --env-file syntax) from
// src[lo:hi]: an optional "export ", a key, '=', and a value that is unquoted
// (up to a " #" comment, trailing blanks trimmed), single-quoted (\\ and \'
// decoded) or double-quoted (backslash escapes decoded); quoted values may span
// lines. Lines without '=' are skipped.
func (x *extractor) env(lo, hi int, ctx string) {
	src := x.src
	i := lo
	for i < hi {
		i = skipBlanks(src, i, hi)
		if i >= hi {
			break
		}
		le, next := lineEnd(src, i, hi)
		if i >= le || src[i] == '#' {
			i = next
			continue
		}
		if hasWord(src, i, le, "export") {
			i = skipBlanks(src, i+6, le)
			if i >= le {
				i = next
				continue
			}
		}
		// key
		var key string
		if c := src[i]; c == '\'' || c == '"' {
			j := indexByte(src[i+1:le], c)
			if j < 0 {
				i = next
				continue
			}
			key = string(src[i+1 : i+1+j])
			i += j + 2
		} else {
			ks := i
			for i < le && src[i] != '=' && !isBlank(src[i]) {
				i++
			}
			key = x.str(src[ks:i])
		}
		i = skipBlanks(src, i, le)
		if key == "" || i >= le || src[i] != '=' {
			i = next
			continue
		}
		i = skipBlanks(src, i+1, le)
		end := x.envValue(key, i, le, hi, ctx)
		_, i = lineEnd(src, end, hi)
	}
}

// envValue reads the value starting at src[i] (the line ends at le) and returns
// an offset on the last line the value occupies.
func (x *extractor) envValue(key string, i, le, hi int, ctx string) int {
	src := x.src
	if i < le && (src[i] == '"' || src[i] == '\'') {
		q := src[i]
		j := i + 1
		limit := hi
		if !x.multiline() {
			limit = le
		}
		for j < limit && src[j] != q {
			if src[j] == '\\' {
				j++
			}
			j++
		}
		if j < limit {
			var v string
			if q == '"' {
				v = decodeEnvDouble(src[i+1 : j])
			} else {
				v = decodeEnvSingle(src[i+1 : j])
			}
			kind := kv.Literal
			if q == '"' {
				kind = envKind(v)
			}
			x.add(key, v, kind, ctx, i+1, j)
			return j
		}
		x.fail(limit - i)
		// Unterminated: take the rest of the line after the quote.
		i++
	}
	e := commentStart(src, i, le, "#")
	e = trimBlanksRight(src, i, e)
	v := string(src[i:e])
	x.add(key, v, envKind(v), ctx, i, e)
	return le
}

// hasWord reports whether src[i:le] starts with w followed by a blank.
func hasWord(src []byte, i, le int, w string) bool {
	return le-i > len(w) && string(src[i:i+len(w)]) == w && isBlank(src[i+len(w)])
}

func decodeEnvSingle(b []byte) string {
	if indexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) && (b[i+1] == '\\' || b[i+1] == '\'') {
			i++
		}
		out = append(out, b[i])
	}
	return string(out)
}

// decodeEnvDouble decodes the escapes python-dotenv decodes in double-quoted
// values; other backslashes are kept.
func decodeEnvDouble(b []byte) string {
	if indexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		n := b[i+1]
		switch n {
		case '\\', '\'', '"':
			out = append(out, n)
		case 'a':
			out = append(out, '\a')
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
		case 'x', 'u', 'U':
			n := hexLen(n)
			if r, ok := readHex(b, i+2, len(b), n); ok {
				out = appendRune(out, r)
				i += 1 + n
				continue
			}
			out = append(out, c, b[i+1])
		default:
			out = append(out, c, n)
		}
		i++
	}
	return string(out)
}

func hexLen(c byte) int {
	switch c {
	case 'x':
		return 2
	case 'u':
		return 4
	}
	return 8
}
