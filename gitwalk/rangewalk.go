package gitwalk

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Range selects commits the way `git rev-list TIPS --not BASES` does: those
// reachable from any of Tips and from none of Bases. Without Bases it is
// every commit reachable from Tips.
type Range struct {
	Tips, Bases []plumbing.Hash
}

// RangeIndex is the Index of a range walk: the blobs that commits of the
// range introduced, at the paths where they introduced them. Pass its Index
// to ReadBlobs.
type RangeIndex struct {
	*Index
	// prior holds, for each (blob, path) of the index, the other blobs that
	// the parents of its origin commit held at that path.
	prior map[occKey][]plumbing.Hash
}

// Prior returns the blobs that the parents of blob's origin commit at path
// held at that same path: the content the origin commit replaced (none for a
// file it added, renamed or copied there). A secret found in blob that one of
// them also holds was not introduced by the range.
func (ri *RangeIndex) Prior(blob plumbing.Hash, path string) []plumbing.Hash {
	id, ok := ri.pathIDs[path]
	if !ok {
		return nil
	}
	return ri.prior[occKey{blob, id}]
}

// ResolveRevision resolves a revision (a full or abbreviated commit id, a
// ref or branch or tag name, HEAD, and the ~ and ^ suffixes) to a commit
// id, with go-git's revision parser. An annotated tag resolves to the
// commit it tags.
func (r *Repo) ResolveRevision(rev string) (plumbing.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return plumbing.ZeroHash, ErrClosed
	}
	repo, err := git.Open(r.st, nil)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("gitwalk: resolving %q: %w", rev, err)
	}
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) || errors.Is(err, plumbing.ErrObjectNotFound) {
			if plumbing.IsHash(rev) {
				return plumbing.ZeroHash, fmt.Errorf("gitwalk: commit %s is not in the repository (a shallow or partial clone?)", rev)
			}
			return plumbing.ZeroHash, fmt.Errorf("gitwalk: unknown revision %q", rev)
		}
		return plumbing.ZeroHash, fmt.Errorf("gitwalk: resolving %q: %w", rev, err)
	}
	return *h, nil
}

// HasCommit reports whether the repository holds commit id (or a tag that
// leads to a commit).
func (r *Repo) HasCommit(id plumbing.Hash) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return false
	}
	w := r.newWalker(context.Background())
	defer w.packs.close()
	_, typ, err := w.peel("commit", id)
	return err == nil && typ == plumbing.CommitObject
}

// RemoteTrackingTips returns the commits that the remote-tracking refs
// (refs/remotes/*) point at, tags peeled; symbolic refs such as
// refs/remotes/origin/HEAD and refs to trees or blobs are left out.
func (r *Repo) RemoteTrackingTips() ([]plumbing.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, ErrClosed
	}
	iter, err := r.st.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("gitwalk: listing refs: %w", err)
	}
	var refs []*plumbing.Reference
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && strings.HasPrefix(ref.Name().String(), "refs/remotes/") {
			refs = append(refs, ref)
		}
		return nil
	})
	iter.Close()
	if err != nil {
		return nil, fmt.Errorf("gitwalk: listing refs: %w", err)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name() < refs[j].Name() })
	w := r.newWalker(context.Background())
	defer w.packs.close()
	var out []plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for _, ref := range refs {
		target, typ, err := w.peel(ref.Name(), ref.Hash())
		if err != nil {
			return nil, err
		}
		if typ == plumbing.CommitObject && !seen[target] {
			seen[target] = true
			out = append(out, target)
		}
	}
	return out, nil
}

// WalkRange is WalkRanges of the one range base..tip, both revisions
// (see ResolveRevision). An empty base, or one of forty zeros (what git and
// CI systems pass for a branch that did not exist before), selects every
// commit reachable from tip.
func (r *Repo) WalkRange(ctx context.Context, base, tip string) (*RangeIndex, error) {
	t, err := r.ResolveRevision(tip)
	if err != nil {
		return nil, err
	}
	rg := Range{Tips: []plumbing.Hash{t}}
	if base != "" && strings.Trim(base, "0") != "" {
		b, err := r.ResolveRevision(base)
		if err != nil {
			return nil, err
		}
		rg.Bases = []plumbing.Hash{b}
	}
	return r.WalkRanges(ctx, []Range{rg})
}

