package confextract

import (
	"bytes"
	"errors"
	"sort"
)

// Cell is one piece of text of a Jupyter notebook: the source of a cell
// (Kind "code", "markdown" or "raw") or one text output of a code cell (Kind
// "output": stream text, text/plain results and error tracebacks). Outputs
// follow the cell they belong to.
type Cell struct {
	Kind string
	// Text is the decoded text (the JSON strings of the cell joined).
	Text string
	// Lines has one entry per line of Text (strings.Count(Text, "\n")+1
	// entries): the position in the .ipynb of the line's first byte. For a line
	// that is empty at the very end of Text, the position of the closing quote
	// of the last string.
	Lines []LinePos

	nb     *nbIndex
	segs   []nbSeg // the JSON strings Text was decoded from, in order
	starts []int   // raw offset of each line's first byte
}

// LinePos is a 1-based line and byte column in the .ipynb file.
type LinePos struct{ Line, Col int }

type nbSeg struct{ s, e int } // string body in the .ipynb

type nbIndex struct {
	src    []byte
	starts []int
}

func (ix *nbIndex) pos(off int) LinePos {
	l := sort.SearchInts(ix.starts, off+1) - 1
	if l < 0 {
		l = 0
	}
	return LinePos{l + 1, off - ix.starts[l] + 1}
}

// Position maps a 1-based line and byte column of c.Text to the line and byte
// column in the .ipynb file, counting JSON escapes (\", \n, \uXXXX) as the
// bytes they take in the file. Out-of-range input is clamped.
func (c *Cell) Position(line, col int) (int, int) {
	if len(c.starts) == 0 || c.nb == nil {
		return 0, 0
	}
	if line < 1 {
		line = 1
	}
	if line > len(c.starts) {
		line = len(c.starts)
	}
	off := c.starts[line-1]
	// find the segment holding off
	k := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].e >= off })
	src := c.nb.src
	for n := col - 1; n > 0 && k < len(c.segs); {
		if off >= c.segs[k].e {
			k++
			if k < len(c.segs) {
				off = c.segs[k].s
			}
			continue
		}
		w, size := decodeJSONChar(src, off, c.segs[k].e)
		if size > n {
			break
		}
		n -= size
		off += w
	}
	p := c.nb.pos(off)
	return p.Line, p.Col
}

// decodeJSONChar decodes one character of a JSON string body at src[i:e]: the
// raw width and the decoded size.
func decodeJSONChar(src []byte, i, e int) (int, int) {
	if src[i] != '\\' {
		return 1, 1
	}
	var buf [8]byte
	d, w := appendJSONEscape(buf[:0], src, i, e)
	return w, len(d)
}

// jnode is a node of a notebook's JSON tree.
type jnode struct {
	kind byte // 'o' object, 'a' array, 's' string, 'b' other
	s, e int  // string body
	keys []jkey
	kids []*jnode
}

// jkey is an object key: its raw text in src, or its decoded text if it had
// escapes.
type jkey struct {
	s, e    int
	decoded string
	esc     bool
}

func (n *jnode) get(src []byte, key string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if i < len(n.kids) && (k.esc && k.decoded == key || !k.esc && string(src[k.s:k.e]) == key) {
			return n.kids[i]
		}
	}
	return nil
}

// parseJSONTree builds the tree of the first JSON value in src with the
// tolerant lexer; unclosed containers are closed at EOF.
func parseJSONTree(src []byte) *jnode {
	lx := jsonLexer{src: src, hi: len(src)}
	var root *jnode
	var stack []*jnode
	var slab []jnode
	node := func(kind byte, s, e int) *jnode {
		if len(slab) == cap(slab) {
			slab = make([]jnode, 0, 512)
		}
		slab = append(slab, jnode{kind: kind, s: s, e: e})
		return &slab[len(slab)-1]
	}
	var pendingKey []jkey // per object: key awaiting its value
	var haveKey []bool
	overflow := 0 // containers nested deeper than maxDepth, skipped
	attach := func(n *jnode) {
		if len(stack) == 0 {
			if root == nil {
				root = n
			}
			return
		}
		top := stack[len(stack)-1]
		if top.kind == 'a' {
			top.kids = append(top.kids, n)
			return
		}
		k := len(stack) - 1
		if haveKey[k] {
			top.keys = append(top.keys, pendingKey[k])
			top.kids = append(top.kids, n)
			haveKey[k] = false
		}
	}
	for {
		t := lx.next()
		switch t.kind {
		case 0:
			return root
		case '{', '[':
			if overflow > 0 || len(stack) >= maxDepth {
				overflow++
				continue
			}
			n := node('o', 0, 0)
			if t.kind == '[' {
				n.kind = 'a'
			}
			attach(n)
			stack = append(stack, n)
			pendingKey = append(pendingKey, jkey{})
			haveKey = append(haveKey, false)
		case '}', ']':
			if overflow > 0 {
				overflow--
				continue
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
				pendingKey = pendingKey[:len(pendingKey)-1]
				haveKey = haveKey[:len(haveKey)-1]
			}
			if len(stack) == 0 && root != nil {
				return root
			}
		case 's', 'b':
			if overflow > 0 {
				continue
			}
			k := len(stack) - 1
			if k >= 0 && stack[k].kind == 'o' && !haveKey[k] {
				pendingKey[k] = jkey{s: t.start, e: t.end}
				if t.kind == 's' && indexByte(src[t.start:t.end], '\\') >= 0 {
					pendingKey[k] = jkey{decoded: decodeJSONString(src[t.start:t.end]), esc: true}
				}
				haveKey[k] = true
				// the key's value follows the ':'
				continue
			}
			n := node('b', t.start, t.end)
			if t.kind == 's' {
				n.kind = 's'
			}
			attach(n)
		}
	}
}

