package allowlist

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func mustCompile(t testing.TB, source string, specs ...Spec) *List {
	t.Helper()
	l, err := Compile(specs, source)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestListMatch(t *testing.T) {
	fixtures := Spec{Description: "test fixtures", Globs: []string{"fixtures/**", "*.snap"}}
	tests := []struct {
		name  string
		specs []Spec
		c     Candidate
		want  string // Verdict.Source, "" for no match
	}{
		{"glob", []Spec{fixtures}, Candidate{Path: "fixtures/keys.json", Secret: "s3cr3t-value"},
			"cfg.toml allowlist #1 (test fixtures): glob fixtures/**"},
		{"second glob", []Spec{fixtures}, Candidate{Path: "tests/__snapshots__/a.snap"},
			"cfg.toml allowlist #1 (test fixtures): glob *.snap"},
		{"glob no match", []Spec{fixtures}, Candidate{Path: "src/fixtures.py"}, ""},
		{"empty path", []Spec{fixtures}, Candidate{Secret: "x"}, ""},
		{"path regex", []Spec{{Paths: []string{`\.ipynb$`, `^docs/`}}}, Candidate{Path: "docs/setup.md"},
			"cfg.toml allowlist #1: path regex ^docs/"},
		{"path regex unanchored", []Spec{{Paths: []string{`test`}}}, Candidate{Path: "src/latest.py"},
			"cfg.toml allowlist #1: path regex test"},
		{"secret regex", []Spec{{Regexes: []string{`^AKIA.*EXAMPLE$`}}}, Candidate{Secret: "AKIAIOSFODNN7EXAMPLE", Line: "x"},
			"cfg.toml allowlist #1: secret regex ^AKIA.*EXAMPLE$"},
		{"secret regex does not see the line", []Spec{{Regexes: []string{`getenv`}}}, Candidate{Secret: "abc", Line: `pw = os.getenv("X", "abc")`}, ""},
		{"line regex", []Spec{{Regexes: []string{`getenv`}, RegexTarget: "line"}}, Candidate{Secret: "abc", Line: `pw = os.getenv("X", "abc")`},
			"cfg.toml allowlist #1: line regex getenv"},
		{"line regex, empty line", []Spec{{Regexes: []string{`.*`}, RegexTarget: "line"}}, Candidate{Secret: "abc"}, ""},
		{"match regex", []Spec{{Regexes: []string{`^password=`}, RegexTarget: "Match"}}, Candidate{Secret: "hunter22", Match: "password=hunter22"},
			"cfg.toml allowlist #1: match regex ^password="},
		{"match regex falls back to the secret", []Spec{{Regexes: []string{`^hunter`}, RegexTarget: "match"}}, Candidate{Secret: "hunter22"},
			"cfg.toml allowlist #1: match regex ^hunter"},
		{"stopword any case", []Spec{{Stopwords: []string{"Dummy"}}}, Candidate{Secret: "my-DUMMY-token-123"},
			`cfg.toml allowlist #1: stopword "Dummy"`},
		{"stopword not in the secret", []Spec{{Stopwords: []string{"dummy"}}}, Candidate{Secret: "abc", Line: "dummy = 'abc'", Path: "dummy.py"}, ""},
		{"commit abbreviated", []Spec{{Commits: []string{"5692C94"}}}, Candidate{Commit: "5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"},
			"cfg.toml allowlist #1: commit 5692c94"},
		{"commit full", []Spec{{Commits: []string{"5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"}}}, Candidate{Commit: "5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"},
			"cfg.toml allowlist #1: commit 5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"},
		{"commit other", []Spec{{Commits: []string{"5692c94"}}}, Candidate{Commit: "aaaac942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"}, ""},
		{"commit in a dir scan", []Spec{{Commits: []string{"5692c94"}}}, Candidate{Path: "a.py"}, ""},
		{"or: first criterion in field order", []Spec{{Globs: []string{"tests/**"}, Stopwords: []string{"fake"}, Commits: []string{"abcd"}}},
			Candidate{Path: "tests/a.py", Secret: "fake-1", Commit: "abcdef"}, "cfg.toml allowlist #1: commit abcd"},
		{"or: one is enough", []Spec{{Globs: []string{"tests/**"}, Stopwords: []string{"fake"}}},
			Candidate{Path: "src/a.py", Secret: "fake-1"}, `cfg.toml allowlist #1: stopword "fake"`},
		{"and: all hold", []Spec{{Condition: "and", Globs: []string{"tests/**"}, Stopwords: []string{"fake"}}},
			Candidate{Path: "tests/a.py", Secret: "fake-1"}, `cfg.toml allowlist #1: glob tests/** and stopword "fake"`},
		{"and: one fails", []Spec{{Condition: "AND", Globs: []string{"tests/**"}, Stopwords: []string{"fake"}}},
			Candidate{Path: "src/a.py", Secret: "fake-1"}, ""},
		{"and: paths and globs are two criteria", []Spec{{Condition: "and", Globs: []string{"tests/**"}, Paths: []string{`\.json$`}}},
			Candidate{Path: "tests/a.py"}, ""},
		{"and: four criteria", []Spec{{Condition: "and", Commits: []string{"abcd"}, Paths: []string{`\.py$`}, Globs: []string{"tests/**"}, Regexes: []string{`^x`}}},
			Candidate{Path: "tests/a.py", Secret: "xyz", Commit: "abcd12"},
			"cfg.toml allowlist #1: commit abcd and path regex \\.py$ and glob tests/** and secret regex ^x"},
		{"target rules: in scope", []Spec{{TargetRules: []string{"hardcoded-password"}, Globs: []string{"tests/**"}}},
			Candidate{Rule: "hardcoded-password", Path: "tests/a.py"}, "cfg.toml allowlist #1: glob tests/**"},
		{"target rules: out of scope", []Spec{{TargetRules: []string{"hardcoded-password"}, Globs: []string{"tests/**"}}},
			Candidate{Rule: "aws-access-key-id", Path: "tests/a.py"}, ""},
		{"first allowlist that matches", []Spec{{Description: "a", Globs: []string{"x/**"}}, {Description: "b", Globs: []string{"tests/**"}}, {Description: "c", Globs: []string{"*.py"}}},
			Candidate{Path: "tests/a.py"}, "cfg.toml allowlist #2 (b): glob tests/**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustCompile(t, "cfg.toml", tt.specs...)
			v, ok := l.Match(tt.c)
			if ok != (tt.want != "") || v.Source != tt.want {
				t.Errorf("Match = %q, %v; want %q", v.Source, ok, tt.want)
			}
			if ok && v.Kind != KindAllowlist {
				t.Errorf("Kind = %q", v.Kind)
			}
		})
	}
}