// WalkRanges builds the Index of the commits that the union of ranges
// selects: every blob that one of them introduced, at the path where it
// introduced it. A commit introduces a blob at a path when its tree holds
// the blob there and none of its parents' trees (inside the range or not)
// holds that same blob at that path; a merge commit thus introduces what it
// resolved by hand, and a root commit everything it holds. The origin of a
// (blob, path) is the oldest such commit of the range, in the same
// oldest-first topological order as Walk; Origin, Paths and ReadBlobs work
// as for Walk's Index. HeadBlob refers to the tree of the first tip of the
// first range (the commit being pushed or tested), not to HEAD.
//
// The commits are chosen as git's revision walk does: newest committer date
// first from tips and bases together, marking the ancestors of bases, until
// only commits reachable from bases remain queued and none of them is newer
// than the oldest selected commit. With committer dates that go back in time
// the walk may select a few commits that bases reach (never fewer than it
// should), and its cost is proportional to the commits between the range
// and the bases' merge base, not to the history. Commits listed in
// .git/shallow have no parents. A missing commit or tree is an error.
func (r *Repo) WalkRanges(ctx context.Context, ranges []Range) (*RangeIndex, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, ErrClosed
	}
	w := r.newWalker(ctx)
	defer w.packs.close()
	shallow, err := readShallow(w)
	if err != nil {
		return nil, err
	}
	// Each range is walked on its own (a base of one range must not hide
	// commits of another); the index is built over their union.
	all := &rangeWalker{walker: w, nodes: map[plumbing.Hash]*rnode{}, shallow: shallow}
	var selected []*rnode
	var head plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for _, rg := range ranges {
		if head.IsZero() && len(rg.Tips) > 0 {
			head = rg.Tips[0]
		}
		one := &rangeWalker{walker: w, nodes: map[plumbing.Hash]*rnode{}, shallow: shallow}
		for _, t := range rg.Tips {
			if err := one.push(t, false); err != nil {
				return nil, err
			}
		}
		for _, b := range rg.Bases {
			if err := one.push(b, true); err != nil {
				return nil, err
			}
		}
		sel, err := one.limit()
		if err != nil {
			return nil, err
		}
		for _, n := range sel {
			if !seen[n.id] {
				seen[n.id] = true
				selected = append(selected, n)
			}
		}
		for id, n := range one.nodes {
			if _, ok := all.nodes[id]; !ok {
				all.nodes[id] = n
			}
		}
	}
	return all.index(selected, head)
}

// newWalker returns a walker over r's packs; the caller closes w.packs.
// r.mu must be held.
func (r *Repo) newWalker(ctx context.Context) *walker {
	return &walker{
		ctx:      ctx,
		st:       r.st,
		packs:    r.openPacks(false),
		ix:       newIndex(),
		tipSeen:  make(map[plumbing.Hash]bool),
		seenTree: make(map[treeKey]struct{}),
	}
}

// rnode is a commit met by the range walk.
type rnode struct {
	node
	reached       bool // reachable from a tip
	uninteresting bool // reachable from a base
	queued        bool // in the queue now
	popped        bool // taken from the queue: its parents are known
}

type rangeWalker struct {
	*walker
	nodes   map[plumbing.Hash]*rnode
	shallow map[plumbing.Hash]bool
	queue   dateQueue
	// live counts the queued commits that are not uninteresting.
	live int
	// oldest is the smallest committer time of a selected commit so far.
	oldest    int64
	anyOldest bool
}

func readShallow(w *walker) (map[plumbing.Hash]bool, error) {
	sh, err := w.st.Shallow()
	if err != nil {
		return nil, fmt.Errorf("gitwalk: reading shallow list: %w", err)
	}
	shallow := map[plumbing.Hash]bool{}
	for _, h := range sh {
		shallow[h] = true
	}
	return shallow, nil
}

// get returns the node of commit id, reading the commit the first time.
// With peelTags, id may also name a tag that leads to a commit (a tip or
// base); parents are always commits.
func (rw *rangeWalker) get(id plumbing.Hash, where string, peelTags bool) (*rnode, error) {
	if n, ok := rw.nodes[id]; ok {
		return n, nil
	}
	if err := rw.tick(); err != nil {
		return nil, err
	}
	target := id
	if peelTags {
		t, typ, err := rw.peel(plumbing.ReferenceName(where), id)
		if err != nil {
			return nil, err
		}
		if typ != plumbing.CommitObject {
			return nil, objErr("reading", "commit", id, where, fmt.Errorf("a %s, not a commit", typ))
		}
		if n, ok := rw.nodes[t]; ok {
			rw.nodes[id] = n
			return n, nil
		}
		target = t
	}
	c, err := rw.readCommit(target, where)
	if err != nil {
		return nil, err
	}
	n := &rnode{node: node{
		id:    target,
		tree:  c.TreeHash,
		ctime: c.Committer.When.UnixNano(),
		commit: Commit{
			ID:     target.String(),
			Author: c.Author.Name,
			Email:  c.Author.Email,
			When:   c.Author.When,
		},
	}}
	if !rw.shallow[target] {
		n.parents = c.ParentHashes
	}
	rw.nodes[target] = n
	rw.nodes[id] = n
	return n, nil
}

