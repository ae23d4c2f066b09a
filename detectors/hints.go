package detectors

import (
	"bytes"
	"sync"

	"github.com/secretsweep/secretsweep/detectors/internal/acdfa"
)

// Hint words name the lines a built-in detector looks at: its costlier work
// (regexes, parsing a line) runs only on lines that hold one of its hints.
// The engine finds them in the same case-insensitive automaton pass as the
// rules' keywords. Each word belongs to one group, a bit.
const (
	hintCred uint32 = 1 << iota // the assignment line scanner
	hintURL                     // the shape detectors (special.go), one bit each
	hintBasic
	hintBearer
	hintCurl
	hintSQL
	hintOpt
)

var hintWords = map[uint32][]string{
	hintCred: {"pass", "pwd", "secret", "token", "key", "auth", "cred", "sig", "salt", "nonce", "dsn", "pw",
		"mdp", "senha", "parol"},
	hintURL:    {"://"},
	hintBasic:  {"basic"},
	hintBearer: {"bearer", "token "},
	hintCurl:   {"curl"},
	hintSQL:    {"identified", " password "},
	hintOpt:    {"-pass", "-pwd", "-token", "-api", "-secret"},
}

// hintLine is a line that holds hint words: its byte range (without the
// '\n'), its 1-based number and the groups of the words it holds.
type hintLine struct {
	start, end, no int
	groups         uint32
}

// hintLines gathers the lines of data that hold hint words from the
// automaton's matches, which come in order of their end.
type hintLines struct {
	data    []byte
	lines   []hintLine
	counted int // offset up to which lines are counted
	lineNo  int // number of the line starting at counted
	cur     hintLine
	open    bool
}

func (h *hintLines) add(pos int, groups uint32) {
	if !h.open || pos >= h.cur.end { // a new line
		h.flush()
		start := bytes.LastIndexByte(h.data[:pos], '\n') + 1
		end := len(h.data)
		if i := bytes.IndexByte(h.data[pos:], '\n'); i >= 0 {
			end = pos + i
		}
		h.cur = hintLine{start: start, end: end}
		h.open = true
	}
	h.cur.groups |= groups
}

func (h *hintLines) flush() {
	if !h.open {
		return
	}
	if h.lineNo == 0 {
		h.lineNo = 1
	}
	h.lineNo += bytes.Count(h.data[h.counted:h.cur.start], []byte{'\n'})
	h.counted = h.cur.start
	h.cur.no = h.lineNo
	h.lines = append(h.lines, h.cur)
	h.open = false
}

// result flushes the last line and returns the lines.
func (h *hintLines) result() []hintLine {
	h.flush()
	return h.lines
}

var (
	hintOnlyOnce sync.Once
	hintOnly     *acdfa.Matcher
	hintOnlyBits []uint32
)

// findHintLines finds the hint lines of a text that the engine's pass did
// not cover (a notebook cell's decoded source).
func findHintLines(data []byte) []hintLine {
	hintOnlyOnce.Do(func() {
		var pats []string
		for bit, words := range hintWords {
			for _, w := range words {
				pats = append(pats, w)
				hintOnlyBits = append(hintOnlyBits, bit)
			}
		}
		m, err := acdfa.New(pats)
		if err != nil {
			panic(err) // the hint words are constants
		}
		hintOnly = m
	})
	h := hintLines{data: data}
	hintOnly.Each(data, func(p, start int) { h.add(start, hintOnlyBits[p]) })
	return h.result()
}
