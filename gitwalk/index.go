package gitwalk

import (
	"sort"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Commit is a commit as far as provenance needs it. The *Commit values an
// Index returns are shared by every blob the commit introduced: do not
// modify them.
type Commit struct {
	ID     string    // full 40-hex id
	Author string    // author name
	Email  string    // author email
	When   time.Time // author time
	Order  int       // position in the oldest-first topological order (0 = oldest); lower = older

	// Ref is empty for a real commit. A ref that reaches a tree or a blob
	// without going through a commit (an annotated tag of a tree, a
	// lightweight tag of a blob, ...) is represented by a pseudo-commit with
	// Ref set to the full ref name (e.g. "refs/tags/v1-tree"). Its ID is the
	// id of the tag object that points at the tree or blob, or the id of the
	// tree or blob itself when no tag object is involved; Author, Email and
	// When come from the tagger (zero without a tag object). Pseudo-commits
	// come after all real commits in Order.
	Ref string
}

// Origin is where a blob first appeared at one path: the first commit, in
// the oldest-first topological order, whose tree held the blob at Path.
type Origin struct {
	Commit *Commit
	Path   string
}

// occKey identifies one (blob, path) pair; the path is interned.
type occKey struct {
	blob plumbing.Hash
	path uint32
}

// Index is the result of one walk of history: every blob reachable from any
// ref, the paths it was seen at, the commit that introduced it at each path,
// and HEAD's tree. An Index is immutable once Walk returns it and is safe for
// concurrent reads.
type Index struct {
	commits []Commit // real commits in topological order, then pseudo-commits
	nreal   int      // number of real commits

	paths   []string          // interned paths (files and directories) by id
	pathIDs map[string]uint32 // inverse of paths

	origin map[occKey]uint32          // (blob, path) -> index into commits
	byBlob map[plumbing.Hash][]uint32 // blob -> path ids, sorted by path
	blobs  []plumbing.Hash            // all blobs, sorted

	head map[uint32]plumbing.Hash // HEAD tree: path id -> blob
}

func newIndex() *Index {
	ix := &Index{
		pathIDs: make(map[string]uint32),
		origin:  make(map[occKey]uint32),
		head:    make(map[uint32]plumbing.Hash),
	}
	return ix
}

// intern returns the id of path p, adding it if new. The map lookup with
// string(p) does not allocate; only a new path is copied.
func (ix *Index) intern(p []byte) uint32 {
	if id, ok := ix.pathIDs[string(p)]; ok {
		return id
	}
	s := string(p)
	id := uint32(len(ix.paths))
	ix.paths = append(ix.paths, s)
	ix.pathIDs[s] = id
	return id
}

// finish builds the per-blob views once the walk is complete.
func (ix *Index) finish() {
	ix.byBlob = make(map[plumbing.Hash][]uint32)
	for k := range ix.origin {
		ix.byBlob[k.blob] = append(ix.byBlob[k.blob], k.path)
	}
	ix.blobs = make([]plumbing.Hash, 0, len(ix.byBlob))
	for b, ps := range ix.byBlob {
		if len(ps) > 1 {
			sort.Slice(ps, func(i, j int) bool { return ix.paths[ps[i]] < ix.paths[ps[j]] })
		}
		ix.blobs = append(ix.blobs, b)
	}
	plumbing.HashesSort(ix.blobs)
}

// NumBlobs returns the number of distinct blobs in the index.
func (ix *Index) NumBlobs() int { return len(ix.blobs) }

// Blobs returns every blob id in the index, sorted by id. The slice is
// shared: do not modify it.
func (ix *Index) Blobs() []plumbing.Hash { return ix.blobs }

// Has reports whether blob is in the index.
func (ix *Index) Has(blob plumbing.Hash) bool {
	_, ok := ix.byBlob[blob]
	return ok
}

// Paths returns the distinct paths blob was seen at, sorted. Paths are
// relative to the repository root with '/' separators; for a tree reached
// through a tag without a commit they start with the tag's short name, and a
// blob reached that way has the tag's short name as its path.
func (ix *Index) Paths(blob plumbing.Hash) []string {
	ids := ix.byBlob[blob]
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ix.paths[id]
	}
	return out
}

// Origin returns the first commit (oldest in topological order) whose tree
// held blob at path.
func (ix *Index) Origin(blob plumbing.Hash, path string) (*Commit, bool) {
	id, ok := ix.pathIDs[path]
	if !ok {
		return nil, false
	}
	c, ok := ix.origin[occKey{blob, id}]
	if !ok {
		return nil, false
	}
	return &ix.commits[c], true
}

// Origins returns the origin of blob at each of its paths, sorted by path.
func (ix *Index) Origins(blob plumbing.Hash) []Origin {
	ids := ix.byBlob[blob]
	if len(ids) == 0 {
		return nil
	}
	out := make([]Origin, len(ids))
	for i, id := range ids {
		out[i] = Origin{Commit: &ix.commits[ix.origin[occKey{blob, id}]], Path: ix.paths[id]}
	}
	return out
}

// HeadBlob returns the blob at path in HEAD's tree. It is false when HEAD is
// unborn, when path is absent from HEAD's tree, and for directories and
// submodules.
func (ix *Index) HeadBlob(path string) (plumbing.Hash, bool) {
	id, ok := ix.pathIDs[path]
	if !ok {
		return plumbing.ZeroHash, false
	}
	h, ok := ix.head[id]
	return h, ok
}

// HeadPaths returns the number of blobs (files and symlinks) in HEAD's tree.
func (ix *Index) HeadPaths() int { return len(ix.head) }

// Commits returns the number of commits walked (pseudo-commits for refs to
// trees or blobs are not counted).
func (ix *Index) Commits() int { return ix.nreal }

// Commit returns the commit at position order in the oldest-first
// topological order (pseudo-commits follow the real ones), or nil.
func (ix *Index) Commit(order int) *Commit {
	if order < 0 || order >= len(ix.commits) {
		return nil
	}
	return &ix.commits[order]
}