// push queues commit id as reached from a tip or, when base is set, from a
// base.
func (rw *rangeWalker) push(id plumbing.Hash, base bool) error {
	where := "range tip"
	if base {
		where = "range base"
	}
	n, err := rw.get(id, where, true)
	if err != nil {
		return err
	}
	if base {
		rw.markUninteresting(n)
	} else {
		n.reached = true
	}
	rw.enqueue(n)
	return nil
}

func (rw *rangeWalker) enqueue(n *rnode) {
	if n.queued || n.popped {
		return
	}
	n.queued = true
	if !n.uninteresting {
		rw.live++
	}
	heap.Push(&rw.queue, n)
}

// markUninteresting marks n and every ancestor of it already met as
// reachable from a base.
func (rw *rangeWalker) markUninteresting(n *rnode) {
	stack := []*rnode{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.uninteresting {
			continue
		}
		n.uninteresting = true
		if n.queued {
			rw.live--
		}
		if n.popped {
			for _, p := range n.parents {
				if pn, ok := rw.nodes[p]; ok {
					stack = append(stack, pn)
				}
			}
		}
	}
}

// limit runs the walk and returns the selected commits.
func (rw *rangeWalker) limit() ([]*rnode, error) {
	var order []*rnode
	for rw.queue.Len() > 0 {
		if rw.live == 0 && (!rw.anyOldest || rw.queue.items[0].ctime < rw.oldest) {
			break
		}
		n := heap.Pop(&rw.queue).(*rnode)
		n.queued = false
		n.popped = true
		if !n.uninteresting {
			rw.live--
			if n.reached && (!rw.anyOldest || n.ctime < rw.oldest) {
				rw.oldest, rw.anyOldest = n.ctime, true
			}
		}
		order = append(order, n)
		for _, p := range n.parents {
			pn, err := rw.get(p, "parent of commit "+n.id.String(), false)
			if err != nil {
				return nil, err
			}
			if n.uninteresting {
				rw.markUninteresting(pn)
			} else if n.reached {
				pn.reached = true
			}
			rw.enqueue(pn)
		}
	}
	var sel []*rnode
	for _, n := range order {
		if n.reached && !n.uninteresting {
			sel = append(sel, n)
		}
	}
	return sel, nil
}

// index orders the selected commits oldest first, records what each one
// introduced, and records the tree of head as the Index's HEAD tree.
func (rw *rangeWalker) index(sel []*rnode, head plumbing.Hash) (*RangeIndex, error) {
	nodes := make([]node, len(sel))
	for i, n := range sel {
		nodes[i] = n.node
	}
	order, err := topoOrder(nodes)
	if err != nil {
		return nil, err
	}
	ix := rw.ix
	ri := &RangeIndex{Index: ix, prior: map[occKey][]plumbing.Hash{}}
	ix.nreal = len(order)
	ix.commits = make([]Commit, len(order))
	for k, i := range order {
		ix.commits[k] = nodes[i].commit
		ix.commits[k].Order = k
	}
	root := ix.intern(nil)
	for k, i := range order {
		n := &nodes[i]
		var ptrees []plumbing.Hash
		for _, p := range n.parents {
			pn, err := rw.get(p, "parent of commit "+n.id.String(), false)
			if err != nil {
				return nil, err
			}
			ptrees = append(ptrees, pn.tree)
		}
		rw.path = rw.path[:0]
		if err := rw.diffTree(ri, n.tree, ptrees, root, uint32(k)); err != nil {
			return nil, err
		}
	}
	if !head.IsZero() {
		hn, err := rw.get(head, "range tip", true)
		if err != nil {
			return nil, err
		}
		rw.path = rw.path[:0]
		if err := rw.walkTree(hn.tree, root, 0, 0, true); err != nil {
			return nil, err
		}
	}
	ix.finish()
	return ri, nil
}

