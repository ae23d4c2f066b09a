// Package acdfa finds every occurrence of a set of keywords in one pass over
// the input, ignoring ASCII case: an Aho-Corasick automaton compiled to a
// full DFA over byte classes.
//
// The scan loop costs one table lookup per byte for the byte's class and one
// for the next state. States are numbered so that those with matches come
// last, which makes the per-byte test for a match a single comparison.
package acdfa

import (
	"errors"
	"fmt"
)

// Matcher is a compiled keyword set. It is immutable and safe for concurrent use.
type Matcher struct {
	class  [256]uint8
	stride uint32   // number of byte classes
	trans  []uint32 // by state*stride + class: the next state, times stride
	// matchFrom is the first state (times stride) with matches; out holds the
	// pattern indexes of state matchFrom/stride + i at i.
	matchFrom uint32
	out       [][]int32
	lens      []int32
	maxLen    int // of the longest pattern
	n         int
}

// maxStates bounds the automaton: patterns totalling more bytes are refused.
const maxStates = 1 << 20

// New compiles patterns, which are matched without regard to ASCII case. A
// match reports the pattern's index in patterns. Empty patterns are refused.
func New(patterns []string) (*Matcher, error) {
	m := &Matcher{n: len(patterns), lens: make([]int32, len(patterns))}
	total := 0
	for i, p := range patterns {
		if p == "" {
			return nil, fmt.Errorf("acdfa: pattern %d is empty", i)
		}
		total += len(p)
		m.lens[i] = int32(len(p))
		m.maxLen = max(m.maxLen, len(p))
	}
	if total >= maxStates {
		return nil, errors.New("acdfa: patterns too long")
	}

	// Byte classes: one per distinct (lower-cased) byte of the patterns, and
	// class 0 for every byte no pattern holds.
	var lowerClass [256]uint8
	nclass := 1
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			b := lower(p[i])
			if lowerClass[b] == 0 {
				if nclass == 256 {
					return nil, errors.New("acdfa: too many distinct bytes")
				}
				lowerClass[b] = uint8(nclass)
				nclass++
			}
		}
	}
	for b := 0; b < 256; b++ {
		m.class[b] = lowerClass[lower(byte(b))]
	}
	stride := nclass

	// The trie, sparse: a node's children are a list (first child, next
	// sibling), except the root's, which are an array by class. Nodes are
	// numbered in order of creation.
	nodes := total + 1
	arena := make([]int32, 6*nodes) // one allocation for the per-node arrays
	firstChild := arena[0*nodes : 1*nodes : 1*nodes]
	nextSib := arena[1*nodes : 2*nodes : 2*nodes]
	fail := arena[2*nodes : 3*nodes : 3*nodes]
	queue := arena[3*nodes : 3*nodes : 4*nodes]
	own := arena[4*nodes : 5*nodes : 5*nodes]  // the number of patterns that end at the node
	nout := arena[5*nodes : 6*nodes : 6*nodes] // own and inherited along failure links
	label := make([]uint8, nodes)
	var rootChild [256]int32
	ends := make([]int32, len(patterns)) // the node each pattern ends at
	nstates := 1
	for pi, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			var next int32
			if s == 0 {
				next = rootChild[c]
			} else {
				for next = firstChild[s]; next != 0 && label[next] != c; next = nextSib[next] {
				}
			}
			if next == 0 {
				next = int32(nstates)
				nstates++
				label[next] = c
				if s == 0 {
					rootChild[c] = next
				} else {
					nextSib[next] = firstChild[s]
					firstChild[s] = next
				}
			}
			s = next
		}
		ends[pi] = s
		own[s]++
	}
	child := func(s int32, c uint8) int32 {
		if s == 0 {
			return rootChild[c]
		}
		for t := firstChild[s]; t != 0; t = nextSib[t] {
			if label[t] == c {
				return t
			}
		}
		return 0
	}

	// Breadth first: failure links (by walking the parent's chain) and the
	// number of matches of each state, its own and its failure state's.
	for c := 0; c < stride; c++ {
		if t := rootChild[c]; t != 0 {
			queue = append(queue, t)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		nout[s] = own[s] + nout[fail[s]]
		for t := firstChild[s]; t != 0; t = nextSib[t] {
			c := label[t]
			f := fail[s]
			for f != 0 && child(f, c) == 0 {
				f = fail[f]
			}
			fail[t] = child(f, c) // the root's child, or none (0)
			queue = append(queue, t)
		}
	}

	// Number the states: those without matches first in order of creation
	// (the start state stays 0), then those with matches.
	newID := make([]uint32, nstates)
	next := uint32(0)
	matches := 0
	for s := range nstates {
		if nout[s] == 0 {
			newID[s] = next
			next++
		} else {
			matches += int(nout[s])
		}
	}
	firstMatch := next
	for s := range nstates {
		if nout[s] > 0 {
			newID[s] = next
			next++
		}
	}

	// Matches: a state's own patterns in order, then its failure state's
	// (shorter), all in one array. own becomes the first pattern ending at
	// each node plus one (0: none), and ends the next one's.
	clear(own)
	for pi := len(ends) - 1; pi >= 0; pi-- {
		s := ends[pi]
		ends[pi] = own[s]
		own[s] = int32(pi) + 1
	}
	flat := make([]int32, 0, matches)
	m.out = make([][]int32, nstates-int(firstMatch))
	setOut := func(s int32) {
		if nout[s] == 0 {
			return
		}
		begin := len(flat)
		for pi := own[s]; pi != 0; pi = ends[pi-1] {
			flat = append(flat, pi-1)
		}
		if f := fail[s]; nout[f] > 0 {
			flat = append(flat, m.out[newID[f]-firstMatch]...)
		}
		m.out[newID[s]-firstMatch] = flat[begin:len(flat):len(flat)]
	}

	// The transition table, written once, row by row in breadth-first order:
	// a state's row is its failure state's (complete, being shallower) with
	// its own children set.
	m.stride = uint32(stride)
	m.matchFrom = firstMatch * uint32(stride)
	m.trans = make([]uint32, nstates*stride)
	for c := 0; c < stride; c++ {
		if t := rootChild[c]; t != 0 {
			m.trans[c] = newID[t] * uint32(stride)
		}
	}
	for _, s := range queue {
		setOut(s)
		row := m.trans[int(newID[s])*stride : int(newID[s]+1)*stride]
		copy(row, m.trans[int(newID[fail[s]])*stride:int(newID[fail[s]]+1)*stride])
		for t := firstChild[s]; t != 0; t = nextSib[t] {
			row[label[t]] = newID[t] * uint32(stride)
		}
	}
	return m, nil
}

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// Patterns returns the number of patterns.
func (m *Matcher) Patterns() int { return m.n }

