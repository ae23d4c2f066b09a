package gitwalk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func changedPaths(s *Staging) []string {
	var out []string
	for _, e := range s.Changes() {
		out = append(out, e.Path)
	}
	return out
}

func readIndex(t *testing.T, dir, file string) *Staging {
	t.Helper()
	r := openRepo(t, dir)
	s, err := r.ReadIndex(context.Background(), file)
	if err != nil {
		t.Fatalf("ReadIndex: %v", err)
	}
	return s
}

func TestReadIndexUnborn(t *testing.T) {
	g := newGitRepo(t)
	s := readIndex(t, g.dir, "")
	if !s.Unborn || len(s.Entries) != 0 {
		t.Fatalf("empty repository: unborn %v, %d entries", s.Unborn, len(s.Entries))
	}
	g.write("b.txt", "B\n")
	g.write("a/x.txt", "X\n")
	g.git("add", "-A")
	s = readIndex(t, g.dir, "")
	if !s.Unborn || !slices.Equal(changedPaths(s), []string{"a/x.txt", "b.txt"}) {
		t.Fatalf("no commit yet: unborn %v, changes %v", s.Unborn, changedPaths(s))
	}
	if e, _ := s.Lookup("b.txt"); e.Blob != blobID("B\n") || e.InHeadPath {
		t.Errorf("b.txt: %+v", e)
	}
}

