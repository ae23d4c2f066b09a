package allowlist

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParseIgnore checks that ParseIgnore never panics, that its errors are
// located, and that every entry it accepts matches its own fingerprint on
// some path.
func FuzzParseIgnore(f *testing.F) {
	for _, file := range []string{"secretsweepignore", "secretsweepignore-crlf", "gitleaksignore"} {
		data, err := os.ReadFile("../testdata/allowlist/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("0000000000000000000000000000000000000000000000000000000000000000 a/**/b # x\n\n#"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ig, err := ParseIgnore("f", bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "f" || pe.Line < 1 {
				t.Fatalf("error %v is not located", err)
			}
			return
		}
		n := 0
		for fp, es := range ig.byFP {
			for _, e := range es {
				n++
				path := "x"
				if e.glob != nil {
					continue // not every glob has an easy example path
				}
				if _, ok := ig.Match(fp, path, "r", ""); !ok {
					t.Fatalf("entry at line %d does not match its fingerprint", e.line)
				}
				if _, ok := ig.Match(strings.ToUpper(fp), path, "r", ""); !ok {
					t.Fatalf("entry at line %d does not match its fingerprint in upper case", e.line)
				}
			}
		}
		if n != ig.Len() {
			t.Fatalf("Len %d, %d entries", ig.Len(), n)
		}
		// The same bytes as a .gitleaksignore must not panic either.
		if gl, err := ParseGitleaksIgnore("g", bytes.NewReader(data)); err == nil {
			for k := range gl.byTarget {
				gl.Match("", k.file, k.rule, "5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1")
			}
		}
	})
}

// FuzzReadBaseline checks that ReadBaseline never panics, that its errors are
// located, and that what it accepts is written back in a stable form:
// Write(Read(Write(Read(x)))) == Write(Read(x)).
func FuzzReadBaseline(f *testing.F) {
	data, err := os.ReadFile(goldenBaseline)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"version":1,"entries":[]}`))
	f.Add([]byte(`{"entries":[{"fingerprint":"` + strings.Repeat("a", 64) + `","rule":"r","path":"\u00e9<>&","reason":"\ud800"}],"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBaseline("b", bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "b" || pe.Line < 1 || pe.Line > bytes.Count(data, []byte{'\n'})+1 {
				t.Fatalf("error %v is not located", err)
			}
			return
		}
		var w1 bytes.Buffer
		if err := b.Write(&w1); err != nil {
			t.Fatal(err)
		}
		b2, err := ReadBaseline("b", bytes.NewReader(w1.Bytes()))
		if err != nil {
			t.Fatalf("cannot read what Write wrote: %v\n%s", err, w1.Bytes())
		}
		var w2 bytes.Buffer
		if err := b2.Write(&w2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("not stable:\n%s\n---\n%s", w1.Bytes(), w2.Bytes())
		}
		for _, e := range b.Entries() {
			if _, ok := b.Match(e.Fingerprint, "elsewhere", e.Rule); !ok {
				t.Fatalf("entry %+v does not match itself", e)
			}
		}
	})
}
