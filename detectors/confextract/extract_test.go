package confextract

import (
	"os"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

const tablePath = "testdata/extract.txt"

type tableCase struct {
	format Format
	title  string
	input  string
	want   []string
}

var formatByName = func() map[string]Format {
	m := map[string]Format{}
	for f := FormatNone; f < numFormats; f++ {
		m[f.String()] = f
	}
	return m
}()

// readTable parses testdata/extract.txt; the header is the text before the
// first case.
func readTable(t *testing.T) (string, []tableCase) {
	b, err := os.ReadFile(tablePath)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), "\n### ")
	header := parts[0]
	var cases []tableCase
	for _, p := range parts[1:] {
		head, rest, _ := strings.Cut(p, "\n")
		fname, title, _ := strings.Cut(head, " ")
		f, ok := formatByName[fname]
		if !ok {
			t.Fatalf("unknown format %q", fname)
		}
		input, want, ok := strings.Cut(rest, "--- want")
		if !ok {
			t.Fatalf("case %q: no --- want", head)
		}
		c := tableCase{format: f, title: title, input: strings.ReplaceAll(input, "<CR>", "\r")}
		for _, l := range strings.Split(want, "\n") {
			if l != "" {
				c.want = append(c.want, l)
			}
		}
		cases = append(cases, c)
	}
	return header, cases
}