// diffTree records the blobs that tree id (at rw.path, interned as prefix)
// of commit holds and that none of the parent trees (zero: no tree at that
// path) holds at the same path.
func (rw *rangeWalker) diffTree(ri *RangeIndex, id plumbing.Hash, parents []plumbing.Hash, prefix, commit uint32) error {
	for _, p := range parents {
		if p == id {
			return nil // a parent holds this whole subtree
		}
	}
	data, err := rw.stableTree(id, commit)
	if err != nil {
		return err
	}
	cursors := make([]treeCursor, 0, len(parents))
	for _, p := range parents {
		c := treeCursor{}
		if !p.IsZero() {
			pd, err := rw.stableTree(p, commit)
			if err != nil {
				return err
			}
			c.data = pd
			if err := c.next(); err != nil {
				return objErr("decoding", "tree", p, rw.where(), err)
			}
		}
		cursors = append(cursors, c)
	}
	ix := rw.ix
	base := len(rw.path)
	defer func() { rw.path = rw.path[:base] }()
	var matched []treeEntry
	for len(data) > 0 {
		var e treeEntry
		e, data, err = nextTreeEntry(data)
		if err != nil {
			rw.path = rw.path[:base]
			return objErr("decoding", "tree", id, rw.where(), err)
		}
		kind := e.kind()
		if kind == kindGitlink {
			continue
		}
		matched = matched[:0]
		for j := range cursors {
			c := &cursors[j]
			for c.ok && compareTreeNames(c.cur.name, c.cur.kind() == kindTree, e.name, kind == kindTree) < 0 {
				if err := c.next(); err != nil {
					return objErr("decoding", "tree", parents[j], rw.where(), err)
				}
			}
			if c.ok && compareTreeNames(c.cur.name, c.cur.kind() == kindTree, e.name, kind == kindTree) == 0 {
				matched = append(matched, c.cur)
			} else {
				matched = append(matched, treeEntry{}) // zero id: nothing there
			}
		}
		rw.path = rw.path[:base]
		if base > 0 {
			rw.path = append(rw.path, '/')
		}
		rw.path = append(rw.path, e.name...)
		switch kind {
		case kindTree:
			sub := make([]plumbing.Hash, len(matched))
			for j, m := range matched {
				if m.kind() == kindTree {
					sub[j] = m.id
				}
			}
			if err := rw.diffTree(ri, e.id, sub, ix.intern(rw.path), commit); err != nil {
				return err
			}
		case kindBlob:
			held := false
			var prior []plumbing.Hash
			for _, m := range matched {
				if m.id.IsZero() || m.kind() != kindBlob {
					continue
				}
				if m.id == e.id {
					held = true
					break
				}
				if !containsHash(prior, m.id) {
					prior = append(prior, m.id)
				}
			}
			if held {
				continue
			}
			key := occKey{e.id, ix.intern(rw.path)}
			if _, ok := ix.origin[key]; !ok {
				ix.origin[key] = commit
				if len(prior) > 0 {
					ri.prior[key] = prior
				}
			}
		}
	}
	return nil
}

func containsHash(hs []plumbing.Hash, h plumbing.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// where names rw.path for errors.
func (rw *rangeWalker) where() string {
	if len(rw.path) == 0 {
		return "root tree"
	}
	return "at " + string(rw.path) + "/"
}

// stableTree reads tree id; unlike readTree's, its result stays valid
// while other trees are read (diffTree holds a tree and its parents' trees
// at each level).
func (rw *rangeWalker) stableTree(id plumbing.Hash, commit uint32) ([]byte, error) {
	data, err := rw.readTree(id, 0, commit, false)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && len(rw.bufs[0]) > 0 && &data[0] == &rw.bufs[0][0] {
		data = bytes.Clone(data) // the storer's copy lives in a reused buffer
	}
	return data, nil
}

// treeCursor steps through the entries of a raw tree.
type treeCursor struct {
	data []byte
	cur  treeEntry
	ok   bool
}

func (c *treeCursor) next() error {
	if len(c.data) == 0 {
		c.ok = false
		return nil
	}
	e, rest, err := nextTreeEntry(c.data)
	if err != nil {
		c.ok = false
		return err
	}
	c.cur, c.data, c.ok = e, rest, true
	return nil
}

// compareTreeNames orders tree entry names as git sorts them in a tree: by
// bytes, a directory's name compared as if it ended with '/'.
func compareTreeNames(a []byte, aDir bool, b []byte, bDir bool) int {
	return compareNames(a, aDir, b, bDir)
}

// compareNames is compareTreeNames for names held as strings or as bytes.
func compareNames[T string | []byte](a T, aDir bool, b T, bDir bool) int {
	n := min(len(a), len(b))
	for i := range n { // indexing: no conversion, no allocation
		if a[i] != b[i] {
			return cmp.Compare(a[i], b[i])
		}
	}
	var ca, cb byte
	if len(a) > n {
		ca = a[n]
	} else if aDir {
		ca = '/'
	}
	if len(b) > n {
		cb = b[n]
	} else if bDir {
		cb = '/'
	}
	return cmp.Compare(ca, cb)
}

// dateQueue is a max-heap of commits by committer time (newest first), then
// by id.
type dateQueue struct{ items []*rnode }

func (q *dateQueue) Len() int { return len(q.items) }
func (q *dateQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if a.ctime != b.ctime {
		return a.ctime > b.ctime
	}
	return bytes.Compare(a.id[:], b.id[:]) < 0
}
func (q *dateQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *dateQueue) Push(x any)    { q.items = append(q.items, x.(*rnode)) }
func (q *dateQueue) Pop() any {
	x := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return x
}
