package pyextract

import (
	"bytes"
	"unicode/utf8"
)

// Unquote returns the value of String token t of src: escape sequences decoded
// (unless raw), line ends normalized to "\n", and for an f-string "{{" and "}}"
// turned into "{" and "}" while replacement fields are kept as written. fields
// reports whether the value has replacement fields. For a token that is not a
// String it returns "" and false.
func Unquote(src []byte, t Token) (value string, fields bool) {
	b, fields := AppendUnquoted(nil, src, t)
	return string(b), fields
}

// AppendUnquoted is like Unquote but appends the value to dst.
func AppendUnquoted(dst, src []byte, t Token) ([]byte, bool) {
	var arr [8]frame
	return appendUnquoted(dst, src, t, arr[:0])
}

func appendUnquoted(dst, src []byte, t Token, st []frame) ([]byte, bool) {
	cs, ce := t.ContentStart, t.ContentEnd
	if t.Kind != String || cs < 0 || ce > len(src) || cs > ce {
		return dst, false
	}
	raw := t.Flags&Raw != 0
	isBytes := t.Flags&Bytes != 0
	isF := t.Flags&Format != 0
	content := src[cs:ce]
	if !isF && bytes.IndexByte(content, '\r') < 0 && (raw || bytes.IndexByte(content, '\\') < 0) {
		return append(dst, content...), false
	}
	quote := src[cs-1]
	triple := t.Flags&Triple != 0
	lim := src[:ce] // fields must end inside the content
	fields := false
	i := cs
	for i < ce {
		c := src[i]
		switch {
		case c == '\r':
			dst = append(dst, '\n')
			i++
			if i < ce && src[i] == '\n' {
				i++
			}
		case c == '\\' && raw:
			dst = append(dst, '\\')
			i++
			if i < ce && !(isF && (src[i] == '{' || src[i] == '}')) {
				dst = append(dst, src[i])
				i++
			}
		case c == '\\':
			dst, i = appendEscape(dst, src, i, ce, isBytes, isF)
		case isF && c == '{':
			if i+1 < ce && src[i+1] == '{' {
				dst = append(dst, '{')
				i += 2
				continue
			}
			st = append(st[:0], frame{quote: quote, triple: triple})
			end, ok, _, s2 := run(lim, i+1, st)
			st = s2
			if !ok {
				// A malformed field: keep the rest as written.
				dst = append(dst, src[i:ce]...)
				i = ce
				continue
			}
			fields = true
			dst = append(dst, src[i:end]...)
			i = end
		case isF && c == '}':
			dst = append(dst, '}')
			i++
			if i < ce && src[i] == '}' {
				i++
			}
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst, fields
}

// appendEscape decodes the escape sequence at src[i] == '\\' (content ends at
// ce) and returns the offset after it.
func appendEscape(dst, src []byte, i, ce int, isBytes, isF bool) ([]byte, int) {
	if i+1 >= ce {
		return append(dst, '\\'), i + 1
	}
	d := src[i+1]
	switch d {
	case '\n':
		return dst, i + 2
	case '\r':
		if i+2 < ce && src[i+2] == '\n' {
			return dst, i + 3
		}
		return dst, i + 2
	case '\\', '\'', '"':
		return append(dst, d), i + 2
	case 'a':
		return append(dst, 7), i + 2
	case 'b':
		return append(dst, 8), i + 2
	case 'f':
		return append(dst, 12), i + 2
	case 'n':
		return append(dst, '\n'), i + 2
	case 'r':
		return append(dst, '\r'), i + 2
	case 't':
		return append(dst, '\t'), i + 2
	case 'v':
		return append(dst, 11), i + 2
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v, j := 0, i+1
		for j < ce && j < i+4 && src[j] >= '0' && src[j] <= '7' {
			v = v*8 + int(src[j]-'0')
			j++
		}
		return appendCode(dst, v, isBytes), j
	case 'x':
		if v, ok := hexVal(src, i+2, 2, ce); ok {
			return appendCode(dst, v, isBytes), i + 4
		}
	case 'u', 'U':
		l := 4
		if d == 'U' {
			l = 8
		}
		if !isBytes {
			if v, ok := hexVal(src, i+2, l, ce); ok {
				return appendCode(dst, v, false), i + 2 + l
			}
		}
	case 'N':
		if !isBytes && i+2 < ce && src[i+2] == '{' {
			// \N{NAME} is kept as written.
			j := i + 3
			for j < ce && src[j] != '}' {
				j++
			}
			if j < ce {
				j++
			}
			return append(dst, src[i:j]...), j
		}
	case '{', '}':
		if isF {
			// Not an escape: the brace is a field delimiter.
			return append(dst, '\\'), i + 1
		}
	}
	// Unknown escapes are kept.
	return append(dst, '\\', d), i + 2
}

func appendCode(dst []byte, v int, isBytes bool) []byte {
	if isBytes {
		return append(dst, byte(v))
	}
	if v > utf8.MaxRune {
		v = utf8.RuneError
	}
	return utf8.AppendRune(dst, rune(v))
}

func hexVal(src []byte, i, l, ce int) (int, bool) {
	if i+l > ce {
		return 0, false
	}
	v := 0
	for _, c := range src[i : i+l] {
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + int(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			v = v*16 + int(c|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
