package confextract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func addSeeds(f *testing.F, withFormat bool) {
	entries, err := os.ReadDir(configDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(configDir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		if withFormat {
			f.Add(src, byte(Detect(e.Name(), src)))
		} else if Detect(e.Name(), src) == JupyterNotebook {
			f.Add(src)
		}
	}
}

// FuzzExtract runs every parser (chosen by the format byte) on arbitrary input
// and checks the invariants of the pairs.
func FuzzExtract(f *testing.F) {
	addSeeds(f, true)
	f.Fuzz(func(t *testing.T, src []byte, fb byte) {
		format := Format(int(fb) % int(numFormats))
		for _, p := range Extract(format, src) {
			checkPair(t, src, p)
		}
	})
}

// FuzzNotebook checks that Notebook does not panic and that its line maps are
// well formed.
func FuzzNotebook(f *testing.F) {
	addSeeds(f, false)
	f.Add([]byte(`{"cells":[{"source":"a\nb"}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		cells, err := Notebook(src)
		if err != nil {
			return
		}
		for _, c := range cells {
			if len(c.Lines) != strings.Count(c.Text, "\n")+1 {
				t.Fatalf("cell %q: %d lines in map", c.Text, len(c.Lines))
			}
			for i, lp := range c.Lines {
				if lp.Line < 1 || lp.Col < 1 {
					t.Fatalf("bad line pos %+v", lp)
				}
				l, col := c.Position(i+1, 3)
				if l < 1 || col < 1 {
					t.Fatalf("bad Position %d:%d", l, col)
				}
			}
		}
	})
}