func TestExtractTable(t *testing.T) {
	header, cases := readTable(t)
	var out strings.Builder
	out.WriteString(header)
	for _, c := range cases {
		pairs := Extract(c.format, []byte(c.input))
		var got []string
		for _, p := range pairs {
			checkPair(t, []byte(c.input), p)
			got = append(got, formatPair(p))
		}
		if *update {
			out.WriteString("\n### " + strings.TrimSpace(c.format.String()+" "+c.title) + "\n")
			out.WriteString(strings.ReplaceAll(c.input, "\r", "<CR>"))
			out.WriteString("--- want\n")
			for _, g := range got {
				out.WriteString(g + "\n")
			}
			continue
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s %s:\ngot:\n%s\nwant:\n%s", c.format, c.title, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	if *update {
		s := out.String()
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		if err := os.WriteFile(tablePath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPairFields checks the fields the table's text form does not show.
func TestPairFields(t *testing.T) {
	tests := []struct {
		f       Format
		src     string
		name    string
		value   string
		kind    kv.Kind
		decoded bool
		start   int
		end     int
	}{
		{Env, "A=\"x\\ny\"\n", "A", "x\ny", kv.Literal, true, 3, 7},
		{Env, "A=plain\n", "A", "plain", kv.Literal, false, 2, 7},
		{YAML, "kind: Secret\ndata:\n  p: cGFzcw==\n", "p", "pass", kv.Literal, true, 24, 32},
		{YAML, "a: *x\n", "a", "*x", kv.Reference, false, 3, 5},
		{TOML, "a = 'lit'\n", "a", "lit", kv.Literal, false, 5, 8},
		{JSON, `{"a":"\u00e9"}`, "a", "é", kv.Literal, true, 6, 12},
		{Shell, "X=\"$Y\"\n", "X", "$Y", kv.Template, false, 3, 5},
		{Shell, "X='$Y'\n", "X", "$Y", kv.Literal, false, 3, 5},
		{Dockerfile, "ENV A=${B}\n", "A", "${B}", kv.Template, false, 6, 10},
		{INI, "[s]\nk = v\n", "s.k", "v", kv.Literal, false, 8, 9},
		{Properties, "k=v\\\n  w\n", "k", "vw", kv.Literal, true, 2, 8},
		{XML, "<a>x&lt;y</a>", "a", "x<y", kv.Literal, true, 3, 9},
	}
	for _, tt := range tests {
		pairs := Extract(tt.f, []byte(tt.src))
		var p *kv.Pair
		for i := range pairs {
			if pairs[i].Name == tt.name {
				p = &pairs[i]
			}
		}
		if p == nil {
			t.Errorf("%v %q: no pair %q in %+v", tt.f, tt.src, tt.name, pairs)
			continue
		}
		if p.Value != tt.value || p.Kind != tt.kind || p.Decoded != tt.decoded || p.Start != tt.start || p.End != tt.end {
			t.Errorf("%v %q: got %+v, want value %q kind %v decoded %v span [%d,%d)",
				tt.f, tt.src, *p, tt.value, tt.kind, tt.decoded, tt.start, tt.end)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		src  string
		want Format
	}{
		{".env", "", Env},
		{"app/.env.local", "", Env},
		{".env.example", "", Env},
		{"env.example", "", Env},
		{"prod.env", "", Env},
		{"config/settings.env.sample", "", Env},
		{".envrc", "", Shell},
		{"setup.cfg", "", INI},
		{"tox.ini", "", INI},
		{"alembic.ini", "", INI},
		{"pip.conf", "", INI},
		{"pip.ini", "", INI},
		{".pypirc", "", INI},
		{"supervisord.conf", "[program:x]\ncommand=y\n", INI},
		{"redis.conf", "requirepass foobared\nport 6379\n", Properties},
		{"nginx.conf", "server {\n  listen 80;\n}\n", FormatNone},
		{"values.yaml", "", YAML},
		{"docker-compose.override.yml", "", YAML},
		{"pyproject.toml", "", TOML},
		{"Pipfile", "", TOML},
		{"config.json", "", JSON},
		{"a/b/application.properties", "", Properties},
		{"Dockerfile", "", Dockerfile},
		{"Dockerfile.prod", "", Dockerfile},
		{"api.dockerfile", "", Dockerfile},
		{"deploy.sh", "", Shell},
		{"x.bash", "", Shell},
		{"x.zsh", "", Shell},
		{".bashrc", "", Shell},
		{".profile", "", Shell},
		{`C:\repo\run.sh`, "", Shell},
		{"bin/deploy", "#!/usr/bin/env bash\necho\n", Shell},
		{"bin/tool", "#!/usr/bin/env python3\n", FormatNone},
		{"web.config", "", XML},
		{"analysis.ipynb", "", JupyterNotebook},
		{"main.py", "", FormatNone},
		{"README.md", "", FormatNone},
	}
	for _, tt := range tests {
		if got := Detect(tt.path, []byte(tt.src)); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestNotebookPosition(t *testing.T) {
	src := []byte("{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"a = \\\"x\\\"\\n\", \"pw = 'y'\"]}]}\n")
	cells, err := Notebook(src)
	if err != nil || len(cells) != 1 {
		t.Fatalf("Notebook: %v %+v", err, cells)
	}
	c := cells[0]
	if c.Text != "a = \"x\"\npw = 'y'" {
		t.Fatalf("text %q", c.Text)
	}
	if len(c.Lines) != 2 || c.Lines[0] != (LinePos{1, 46}) || c.Lines[1] != (LinePos{1, 61}) {
		t.Fatalf("lines %+v", c.Lines)
	}
	// the 'x' of line 1 is at decoded column 6, after an escaped quote
	if l, col := c.Position(1, 6); l != 1 || col != 52 || src[col-1] != 'x' {
		t.Errorf("Position(1, 6) = %d:%d", l, col)
	}
	if l, col := c.Position(2, 7); l != 1 || col != 67 || src[col-1] != 'y' {
		t.Errorf("Position(2, 7) = %d:%d", l, col)
	}
	if _, err := Notebook([]byte(`{"a": 1}`)); err == nil {
		t.Error("no error for a non-notebook")
	}
	if _, err := Notebook([]byte(`[1]`)); err == nil {
		t.Error("no error for a non-object")
	}
}

func TestExtractNone(t *testing.T) {
	if p := Extract(FormatNone, []byte("a=1")); p != nil {
		t.Errorf("FormatNone: %+v", p)
	}
	if p := Extract(JupyterNotebook, []byte(`{"cells":[]}`)); p != nil {
		t.Errorf("notebook: %+v", p)
	}
	if p := Extract(Format(99), []byte("a=1")); p != nil {
		t.Errorf("bad format: %+v", p)
	}
	if s := Format(99).String(); s != "unknown" {
		t.Errorf("String: %q", s)
	}
}
