package confextract

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/config")

const configDir = "../../testdata/config"

// formatPair renders a pair as one golden line:
// "line:col-endline:endcol context kind name=value". Values with control
// characters, or surrounding blanks, are Go-quoted.
func formatPair(p kv.Pair) string {
	v := p.Value
	if strings.ContainsAny(v, "\n\r\t\x00") || strings.TrimSpace(v) != v || !isPrint(v) {
		v = strconv.Quote(v)
	}
	return fmt.Sprintf("%d:%d-%d:%d %s %s %s=%s", p.Line, p.Col, p.EndLine, p.EndCol, p.Context, p.Kind, p.Name, v)
}

func isPrint(s string) bool {
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

func formatCells(cells []Cell) string {
	var b strings.Builder
	for i, c := range cells {
		fmt.Fprintf(&b, "cell %d %s\n", i, c.Kind)
		for k, line := range strings.Split(c.Text, "\n") {
			lp := c.Lines[k]
			fmt.Fprintf(&b, "  %d:%d %s\n", lp.Line, lp.Col, strconv.Quote(line))
		}
	}
	return b.String()
}

func goldenFiles(t testing.TB) []string {
	entries, err := os.ReadDir(configDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		names = append(names, e.Name())
	}
	return names
}

func TestGolden(t *testing.T) {
	for _, name := range goldenFiles(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(configDir, name)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := Detect(path, src)
			var got string
			if f == JupyterNotebook {
				cells, err := Notebook(src)
				if err != nil {
					t.Fatal(err)
				}
				got = formatCells(cells)
			} else {
				if f == FormatNone {
					t.Fatalf("Detect(%q) = none", name)
				}
				var b strings.Builder
				fmt.Fprintf(&b, "# format %s\n", f)
				pairs := Extract(f, src)
				for _, p := range pairs {
					b.WriteString(formatPair(p))
					b.WriteByte('\n')
					checkPair(t, src, p)
				}
				got = b.String()
			}
			gpath := path + ".golden"
			if *update {
				if err := os.WriteFile(gpath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gpath)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file; got:\n%s", name, got)
			}
		})
	}
}

// checkPair checks the invariants every pair keeps.
func checkPair(t testing.TB, src []byte, p kv.Pair) {
	t.Helper()
	if p.Start < 0 || p.End < p.Start || p.End > len(src) {
		t.Fatalf("pair %+v: bad span (len %d)", p, len(src))
	}
	if p.Name == "" {
		t.Errorf("pair %+v: empty name", p)
	}
	if p.Decoded != (p.Value != string(src[p.Start:p.End])) {
		t.Errorf("pair %+v: Decoded does not match", p)
	}
	line, col := 1, 1
	for i := 0; i < p.Start; i++ {
		if src[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if p.Line != line || p.Col != col {
		t.Errorf("pair %+v: Line:Col %d:%d, want %d:%d", p, p.Line, p.Col, line, col)
	}
	if p.End > p.Start {
		for i := p.Start; i < p.End-1; i++ {
			if src[i] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		if p.EndLine != line || p.EndCol != col {
			t.Errorf("pair %+v: EndLine:EndCol %d:%d, want %d:%d", p, p.EndLine, p.EndCol, line, col)
		}
	} else if p.EndLine != p.Line || p.EndCol != p.Col-1 {
		t.Errorf("pair %+v: empty value end %d:%d", p, p.EndLine, p.EndCol)
	}
}