func TestReadIndex(t *testing.T) {
	g := newGitRepo(t)
	g.write("mod.txt", "old\n")
	g.write("same.txt", "same\n")
	g.write("gone.txt", "gone\n")
	g.write("old/name.txt", "renamed\n")
	g.write("unstaged.txt", "u1\n")
	g.commit("base")

	g.write("mod.txt", "new\n")
	g.write("add.txt", "added\n")
	g.git("add", "mod.txt", "add.txt")
	g.git("rm", "-q", "gone.txt")
	g.git("mv", "old", "new")
	g.write("unstaged.txt", "u2\n") // not staged
	g.write("ita.txt", "later\n")
	g.git("add", "-N", "ita.txt")
	g.git("update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("1", 40)+",sub")

	s := readIndex(t, g.dir, "")
	if s.Unborn {
		t.Error("unborn with a commit")
	}
	if got := changedPaths(s); !slices.Equal(got, []string{"add.txt", "mod.txt", "new/name.txt"}) {
		t.Errorf("changes %v, want add.txt mod.txt new/name.txt", got)
	}
	if e, ok := s.Lookup("mod.txt"); !ok || !e.InHeadPath || e.InHead || e.Blob != blobID("new\n") {
		t.Errorf("mod.txt: %+v", e)
	}
	if e, ok := s.Lookup("unstaged.txt"); !ok || !e.InHead || e.Staged() {
		t.Errorf("unstaged.txt: the index holds HEAD's version: %+v", e)
	}
	if e, ok := s.Lookup("ita.txt"); !ok || !e.IntentToAdd || e.Staged() {
		t.Errorf("ita.txt: %+v", e)
	}
	if _, ok := s.Lookup("gone.txt"); ok {
		t.Error("gone.txt: removed from the index, still listed")
	}
	if _, ok := s.Lookup("sub"); ok || !slices.Equal(s.Submodules, []string{"sub"}) {
		t.Errorf("submodule: listed as a file, or Submodules = %v", s.Submodules)
	}
	if !s.InSubmodule("sub/x/y") || !s.InSubmodule("sub") || s.InSubmodule("subx/y") || s.InSubmodule("x/sub") {
		t.Error("InSubmodule")
	}
	if e, _ := s.Lookup("same.txt"); e.ModTime.IsZero() || e.Size != 5 || s.IndexTime.IsZero() {
		t.Errorf("stat data missing: %+v, index time %v", e, s.IndexTime)
	}

	// Another index file, as git gives hooks in GIT_INDEX_FILE.
	alt := filepath.Join(t.TempDir(), "index")
	data, err := os.ReadFile(filepath.Join(g.dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alt, data, 0o644); err != nil {
		t.Fatal(err)
	}
	g.git("add", "unstaged.txt")
	s = readIndex(t, g.dir, alt)
	if got := changedPaths(s); !slices.Equal(got, []string{"add.txt", "mod.txt", "new/name.txt"}) {
		t.Errorf("the copy taken before staging unstaged.txt: changes %v", got)
	}
	s = readIndex(t, g.dir, "")
	if got := changedPaths(s); !slices.Equal(got, []string{"add.txt", "mod.txt", "new/name.txt", "unstaged.txt"}) {
		t.Errorf("after staging unstaged.txt: changes %v", got)
	}
	if s = readIndex(t, g.dir, filepath.Join(t.TempDir(), "none")); len(s.Entries) != 0 {
		t.Errorf("a missing index file is an empty index, got %d entries", len(s.Entries))
	}

	// Index format version 4 (prefix-compressed paths).
	g.git("update-index", "--index-version", "4")
	s = readIndex(t, g.dir, "")
	if got := changedPaths(s); len(got) != 4 {
		t.Errorf("index v4: changes %v", got)
	}
}

func TestReadIndexConflict(t *testing.T) {
	g := newGitRepo(t)
	g.write("c.txt", "base\n")
	g.commit("base")
	g.git("checkout", "-q", "-b", "side")
	g.write("c.txt", "side\n")
	g.commit("side")
	g.git("checkout", "-q", "main")
	g.write("c.txt", "main\n")
	g.write("other.txt", "o\n")
	g.commit("main")
	if _, err := g.run("merge", "-q", "side"); err == nil {
		t.Fatal("fixture: the merge should conflict")
	}
	s := readIndex(t, g.dir, "")
	if _, ok := s.Lookup("c.txt"); ok {
		t.Error("an unmerged path is listed")
	}
	if len(s.Changes()) != 0 {
		t.Errorf("changes %v, want none", changedPaths(s))
	}
}

// TestIndexTreeHash: the index's trees hashed in memory are those git writes
// (file modes, symlinks, submodules, git's name order), and a change deep in
// a large tree reads only HEAD's commit and the trees on its path, from a
// pack or loose.
func TestIndexTreeHash(t *testing.T) {
	g := newGitRepo(t)
	for d := range 20 {
		for f := range 5 {
			g.write(fmt.Sprintf("d%02d/sub/f%d.txt", d, f), fmt.Sprintf("%d/%d\n", d, f))
		}
	}
	for _, name := range []string{"a", "a.b", "a0", "a-b/x", "a/b/c"} {
		g.write(name+"/file", name)
	}
	g.write("exec.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(g.dir, "exec.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("exec.sh", filepath.Join(g.dir, "link")); err != nil {
		t.Fatal(err)
	}
	g.git("update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("2", 40)+",a/module")
	g.commit("base")
	g.git("repack", "-adq")

	check := func(what string, maxReads int, wantChanges ...string) {
		t.Helper()
		r := openRepo(t, g.dir)
		s, reads, err := r.readIndex(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if got := changedPaths(s); !slices.Equal(got, wantChanges) {
			t.Errorf("%s: changes %v, want %v", what, got, wantChanges)
		}
		if reads > maxReads {
			t.Errorf("%s: %d objects read, want at most %d", what, reads, maxReads)
		}
		idx, err := r.decodeIndex("")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := indexTree(s, idx).treeHash().String(), g.git("write-tree"); got != want {
			t.Errorf("%s: index tree %s, git write-tree %s", what, got, want)
		}
	}
	check("nothing staged", 1) // HEAD's commit: its tree equals the index's
	g.write("d07/sub/f3.txt", "changed\n")
	g.git("add", "d07/sub/f3.txt")
	check("one change, packed", 4, "d07/sub/f3.txt") // commit, root, d07, d07/sub
	g.commit("loose")
	g.write("d08/sub/f1.txt", "changed\n")
	g.git("add", "d08/sub/f1.txt")
	check("one change, HEAD loose", 4, "d08/sub/f1.txt")
}
