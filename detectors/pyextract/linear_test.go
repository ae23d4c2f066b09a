package pyextract

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestLinearTime runs Extract on hostile inputs of about 512 KB and fails when
// one takes more than 400 times as long per byte as ordinary Python code of
// the same size (the testdata repeated), timed alongside. Linear hostile
// inputs cost up to about 120 times more per byte: one logical line of a
// million tokens (f(a=f(a=...)))) is bound by memory, not by the work done per
// token, and the baseline reuses warm buffers. A quadratic path costs tens of
// thousands of times more at this size (two that were fixed cost 2000 times
// more already at 100 KB). Comparing with a baseline, rather than two sizes of
// the same input, keeps the test steady on a busy machine. Each time is the
// minimum of a few runs after a GC.
func TestLinearTime(t *testing.T) {
	// Wall-clock comparisons fail on a loaded machine, so this is a diagnostic
	// for parser changes, not a CI check: SECRETSWEEP_TIMING=1 runs it.
	if os.Getenv("SECRETSWEEP_TIMING") != "1" {
		t.Skip("timing diagnostic: set SECRETSWEEP_TIMING=1 to run")
	}
	const size = 1 << 19
	cases := map[string]func(k int) string{
		"malformed triple f-strings": func(k int) string { return strings.Repeat("x = f\"\"\"{(\"\"\"\n", k) },
		"malformed f-strings":        func(k int) string { return strings.Repeat("x = f'{\"\"\"'\n", k) },
		"chained assignment": func(k int) string {
			return strings.Repeat("a = ", k) + "'''" + strings.Repeat("x", 10*k) + "'''"
		},
		"chained tuple assignment": func(k int) string {
			return strings.Repeat("a, b = ", k) + "'''" + strings.Repeat("x", 10*k) + "''', 'y'"
		},
		"nested calls":      func(k int) string { return strings.Repeat("f(a=", k) + strings.Repeat(")", k) },
		"nested dicts":      func(k int) string { return strings.Repeat("{'k':", k) + "'v'" + strings.Repeat("}", k) },
		"unclosed brackets": func(k int) string { return strings.Repeat("x = f(a='b',\n", k) },
		"compare chain":     func(k int) string { return strings.Repeat("a.b == 'x' == ", k) + "c" },
		"unterminated":      func(k int) string { return strings.Repeat("x = 'abc\n", k) },
		"nested f-strings":  func(k int) string { return "x = f'" + strings.Repeat("{f'", k) + strings.Repeat("}'", k) },
		"string runs":       func(k int) string { return "x = (" + strings.Repeat("'a' ", k) + ") == " + strings.Repeat("'b' ", k) },
		"long line":         func(k int) string { return "x = [" + strings.Repeat("f(a='b', c=d.e), ", k) + "]" },
	}
	minTime := func(src []byte) time.Duration {
		best := time.Duration(1 << 62)
		for range 2 {
			runtime.GC() // start each run from the same heap state
			start := time.Now()
			Extract(src)
			best = min(best, time.Since(start))
		}
		return best
	}
	one := benchSource(t)
	base := bytes.Repeat(one, size/len(one)+1)
	for name, gen := range cases {
		// Grow the input to about size bytes.
		k := 1
		for len(gen(k)) < size/64 {
			k *= 2
		}
		src := []byte(gen(k * 64))
		tb, th := minTime(base), minTime(src)
		perByte := func(d time.Duration, n int) float64 { return float64(d) / float64(n) }
		ratio := perByte(th, len(src)) / perByte(tb, len(base))
		t.Logf("%-27s %8d bytes %12v, %.1fx the baseline per byte", name, len(src), th, ratio)
		if ratio > 400 {
			t.Errorf("%s: %d bytes took %v, %.0f times as long per byte as %d bytes of ordinary code (%v): not linear",
				name, len(src), th, ratio, len(base), tb)
		}
	}
}

// In a chained assignment the value is classified (decoded, located) once, not
// once per target: a = b = ... = "<1 MB>" would otherwise be quadratic.
func TestChainedValueOnce(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("a = ", 1000) + "'''" + strings.Repeat("x", 1000) + "'''",
		strings.Repeat("a, b = ", 1000) + "'x', 'y'",
	} {
		e := &extractor{}
		pairs := e.extract([]byte(src))
		if len(pairs) < 1000 || e.classified > 2 {
			t.Errorf("%.20q...: %d pairs, %d values classified", src, len(pairs), e.classified)
		}
	}
}
