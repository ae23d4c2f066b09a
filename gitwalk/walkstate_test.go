package gitwalk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// indexDump is everything an Index answers, for comparing two walks.
type indexDump struct {
	Commits []Commit
	Blobs   map[string][]Origin
	Head    int
}

func dumpIndex(ix *Index) indexDump {
	d := indexDump{Blobs: map[string][]Origin{}, Head: ix.HeadPaths()}
	for i := 0; ix.Commit(i) != nil; i++ {
		c := *ix.Commit(i)
		c.When = c.When.Truncate(0)
		d.Commits = append(d.Commits, c)
	}
	for _, b := range ix.Blobs() {
		d.Blobs[b.String()] = ix.Origins(b)
	}
	return d
}

// sameIndex fails unless got answers every question as want does.
func sameIndex(t *testing.T, got, want *Index) {
	t.Helper()
	g, w := dumpIndex(got), dumpIndex(want)
	if len(g.Commits) != len(w.Commits) {
		t.Fatalf("%d commits, want %d", len(g.Commits), len(w.Commits))
	}
	for i := range g.Commits {
		a, b := g.Commits[i], w.Commits[i]
		if a.ID != b.ID || a.Author != b.Author || a.Email != b.Email || a.Order != b.Order || a.Ref != b.Ref ||
			!a.When.Equal(b.When) || a.When.Format(time.RFC3339) != b.When.Format(time.RFC3339) {
			t.Fatalf("commit %d = %+v, want %+v", i, a, b)
		}
	}
	if len(g.Blobs) != len(w.Blobs) {
		t.Fatalf("%d blobs, want %d", len(g.Blobs), len(w.Blobs))
	}
	for b, wo := range w.Blobs {
		gotO := g.Blobs[b]
		if len(gotO) != len(wo) {
			t.Fatalf("blob %s: origins %v, want %v", b, gotO, wo)
		}
		for i := range wo {
			if gotO[i].Path != wo[i].Path || gotO[i].Commit.ID != wo[i].Commit.ID || gotO[i].Commit.Order != wo[i].Commit.Order {
				t.Fatalf("blob %s origin %d: %s at %s (order %d), want %s at %s (order %d)", b, i,
					gotO[i].Path, gotO[i].Commit.ID, gotO[i].Commit.Order, wo[i].Path, wo[i].Commit.ID, wo[i].Commit.Order)
			}
		}
	}
	if g.Head != w.Head {
		t.Fatalf("HEAD has %d paths, want %d", g.Head, w.Head)
	}
}

