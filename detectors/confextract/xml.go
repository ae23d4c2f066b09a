package confextract

import (
	"bytes"
	"strconv"
	"strings"
)

// xml extracts from XML files (Maven settings, .NET web.config/app.config,
// Spring beans, Ant properties) the text of leaf elements, named by the dotted
// path of element names ("settings.servers.server.password"), and every
// attribute, named by the attribute name; the "value" attribute of an element
// that also has a "key" or "name" attribute (<add key="ApiKey" value="x"/>,
// <property name="password" value="x"/>) is named by that attribute's value.
func (x *extractor) xml(lo, hi int) {
	src := x.src
	type elem struct {
		name     string
		path     string
		textFrom int
		children bool
	}
	var stack []elem
	overflow := 0
	i := lo
	for i < hi {
		j := indexByte(src[i:hi], '<')
		if j < 0 {
			return
		}
		i += j
		switch {
		case bytes.HasPrefix(src[i:hi], []byte("<!--")):
			k := bytes.Index(src[i+4:hi], []byte("-->"))
			if k < 0 {
				return
			}
			i += k + 7
		case bytes.HasPrefix(src[i:hi], []byte("<![CDATA[")):
			k := bytes.Index(src[i+9:hi], []byte("]]>"))
			if k < 0 {
				return
			}
			i += k + 12
		case i+1 < hi && (src[i+1] == '?' || src[i+1] == '!'):
			k := indexByte(src[i:hi], '>')
			if k < 0 {
				return
			}
			i += k + 1
		case i+1 < hi && src[i+1] == '/':
			s := i + 2
			e := s
			for e < hi && !isSpace(src[e]) && src[e] != '>' {
				e++
			}
			name := string(src[s:e])
			k := indexByte(src[e:hi], '>')
			if k < 0 {
				k = hi - e - 1
			}
			tagStart := i
			i = e + k + 1
			if overflow > 0 {
				overflow--
				continue
			}
			// pop to the matching element
			m := len(stack) - 1
			for m >= 0 && stack[m].name != name {
				m--
			}
			if m < 0 {
				continue
			}
			el := stack[m]
			stack = stack[:m]
			if m == len(stack) && !el.children && el.textFrom >= 0 {
				x.xmlText(el.path, el.textFrom, tagStart)
			}
		default:
			s := i + 1
			e := s
			for e < hi && !isSpace(src[e]) && src[e] != '>' && src[e] != '/' {
				e++
			}
			if e == s {
				i++
				continue
			}
			name := string(src[s:e])
			end, selfClose := x.xmlAttrs(e, hi)
			i = end
			if len(stack) > 0 {
				stack[len(stack)-1].children = true
			}
			if selfClose {
				continue
			}
			if overflow > 0 || len(stack) >= maxDepth {
				overflow++
				continue
			}
			p := name
			if k := strings.IndexByte(p, ':'); k >= 0 {
				p = p[k+1:]
			}
			if len(stack) > 0 {
				p = x.join(stack[len(stack)-1].path, p)
			}
			stack = append(stack, elem{name: name, path: p, textFrom: end})
		}
	}
}

// xmlAttrs reads the attributes of a start tag from src[i] and returns the
// offset after the tag and whether it was self-closing.
func (x *extractor) xmlAttrs(i, hi int) (int, bool) {
	src := x.src
	var attrs []xmlAttr
	keyName := ""
	for i < hi {
		for i < hi && isSpace(src[i]) {
			i++
		}
		if i >= hi {
			break
		}
		if src[i] == '>' {
			i++
			break
		}
		if src[i] == '/' && i+1 < hi && src[i+1] == '>' {
			x.xmlEmitAttrs(attrs, keyName)
			return i + 2, true
		}
		if src[i] == '<' { // broken tag
			break
		}
		s := i
		for i < hi && !isSpace(src[i]) && src[i] != '=' && src[i] != '>' && src[i] != '/' && src[i] != '<' {
			i++
		}
		if i == s {
			i++
			continue
		}
		name := string(src[s:i])
		for i < hi && isSpace(src[i]) {
			i++
		}
		if i >= hi || src[i] != '=' {
			continue
		}
		i++
		for i < hi && isSpace(src[i]) {
			i++
		}
		if i >= hi {
			break
		}
		q := src[i]
		if q != '"' && q != '\'' {
			continue
		}
		k := indexByte(src[i+1:hi], q)
		if k < 0 {
			break
		}
		vs, ve := i+1, i+1+k
		i = ve + 1
		v := decodeXMLEntities(src[vs:ve])
		if strings.EqualFold(name, "key") || strings.EqualFold(name, "name") {
			keyName = v
		}
		if len(attrs) < 64 {
			attrs = append(attrs, xmlAttr{name, v, vs, ve})
		}
	}
	x.xmlEmitAttrs(attrs, keyName)
	return i, false
}

type xmlAttr struct {
	name string
	v    string
	s, e int
}

func (x *extractor) xmlEmitAttrs(attrs []xmlAttr, keyName string) {
	for _, a := range attrs {
		name := a.name
		if k := strings.IndexByte(name, ':'); k >= 0 && !strings.HasPrefix(name, "xmlns") {
			name = name[k+1:]
		}
		if strings.HasPrefix(name, "xmlns") {
			continue
		}
		if strings.EqualFold(name, "value") && keyName != "" {
			name = keyName
		}
		x.add(name, a.v, kindOf(a.v, false), ctxXML, a.s, a.e)
	}
}

// xmlText emits the text content src[s:e] of a leaf element (CDATA content or
// entity-decoded text, blanks trimmed).
func (x *extractor) xmlText(name string, s, e int) {
	src := x.src
	for s < e && isSpace(src[s]) {
		s++
	}
	for e > s && isSpace(src[e-1]) {
		e--
	}
	if s >= e {
		return
	}
	var v string
	if bytes.HasPrefix(src[s:e], []byte("<![CDATA[")) && bytes.HasSuffix(src[s:e], []byte("]]>")) && e-s >= 12 {
		s, e = s+9, e-3
		v = string(src[s:e])
	} else {
		v = decodeXMLEntities(src[s:e])
	}
	x.add(name, v, kindOf(v, false), ctxXML, s, e)
}

func decodeXMLEntities(b []byte) string {
	if indexByte(b, '&') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '&' {
			out = append(out, b[i])
			continue
		}
		k := indexByte(b[i:min(len(b), i+13)], ';')
		if k < 0 {
			out = append(out, '&')
			continue
		}
		ent := string(b[i+1 : i+k])
		switch {
		case ent == "lt":
			out = append(out, '<')
		case ent == "gt":
			out = append(out, '>')
		case ent == "amp":
			out = append(out, '&')
		case ent == "quot":
			out = append(out, '"')
		case ent == "apos":
			out = append(out, '\'')
		case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil {
				out = append(out, '&')
				continue
			}
			out = appendRune(out, rune(n))
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil {
				out = append(out, '&')
				continue
			}
			out = appendRune(out, rune(n))
		default:
			out = append(out, '&')
			continue
		}
		i += k
	}
	return string(out)
}