// Notebook decodes a Jupyter notebook (nbformat 4, and 3's worksheets) and
// returns the text of its cells and of their text outputs, each with the map
// from its lines to positions in src. It is tolerant like Extract (a truncated
// notebook gives the cells before the cut) and fails only when src holds no
// notebook cells at all.
func Notebook(src []byte) ([]Cell, error) {
	root := parseJSONTree(src)
	if root == nil || root.kind != 'o' {
		return nil, errors.New("confextract: not a Jupyter notebook (no JSON object)")
	}
	ix := &nbIndex{src: src, starts: make([]int, 1, bytes.Count(src, []byte{'\n'})+1)}
	for i := 0; i < len(src); {
		j := indexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		ix.starts = append(ix.starts, i)
	}
	var cellLists []*jnode
	if c := root.get(src, "cells"); c != nil && c.kind == 'a' {
		cellLists = append(cellLists, c)
	}
	if ws := root.get(src, "worksheets"); ws != nil && ws.kind == 'a' {
		for _, w := range ws.kids {
			if c := w.get(src, "cells"); c != nil && c.kind == 'a' {
				cellLists = append(cellLists, c)
			}
		}
	}
	if len(cellLists) == 0 {
		return nil, errors.New("confextract: not a Jupyter notebook (no cells)")
	}
	var out []Cell
	for _, list := range cellLists {
		for _, c := range list.kids {
			if c.kind != 'o' {
				continue
			}
			kind := "code"
			if t := c.get(src, "cell_type"); t != nil && t.kind == 's' {
				kind = decodeJSONString(src[t.s:t.e])
			}
			s := c.get(src, "source")
			if s == nil {
				s = c.get(src, "input")
			}
			if s != nil {
				if cell, ok := nbCell(ix, kind, s, false); ok {
					out = append(out, cell)
				}
			}
			outs := c.get(src, "outputs")
			if outs == nil || outs.kind != 'a' {
				continue
			}
			for _, o := range outs.kids {
				for _, t := range []*jnode{o.get(src, "text"), o.get(src, "data").get(src, "text/plain")} {
					if cell, ok := nbCell(ix, "output", t, false); ok {
						out = append(out, cell)
					}
				}
				if cell, ok := nbCell(ix, "output", o.get(src, "traceback"), true); ok {
					out = append(out, cell)
				}
			}
		}
	}
	return out, nil
}

// nbCell decodes a string or an array of strings; with lines set, the strings
// are joined with "\n".
func nbCell(ix *nbIndex, kind string, n *jnode, lines bool) (Cell, bool) {
	if n == nil {
		return Cell{}, false
	}
	var segs []nbSeg
	switch n.kind {
	case 's':
		segs = []nbSeg{{n.s, n.e}}
	case 'a':
		for _, k := range n.kids {
			if k.kind == 's' {
				segs = append(segs, nbSeg{k.s, k.e})
			}
		}
	default:
		return Cell{}, false
	}
	if len(segs) == 0 {
		return Cell{}, false
	}
	src := ix.src
	var text []byte
	var starts []int
	atStart := true
	for k, sg := range segs {
		if k > 0 && lines {
			if atStart { // the line being ended is empty
				starts = append(starts, segs[k-1].e)
			}
			text = append(text, '\n')
			atStart = true
		}
		for r := sg.s; r < sg.e; {
			if atStart {
				starts = append(starts, r)
				atStart = false
			}
			// the lexer ends strings at raw line ends: only escapes make '\n'
			j := r
			for j < sg.e && src[j] != '\\' {
				j++
			}
			if j > r {
				text = append(text, src[r:j]...)
				r = j
				continue
			}
			n := len(text)
			var w int
			text, w = appendJSONEscape(text, src, r, sg.e)
			r += w
			if len(text) > n && text[len(text)-1] == '\n' {
				atStart = true
			}
		}
	}
	if atStart {
		starts = append(starts, segs[len(segs)-1].e)
	}
	c := Cell{Kind: kind, Text: string(text), nb: ix, segs: segs, starts: starts}
	c.Lines = make([]LinePos, len(starts))
	for i, s := range starts {
		c.Lines[i] = ix.pos(s)
	}
	return c, true
}
