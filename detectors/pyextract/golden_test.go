package pyextract

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/python/*.py.golden files")

const pyTestdata = "../../testdata/python"

func pyFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(pyTestdata, "*.py"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata in %s: %v", pyTestdata, err)
	}
	return files
}

// TestGolden compares the pairs of each testdata/python/NAME.py with
// NAME.py.golden, one "line:col-endline:endcol context kind name=value" line
// per pair. Regenerate with: go test ./detectors/pyextract -update
func TestGolden(t *testing.T) {
	for _, file := range pyFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			pairs := Extract(src)
			checkPairs(t, src, pairs)
			var b strings.Builder
			for _, p := range pairs {
				b.WriteString(formatPair(p))
				b.WriteByte('\n')
			}
			golden := file + ".golden"
			if *update {
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
				t.Errorf("pairs differ from %s (run with -update to accept):\n%s", golden, diffLines(string(want), got))
			}
		})
	}
}

// diffLines shows the lines only in want (-) and only in got (+).
func diffLines(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	inW := map[string]int{}
	for _, l := range w {
		inW[l]++
	}
	inG := map[string]int{}
	for _, l := range g {
		inG[l]++
	}
	var b bytes.Buffer
	for _, l := range w {
		if inG[l] == 0 {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if inW[l] == 0 {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
