package gitwalk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// want is one expected (blob, path) record of a walk.
type want struct {
	content string // the blob's content
	path    string
	origin  string // expected origin commit id (or tag/blob id for a pseudo-commit)
	inHead  bool   // HeadBlob(path) is this blob
}

func TestWalkProvenance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		build func(g *gitRepo) []want
	}{
		{
			name: "blob added then deleted",
			build: func(g *gitRepo) []want {
				g.write("keep.txt", "keep\n")
				g.write("secret.txt", "password=hunter2\n")
				c1 := g.commit("add secret")
				g.remove("secret.txt")
				g.commit("remove secret")
				return []want{
					{"password=hunter2\n", "secret.txt", c1, false},
					{"keep\n", "keep.txt", c1, true},
				}
			},
		},
		{
			name: "blob only on a non-default branch",
			build: func(g *gitRepo) []want {
				g.write("a.txt", "a\n")
				c1 := g.commit("base")
				g.git("checkout", "-q", "-b", "feature")
				g.write("feature.txt", "token=abc\n")
				c2 := g.commit("feature work")
				g.git("checkout", "-q", "main")
				return []want{
					{"token=abc\n", "feature.txt", c2, false},
					{"a\n", "a.txt", c1, true},
				}
			},
		},
		{
			name: "blob only in a lightweight tag's commit",
			build: func(g *gitRepo) []want {
				g.write("a.txt", "a\n")
				g.commit("base")
				g.git("checkout", "-q", "--detach")
				g.write("tagged.txt", "light\n")
				c := g.commit("tagged only")
				g.git("tag", "light-tag")
				g.git("checkout", "-q", "main")
				return []want{{"light\n", "tagged.txt", c, false}}
			},
		},
		{
			name: "blob only in an annotated tag's commit",
			build: func(g *gitRepo) []want {
				g.write("a.txt", "a\n")
				g.commit("base")
				g.git("checkout", "-q", "--detach")
				g.write("tagged.txt", "annotated\n")
				c := g.commit("tagged only")
				g.git("tag", "-a", "-m", "release", "v1.0")
				g.git("checkout", "-q", "main")
				return []want{{"annotated\n", "tagged.txt", c, false}}
			},
		},
		{
			name: "blob only in a merge commit's conflict resolution",
			build: func(g *gitRepo) []want {
				g.write("f.txt", "base\n")
				g.commit("base")
				g.git("checkout", "-q", "-b", "feature")
				g.write("f.txt", "feature\n")
				g.commit("feature side")
				g.git("checkout", "-q", "main")
				g.write("f.txt", "main\n")
				g.commit("main side")
				if out, err := g.run("merge", "-q", "feature"); err == nil {
					g.t.Fatalf("merge unexpectedly succeeded: %s", out)
				}
				g.write("f.txt", "resolved\n")
				m := g.commit("merge feature")
				if n := len(strings.Fields(g.git("log", "-1", "--format=%P"))); n != 2 {
					g.t.Fatalf("merge commit has %d parents", n)
				}
				return []want{
					{"resolved\n", "f.txt", m, true},
					{"feature\n", "f.txt", g.revParse("feature"), false},
				}
			},
		},
		{
			name: "same blob in 50 commits",
			build: func(g *gitRepo) []want {
				g.write("const.txt", "unchanging\n")
				g.write("n.txt", "0\n")
				first := g.commit("c0")
				for i := 1; i < 50; i++ {
					g.write("n.txt", strings.Repeat("x", i)+"\n")
					g.commit("c")
				}
				return []want{{"unchanging\n", "const.txt", first, true}}
			},
		},
		{
			name: "renamed file has two paths",
			build: func(g *gitRepo) []want {
				g.write("dir/a.txt", "moved content\n")
				c1 := g.commit("add")
				g.git("mv", "dir/a.txt", "dir/b.txt")
				c2 := g.commit("rename")
				return []want{
					{"moved content\n", "dir/a.txt", c1, false},
					{"moved content\n", "dir/b.txt", c2, true},
				}
			},
		},
		{
			name: "blob only in the stash",
			build: func(g *gitRepo) []want {
				g.write("f.txt", "clean\n")
				g.commit("base")
				g.write("f.txt", "stashed secret\n")
				g.tick++
				g.git("stash", "-q")
				return []want{{"stashed secret\n", "f.txt", g.revParse("refs/stash"), false}}
			},
		},
		{
			name: "blob only under a custom ref and a remote-tracking ref",
			build: func(g *gitRepo) []want {
				g.write("f.txt", "base\n")
				g.commit("base")
				g.git("checkout", "-q", "--detach")
				g.write("custom.txt", "custom\n")
				c1 := g.commit("custom")
				g.git("update-ref", "refs/custom/thing", c1)
				g.git("checkout", "-q", "main")
				g.git("checkout", "-q", "--detach")
				g.write("remote.txt", "remote\n")
				c2 := g.commit("remote")
				g.git("update-ref", "refs/remotes/origin/topic", c2)
				g.git("checkout", "-q", "main")
				return []want{
					{"custom\n", "custom.txt", c1, false},
					{"remote\n", "remote.txt", c2, false},
				}
			},
		},
		{
			name: "detached HEAD",
			build: func(g *gitRepo) []want {
				g.write("f.txt", "base\n")
				g.commit("base")
				g.git("checkout", "-q", "--detach")
				g.write("f.txt", "detached\n")
				c := g.commit("detached")
				return []want{{"detached\n", "f.txt", c, true}}
			},
		},
		{
			name: "symlink is a blob",
			build: func(g *gitRepo) []want {
				g.write("target.txt", "t\n")
				if err := os.Symlink("target.txt", filepath.Join(g.dir, "link")); err != nil {
					g.t.Skipf("symlinks unsupported: %v", err)
				}
				c := g.commit("link")
				return []want{{"target.txt", "link", c, true}}
			},
		},
		{
			name: "packed repository",
			build: func(g *gitRepo) []want {
				g.write("a/b/c.txt", "deep\n")
				c1 := g.commit("deep")
				g.write("a/b/c.txt", "deeper\n")
				c2 := g.commit("deeper")
				g.git("gc", "-q", "--aggressive")
				g.git("pack-refs", "--all")
				return []want{
					{"deep\n", "a/b/c.txt", c1, false},
					{"deeper\n", "a/b/c.txt", c2, true},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGitRepo(t)
			wants := tt.build(g)
			_, ix := walkRepo(t, g.dir)
			for _, w := range wants {
				id := blobID(w.content)
				if !ix.Has(id) {
					t.Errorf("blob %s (%q) not enumerated", id, w.content)
					continue
				}
				if !contains(ix.Paths(id), w.path) {
					t.Errorf("Paths(%q) = %v, want it to contain %q", w.content, ix.Paths(id), w.path)
				}
				c, ok := ix.Origin(id, w.path)
				if !ok {
					t.Errorf("Origin(%q, %s): not found", w.content, w.path)
				} else if c.ID != w.origin {
					t.Errorf("Origin(%q, %s) = %s, want %s", w.content, w.path, c.ID, w.origin)
				}
				h, ok := ix.HeadBlob(w.path)
				if inHead := ok && h == id; inHead != w.inHead {
					t.Errorf("HeadBlob(%s) = %s, %v; want in_head %v for %q", w.path, h, ok, w.inHead, w.content)
				}
			}
		})
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestWalkSameBlobManyCommits(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("const.txt", "unchanging\n")
	first := g.commit("c0")
	for i := 1; i < 50; i++ {
		g.write("n.txt", strings.Repeat("x", i)+"\n")
		g.commit("c")
	}
	_, ix := walkRepo(t, g.dir)
	if ix.Commits() != 50 {
		t.Errorf("Commits() = %d, want 50", ix.Commits())
	}
	// const.txt's blob plus 49 versions of n.txt.
	if ix.NumBlobs() != 50 {
		t.Errorf("NumBlobs() = %d, want 50", ix.NumBlobs())
	}
	id := blobID("unchanging\n")
	if got := ix.Paths(id); !reflect.DeepEqual(got, []string{"const.txt"}) {
		t.Errorf("Paths = %v", got)
	}
	c, ok := ix.Origin(id, "const.txt")
	if !ok || c.ID != first || c.Order != 0 {
		t.Errorf("Origin = %+v, %v; want %s at order 0", c, ok, first)
	}
	if c.Author != "Alice Author" || c.Email != "alice@example.com" {
		t.Errorf("author = %q <%s>", c.Author, c.Email)
	}
	if want := time.Unix(baseTime+3600, 0); !c.When.Equal(want) {
		t.Errorf("When = %v, want %v", c.When, want)
	}
	if c0 := ix.Commit(0); c0 == nil || c0.ID != first {
		t.Errorf("Commit(0) = %v, want %s", c0, first)
	}
}

func TestWalkTagsOfTreesAndBlobs(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	g.commit("base")

	// A tree that no commit has: stage a file, write the tree, unstage.
	g.write("dir/only-in-tree.txt", "tree only\n")
	g.git("add", "dir/only-in-tree.txt")
	tree := g.git("write-tree")
	g.git("reset", "-q")
	g.remove("dir/only-in-tree.txt")
	g.tick++
	g.git("tag", "-a", "-m", "a tree", "tree-tag", tree)

	// Blobs that no tree has, one under a lightweight and one under an
	// annotated tag.
	g.write("tmp1", "lightweight blob\n")
	b1 := g.git("hash-object", "-w", "tmp1")
	g.write("tmp2", "annotated blob\n")
	b2 := g.git("hash-object", "-w", "tmp2")
	g.remove("tmp1")
	g.remove("tmp2")
	g.git("tag", "blob-light", b1)
	g.git("tag", "-a", "-m", "a blob", "blob-annotated", b2)

	_, ix := walkRepo(t, g.dir)
	tests := []struct {
		content, path, origin, ref string
		tagger                     bool
	}{
		{"tree only\n", "tree-tag/dir/only-in-tree.txt", g.revParse("tree-tag"), "refs/tags/tree-tag", true},
		{"a\n", "tree-tag/a.txt", g.revParse("tree-tag"), "refs/tags/tree-tag", true},
		{"lightweight blob\n", "blob-light", b1, "refs/tags/blob-light", false},
		{"annotated blob\n", "blob-annotated", g.revParse("blob-annotated"), "refs/tags/blob-annotated", true},
	}
	for _, tt := range tests {
		c, ok := ix.Origin(blobID(tt.content), tt.path)
		if !ok {
			t.Errorf("Origin(%q, %s) not found; paths %v", tt.content, tt.path, ix.Paths(blobID(tt.content)))
			continue
		}
		if c.ID != tt.origin || c.Ref != tt.ref {
			t.Errorf("Origin(%q, %s) = %s %s, want %s %s", tt.content, tt.path, c.ID, c.Ref, tt.origin, tt.ref)
		}
		if c.Order < ix.Commits() {
			t.Errorf("pseudo-commit order %d is not after the %d real commits", c.Order, ix.Commits())
		}
		if tt.tagger && c.Author != "Carol Committer" {
			t.Errorf("pseudo-commit author = %q, want the tagger", c.Author)
		}
	}
	// a.txt is also in the commit, at its own path and origin.
	if c, ok := ix.Origin(blobID("a\n"), "a.txt"); !ok || c.Ref != "" {
		t.Errorf("Origin(a.txt) = %+v, %v", c, ok)
	}
	if ix.Commits() != 1 {
		t.Errorf("Commits() = %d, want 1", ix.Commits())
	}
}

func TestWalkSkipsGitlinks(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	c1 := g.commit("base")
	g.git("update-index", "--add", "--cacheinfo", "160000,"+c1+",sub")
	g.tick++
	g.git("commit", "-q", "-m", "add submodule")
	_, ix := walkRepo(t, g.dir)
	if ix.NumBlobs() != 1 {
		t.Errorf("NumBlobs() = %d, want 1 (gitlink must be skipped)", ix.NumBlobs())
	}
	if _, ok := ix.HeadBlob("sub"); ok {
		t.Errorf("HeadBlob(sub) found; gitlinks are not blobs")
	}
}

func TestWalkTopologicalOrder(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	// Parent dated 2021, child dated 2020: the parent must still come first.
	g.write("f.txt", "parent\n")
	parent := g.commitAt("parent", baseTime+2*365*24*3600)
	g.write("f.txt", "child\n")
	child := g.commitAt("child", baseTime)
	// Two siblings off child: the one with the older committer date first,
	// whatever the branch names.
	g.git("checkout", "-q", "-b", "aaa")
	g.write("a.txt", "a\n")
	newer := g.commitAt("sibling newer", baseTime+10*3600)
	g.git("checkout", "-q", "-b", "zzz", child)
	g.write("z.txt", "z\n")
	older := g.commitAt("sibling older", baseTime+5*3600)
	g.git("merge", "-q", "--no-edit", "aaa")
	merge := g.revParse("HEAD")

	_, ix := walkRepo(t, g.dir)
	var got []string
	for i := 0; i < ix.Commits(); i++ {
		c := ix.Commit(i)
		if c.Order != i {
			t.Errorf("Commit(%d).Order = %d", i, c.Order)
		}
		got = append(got, c.ID)
	}
	wantOrder := []string{parent, child, older, newer, merge}
	if !reflect.DeepEqual(got, wantOrder) {
		t.Errorf("order:\n got %v\nwant %v", got, wantOrder)
	}
	if c, _ := ix.Origin(blobID("child\n"), "f.txt"); c == nil || c.ID != child {
		t.Errorf("Origin(child) = %v", c)
	}
	if c, _ := ix.Origin(blobID("parent\n"), "f.txt"); c == nil || c.ID != parent {
		t.Errorf("Origin(parent) = %v", c)
	}
}

func TestWalkEmptyRepository(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	_, ix := walkRepo(t, g.dir)
	if ix.NumBlobs() != 0 || ix.Commits() != 0 || ix.HeadPaths() != 0 {
		t.Errorf("empty repo: %d blobs, %d commits, %d head paths", ix.NumBlobs(), ix.Commits(), ix.HeadPaths())
	}
	if c := ix.Commit(0); c != nil {
		t.Errorf("Commit(0) = %v in an empty repository", c)
	}
	if _, ok := ix.HeadBlob("x"); ok {
		t.Errorf("HeadBlob found in an empty repository")
	}
}

func TestOpenNotARepository(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, filepath.Join(dir, "does-not-exist"), file} {
		r, err := Open(path)
		if err == nil {
			r.Close()
			t.Errorf("Open(%s) succeeded", path)
			continue
		}
		if want := path + " is not a git repository"; !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s) error = %q, want it to contain %q", path, err, want)
		}
	}
}

