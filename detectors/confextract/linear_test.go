package confextract

import (
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

func TestLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const size = 1 << 20
	for _, pat := range adversarial {
		src := []byte(strings.Repeat(pat, size/len(pat)))
		for f := FormatNone + 1; f < numFormats; f++ {
			start := time.Now()
			Extract(f, src)
			if f == JSON || f == JupyterNotebook {
				Notebook(src)
			}
			if d := time.Since(start); d > 2*time.Second || testing.Verbose() && d > 150*time.Millisecond {
				t.Errorf("format %v, %d×%q: %v", f, size/len(pat), pat, d)
			}
		}
	}
}
