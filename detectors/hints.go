package detectors

import (
	"bytes"

	"github.com/secretsweep/secretsweep/detectors/internal/acdfa"
)

// hintSet finds, in one case-insensitive Aho-Corasick pass, the lines that hold
// any of a set of hint words, so that a detector's costlier work (regexes,
// parsing a line) runs only on those lines. Each hint belongs to a group; a
// line reports the groups whose hints it holds.
type hintSet struct {
	ac    *acdfa.Matcher
	group []uint32 // by pattern index: the group bit
}

func newHintSet(groups map[uint32][]string) *hintSet {
	h := &hintSet{}
	var pats []string
	for bit, words := range groups {
		for _, w := range words {
			pats = append(pats, w)
			h.group = append(h.group, bit)
		}
	}
	ac, err := acdfa.New(pats)
	if err != nil {
		panic(err) // the hint words are constants
	}
	h.ac = ac
	return h
}

// eachLine calls fn for every line holding a hint, in order, with the line's
// byte range (without its '\n'), its 1-based number and the groups it holds.
// Lines longer than maxLen are passed over (minified code, data blobs).
func (h *hintSet) eachLine(data []byte, maxLen int, fn func(start, end, lineNo int, groups uint32)) {
	lineNo, counted := 1, 0
	start, end := -1, -1 // the current line
	var groups uint32
	flush := func() {
		if start >= 0 && end-start <= maxLen {
			lineNo += bytes.Count(data[counted:start], []byte{'\n'})
			counted = start
			fn(start, end, lineNo, groups)
		}
	}
	h.ac.Each(data, func(pat, pos int) {
		if pos >= end || start < 0 { // a new line
			flush()
			start = bytes.LastIndexByte(data[:pos], '\n') + 1
			if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
				end = pos + i
			} else {
				end = len(data)
			}
			groups = 0
		}
		groups |= h.group[pat]
	})
	flush()
}
