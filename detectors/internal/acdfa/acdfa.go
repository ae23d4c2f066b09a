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

	// The trie: goto[s*stride+c] is the child of s on class c, or -1.
	goTo := make([]int32, stride, (total+1)*stride)
	for i := range goTo {
		goTo[i] = -1
	}
	out := [][]int32{nil}
	for pi, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int32(m.class[p[i]])
			next := goTo[s*int32(stride)+c]
			if next < 0 {
				next = int32(len(out))
				out = append(out, nil)
				for range stride {
					goTo = append(goTo, -1)
				}
				goTo[s*int32(stride)+c] = next
			}
			s = next
		}
		out[s] = append(out[s], int32(pi))
	}
	nstates := len(out)

	// Breadth first: failure links, outputs inherited along them, and the
	// full transition function (a missing edge follows the failure link,
	// whose row is already complete because it is shallower).
	fail := make([]int32, nstates)
	dfa := make([]int32, nstates*stride)
	queue := make([]int32, 0, nstates)
	for c := 0; c < stride; c++ {
		if t := goTo[c]; t >= 0 {
			dfa[c] = t
			fail[t] = 0
			queue = append(queue, t)
		} else {
			dfa[c] = 0
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := fail[s]
		if len(out[f]) > 0 {
			out[s] = append(out[s], out[f]...)
		}
		row := int(s) * stride
		frow := int(f) * stride
		for c := 0; c < stride; c++ {
			if t := goTo[row+c]; t >= 0 {
				dfa[row+c] = t
				fail[t] = dfa[frow+c]
				queue = append(queue, t)
			} else {
				dfa[row+c] = dfa[frow+c]
			}
		}
	}

	// Renumber: states without matches first (the start state stays 0), then
	// those with matches.
	newID := make([]uint32, nstates)
	next := uint32(0)
	for s := range nstates {
		if len(out[s]) == 0 {
			newID[s] = next
			next++
		}
	}
	firstMatch := next
	for s := range nstates {
		if len(out[s]) > 0 {
			newID[s] = next
			next++
		}
	}
	m.stride = uint32(stride)
	m.matchFrom = firstMatch * uint32(stride)
	m.trans = make([]uint32, nstates*stride)
	m.out = make([][]int32, nstates-int(firstMatch))
	for s := range nstates {
		ns := newID[s]
		for c := 0; c < stride; c++ {
			m.trans[int(ns)*stride+c] = newID[dfa[s*stride+c]] * uint32(stride)
		}
		if ns >= firstMatch {
			m.out[ns-firstMatch] = out[s]
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
func (m *Matcher) Each(data []byte, fn func(pattern, start int)) {
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