func TestOpenLayouts(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("f.txt", "content\n")
	c := g.commit("one")
	bare := filepath.Join(t.TempDir(), "bare.git")
	g.git("clone", "-q", "--bare", g.dir, bare)
	wt := filepath.Join(t.TempDir(), "wt")
	g.git("worktree", "add", "-q", "-b", "wt-branch", wt)

	for _, path := range []string{g.dir, filepath.Join(g.dir, ".git"), bare, wt} {
		_, ix := walkRepo(t, path)
		if o, ok := ix.Origin(blobID("content\n"), "f.txt"); !ok || o.ID != c {
			t.Errorf("%s: Origin = %v, %v", path, o, ok)
		}
		if _, ok := ix.HeadBlob("f.txt"); !ok {
			t.Errorf("%s: HeadBlob(f.txt) not found", path)
		}
	}
}

func TestWalkMissingTree(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("dir/f.txt", "x\n")
	c := g.commit("one")
	sub := g.revParse(c + ":dir")
	if err := os.Remove(g.looseObjectPath(sub)); err != nil {
		t.Fatal(err)
	}
	r := openRepo(t, g.dir)
	_, err := r.Walk(context.Background())
	if err == nil {
		t.Fatal("Walk succeeded with a missing tree")
	}
	if !strings.Contains(err.Error(), sub) {
		t.Errorf("error %q does not name tree %s", err, sub)
	}
	var oe *ObjectError
	if !errors.As(err, &oe) || oe.ID != plumbing.NewHash(sub) || !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("error %v is not an *ObjectError for %s wrapping ErrObjectNotFound", err, sub)
	}
}

