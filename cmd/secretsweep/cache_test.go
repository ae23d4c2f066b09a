package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/scan"
)

func TestHistoryCache(t *testing.T) {
	f := newRepo(t)
	tok := fakeGitHubPAT("cache")
	for i := 0; i < 5; i++ {
		f.write(fmt.Sprintf("m%d.py", i), fmt.Sprintf("x = %d\n", i))
		f.commit("c")
	}
	f.write("app.py", "TOKEN = '"+tok+"'\nX_PASSWORD = 'Zk8#vQ3mW7xP'  # secretsweep:allow\n")
	f.commit("secret")
	cache := t.TempDir()

	want := ss(t, "", "history", "--format", "json", "--show-suppressed", f.dir).mustCode(t, 1).stdout
	first := ss(t, "", "history", "--format", "json", "--show-suppressed", "--cache", cache, f.dir).mustCode(t, 1)
	second := ss(t, "", "history", "--format", "json", "--show-suppressed", "--cache", cache, f.dir).mustCode(t, 1)
	if first.stdout != want || second.stdout != want {
		t.Fatalf("cached runs differ from an uncached one:\n%s\n---\n%s\n---\n%s", want, first.stdout, second.stdout)
	}
	if !strings.Contains(second.stderr, "scanned 0 blobs") || !strings.Contains(second.stderr, "+6 unchanged blobs from the cache") {
		t.Errorf("second run did not use the cache: %s", second.stderr)
	}
	// Suppression is applied afresh: a new ignore entry silences a cached finding.
	rs := records(t, want)
	var fp string
	for _, r := range rs {
		if r.Rule == "github-pat" {
			fp = r.Fingerprint
		}
	}
	os.WriteFile(filepath.Join(f.dir, ".secretsweepignore"), []byte(fp+"\n"), 0o644)
	ss(t, "", "history", "--cache", cache, f.dir).mustCode(t, 0)
	os.Remove(filepath.Join(f.dir, ".secretsweepignore"))

	// A new commit: only its blobs are scanned.
	f.write("new.env", "DB_PASSWORD=Qx9#vN3kP7wL\n")
	f.commit("new")
	third := ss(t, "", "history", "--format", "json", "--cache", cache, f.dir).mustCode(t, 1)
	if !strings.Contains(third.stderr, "scanned 1 blobs") {
		t.Errorf("after one new commit: %s", third.stderr)
	}
	if got := len(records(t, third.stdout)); got != 2 {
		t.Errorf("after one new commit: %d findings, want 2", got)
	}
	// A changed rule set does not use the old results.
	os.WriteFile(filepath.Join(f.dir, ".secretsweep.toml"), []byte("[extend]\ndefault = true\ndisabled_rules = [\"url-credentials\"]\n"), 0o644)
	fourth := ss(t, "", "history", "--cache", cache, f.dir).mustCode(t, 1)
	if strings.Contains(fourth.stderr, "from the cache") {
		t.Errorf("a changed rule set used the cache: %s", fourth.stderr)
	}
	entries, _ := os.ReadDir(cache)
	var results, walks int
	for _, e := range entries {
		switch {
		case strings.HasSuffix(e.Name(), ".jsonl"):
			results++
		case strings.HasPrefix(e.Name(), "walk-") && strings.HasSuffix(e.Name(), ".state"):
			walks++
		default:
			t.Errorf("unexpected file in the cache: %s", e.Name())
		}
	}
	if results != 2 || walks != 1 {
		t.Errorf("cache files: %d result files, want one per rule set (2); %d walk states, want 1", results, walks)
	}
	for _, e := range entries {
		if info, _ := e.Info(); info.Mode().Perm() != 0o600 {
			t.Errorf("cache file %s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
}

// Findings inside archives survive the cache.
func TestHistoryCacheArchives(t *testing.T) {
	f := newRepo(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("pkg/settings.py")
	w.Write([]byte("GITHUB_TOKEN = '" + fakeGitHubPAT("zip") + "'\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(f.dir, "pkg.whl"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f.commit("wheel")
	cache := t.TempDir()
	want := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, 1).stdout
	ss(t, "", "history", "--format", "json", "--cache", cache, f.dir).mustCode(t, 1)
	second := ss(t, "", "history", "--format", "json", "--cache", cache, f.dir).mustCode(t, 1)
	if second.stdout != want || !strings.Contains(second.stderr, "from the cache") {
		t.Errorf("archive findings through the cache:\n%s\n--- want\n%s\n%s", second.stdout, want, second.stderr)
	}
	if !strings.Contains(want, "pkg.whl!pkg/settings.py") {
		t.Errorf("no member finding: %s", want)
	}
}

// simpleEntry reads what json.Unmarshal reads, and declines the rest.
func TestSimpleCacheEntry(t *testing.T) {
	id := strings.Repeat("ab", 20)
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{`{"blob":"` + id + `","paths":{"src/app.py":[]}}`, true},
		{`{"blob":"` + id + `","paths":{"docs/naïve café.md":[]}}`, true},
		{`{"blob":"` + id + `","paths":{"a\u003cb.py":[]}}`, false},
		{`{"blob":"` + id + `","paths":{"a\"b.py":[]}}`, false},
		{`{"blob":"` + id + `","paths":{"a.py":[],"b.py":[]}}`, false},
		{`{"blob":"` + id + `","paths":{"a.py":[{"Finding":{}}]}}`, false},
		{`{"blob":"` + strings.ToUpper(id) + `","paths":{"a.py":[]}}`, false},
		{`{"blob":"` + id + `","paths":{"a.py":[]`, false},
	} {
		blob, path, ok := simpleEntry([]byte(tc.line))
		got := cacheEntry{Blob: blob, Paths: map[string][]scan.Raw{path: {}}}
		if ok != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.line, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		var want cacheEntry
		if err := json.Unmarshal([]byte(tc.line), &want); err != nil {
			t.Fatalf("%s: %v", tc.line, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, json.Unmarshal reads %+v", tc.line, got, want)
		}
	}
}

// Lines about one blob add up, whichever form each has.
func TestCacheLoadMerges(t *testing.T) {
	a, b, c := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	clean := func(blob, path string) string {
		return `{"blob":"` + blob + `","paths":{"` + path + `":[]}}` + "\n"
	}
	found := `{"blob":"` + b + `","paths":{"y.py":[{"Finding":{"RuleID":"r","Secret":"s"}}]}}` + "\n"
	dir := t.TempDir()
	cfg := &detectors.Config{}
	sc, err := openCache(dir, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.wait(); err != nil {
		t.Fatal(err)
	}
	content := clean(a, "x.py") + clean(a, "x2.py") + // a: two clean paths
		clean(b, "x.py") + found + // b: clean, then a finding elsewhere
		found[:20] // a torn last line
	if err := os.WriteFile(sc.file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err = openCache(dir, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.wait(); err != nil {
		t.Fatal(err)
	}
	if !sc.has(a, []string{"x.py", "x2.py"}) || sc.nothingFound(a, []string{"x.py"}) {
		t.Errorf("blob a: %+v %+v", sc.entries[a], sc.clean[a])
	}
	raw, ok := sc.lookup(b, []string{"x.py", "y.py"})
	if !ok || len(raw["x.py"]) != 0 || len(raw["y.py"]) != 1 {
		t.Errorf("blob b: %v, %v", raw, ok)
	}
	if sc.has(c, []string{"x.py"}) || sc.has(b, []string{"z.py"}) {
		t.Error("has() for a blob or path never scanned")
	}
	if !sc.has(a, []string{"x.py"}) {
		t.Error("has() for one of a blob's scanned paths")
	}
}

// A line with "paths": null or without paths (not one this build writes)
// merges as nothing, in either order with a clean line for the same blob.
func TestCacheLoadNullPaths(t *testing.T) {
	a := strings.Repeat("a", 40)
	clean := `{"blob":"` + a + `","paths":{"x.py":[]}}` + "\n"
	for _, content := range []string{
		clean + `{"blob":"` + a + `","paths":null}` + "\n",
		`{"blob":"` + a + `"}` + "\n" + clean,
	} {
		dir := t.TempDir()
		sc, err := openCache(dir, &detectors.Config{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.wait(); err != nil {
			t.Fatal(err)
		}
		c := &scanCache{file: sc.file, entries: map[string]cacheEntry{}, clean: map[string]string{}}
		if err := os.WriteFile(c.file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := c.load(); err != nil {
			t.Fatal(err)
		}
		if !c.has(a, []string{"x.py"}) {
			t.Errorf("%q: x.py lost", content)
		}
	}
}
