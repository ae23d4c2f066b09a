package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestGitHubEscaping(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain text", "plain text", "plain text"},
		{"100%", "100%25", "100%25"},
		{"%0A literal", "%250A literal", "%250A literal"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"dir/a:b,c.py", "dir/a:b,c.py", "dir/a%3Ab%2Cc.py"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
		{"k=v;w", "k=v;w", "k=v;w"},
		{"naïve ünïcode 日本", "naïve ünïcode 日本", "naïve ünïcode 日本"},
	} {
		if got := escapeGitHubData(tt.in); got != tt.data {
			t.Errorf("escapeGitHubData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeGitHubProperty(tt.in); got != tt.prop {
			t.Errorf("escapeGitHubProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
		// The runner's unescaping gives the value back.
		if got := unescapeGitHub(tt.prop, true); got != tt.in {
			t.Errorf("property %q unescapes to %q", tt.prop, got)
		}
		if got := unescapeGitHub(tt.data, false); got != tt.in {
			t.Errorf("data %q unescapes to %q", tt.data, got)
		}
	}
}

// unescapeGitHub undoes the escaping as the Actions runner does, %25 last.
func unescapeGitHub(s string, property bool) string {
	s = strings.NewReplacer("%0D", "\r", "%0A", "\n").Replace(s)
	if property {
		s = strings.NewReplacer("%3A", ":", "%2C", ",").Replace(s)
	}
	return strings.ReplaceAll(s, "%25", "%")
}

// parseGitHubCommand reads a line the way the runner does: "::name k=v,k=v::message".
func parseGitHubCommand(t *testing.T, line string) (name string, props map[string]string, msg string) {
	t.Helper()
	rest, ok := strings.CutPrefix(line, "::")
	if !ok {
		t.Fatalf("%q is not a workflow command", line)
	}
	head, msg, ok := strings.Cut(rest, "::")
	if !ok {
		t.Fatalf("%q has no message", line)
	}
	name, list, _ := strings.Cut(head, " ")
	props = map[string]string{}
	for kv := range strings.SplitSeq(list, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("%q: property %q has no value", line, kv)
		}
		props[k] = unescapeGitHub(v, true)
	}
	return name, props, unescapeGitHub(msg, false)
}

func githubBytes(t *testing.T, rs []Record) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, "github", rs, false); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGitHubGolden(t *testing.T) {
	hist, _ := historyRecords()
	rs := append(dirRecords(), hist...)
	Sort(rs)
	checkGolden(t, "annotations.github.golden", githubBytes(t, rs))
}

func TestGitHubOneLinePerFinding(t *testing.T) {
	rs := append(dirRecords(), Record{
		Rule: "odd,rule:name", Severity: "high", Description: "line one\nline two\r\n100% sure", Path: "we:ird,path%/x.py",
		Line: 3, Column: 2, EndLine: 3, EndColumn: 9, Secret: "ab\ncd*****", Fingerprint: strings.Repeat("0123456789abcdef", 4),
	})
	out := string(githubBytes(t, rs))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(rs) || !strings.HasSuffix(out, "\n") {
		t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(rs), out)
	}
	for i, line := range lines {
		r := rs[i]
		name, props, msg := parseGitHubCommand(t, line)
		if want := githubCommand(r.Severity); name != want {
			t.Errorf("line %d: command %q, want %q", i, name, want)
		}
		if props["file"] != r.Path || props["title"] != r.Rule {
			t.Errorf("line %d: file %q title %q, want %q %q", i, props["file"], props["title"], r.Path, r.Rule)
		}
		if want := r.Description + " (" + r.Secret + ") fingerprint " + r.Fingerprint[:16]; !strings.HasPrefix(msg, want) {
			t.Errorf("line %d: message %q, want prefix %q", i, msg, want)
		}
		if r.EndLine > r.Line {
			if _, ok := props["col"]; ok {
				t.Errorf("line %d: multi-line finding has columns: %v", i, props)
			}
		} else if props["col"] == "" || props["endColumn"] == "" {
			t.Errorf("line %d: single-line finding has no columns: %v", i, props)
		}
	}
}

func TestGitHubPositions(t *testing.T) {
	for _, tt := range []struct {
		name                       string
		line, col, endLine, endCol int
		want                       string
	}{
		{"one line", 2, 12, 2, 31, "line=2,col=12,endLine=2,endColumn=32,"},
		{"multi-line", 1, 1, 27, 29, "line=1,endLine=27,"},
		{"no end", 6, 3, 0, 0, "line=6,col=3,endLine=6,"},
		{"no position", 0, 0, 0, 0, "file=p.py,title="},
	} {
		r := Record{Rule: "r", Severity: "low", Path: "p.py", Line: tt.line, Column: tt.col, EndLine: tt.endLine, EndColumn: tt.endCol, Fingerprint: "f"}
		if got := string(githubBytes(t, []Record{r})); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q does not contain %q", tt.name, got, tt.want)
		}
	}
}

func TestGitHubLevels(t *testing.T) {
	for sev, want := range map[string]string{"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice", "": "warning", "bogus": "warning"} {
		got := string(githubBytes(t, []Record{{Rule: "r", Severity: sev, Path: "p", Line: 1}}))
		if !strings.HasPrefix(got, "::"+want+" file=p,") {
			t.Errorf("severity %q: %q, want ::%s", sev, got, want)
		}
	}
	if got := githubBytes(t, nil); len(got) != 0 {
		t.Errorf("no findings: %q, want nothing", got)
	}
}
