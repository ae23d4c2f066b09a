package gitwalk

import (
	"bytes"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// TestPackFastPath reads every blob of packed repositories (OFS and REF
// deltas) through the pack fast path directly and checks it neither falls
// back nor disagrees with go-git's storer.
func TestPackFastPath(t *testing.T) {
	t.Parallel()
	for _, refDeltas := range []bool{false, true} {
		g, contents := buildMixedRepo(t, "none")
		g.git("-c", "repack.useDeltaBaseOffset="+map[bool]string{false: "true", true: "false"}[refDeltas],
			"repack", "-adf", "-q", "--depth=3")
		r, ix := walkRepo(t, g.dir)

		r.mu.Lock()
		items, ps := r.packOrder(ix.blobs)
		packs := ps.packs
		deltas := 0
		for _, it := range items {
			if it.pack >= len(packs) {
				t.Fatalf("refDeltas=%v: blob %s not found in a pack", refDeltas, it.id)
			}
			pr := packs[it.pack]
			if h, err := pr.window().header(it.offset); err == nil && (h.typ == plumbing.OFSDeltaObject || h.typ == plumbing.REFDeltaObject) {
				deltas++
				if got := h.typ == plumbing.REFDeltaObject; got != refDeltas {
					t.Fatalf("fixture: delta type %v, want REF deltas %v", h.typ, refDeltas)
				}
			}
			for _, maxSize := range []int64{1000, 0} {
				b, err := pr.readBlob(it.id, it.offset, maxSize)
				if err != nil {
					t.Fatalf("refDeltas=%v: fast path on %s (cap %d): %v", refDeltas, it.id, maxSize, err)
				}
				want, err := r.readBlob(it.id, maxSize, true)
				if err != nil {
					t.Fatal(err)
				}
				if b.Size != want.Size || b.Skipped != want.Skipped || !bytes.Equal(b.Data, want.Data) ||
					(!b.Skipped && string(b.Data) != contents[it.id]) {
					t.Errorf("refDeltas=%v: blob %s (cap %d): fast path %d/%v, go-git %d/%v",
						refDeltas, it.id, maxSize, b.Size, b.Skipped, want.Size, want.Skipped)
				}
			}
		}
		ps.close()
		r.mu.Unlock()
		if deltas == 0 {
			t.Errorf("refDeltas=%v: fixture has no deltas", refDeltas)
		}
	}
}

// TestPackFastPathNotABlob checks the fast path refuses a non-blob.
func TestPackFastPathNotABlob(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("d/f.txt", "x\n")
	c := g.commit("one")
	g.git("gc", "-q")
	tree := plumbing.NewHash(g.revParse(c + ":d"))
	r := openRepo(t, g.dir)
	dg := dotgit.New(r.fs)
	hashes, err := dg.ObjectPacks()
	if err != nil || len(hashes) != 1 {
		t.Fatalf("packs: %v %v", hashes, err)
	}
	pr, err := openPack(dg, 0, hashes[0], newBaseCache(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer pr.file.Close()
	off, err := pr.idx.FindOffset(tree)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pr.readBlob(tree, off, 0); err == nil {
		t.Errorf("fast path read a tree as a blob")
	}
}
