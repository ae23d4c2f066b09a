package gitwalk

import (
	"os"
	"strings"
	"testing"
)

// TestRootCommitCache: the answer is cached as (tip, root) and reused after new
// commits; a cache naming a commit off HEAD's chain, or a corrupt one, is ignored.
func TestRootCommitCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	first := g.commit("first")
	g.write("a.txt", "b\n")
	second := g.commit("second")

	r := openRepo(t, g.dir)
	if id, ok, err := r.RootCommit(); !ok || err != nil || id != first {
		t.Fatalf("RootCommit = %q, %v, %v; want %s", id, ok, err, first)
	}
	file := r.rootCacheFile()
	b, err := os.ReadFile(file)
	if err != nil || strings.TrimSpace(string(b)) != second+" "+first {
		t.Fatalf("cache %q = %q, %v; want %q", file, b, err, second+" "+first)
	}

	g.write("a.txt", "c\n")
	third := g.commit("third")
	r2 := openRepo(t, g.dir)
	if id, ok, err := r2.RootCommit(); !ok || err != nil || id != first {
		t.Fatalf("after a commit: RootCommit = %q, %v, %v", id, ok, err)
	}
	if b, _ := os.ReadFile(file); strings.TrimSpace(string(b)) != third+" "+first {
		t.Errorf("cache not moved to the new tip: %q", b)
	}

	// A corrupt cache is ignored and rewritten.
	if err := os.WriteFile(file, []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r3 := openRepo(t, g.dir)
	if id, ok, err := r3.RootCommit(); !ok || err != nil || id != first {
		t.Errorf("corrupt cache: RootCommit = %q, %v, %v", id, ok, err)
	}
}
