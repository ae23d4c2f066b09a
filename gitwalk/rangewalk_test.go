package gitwalk

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// introduced lists "path@commit" for every (blob, path) of ix, sorted, with
// the commit named through names (id -> name).
func introduced(ix *Index, names map[string]string) []string {
	var out []string
	for _, b := range ix.Blobs() {
		for _, o := range ix.Origins(b) {
			out = append(out, fmt.Sprintf("%s=%.7s@%s", o.Path, b, names[o.Commit.ID]))
		}
	}
	sort.Strings(out)
	return out
}

func rangeWant(pairs ...string) []string {
	sort.Strings(pairs)
	return pairs
}

func checkIntroduced(t *testing.T, what string, ix *Index, names map[string]string, wants []string) {
	t.Helper()
	if got := introduced(ix, names); !slices.Equal(got, wants) {
		t.Errorf("%s: introduced\n got  %s\n want %s", what, strings.Join(got, " "), strings.Join(wants, " "))
	}
}

func rangeOf(t *testing.T, r *Repo, base, tip string) *RangeIndex {
	t.Helper()
	ri, err := r.WalkRange(context.Background(), base, tip)
	if err != nil {
		t.Fatalf("WalkRange(%s, %s): %v", base, tip, err)
	}
	return ri
}

// TestWalkRange: linear history, copies, renames, a merge with a hand-made
// resolution, and the range's order, origins and prior blobs.
func TestWalkRange(t *testing.T) {
	g := newGitRepo(t)
	names := map[string]string{}
	commit := func(name string) string {
		id := g.commit(name)
		names[id] = name
		return id
	}
	g.write("a.txt", "A1\n")
	g.write("dir/keep.txt", "K\n")
	c1 := commit("c1")
	g.write("a.txt", "A2\n")
	g.write("b.txt", "B1\n")
	c2 := commit("c2")
	g.write("c.txt", "A1\n") // a blob older than the range, at a new path
	g.write("b.txt", "B2\n")
	g.git("mv", "dir", "moved")
	c3 := commit("c3")

	a1, a2, b1, b2, k := blobID("A1\n"), blobID("A2\n"), blobID("B1\n"), blobID("B2\n"), blobID("K\n")
	short := func(h plumbing.Hash) string { return h.String()[:7] }

	r := openRepo(t, g.dir)
	ri := rangeOf(t, r, c1, c3)
	checkIntroduced(t, "c1..c3", ri.Index, names, rangeWant(
		"a.txt="+short(a2)+"@c2", "b.txt="+short(b1)+"@c2",
		"b.txt="+short(b2)+"@c3", "c.txt="+short(a1)+"@c3", "moved/keep.txt="+short(k)+"@c3",
	))
	if ri.Commits() != 2 || ri.Commit(0).ID != c2 || ri.Commit(1).ID != c3 {
		t.Errorf("commits: %d, want c2 then c3", ri.Commits())
	}
	if p := ri.Prior(b2, "b.txt"); len(p) != 1 || p[0] != b1 {
		t.Errorf("Prior(B2, b.txt) = %v, want [B1]", p)
	}
	if p := ri.Prior(a1, "c.txt"); len(p) != 0 {
		t.Errorf("Prior(A1, c.txt) = %v, want none (a new path)", p)
	}
	if h, ok := ri.HeadBlob("moved/keep.txt"); !ok || h != k {
		t.Errorf("HeadBlob(moved/keep.txt) = %v %v, want the tip's blob", h, ok)
	}
	// ReadBlobs delivers exactly the introduced blobs.
	got, n, err := readAll(t, r, ri.Index, 0)
	if err != nil || n != 5 || string(got[b2].Data) != "B2\n" {
		t.Errorf("ReadBlobs: %d blobs, err %v", n, err)
	}

	// HeadBlob is the tip's tree, not HEAD's.
	ri = rangeOf(t, r, c1, c2)
	if h, ok := ri.HeadBlob("b.txt"); !ok || h != b1 {
		t.Errorf("range c1..c2: HeadBlob(b.txt) = %v %v, want B1 (the tip's)", h, ok)
	}
	if _, ok := ri.HeadBlob("c.txt"); ok {
		t.Errorf("range c1..c2: HeadBlob(c.txt) found, but the tip has no c.txt")
	}

	// No base (or forty zeros): all of the tip's history, the root commit
	// introducing everything it holds.
	for _, base := range []string{"", strings.Repeat("0", 40)} {
		ri = rangeOf(t, r, base, c2)
		checkIntroduced(t, "all of c2", ri.Index, names, rangeWant(
			"a.txt="+short(a1)+"@c1", "dir/keep.txt="+short(k)+"@c1",
			"a.txt="+short(a2)+"@c2", "b.txt="+short(b1)+"@c2",
		))
	}
	// Revisions: refs and ~ suffixes; an empty range.
	ri = rangeOf(t, r, "main~1", "main")
	if ri.Commits() != 1 || ri.Commit(0).ID != c3 {
		t.Errorf("main~1..main: want c3 only")
	}
	ri = rangeOf(t, r, c3, c1)
	if ri.Commits() != 0 || ri.NumBlobs() != 0 {
		t.Errorf("c3..c1: %d commits, %d blobs; want none", ri.Commits(), ri.NumBlobs())
	}
	if _, err := r.WalkRange(context.Background(), "nosuchref", c3); err == nil || !strings.Contains(err.Error(), "unknown revision") {
		t.Errorf("unknown base: err %v", err)
	}
	missing := strings.Repeat("ab", 20)
	if _, err := r.WalkRange(context.Background(), missing, c3); err == nil || !strings.Contains(err.Error(), "not in the repository") {
		t.Errorf("missing base commit: err %v", err)
	}
}

