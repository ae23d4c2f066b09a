package detectors

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of detector findings")

// TestDetectorGolden runs the default engine over the realistic Python and config
// files in testdata/python and testdata/config (positives and near misses) and
// compares the findings with testdata/detectors/<dir>/<file>.golden. Regenerate
// with `go test ./detectors -run Golden -update` and review the diff.
func TestDetectorGolden(t *testing.T) {
	eng, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"python", "config", "data"} {
		files, err := os.ReadDir(filepath.Join("..", "testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, fi := range files {
			name := fi.Name()
			if fi.IsDir() || strings.HasSuffix(name, ".golden") {
				continue
			}
			t.Run(dir+"/"+name, func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join("..", "testdata", dir, name))
				if err != nil {
					t.Fatal(err)
				}
				fs, err := eng.Scan(name, data)
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				for _, f := range fs {
					fmt.Fprintf(&b, "%d:%d-%d:%d %s %q\n", f.Line, f.Column, f.EndLine, f.EndColumn, f.RuleID, f.Secret)
				}
				golden := filepath.Join("..", "testdata", "detectors", dir, name+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if got := b.String(); got != string(want) {
					t.Errorf("findings differ from %s:\n--- got\n%s--- want\n%s", golden, got, want)
				}
			})
		}
	}
}
