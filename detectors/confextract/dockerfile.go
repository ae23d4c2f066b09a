package confextract

import (
	"bytes"
	"strings"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

// dockerfile extracts ENV (KEY=value KEY2="v2", and the legacy "ENV KEY value"),
// ARG KEY=default and LABEL key=value instructions, with line continuations and
// the "# escape=" directive ("dockerfile"), and runs the shell extractor over
// shell-form RUN instructions ("shell", "shell-arg", ...).
func (x *extractor) dockerfile(lo, hi int) {
	src := x.src
	esc := byte('\\')
	directives := true
	for i := lo; i < hi; {
		le, next := lineEnd(src, i, hi)
		cs := skipBlanks(src, i, le)
		if cs >= le {
			i = next
			continue
		}
		if src[cs] == '#' {
			if directives {
				d := strings.ToLower(strings.ReplaceAll(string(src[cs+1:le]), " ", ""))
				if strings.HasPrefix(d, "escape=") && len(d) > 7 {
					esc = d[7]
				}
			}
			i = next
			continue
		}
		directives = false
		ws := cs
		for cs < le && isNameByte(src[cs]) {
			cs++
		}
		var instr string
		for _, in := range [...]string{"ENV", "ARG", "LABEL", "RUN"} {
			if bytes.EqualFold(src[ws:cs], []byte(in)) {
				instr = in
			}
		}
		end := x.dockerLogicalEnd(cs, hi, esc)
		args := x.dockerSkipSpace(cs, end, esc)
		switch instr {
		case "ENV", "ARG", "LABEL":
			x.dockerKV(instr, args, end, esc)
		case "RUN":
			if esc == '\\' {
				a := args
				for a < end && src[a] == '-' { // RUN --mount=... flags
					a = x.dockerSkipSpace(x.scanWord(a, end, esc), end, esc)
				}
				if a < end && src[a] != '[' && !(a+1 < end && src[a] == '<' && src[a+1] == '<') {
					x.shell(a, end)
				}
			}
		}
		_, i = lineEnd(src, end, hi)
		if end >= hi {
			i = hi
		}
	}
}

// dockerLogicalEnd returns the end of the instruction whose arguments start at
// src[i]: the end of the first line not ending in the escape character.
func (x *extractor) dockerLogicalEnd(i, hi int, esc byte) int {
	src := x.src
	for i < hi {
		le, next := lineEnd(src, i, hi)
		e := trimBlanksRight(src, i, le)
		if e == i || src[e-1] != esc || next >= hi {
			return le
		}
		i = next
		// comment lines inside a continuation are dropped
		for i < hi {
			le2, next2 := lineEnd(src, i, hi)
			if c := skipBlanks(src, i, le2); c < le2 && src[c] == '#' {
				i = next2
				continue
			}
			break
		}
	}
	return hi
}

// dockerSkipSpace skips blanks, continuations and comment lines inside a
// continuation.
func (x *extractor) dockerSkipSpace(i, end int, esc byte) int {
	src := x.src
	for i < end {
		c := src[i]
		switch {
		case isBlank(c) || c == '\r':
			i++
		case c == esc && i+1 < end && (src[i+1] == '\n' || src[i+1] == '\r'):
			_, i = lineEnd(src, i+1, end)
			for i < end {
				le, next := lineEnd(src, i, end)
				s := skipBlanks(src, i, le)
				if s < le && src[s] == '#' {
					i = next
					continue
				}
				break
			}
		case c == '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// dockerKV extracts the KEY=value words of an ENV, ARG or LABEL instruction in
// src[i:end].
func (x *extractor) dockerKV(instr string, i, end int, esc byte) {
	src := x.src
	first := true
	for i < end {
		e := x.scanWord(i, end, esc)
		if e <= i {
			e = i + 1
		}
		name, vs, ok := x.dockerAssign(i, e, esc)
		if !ok {
			if first && instr == "ENV" {
				// legacy "ENV KEY value with spaces"
				name, _ := decodeWord(src, i, e, esc)
				vs := x.dockerSkipSpace(e, end, esc)
				ve := trimBlanksRight(src, vs, end)
				if vs < ve && name != "" {
					x.dockerEmit(name, vs, ve, esc)
				}
				return
			}
		} else {
			x.dockerEmit(name, vs, e, esc)
		}
		first = false
		i = x.dockerSkipSpace(e, end, esc)
	}
}

// dockerAssign splits a KEY=value word; the key may be quoted (LABEL).
func (x *extractor) dockerAssign(lo, hi int, esc byte) (string, int, bool) {
	src := x.src
	j := lo
	simple := true
	for j < hi && src[j] != '=' {
		switch src[j] {
		case '"', '\'':
			k := indexByte(src[j+1:hi], src[j])
			if k < 0 {
				return "", 0, false
			}
			j += k + 1
			simple = false
		case esc:
			j++
			simple = false
		case '$':
			simple = false
		}
		j++
	}
	if j >= hi || j == lo {
		return "", 0, false
	}
	var name string
	if simple {
		name = x.str(src[lo:j])
	} else {
		name, _ = decodeWord(src, lo, j, esc)
	}
	if name == "" {
		return "", 0, false
	}
	return name, j + 1, true
}

func (x *extractor) dockerEmit(name string, vs, ve int, esc byte) {
	v, expand := decodeWord(x.src, vs, ve, esc)
	s, e := unquoteSpan(x.src, vs, ve)
	kind := kv.Literal
	if expand || hasTemplate(v, false) {
		kind = kv.Template
	}
	x.add(name, v, kind, ctxDocker, s, e)
}
