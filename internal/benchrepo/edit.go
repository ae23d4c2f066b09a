package main

import (
	"bytes"
	"math/rand"
	"strconv"
)

// splitLines splits data after each '\n'; the slices share data's memory.
func splitLines(data []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(data, []byte{'\n'})+1)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1])
		data = data[i+1:]
	}
	return lines
}

// editor makes the kind of changes a commit makes to a source file: a few
// hunks, each changing a token or a number on a line or two, inserting a
// block of lines taken from another file of the same type (real code, not
// noise), deleting a block or moving one.
type editor struct {
	rng   *rand.Rand
	donor func(ext string) []byte // content of another file, preferably of this type
}

// edit returns a changed copy of data. origSize is the file's size when it
// entered the repository; grow in [-1, 1] biases towards growing (> 0) or
// shrinking (< 0) the file.
func (e *editor) edit(data []byte, ext string, origSize int, grow float64) []byte {
	r := e.rng
	lines := splitLines(data)
	// Keep the file's size in a band around its original size, with the
	// caller's bias on top.
	pIns, pDel := 0.28, 0.22
	ratio := float64(len(data)+1) / float64(origSize+1)
	switch {
	case ratio > 1.6:
		pIns, pDel = 0.12, 0.40
	case ratio < 0.7:
		pIns, pDel = 0.45, 0.05
	}
	pIns += 0.15 * grow
	pDel -= 0.10 * grow
	hunks := 1
	for hunks < 8 && r.Float64() < 0.45 {
		hunks++
	}
	for h := 0; h < hunks; h++ {
		pos := r.Intn(len(lines) + 1)
		x := r.Float64()
		switch {
		case x < pIns || len(lines) < 3:
			block := e.block(ext, 1+r.Intn(24))
			lines = insertLines(lines, pos, block)
		case x < pIns+pDel:
			n := min(1+r.Intn(14), len(lines)-pos)
			if n > 0 && len(lines)-n >= 3 {
				lines = append(lines[:pos], lines[pos+n:]...)
			}
		case x < pIns+pDel+0.05:
			// Move a block of lines elsewhere.
			n := min(2+r.Intn(20), len(lines)-pos)
			if n > 0 {
				block := append([][]byte(nil), lines[pos:pos+n]...)
				lines = append(lines[:pos], lines[pos+n:]...)
				to := r.Intn(len(lines) + 1)
				lines = insertLines(lines, to, block)
			}
		default:
			n := 1 + r.Intn(3)
			for i := 0; i < n && pos+i < len(lines); i++ {
				lines[pos+i] = e.mutate(lines[pos+i], lines)
			}
		}
	}
	var out bytes.Buffer
	out.Grow(len(data) + 1024)
	for _, l := range lines {
		out.Write(l)
	}
	res := out.Bytes()
	if bytes.Equal(res, data) {
		res = append(res, e.block(ext, 1)[0]...)
	}
	return res
}

func insertLines(lines [][]byte, pos int, block [][]byte) [][]byte {
	out := make([][]byte, 0, len(lines)+len(block))
	out = append(out, lines[:pos]...)
	out = append(out, block...)
	return append(out, lines[pos:]...)
}

// block returns n consecutive lines of a donor file, each ending in '\n'.
func (e *editor) block(ext string, n int) [][]byte {
	d := e.donor(ext)
	lines := splitLines(d)
	if len(lines) == 0 {
		return [][]byte{[]byte("\n")}
	}
	start := e.rng.Intn(len(lines))
	end := min(start+n, len(lines))
	out := make([][]byte, 0, end-start)
	for _, l := range lines[start:end] {
		if l[len(l)-1] != '\n' {
			l = append(append([]byte(nil), l...), '\n')
		}
		out = append(out, l)
	}
	return out
}

// mutate changes one token of a line: a number to another number, or an
// identifier to another identifier of the same file (a rename, a different
// call), or, on a line without either, appends a token.
func (e *editor) mutate(line []byte, file [][]byte) []byte {
	r := e.rng
	toks := tokens(line)
	if len(toks) == 0 {
		other := file[r.Intn(len(file))]
		if ot := tokens(other); len(ot) > 0 {
			t := ot[r.Intn(len(ot))]
			return insertBefore(line, len(bytes.TrimRight(line, "\r\n")), append([]byte(" "), other[t[0]:t[1]]...))
		}
		return append([]byte("\n"), line...)
	}
	t := toks[r.Intn(len(toks))]
	var repl []byte
	if c := line[t[0]]; c >= '0' && c <= '9' {
		repl = strconv.AppendInt(nil, int64(r.Intn(10000)), 10)
	} else {
		for try := 0; try < 4 && repl == nil; try++ {
			other := file[r.Intn(len(file))]
			if ot := tokens(other); len(ot) > 0 {
				o := ot[r.Intn(len(ot))]
				if w := other[o[0]:o[1]]; !bytes.Equal(w, line[t[0]:t[1]]) {
					repl = w
				}
			}
		}
		if repl == nil {
			repl = append(append([]byte(nil), line[t[0]:t[1]]...), byte('A'+r.Intn(26)))
		}
	}
	out := make([]byte, 0, len(line)+len(repl))
	out = append(out, line[:t[0]]...)
	out = append(out, repl...)
	return append(out, line[t[1]:]...)
}

func insertBefore(line []byte, at int, s []byte) []byte {
	out := make([]byte, 0, len(line)+len(s))
	out = append(out, line[:at]...)
	out = append(out, s...)
	return append(out, line[at:]...)
}

// tokens returns the [start, end) spans of identifiers and numbers in line.
func tokens(line []byte) [][2]int {
	var out [][2]int
	for i := 0; i < len(line); {
		c := line[i]
		if isWord(c) {
			j := i + 1
			for j < len(line) && isWord(line[j]) {
				j++
			}
			out = append(out, [2]int{i, j})
			i = j
			continue
		}
		i++
	}
	return out
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