func TestWalkRangeMerge(t *testing.T) {
	g := newGitRepo(t)
	names := map[string]string{}
	commit := func(name string) string {
		id := g.commit(name)
		names[id] = name
		return id
	}
	g.write("conf.txt", "base\n")
	m1 := commit("m1")
	g.git("checkout", "-q", "-b", "feature")
	g.write("x.txt", "X\n")
	g.write("conf.txt", "feature\n")
	f1 := commit("f1")
	g.git("checkout", "-q", "main")
	g.write("y.txt", "Y\n")
	g.write("conf.txt", "main\n")
	m2 := commit("m2")
	// Merge with a conflict on conf.txt, resolved by hand to new content.
	if out, err := g.run("merge", "-q", "--no-edit", "feature"); err == nil {
		t.Fatalf("fixture: the merge should conflict:\n%s", out)
	}
	g.write("conf.txt", "resolved\n")
	g.write("z.txt", "Z\n") // added while resolving
	merge := commit("merge")
	_ = f1

	x, y, z, res := blobID("X\n"), blobID("Y\n"), blobID("Z\n"), blobID("resolved\n")
	fc, mc := blobID("feature\n"), blobID("main\n")
	s := func(h plumbing.Hash) string { return h.String()[:7] }

	r := openRepo(t, g.dir)
	ri := rangeOf(t, r, m1, merge)
	checkIntroduced(t, "m1..merge", ri.Index, names, rangeWant(
		"x.txt="+s(x)+"@f1", "conf.txt="+s(fc)+"@f1",
		"y.txt="+s(y)+"@m2", "conf.txt="+s(mc)+"@m2",
		"conf.txt="+s(res)+"@merge", "z.txt="+s(z)+"@merge",
	))
	if ri.Commits() != 3 || ri.Commit(2).ID != merge {
		t.Errorf("m1..merge: %d commits, the merge last; want 3", ri.Commits())
	}
	if p := ri.Prior(res, "conf.txt"); len(p) != 2 || !slices.Contains(p, fc) || !slices.Contains(p, mc) {
		t.Errorf("Prior(resolved, conf.txt) = %v, want both parents' versions", p)
	}
	// From m2: the feature branch's commit is not reachable from m2, so it is
	// in the range; m2 is not.
	ri = rangeOf(t, r, m2, merge)
	checkIntroduced(t, "m2..merge", ri.Index, names, rangeWant(
		"x.txt="+s(x)+"@f1", "conf.txt="+s(fc)+"@f1",
		"conf.txt="+s(res)+"@merge", "z.txt="+s(z)+"@merge",
	))
	// Several ranges: the union, each range with its own bases.
	ri2, err := r.WalkRanges(context.Background(), []Range{
		{Tips: []plumbing.Hash{plumbing.NewHash(m2)}, Bases: []plumbing.Hash{plumbing.NewHash(m1)}},
		{Tips: []plumbing.Hash{plumbing.NewHash(f1)}, Bases: []plumbing.Hash{plumbing.NewHash(m2)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkIntroduced(t, "m1..m2 + m2..f1", ri2.Index, names, rangeWant(
		"x.txt="+s(x)+"@f1", "conf.txt="+s(fc)+"@f1",
		"y.txt="+s(y)+"@m2", "conf.txt="+s(mc)+"@m2",
	))
	if h, ok := ri2.HeadBlob("y.txt"); !ok || h != y {
		t.Errorf("several ranges: HeadBlob is the first tip's tree")
	}
}

// TestWalkRangeClockSkew: committer dates that go back in time may make the
// walk select more, never less.
func TestWalkRangeClockSkew(t *testing.T) {
	g := newGitRepo(t)
	g.write("a.txt", "1\n")
	m1 := g.commitAt("m1", baseTime+10*3600)
	g.write("a.txt", "2\n")
	m2 := g.commitAt("m2", baseTime+20*3600)
	g.git("checkout", "-q", "-b", "side", m1)
	g.write("s.txt", "S\n")
	s1 := g.commitAt("s1 (dated before its parent)", baseTime)
	r := openRepo(t, g.dir)
	ri := rangeOf(t, r, m2, s1)
	if ri.Commits() != 1 || ri.Commit(0).ID != s1 {
		t.Fatalf("m2..s1: %d commits, want s1 only", ri.Commits())
	}
	if _, ok := ri.Origin(blobID("S\n"), "s.txt"); !ok || ri.NumBlobs() != 1 {
		t.Errorf("m2..s1: want s.txt only, got %d blobs", ri.NumBlobs())
	}
}

func TestRemoteTrackingTips(t *testing.T) {
	g := newGitRepo(t)
	g.write("a.txt", "1\n")
	c1 := g.commit("c1")
	g.write("a.txt", "2\n")
	c2 := g.commit("c2")
	g.git("update-ref", "refs/remotes/origin/main", c1)
	g.git("update-ref", "refs/remotes/up/x", c2)
	g.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	r := openRepo(t, g.dir)
	tips, err := r.RemoteTrackingTips()
	if err != nil {
		t.Fatal(err)
	}
	if len(tips) != 2 || tips[0].String() != c1 || tips[1].String() != c2 {
		t.Errorf("RemoteTrackingTips = %v, want [c1 c2]", tips)
	}
	if !r.HasCommit(plumbing.NewHash(c1)) || r.HasCommit(plumbing.NewHash(strings.Repeat("cd", 20))) {
		t.Errorf("HasCommit")
	}
}

func TestCompareTreeNames(t *testing.T) {
	// git sorts "a.b" < "a/" (dir a) < "a0", and a file "a" before "a.b".
	type e struct {
		name string
		dir  bool
	}
	sorted := []e{{"a", false}, {"a.b", false}, {"a", true}, {"a0", false}, {"b", true}}
	for i := range sorted {
		for j := range sorted {
			got := compareTreeNames([]byte(sorted[i].name), sorted[i].dir, []byte(sorted[j].name), sorted[j].dir)
			wantSign := 0
			if i < j {
				wantSign = -1
			} else if i > j {
				wantSign = 1
			}
			if (got < 0) != (wantSign < 0) || (got > 0) != (wantSign > 0) {
				t.Errorf("compare(%v, %v) = %d, want sign %d", sorted[i], sorted[j], got, wantSign)
			}
			got = compareTreeNameStrings(sorted[i].name, sorted[i].dir, sorted[j].name, sorted[j].dir)
			if (got < 0) != (wantSign < 0) || (got > 0) != (wantSign > 0) {
				t.Errorf("compareTreeNameStrings(%v, %v) = %d, want sign %d", sorted[i], sorted[j], got, wantSign)
			}
		}
	}
}