func TestNilList(t *testing.T) {
	var l *List
	if _, ok := l.Match(Candidate{Path: "a", Secret: "b"}); ok {
		t.Error("nil list matched")
	}
	if l.Len() != 0 {
		t.Error("nil list has entries")
	}
	empty := mustCompile(t, "x")
	if _, ok := empty.Match(Candidate{Path: "a", Secret: "b"}); ok {
		t.Error("empty list matched")
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{Description: "nothing"}, `cfg.toml: allowlist #2 (nothing): no criteria`},
		{Spec{Condition: "and"}, `cfg.toml: allowlist #2: no criteria`},
		{Spec{TargetRules: []string{"x"}}, `cfg.toml: allowlist #2: no criteria`},
		{Spec{Condition: "xor", Globs: []string{"a"}}, `cfg.toml: allowlist #2: condition: "xor" is not "or" or "and"`},
		{Spec{RegexTarget: "path", Regexes: []string{"a"}}, `cfg.toml: allowlist #2: regex_target: "path" is not "secret", "match" or "line"`},
		{Spec{Description: "bad", Paths: []string{`ok`, `a(b`}}, `cfg.toml: allowlist #2 (bad): paths #2: error parsing regexp: missing closing )`},
		{Spec{Regexes: []string{`a(?=x)`}}, `cfg.toml: allowlist #2: regexes #1: error parsing regexp: invalid or unsupported Perl syntax`},
		{Spec{Regexes: []string{``}}, `cfg.toml: allowlist #2: regexes #1: empty regex`},
		{Spec{Globs: []string{"a", "b[c"}}, `cfg.toml: allowlist #2: globs #2: "b[c": bad glob syntax`},
		{Spec{Globs: []string{"!keep/**"}}, `cfg.toml: allowlist #2: globs #1: "!keep/**": negated globs`},
		{Spec{Stopwords: []string{"a", ""}}, `cfg.toml: allowlist #2: stopwords #2: empty stopword`},
		{Spec{Commits: []string{"abc"}}, `cfg.toml: allowlist #2: commits #1: "abc" is not a commit id`},
		{Spec{Commits: []string{"main"}}, `cfg.toml: allowlist #2: commits #1: "main" is not a commit id`},
		{Spec{Globs: []string{"a"}, TargetRules: []string{""}}, `cfg.toml: allowlist #2: target_rules #1: empty rule id`},
	}
	for _, tt := range tests {
		_, err := Compile([]Spec{{Globs: []string{"ok/**"}}, tt.spec}, "cfg.toml")
		if err == nil {
			t.Errorf("%+v: no error", tt.spec)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v:\n got %s\nwant %s...", tt.spec, err, tt.want)
		}
		var se *SpecError
		if !errors.As(err, &se) || se.Index != 2 || se.Source != "cfg.toml" {
			t.Errorf("%+v: error %#v is not a *SpecError for allowlist #2", tt.spec, err)
		}
	}
}