func walkWithState(t *testing.T, dir, file string) (*Index, WalkStats) {
	t.Helper()
	r := openRepo(t, dir)
	defer r.Close()
	ix, st, err := r.WalkWithState(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	_, fresh := walkRepo(t, dir)
	sameIndex(t, ix, fresh)
	return ix, st
}

func TestWalkWithState(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	for i := range 6 {
		g.write(fmt.Sprintf("d%d/f.txt", i%3), fmt.Sprintf("v%d\n", i))
		g.write("same.txt", "same\n")
		g.commit("c")
	}
	g.git("checkout", "-q", "-b", "topic")
	g.write("d0/topic.txt", "topic\n")
	g.commit("topic")
	g.git("checkout", "-q", "main")
	state := filepath.Join(t.TempDir(), "walk.state")

	_, st := walkWithState(t, g.dir, state)
	if st.Cached != 0 || st.New != 7 {
		t.Fatalf("first walk: %+v, want 0 cached, 7 new", st)
	}
	info, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", info.Mode().Perm())
	}

	t.Run("nothing new", func(t *testing.T) {
		_, st := walkWithState(t, g.dir, state)
		if st.Cached != 7 || st.New != 0 {
			t.Fatalf("%+v, want 7 cached, 0 new", st)
		}
	})
	t.Run("new commits, a merge and a tag of a tree", func(t *testing.T) {
		g.write("d1/f.txt", "moved on\n")
		g.write("d2/new.txt", "new\n")
		g.commit("c")
		g.tick++
		g.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic")
		g.git("tag", "tree-tag", g.git("rev-parse", "HEAD^{tree}"))
		_, st := walkWithState(t, g.dir, state)
		if st.Cached != 7 || st.New != 2 {
			t.Fatalf("%+v, want 7 cached, 2 new", st)
		}
	})
	t.Run("a commit older than the walked ones", func(t *testing.T) {
		g.write("old.txt", "back-dated\n")
		g.commitAt("old", baseTime)
		_, st := walkWithState(t, g.dir, state)
		if st.Cached != 0 || st.New != 10 {
			t.Fatalf("%+v, want the whole history walked again", st)
		}
	})
	t.Run("walked commits no longer reachable", func(t *testing.T) {
		g.git("branch", "-q", "-D", "topic")
		g.git("tag", "-d", "tree-tag")
		g.git("reset", "-q", "--hard", "HEAD~3")
		g.git("reflog", "expire", "--expire=now", "--all")
		_, st := walkWithState(t, g.dir, state)
		if st.Cached != 0 {
			t.Fatalf("%+v, want the whole history walked again", st)
		}
	})
	t.Run("corrupt file", func(t *testing.T) {
		data, err := os.ReadFile(state)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0xff
		if err := os.WriteFile(state, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, st := walkWithState(t, g.dir, state)
		if st.Cached != 0 {
			t.Fatalf("%+v from a corrupt file", st)
		}
		_, st = walkWithState(t, g.dir, state)
		if st.New != 0 || st.Cached == 0 {
			t.Fatalf("%+v: the corrupt file was not replaced", st)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a-directory")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		r := openRepo(t, g.dir)
		defer r.Close()
		if _, _, err := r.WalkWithState(context.Background(), dir); err == nil {
			t.Fatal("no error for a state file that is a directory")
		}
	})
}

func TestWalkStateShallowChange(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	for i := range 4 {
		g.write("f.txt", fmt.Sprintf("v%d\n", i))
		g.commit("c")
	}
	state := filepath.Join(t.TempDir(), "walk.state")
	walkWithState(t, g.dir, state)
	// Mark the second commit shallow: its parent is no longer part of history.
	if err := os.WriteFile(filepath.Join(g.dir, ".git", "shallow"), []byte(g.revParse("HEAD~2")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, st := walkWithState(t, g.dir, state); st.Cached != 0 {
		t.Fatalf("%+v after the shallow list changed", st)
	}
}

func FuzzWalkState(f *testing.F) {
	s := &walkState{
		commits:  []Commit{{Author: "a", Email: "e", When: time.Unix(100, 0).In(time.FixedZone("", 3600))}},
		ids:      make([]plumbing.Hash, 1),
		ctimes:   []int64{1},
		parents:  [][]int32{nil},
		paths:    []string{"", "a.txt"},
		origin:   map[occKey]uint32{{path: 1}: 0},
		seenTree: map[treeKey]struct{}{{prefix: 0}: {}},
	}
	good := s.encode()
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := decodeWalkState(data)
		if err != nil {
			return
		}
		// What decodes must encode to a file that decodes to the same state.
		st.trees()
		again, err := decodeWalkState(st.encode())
		if err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
		again.trees()
		again.treesRaw, st.treesRaw = nil, nil
		if !reflect.DeepEqual(again, st) {
			t.Fatalf("decode, encode, decode changed the state")
		}
	})
}

// A state file too large to be one this package wrote is replaced, not an
// error for every later walk.
func TestWalkStateOversized(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	g.commit("c1")
	state := filepath.Join(t.TempDir(), "walk.state")
	f, err := os.Create(state)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(maxStateSize + 1) // sparse
	f.Close()
	if _, st := walkWithState(t, g.dir, state); st.Cached != 0 || st.New != 1 {
		t.Fatalf("%+v", st)
	}
	if _, st := walkWithState(t, g.dir, state); st.Cached != 1 {
		t.Fatalf("%+v: the oversized file was not replaced", st)
	}
}

// A commit with a bogus time zone (go-git reads "+9900" as 99 hours) does
// not make every state file look corrupt.
func TestWalkStateBogusTimezone(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	g.commit("c1")
	raw := "tree " + g.revParse("HEAD^{tree}") + "\nparent " + g.revParse("HEAD") +
		"\nauthor A <a@x> 1700000000 +9900\ncommitter C <c@x> 1700000000 +0000\n\nodd zone\n"
	g.write("commit.raw", raw)
	id := g.git("hash-object", "-t", "commit", "--literally", "-w", "commit.raw")
	g.remove("commit.raw")
	g.git("update-ref", "refs/heads/main", id)
	state := filepath.Join(t.TempDir(), "walk.state")
	walkWithState(t, g.dir, state)
	if _, st := walkWithState(t, g.dir, state); st.Cached != 2 {
		t.Fatalf("%+v: the state was not used", st)
	}
}
