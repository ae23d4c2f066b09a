package acdfa

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type hit struct{ pattern, start int }

// naive finds every occurrence by comparing each pattern at each offset, and
// orders them as Each promises: by end, then longest first, then by index.
func naive(patterns []string, data []byte) []hit {
	var out []hit
	low := asciiLower(data)
	for pi, p := range patterns {
		lp := asciiLower([]byte(p))
		for i := 0; i+len(lp) <= len(low); i++ {
			if bytes.Equal(low[i:i+len(lp)], lp) {
				out = append(out, hit{pi, i})
			}
		}
	}
	slices.SortFunc(out, func(a, b hit) int {
		ea, eb := a.start+len(patterns[a.pattern]), b.start+len(patterns[b.pattern])
		if ea != eb {
			return ea - eb
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.pattern - b.pattern
	})
	return out
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = lower(c)
	}
	return out
}

// collect runs Each, checks that it reported in the promised order (by end,
// longest first), and returns the hits in naive's order.
func collect(t testing.TB, m *Matcher, patterns []string, data []byte) []hit {
	var out []hit
	m.Each(data, func(p, s int) { out = append(out, hit{p, s}) })
	for i := 1; i < len(out); i++ {
		a, b := out[i-1], out[i]
		ea, eb := a.start+len(patterns[a.pattern]), b.start+len(patterns[b.pattern])
		if ea > eb || (ea == eb && a.start > b.start) {
			t.Fatalf("hits out of order: %v then %v", a, b)
		}
	}
	// Only duplicate patterns share an end and a start: put them in index order.
	slices.SortStableFunc(out, func(a, b hit) int {
		ea, eb := a.start+len(patterns[a.pattern]), b.start+len(patterns[b.pattern])
		if ea != eb {
			return ea - eb
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.pattern - b.pattern
	})
	return out
}

func TestEach(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		data     string
		want     []hit
	}{
		{"none", []string{"key"}, "nothing here", nil},
		{"case", []string{"Key"}, "KEY key kEy", []hit{{0, 0}, {0, 4}, {0, 8}}},
		{"overlap", []string{"he", "she", "hers", "his"}, "ushers", []hit{{1, 1}, {0, 2}, {2, 2}}},
		{"nested", []string{"a", "aa", "aaa"}, "aaa", []hit{{0, 0}, {1, 0}, {0, 1}, {2, 0}, {1, 1}, {0, 2}}},
		{"duplicate", []string{"pw", "PW"}, "xpwx", []hit{{0, 1}, {1, 1}}},
		{"punctuation", []string{"://", "-pass", " password "}, "a://b -password x -pass", []hit{{0, 1}, {1, 6}, {1, 18}}},
		{"high bytes", []string{"\xffk\x00"}, "a\xffK\x00\xffk\x00", []hit{{0, 1}, {0, 4}}},
		{"at ends", []string{"ab"}, "ab", []hit{{0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.patterns)
			if err != nil {
				t.Fatal(err)
			}
			got := collect(t, m, tc.patterns, []byte(tc.data))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Each = %v, want %v", got, tc.want)
			}
			if n := naive(tc.patterns, []byte(tc.data)); !slices.Equal(n, tc.want) {
				t.Errorf("naive = %v, want %v (the test is wrong)", n, tc.want)
			}
			if m.Contains([]byte(tc.data)) != (len(tc.want) > 0) {
				t.Errorf("Contains = %v", !(len(tc.want) > 0))
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New([]string{"a", ""}); err == nil || !strings.Contains(err.Error(), "pattern 1 is empty") {
		t.Errorf("empty pattern: err = %v", err)
	}
	m, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Contains([]byte("anything")) {
		t.Error("an empty set matched")
	}
}

// TestRandom compares Each with naive search on random patterns and texts
// over a small alphabet, where overlaps and shared prefixes are common: short
// texts, and texts long enough for Each to scan two halves at once with
// patterns long enough to straddle the middle.
func TestRandom(t *testing.T) {
	for _, tc := range []struct {
		name             string
		seed             uint64
		iters, maxPat    int
		minData, maxData int
	}{
		{"short", 1, 500, 5, 0, 300},
		{"long", 5, 100, 9, splitMin, 4 * splitMin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(tc.seed, tc.seed+1))
			const alpha = "abAB-: \n"
			word := func(n int) string {
				b := make([]byte, n)
				for i := range b {
					b[i] = alpha[r.IntN(len(alpha))]
				}
				return string(b)
			}
			for range tc.iters {
				pats := make([]string, 1+r.IntN(12))
				for i := range pats {
					pats[i] = word(1 + r.IntN(tc.maxPat))
				}
				data := []byte(word(tc.minData + r.IntN(tc.maxData-tc.minData)))
				m, err := New(pats)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := collect(t, m, pats, data), naive(pats, data); !slices.Equal(got, want) {
					t.Fatalf("patterns %q, %d bytes of data: got %d hits, want %d", pats, len(data), len(got), len(want))
				}
			}
		})
	}
}

func FuzzEach(f *testing.F) {
	f.Add("key,pass,Token,://", []byte("API_KEY = 'x' # password: https://u:p@h"))
	f.Add("a,aa,aaa", []byte("aaaa"))
	f.Fuzz(func(t *testing.T, pats string, data []byte) {
		var patterns []string
		for _, p := range strings.Split(pats, ",") {
			if p != "" && len(p) < 20 {
				patterns = append(patterns, p)
			}
		}
		if len(patterns) > 50 || len(data) > 4096 {
			return
		}
		m, err := New(patterns)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := collect(t, m, patterns, data), naive(patterns, data); !slices.Equal(got, want) {
			t.Fatalf("patterns %q, data %q:\n got %v\nwant %v", patterns, data, got, want)
		}
		if len(data) > 0 { // and long enough to be scanned in two halves
			long := bytes.Repeat(data, splitMin/len(data)+1)
			if got, want := collect(t, m, patterns, long), naive(patterns, long); !slices.Equal(got, want) {
				t.Fatalf("patterns %q, %q repeated: got %d hits, want %d", patterns, data, len(got), len(want))
			}
		}
	})
}

// benchData is real source text: this repository's own Go files.
func benchData(b *testing.B) []byte {
	var buf []byte
	filepath.WalkDir("../../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || len(buf) > 8<<20 {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			if data, err := os.ReadFile(path); err == nil {
				buf = append(buf, data...)
			}
		}
		return nil
	})
	if len(buf) == 0 {
		b.Skip("no source files found")
	}
	return buf
}

func BenchmarkEach(b *testing.B) {
	data := benchData(b)
	m, err := New([]string{"pass", "pwd", "secret", "token", "key", "auth", "cred", "sig", "salt",
		"nonce", "dsn", "pw", "mdp", "senha", "parol", "://", "basic", "bearer", "curl", "-pass", "-token",
		"ghp_", "xoxb-", "akia", "sk_live_", "private key", "glpat-", "api", "client"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		m.Each(data, func(int, int) { n++ })
	}
}

// BenchmarkNew builds an automaton the size of the engine's: about 350
// keywords of 2,500 bytes over 40 distinct bytes.
func BenchmarkNew(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-:/"
	patterns := make([]string, 350)
	for i := range patterns {
		p := make([]byte, 3+rng.IntN(12))
		for j := range p {
			p[j] = alphabet[rng.IntN(len(alphabet))]
		}
		patterns[i] = string(p)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(patterns); err != nil {
			b.Fatal(err)
		}
	}
}
