package confextract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

func indexByte(b []byte, c byte) int { return bytes.IndexByte(b, c) }

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

func isNameStart(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' }

func isNameByte(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return rune(c|0x20-'a') + 10
	}
	return 0
}

// lineEnd returns, for the line holding offset i in src[:hi], the end of its
// content (before "\r\n" or "\n") and the start of the next line.
func lineEnd(src []byte, i, hi int) (end, next int) {
	j := indexByte(src[i:hi], '\n')
	if j < 0 {
		end, next = hi, hi
	} else {
		end, next = i+j, i+j+1
	}
	if end > i && src[end-1] == '\r' {
		end--
	}
	return end, next
}

// skipBlanks skips spaces and tabs in src[i:hi].
func skipBlanks(src []byte, i, hi int) int {
	for i < hi && isBlank(src[i]) {
		i++
	}
	return i
}

// trimBlanksRight returns the end of src[lo:hi] without trailing blanks.
func trimBlanksRight(src []byte, lo, hi int) int {
	for hi > lo && (isBlank(src[hi-1]) || src[hi-1] == '\r') {
		hi--
	}
	return hi
}

// commentStart returns the offset of a comment introduced by one of the bytes
// in marks (one or two bytes) and preceded by a blank, in src[lo:hi], or hi.
func commentStart(src []byte, lo, hi int, marks string) int {
	if len(marks) == 1 {
		for i := lo + 1; i < hi; {
			j := indexByte(src[i:hi], marks[0])
			if j < 0 {
				return hi
			}
			i += j
			if isBlank(src[i-1]) {
				return i
			}
			i++
		}
		return hi
	}
	m0, m1 := marks[0], marks[len(marks)-1]
	for i := lo + 1; i < hi; i++ {
		if c := src[i]; (c == m0 || c == m1) && isBlank(src[i-1]) {
			return i
		}
	}
	return hi
}

// appendRune appends r as UTF-8 (U+FFFD for invalid code points).
func appendRune(b []byte, r rune) []byte {
	if r < utf8.RuneSelf && r >= 0 {
		return append(b, byte(r))
	}
	return utf8.AppendRune(b, r)
}

// readHex reads n hex digits at src[i:hi]; ok is false if there are fewer.
func readHex(src []byte, i, hi, n int) (rune, bool) {
	if i+n > hi {
		return 0, false
	}
	var r rune
	for k := 0; k < n; k++ {
		c := src[i+k]
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | hexVal(c)
	}
	return r, true
}

// hasTemplate reports whether s holds interpolation: ${VAR}, {{ x }}, {% x %},
// %(x)s, {env:X} (tox), ${{ x }} and, when dollar is set, $VAR and $(cmd).
// A '$' or '%' preceded by a backslash does not count. Linear in len(s).
func hasTemplate(s string, dollar bool) bool {
	// forward searches are cached: -2 unknown, -1 none, else an index
	brace, braces, pct, paren := -2, -2, -2, -2
	find := func(cache *int, from int, sub string) int {
		if *cache == -1 || *cache >= from {
			return *cache
		}
		if k := strings.Index(s[from:], sub); k >= 0 {
			*cache = from + k
		} else {
			*cache = -1
		}
		return *cache
	}
	for i := 0; i+1 < len(s); i++ {
		c := s[i]
		if i > 0 && s[i-1] == '\\' {
			continue
		}
		switch c {
		case '$':
			n := s[i+1]
			switch {
			case n == '{':
				if find(&brace, i+2, "}") >= 0 {
					return true
				}
			case n == '$':
				i++ // "$$" is an escaped '$'
			case dollar && (n == '(' || isNameStart(n)):
				return true
			}
		case '{':
			switch n := s[i+1]; {
			case n == '{':
				if find(&braces, i+2, "}}") >= 0 {
					return true
				}
			case n == '%':
				if find(&pct, i+2, "%}") >= 0 {
					return true
				}
			case n == 'e' && strings.HasPrefix(s[i:], "{env:"):
				if find(&brace, i+5, "}") >= 0 {
					return true
				}
			}
		case '%':
			if s[i+1] == '%' {
				i++ // "%%" is an escaped '%'
			} else if s[i+1] == '(' {
				j := find(&paren, i+2, ")")
				if j >= 0 && j+1 < len(s) && strings.IndexByte("sdirfxgeEX", s[j+1]) >= 0 {
					return true
				}
			}
		}
	}
	return false
}

// envKind classifies a value of a .env file or a compose environment entry:
// ${VAR} and the like, and $VAR only with an upper-case VAR ($HOME, $DB_HOST),
// since python-dotenv does not expand $VAR and "pa$word" is more likely a
// password than a reference.
func envKind(s string) kv.Kind {
	if hasTemplate(s, false) {
		return kv.Template
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' || i > 0 && s[i-1] == '\\' {
			continue
		}
		if s[i+1] == '$' {
			i++
			continue
		}
		j := i + 1
		upper := isNameStart(s[j])
		for j < len(s) && isNameByte(s[j]) {
			if c := s[j]; c >= 'a' && c <= 'z' {
				upper = false
			}
			j++
		}
		if upper {
			return kv.Template
		}
	}
	return kv.Literal
}

// kindOf classifies a value: Template when it holds interpolation.
func kindOf(s string, dollar bool) kv.Kind {
	if hasTemplate(s, dollar) {
		return kv.Template
	}
	return kv.Literal
}