func TestWalkMissingParent(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("f.txt", "1\n")
	c1 := g.commit("one")
	g.write("f.txt", "2\n")
	g.commit("two")
	if err := os.Remove(g.looseObjectPath(c1)); err != nil {
		t.Fatal(err)
	}
	r := openRepo(t, g.dir)
	_, err := r.Walk(context.Background())
	if err == nil || !strings.Contains(err.Error(), c1) {
		t.Fatalf("Walk error = %v, want one naming commit %s", err, c1)
	}
}

func TestWalkCancelled(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("f.txt", "1\n")
	g.commit("one")
	r := openRepo(t, g.dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Walk(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with cancelled context: %v", err)
	}
}

func TestClosed(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	r, err := Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := r.Walk(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Walk after Close: %v", err)
	}
}

// TestAlternates walks and reads a clone --shared, whose objects live partly
// in the origin's object directory (packed and loose) via
// objects/info/alternates.
func TestAlternates(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "packed in origin\n")
	c1 := g.commit("one")
	g.git("gc", "-q")
	g.write("b.txt", "loose in origin\n")
	c2 := g.commit("two")

	clone := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "clone"), tick: g.tick}
	g.git("clone", "-q", "--shared", g.dir, clone.dir)
	clone.write("c.txt", "loose in clone\n")
	c3 := clone.commit("three")

	r, ix := walkRepo(t, clone.dir)
	wants := map[string]string{"packed in origin\n": c1, "loose in origin\n": c2, "loose in clone\n": c3}
	for content, commit := range wants {
		found := false
		for _, o := range ix.Origins(blobID(content)) {
			found = found || o.Commit.ID == commit
		}
		if !found {
			t.Errorf("blob %q: origins %v, want commit %s", content, ix.Origins(blobID(content)), commit)
		}
	}
	got, n, err := readAll(t, r, ix, 0)
	if err != nil {
		t.Fatalf("ReadBlobs: %v", err)
	}
	if n != len(wants) {
		t.Errorf("delivered %d blobs, want %d", n, len(wants))
	}
	for content := range wants {
		if string(got[blobID(content)].Data) != content {
			t.Errorf("blob %q not delivered intact", content)
		}
	}
}

// TestRootCommit covers RootCommit (root.go): HEAD's first-parent root,
// whatever other roots exist; false for an unborn HEAD.
func TestRootCommit(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	r := openRepo(t, g.dir)
	if id, ok, err := r.RootCommit(); ok || err != nil {
		t.Errorf("unborn HEAD: RootCommit = %q, %v, %v", id, ok, err)
	}

	g.write("a.txt", "a\n")
	first := g.commit("first on main")
	// An orphan root dated earlier, merged into main as a second parent.
	g.git("checkout", "-q", "--orphan", "other")
	g.git("rm", "-q", "-rf", ".")
	g.write("o.txt", "o\n")
	orphan := g.commitAt("orphan root", baseTime-24*3600)
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--no-edit", "--allow-unrelated-histories", "other")

	r2 := openRepo(t, g.dir)
	if id, ok, err := r2.RootCommit(); !ok || err != nil || id != first {
		t.Errorf("RootCommit = %q, %v, %v; want %s", id, ok, err, first)
	}
	// The first commit of the Walk order is the oldest root of all history.
	ix, err := r2.Walk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c := ix.Commit(0); c == nil || c.ID != orphan {
		t.Errorf("Commit(0) = %v, want the older orphan root %s", c, orphan)
	}
}
