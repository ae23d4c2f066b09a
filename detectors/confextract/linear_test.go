package confextract

import (
	"os"
	"strings"
	"testing"
	"time"
)

// adversarial are patterns that, repeated, break parsers with quadratic
// behaviour: unterminated quotes and brackets, deep nesting, long lines with
// many tokens.
var adversarial = []string{
	"a: \"x\n", "- 'y\n", "k: [\n", "k: {a: \n", "{{{{", "[[[[", "{", "[", "${", "$(", "`", "\"", "'",
	"%(", "{{ ", "a = \"\"\"\n", "a = '''\n", "a = [\n", "a = {b = \n", "<a>", "<a ", "<!--", "&amp",
	"x=1 ", "a: b\n", "- a: b\n  c: d\n", "k: |\n", "k: >\n  x\n", "A='\n", "A=\"\n", "ENV A=\"\n",
	"RUN echo \"$(\n", "RUN x \\\n", "cat <<EOF\n", "a = {b = \"c\", ", "k: [a, 'b', \"c\", ", "\"k\": \"v\", ",
	"[a]\nb = c\n", "  x\n", "key\\\n", "\\u", "a\\", " #", "$'", "a=(", "--password ", "-p", "\r",
	"k: \"a\\\n", "? ", "- - - ", "*a ", "!Ref ", "&a ", "<<: *a\n", "\t", "a:\n  - b\n  -\n", "{\"a\":[",
}

// TestLinear times each parser on adversarial input. Wall-clock limits are not
// for CI (a loaded machine fails them), so it runs only when
// SECRETSWEEP_TIMING=1 is set, as a diagnostic after a parser change; the fuzz
// targets and the benchmarks cover the same ground in CI.
func TestLinear(t *testing.T) {
	if os.Getenv("SECRETSWEEP_TIMING") != "1" {
		t.Skip("timing diagnostic: set SECRETSWEEP_TIMING=1 to run")
	}
	const size = 1 << 18
	for _, pat := range adversarial {
		src := []byte(strings.Repeat(pat, size/len(pat)))
		for f := FormatNone + 1; f < numFormats; f++ {
			start := time.Now()
			Extract(f, src)
			if f == JSON || f == JupyterNotebook {
				Notebook(src)
			}
			if d := time.Since(start); d > time.Second || testing.Verbose() && d > 150*time.Millisecond {
				t.Errorf("format %v, %d×%q: %v", f, size/len(pat), pat, d)
			}
		}
	}
}