// Each calls fn for every occurrence of every pattern in data, overlapping
// ones included, in order of their end; occurrences that end at the same byte
// come longest first. start is the offset of the occurrence's first byte.
//
// A long input is scanned as two halves at once: each byte's step depends on
// the state the previous byte left, a chain of dependent loads, and two
// independent chains keep the processor busy where one leaves it waiting.
// The second half's matches are held back until the first half is done.
func (m *Matcher) Each(data []byte, fn func(pattern, start int)) {
	if len(data) < splitMin {
		m.each(data, fn)
		return
	}
	trans, class, from := m.trans, &m.class, m.matchFrom
	mid := len(data) / 2
	// The second chain starts far enough before mid to see any occurrence
	// that ends at mid or later whole, and reports only those.
	start2 := max(mid-(m.maxLen-1), 0)
	a, b := data[:mid], data[start2:]
	n := min(len(a), len(b))
	var later []match
	s1, s2 := uint32(0), uint32(0)
	for i := 0; i < n; i++ {
		s1 = trans[s1+uint32(class[a[i]])]
		s2 = trans[s2+uint32(class[b[i]])]
		if s1 >= from {
			for _, p := range m.out[(s1-from)/m.stride] {
				fn(int(p), i+1-int(m.lens[p]))
			}
		}
		if s2 >= from && start2+i >= mid {
			for _, p := range m.out[(s2-from)/m.stride] {
				later = append(later, match{p, start2 + i + 1 - int(m.lens[p])})
			}
		}
	}
	// The first half is never the longer part; finish the second.
	for i := n; i < len(b); i++ {
		s2 = trans[s2+uint32(class[b[i]])]
		if s2 >= from && start2+i >= mid {
			for _, p := range m.out[(s2-from)/m.stride] {
				later = append(later, match{p, start2 + i + 1 - int(m.lens[p])})
			}
		}
	}
	for _, x := range later {
		fn(int(x.pattern), x.start)
	}
}

// splitMin is the input length from which Each runs two chains; below it the
// held-back matches are not worth their cost.
const splitMin = 4096

type match struct {
	pattern int32
	start   int
}

// each is Each on one chain.
func (m *Matcher) each(data []byte, fn func(pattern, start int)) {
	trans, class, from := m.trans, &m.class, m.matchFrom
	s := uint32(0)
	for i, b := range data {
		s = trans[s+uint32(class[b])]
		if s >= from {
			for _, p := range m.out[(s-from)/m.stride] {
				fn(int(p), i+1-int(m.lens[p]))
			}
		}
	}
}

// Contains reports whether any pattern occurs in data.
func (m *Matcher) Contains(data []byte) bool {
	trans, class, from := m.trans, &m.class, m.matchFrom
	s := uint32(0)
	for _, b := range data {
		s = trans[s+uint32(class[b])]
		if s >= from {
			return true
		}
	}
	return false
}
