package allowlist

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/report"
)

var testKey = []byte("test-key")

func fp(rule, secret string) string { return report.Fingerprint(testKey, rule, secret) }

func parseFile(t *testing.T, parse func(string, *os.File) (*IgnoreFile, error), file, name string) *IgnoreFile {
	t.Helper()
	f, err := os.Open("../testdata/allowlist/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ig, err := parse(name, f)
	if err != nil {
		t.Fatal(err)
	}
	return ig
}

func TestParseIgnore(t *testing.T) {
	ig := parseFile(t, func(n string, f *os.File) (*IgnoreFile, error) { return ParseIgnore(n, f) }, "secretsweepignore", ".secretsweepignore")
	if ig.Len() != 3 || ig.Name() != ".secretsweepignore" {
		t.Fatalf("Len %d, Name %q", ig.Len(), ig.Name())
	}
	aws := fp("aws-access-key-id", "AKIAJ7Q2XW3LBQ4PR5TZ")
	pw := fp("hardcoded-password", "Zx81!kqP0w")
	pat := fp("github-pat", "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI")
	other := fp("hardcoded-secret", "f0e4c2f76c58916ec258f246851bea09")
	tests := []struct {
		fp, path string
		want     string
	}{
		{aws, "app/settings.py", ".secretsweepignore:4: fingerprint 579f05a68c44 (AWS key of the revoked demo account)"},
		{aws, "", ".secretsweepignore:4: fingerprint 579f05a68c44 (AWS key of the revoked demo account)"},
		{strings.ToUpper(aws), "x.py", ".secretsweepignore:4: fingerprint 579f05a68c44 (AWS key of the revoked demo account)"},
		{pw, "tests/test_login.py", ".secretsweepignore:6: fingerprint 92a3aa5a6a87 on tests/** (the login test's password)"},
		{pw, "app/login.py", ""},
		{pat, "docs/install.md", ".secretsweepignore:7: fingerprint fa461f44c15e on *.md"},
		{pat, "install.py", ""},
		{other, "x.py", ""},
		{"", "x.py", ""},
	}
	for _, tt := range tests {
		v, ok := ig.Match(tt.fp, tt.path, "any-rule", "")
		if ok != (tt.want != "") || v.Source != tt.want || ok && v.Kind != KindIgnore {
			t.Errorf("Match(%s, %q) = %+v, %v; want %q", tt.fp[:min(8, len(tt.fp))], tt.path, v, ok, tt.want)
		}
	}

	crlf := parseFile(t, func(n string, f *os.File) (*IgnoreFile, error) { return ParseIgnore(n, f) }, "secretsweepignore-crlf", "crlf")
	if v, ok := crlf.Match(other, "a", "r", ""); !ok || v.Source != "crlf:2: fingerprint 310dd72422fa (crlf)" {
		t.Errorf("CRLF file: %+v, %v", v, ok)
	}
}

func TestParseIgnoreErrors(t *testing.T) {
	const good = "579f05a68c443bf13161988a62deaa33e5fd8217000be7258efb73a80665bf2c"
	tests := []struct {
		src  string
		want string
	}{
		{"# ok\n\nAKIAJ7Q2XW3LBQ4PR5TZ\n", "ign:3: not a fingerprint: want 64 hexadecimal digits, got 20 characters"},
		{good + "x\n", "ign:1: not a fingerprint"},
		{strings.Replace(good, "5", "g", 1), "ign:1: not a fingerprint"},
		{"app/x.py:generic-api-key:12\n", "ign:1: not a fingerprint: this looks like a .gitleaksignore entry"},
		{good + " tests/** extra\n", "ign:1: too many fields"},
		{good + " !tests/**\n", "ign:1: path glob: negated globs"},
		{good + " a[b\n", "ign:1: path glob: bad glob syntax"},
		{"\n\n" + good + "\n" + good + "#not-a-comment\n", "ign:4: not a fingerprint"},
	}
	for _, tt := range tests {
		_, err := ParseIgnore("ign", strings.NewReader(tt.src))
		if err == nil {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\n got %v\nwant %s...", tt.src, err, tt.want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "ign" || pe.Line == 0 {
			t.Errorf("%q: %#v is not a located *ParseError", tt.src, err)
		}
		if strings.Contains(err.Error(), "AKIAJ7Q2XW3LBQ4PR5TZ") {
			t.Errorf("error quotes the line: %v", err)
		}
	}
	// Accepted: comments, blank lines, a BOM, no final newline, tabs.
	ok := "\ufeff# c\n   \n\t" + good + "\t#  why \n" + good + " a/b/**"
	ig, err := ParseIgnore("ign", strings.NewReader(ok))
	if err != nil || ig.Len() != 2 {
		t.Fatalf("ParseIgnore: %v, %d entries", err, ig.Len())
	}
	if v, _ := ig.Match(good, "x", "r", ""); v.Source != "ign:3: fingerprint 579f05a68c44 (why)" {
		t.Errorf("Source %q", v.Source)
	}
	empty, err := ParseIgnore("empty", strings.NewReader(""))
	if err != nil || empty.Len() != 0 {
		t.Errorf("empty file: %v", err)
	}
}

func TestParseGitleaksIgnore(t *testing.T) {
	ig := parseFile(t, func(n string, f *os.File) (*IgnoreFile, error) { return ParseGitleaksIgnore(n, f) }, "gitleaksignore", ".gitleaksignore")
	if ig.Len() != 4 {
		t.Fatalf("Len %d", ig.Len())
	}
	const commit = "5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1"
	tests := []struct {
		path, rule, commit string
		want               string
	}{
		{"app/settings.py", "generic-api-key", commit, ".gitleaksignore:2: app/settings.py:generic-api-key in commit 5692c942646a (line number not compared)"},
		{"app/settings.py", "generic-api-key", strings.ToUpper(commit), ".gitleaksignore:2: app/settings.py:generic-api-key in commit 5692c942646a (line number not compared)"},
		{"app/settings.py", "generic-api-key", "1111c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1", ""}, // another commit
		{"app/settings.py", "generic-api-key", "", ""}, // not from history
		{"app/settings.py", "aws-access-key-id", commit, ""},
		{"config/dev.env", "hardcoded-password", "", ".gitleaksignore:3: config/dev.env:hardcoded-password (line number not compared)"},
		{"config/dev.env", "hardcoded-password", commit, ".gitleaksignore:3: config/dev.env:hardcoded-password (line number not compared)"},
		{"./config/dev.env", "hardcoded-password", "", ".gitleaksignore:3: config/dev.env:hardcoded-password (line number not compared)"},
		{"config/dev.env", "hardcoded-secret", "", ""},
		{"deploy/k8s:staging/secret.yaml", "hardcoded-secret", "", ".gitleaksignore:5: deploy/k8s:staging/secret.yaml:hardcoded-secret (line number not compared)"},
		{"vendor/lib/client.py", "github-pat", commit, ".gitleaksignore:6: vendor/lib/client.py:github-pat in commit 5692c94 (line number not compared)"},
	}
	for _, tt := range tests {
		v, ok := ig.Match(fp(tt.rule, "s"), tt.path, tt.rule, tt.commit)
		if ok != (tt.want != "") || v.Source != tt.want || ok && v.Kind != KindIgnore {
			t.Errorf("Match(%q, %q, %q) = %+v, %v; want %q", tt.path, tt.rule, tt.commit, v, ok, tt.want)
		}
	}
}

func TestParseGitleaksIgnoreErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a.py:rule\n", "gl:1: want commit:file:rule:line or file:rule:line"},
		{"# c\na.py:rule:x\n", "gl:2: want commit:file:rule:line or file:rule:line: the line number is not a number"},
		{"a.py:rule:\n", "gl:1: want"},
		{"a.py::3\n", "gl:1: empty rule id"},
		{":rule:3\n", "gl:1: empty file path"},
		{"5692c942646a5ad2e8d7e1d0b1a86d3c2e3bb0f1::rule:3\n", "gl:1: empty file path"},
	}
	for _, tt := range tests {
		_, err := ParseGitleaksIgnore("gl", strings.NewReader(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %s...", tt.src, err, tt.want)
		}
	}
}

func TestNilIgnoreFile(t *testing.T) {
	var ig *IgnoreFile
	if _, ok := ig.Match("x", "y", "z", ""); ok || ig.Len() != 0 || ig.Name() != "" {
		t.Error("nil IgnoreFile")
	}
}