// TestSpecTOML decodes allowlists the way the config loader does and checks
// that each field arrives.
func TestSpecTOML(t *testing.T) {
	data, err := os.ReadFile("../testdata/allowlist/allowlists.toml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Allowlists []Spec `toml:"allowlists"`
	}
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		t.Fatalf("undecoded keys %v", und)
	}
	l := mustCompile(t, ".secretsweep.toml", cfg.Allowlists...)
	tests := []struct {
		c    Candidate
		want string
	}{
		{Candidate{Path: "pkg/testdata/a.env"}, ".secretsweep.toml allowlist #1 (test fixtures): glob **/testdata/**"},
		{Candidate{Path: "tests/test_db.py", Secret: "fake_pw_1"}, `.secretsweep.toml allowlist #2 (dummy secrets in tests): path regex (^|/)tests?/ and stopword "fake"`},
		{Candidate{Path: "src/db.py", Secret: "fake_pw_1"}, ""},
		{Candidate{Path: "src/db.py", Secret: "x", Commit: "5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"}, ".secretsweep.toml allowlist #3 (vendored commit): commit 5692c94"},
		{Candidate{Secret: "sk_live_00000000abc"}, ".secretsweep.toml allowlist #4: secret regex ^sk_live_0{8}"},
		{Candidate{Rule: "hardcoded-password", Secret: "pw", Line: `PASSWORD = os.environ.get("PW", "pw")`}, ".secretsweep.toml allowlist #5 (settings read from the environment): line regex os\\.environ"},
		{Candidate{Rule: "hardcoded-secret", Secret: "pw", Line: `PASSWORD = os.environ.get("PW", "pw")`}, ""},
	}
	for _, tt := range tests {
		v, ok := l.Match(tt.c)
		if ok != (tt.want != "") || v.Source != tt.want {
			t.Errorf("%+v: Match = %q, %v; want %q", tt.c, v.Source, ok, tt.want)
		}
	}
}

func TestConcurrentMatch(t *testing.T) {
	l := mustCompile(t, "c", Spec{Paths: []string{`\.py$`}, Regexes: []string{`EXAMPLE`}, Stopwords: []string{"x"}})
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				if _, ok := l.Match(Candidate{Path: "a.py"}); !ok {
					t.Error("no match")
				}
				if _, ok := l.Match(Candidate{Path: "a.go", Secret: "AKIAEXAMPLE"}); !ok {
					t.Error("no match")
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func BenchmarkDefaultNoMatch(b *testing.B) {
	l, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	c := Candidate{Rule: "hardcoded-password", Path: "src/app/settings/production.py", Secret: "Zx81!kqP0w", Line: `DB_PASSWORD = "Zx81!kqP0w"`}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := l.Match(c); ok {
			b.Fatal("matched")
		}
	}
}

func ExampleList_Match() {
	specs := []Spec{
		{Description: "test fixtures", Globs: []string{"fixtures/**", "*.snap"}},
		{Description: "dummy values in tests", Condition: "and", Paths: []string{`(^|/)tests/`}, Stopwords: []string{"dummy"}},
	}
	l, err := Compile(specs, ".secretsweep.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range []Candidate{
		{Rule: "hardcoded-password", Path: "fixtures/users.json", Secret: "Zx81!kqP0w"},
		{Rule: "hardcoded-password", Path: "tests/test_login.py", Secret: "dummy-Pa55"},
		{Rule: "hardcoded-password", Path: "app/settings.py", Secret: "dummy-Pa55"},
	} {
		if v, ok := l.Match(c); ok {
			fmt.Println(c.Path, "->", v)
		} else {
			fmt.Println(c.Path, "-> reported")
		}
	}
	// Output:
	// fixtures/users.json -> allowlist: .secretsweep.toml allowlist #1 (test fixtures): glob fixtures/**
	// tests/test_login.py -> allowlist: .secretsweep.toml allowlist #2 (dummy values in tests): path regex (^|/)tests/ and stopword "dummy"
	// app/settings.py -> reported
}
