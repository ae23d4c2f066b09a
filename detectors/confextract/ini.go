package confextract

import "strings"

// ini extracts "key = value" and "key: value" lines of INI files (configparser,
// setup.cfg, tox.ini, pip.conf, .pypirc, alembic.ini). The name is
// "section.key" ("key" before the first section). Lines indented deeper than
// their key continue its value; the pair then spans all of them and its value
// is their text joined with "\n" (an empty first line dropped). Full-line
// comments start with '#' or ';'; a '#' or ';' preceded by a blank inside a
// value starts an inline comment.
func (x *extractor) ini(lo, hi int) {
	src := x.src
	section := ""
	type span struct{ s, e int }
	var (
		active bool
		name   string
		indent int
		parts  []span
	)
	flush := func() {
		if !active {
			return
		}
		active = false
		ps := parts
		if len(ps) > 1 && ps[0].s == ps[0].e {
			ps = ps[1:]
		}
		start, end := ps[0].s, ps[len(ps)-1].e
		var v string
		if len(ps) == 1 {
			v = string(src[start:end])
		} else {
			var b strings.Builder
			for k, p := range ps {
				if k > 0 {
					b.WriteByte('\n')
				}
				b.Write(src[p.s:p.e])
			}
			v = b.String()
		}
		x.add(name, v, kindOf(v, false), ctxINI, start, end)
		if len(ps) > 1 {
			// tox setenv, pytest-env and the like: one NAME=value per line
			for _, p := range ps {
				if n, vs, ok := iniEnvLine(src, p.s, p.e); ok {
					v := string(src[vs:p.e])
					x.add(n, v, kindOf(v, false), ctxINI, vs, p.e)
				}
			}
		}
	}
	for i := lo; i < hi; {
		le, next := lineEnd(src, i, hi)
		cs := skipBlanks(src, i, le)
		ind := cs - i
		i = next
		if cs >= le {
			continue
		}
		c := src[cs]
		if c == '#' || c == ';' {
			continue
		}
		if active && ind > indent {
			e := trimBlanksRight(src, cs, commentStart(src, cs, le, "#;"))
			parts = append(parts, span{cs, e})
			continue
		}
		flush()
		if c == '[' {
			if j := indexByte(src[cs:le], ']'); j > 0 {
				section = strings.TrimSpace(string(src[cs+1 : cs+j]))
			}
			continue
		}
		d := cs
		for d < le && src[d] != '=' && src[d] != ':' {
			d++
		}
		if d >= le {
			continue
		}
		key := x.str(src[cs:trimBlanksRight(src, cs, d)])
		if key == "" {
			continue
		}
		vs := skipBlanks(src, d+1, le)
		ve := trimBlanksRight(src, vs, commentStart(src, vs, le, "#;"))
		active, name, indent = true, x.join(section, key), ind
		parts = append(parts[:0], span{vs, ve})
	}
	flush()
}

// iniEnvLine reports whether src[s:e] is "NAME=value" or "NAME = value" with
// an environment-variable-like NAME and a value, and returns NAME and where
// the value starts.
func iniEnvLine(src []byte, s, e int) (string, int, bool) {
	j := s
	if j >= e || !isNameStart(src[j]) {
		return "", 0, false
	}
	for j < e && isNameByte(src[j]) {
		j++
	}
	name := string(src[s:j])
	j = skipBlanks(src, j, e)
	if j >= e || src[j] != '=' {
		return "", 0, false
	}
	j = skipBlanks(src, j+1, e)
	if j >= e {
		return "", 0, false
	}
	return name, j, true
}
