// Package entropy measures how random a string looks: Shannon entropy in bits per
// symbol, and helpers that say which character set a string is drawn from.
//
// Scanners use entropy to tell a generated secret ("x9Vq2LrT8mZp") from a word
// ("password"). The functions are pure, allocate nothing for ASCII input, run in time
// linear in the input and are safe for concurrent use.
package entropy

import "math"

// Shannon returns the Shannon entropy of s in bits per byte: 0 for an empty string or
// one repeated byte, at most 8, and log2(n) for n distinct bytes used equally often.
func Shannon(s string) float64 {
	if len(s) == 0 {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}

// Charset is a set of bytes that a secret may be drawn from.
type Charset struct {
	name string
	in   [256]bool
}

func newCharset(name, chars string) *Charset {
	c := &Charset{name: name}
	for i := 0; i < len(chars); i++ {
		c.in[chars[i]] = true
	}
	return c
}

// Standard character sets.
var (
	Hex       = newCharset("hex", "0123456789abcdefABCDEF")
	Base64    = newCharset("base64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
	Base64URL = newCharset("base64url", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
	Alnum     = newCharset("alnum", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
)

// Name returns the charset's name ("hex", "base64", ...).
func (c *Charset) Name() string { return c.name }

// Contains reports whether every byte of s is in the charset. It is false for "".
func (c *Charset) Contains(s string) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !c.in[s[i]] {
			return false
		}
	}
	return true
}

// Classes counts how many of the four character classes (lower case, upper case,
// digits, other printable) occur in s. Human-chosen words tend to use one or two;
// generated secrets three or four.
func Classes(s string) int {
	var lower, upper, digit, other bool
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z':
			lower = true
		case b >= 'A' && b <= 'Z':
			upper = true
		case b >= '0' && b <= '9':
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, v := range []bool{lower, upper, digit, other} {
		if v {
			n++
		}
	}
	return n
}

// Max returns the highest entropy a string of length n can have over an alphabet of
// size k: log2(min(n, k)). It is the scale against which Shannon's result is judged,
// since a short string cannot reach the alphabet's full entropy.
func Max(n, k int) float64 {
	if n <= 1 || k <= 1 {
		return 0
	}
	return math.Log2(float64(min(n, k)))
}
