package allowlist

import (
	"fmt"
	"testing"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		glob  string
		path  string
		match bool
	}{
		// No slash: a name at any depth.
		{"*.lock", "poetry.lock", true},
		{"*.lock", "web/yarn.lock", true},
		{"*.lock", "a/b/c/Cargo.lock", true},
		{"*.lock", "poetry.lock.bak", false},
		{"poetry.lock", "sub/poetry.lock", true},
		{"fixtures", "fixtures/a.json", true},       // a directory's contents
		{"fixtures", "tests/fixtures/a.json", true}, // at any depth
		{"fixtures", "fixtures", true},
		{"fixtures", "myfixtures/a.json", false},
		// Anchored: a slash at the start or in the middle.
		{"fixtures/**", "fixtures/a.json", true},
		{"fixtures/**", "fixtures/x/y/a.json", true},
		{"fixtures/**", "src/fixtures/a.json", false},
		{"/fixtures", "fixtures/a.json", true},
		{"/fixtures", "src/fixtures/a.json", false},
		{"./fixtures", "fixtures/a.json", true},
		{"./fixtures", "src/fixtures/a.json", false},
		{"./*.lock", "poetry.lock", true},
		{"./*.lock", "web/yarn.lock", false},
		{"/setup.cfg", "setup.cfg", true},
		{"/setup.cfg", "pkg/setup.cfg", false},
		{"build/cache", "build/cache/x.bin", true},
		{"build/cache", "src/build/cache/x.bin", false},
		{"**/fixtures/**", "fixtures/a.json", true},
		{"**/fixtures/**", "src/fixtures/a.json", true},
		{"**/site-packages/**", "lib/python3.12/site-packages/requests/api.py", true},
		{"**/site-packages/**", "site-packages/x.py", true},
		{"**/site-packages/**", "my-site-packages/x.py", false},
		{"**/*.dist-info/**", "venv/lib/requests-2.31.0.dist-info/RECORD", true},
		{"tests/**/*.py", "tests/unit/test_a.py", true},
		{"tests/**/*.py", "tests/test_a.py", true},
		{"tests/**/*.py", "tests/data.json", false},
		// Trailing slash: directories only.
		{"venv/", "venv/lib/x.py", true},
		{"venv/", "app/venv/lib/x.py", true},
		{"venv/", "venv", false},
		{"venv/", "src/venv", false},
		{"build/out/", "build/out/a", true},
		{"build/out/", "build/out", false},
		// Classes, alternatives, escapes, case.
		{"*.{yml,yaml}", "ci/deploy.yaml", true},
		{"test_[a-c].py", "test_b.py", true},
		{"test_[!a-c].py", "test_b.py", false},
		{`\*.txt`, "*.txt", true},
		{`\*.txt`, "a.txt", false},
		{"*.LOCK", "poetry.lock", false},
		// Paths as callers may give them.
		{"*.lock", "./poetry.lock", true},
		{"fixtures/**", "./fixtures/a", true},
		{"*", "", false},
	}
	for _, tt := range tests {
		g, err := ParseGlob(tt.glob)
		if err != nil {
			t.Fatalf("ParseGlob(%q): %v", tt.glob, err)
		}
		if got := g.Match(tt.path); got != tt.match {
			t.Errorf("Glob(%q).Match(%q) = %v, want %v", tt.glob, tt.path, got, tt.match)
		}
	}
}

func TestParseGlobErrors(t *testing.T) {
	for _, p := range []string{"", "  ", "!fixtures/**", "/", "a[b", "a{b", `a\`} {
		if _, err := ParseGlob(p); err == nil {
			t.Errorf("ParseGlob(%q): no error", p)
		}
	}
}

func ExampleGlob_Match() {
	for _, pattern := range []string{"*.lock", "fixtures/**", "**/site-packages/**", "venv/"} {
		g, err := ParseGlob(pattern)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, path := range []string{"poetry.lock", "web/yarn.lock", "fixtures/keys.json", "src/fixtures/keys.json", "venv/lib/site-packages/boto3/x.py"} {
			if g.Match(path) {
				fmt.Printf("%-20s matches %s\n", pattern, path)
			}
		}
	}
	// Output:
	// *.lock               matches poetry.lock
	// *.lock               matches web/yarn.lock
	// fixtures/**          matches fixtures/keys.json
	// **/site-packages/**  matches venv/lib/site-packages/boto3/x.py
	// venv/                matches venv/lib/site-packages/boto3/x.py
}
