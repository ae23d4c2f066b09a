package gitwalk

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// maxTagChain bounds how many tag objects are followed from one ref.
const maxTagChain = 64

// ctxCheckEvery is how many objects are read between context checks.
const ctxCheckEvery = 256

// pseudoRoot is a ref that reaches a tree or blob without a commit.
type pseudoRoot struct {
	ref    plumbing.ReferenceName
	tag    *object.Tag // the tag object pointing at target; nil if none
	target plumbing.Hash
	kind   plumbing.ObjectType // TreeObject or BlobObject
}

// node is a commit while the graph is being ordered.
type node struct {
	id      plumbing.Hash
	tree    plumbing.Hash
	ctime   int64 // committer time, Unix nanoseconds
	parents []plumbing.Hash
	commit  Commit // Order not yet set
}

type walker struct {
	ctx   context.Context
	st    *filesystem.Storage
	packs *packSet // fast path for commits and trees; st for the rest
	ix    *Index
	reads int // objects read, for context checks

	tips    []plumbing.Hash
	tipSeen map[plumbing.Hash]bool
	roots   []pseudoRoot
	head    plumbing.Hash // HEAD's peeled target (commit or tree), zero if unborn
	headTyp plumbing.ObjectType

	seenTree map[treeKey]struct{}
	last     map[uint32][]byte // by prefix: a copy of the last tree walked there
	bufs     [][]byte          // tree content buffers, one per depth
	path     []byte            // path being built
}

type treeKey struct {
	tree   plumbing.Hash
	prefix uint32
}

// Walk walks every commit reachable from every ref — HEAD (attached or
// detached), branches, tags (lightweight and annotated, including tags of
// trees and blobs), remote-tracking refs, refs/stash, notes and any other
// ref under refs/ — and builds the Index.
//
// Commits are ordered oldest-first topologically: every parent before its
// children; among commits with no order between them, older committer time
// first, then smaller hash. Each commit's tree is walked in that order and,
// for every (blob, path) pair, the first commit holding it is recorded. A
// subtree already walked at the same path (same tree id, same prefix) is
// skipped, since an older commit already recorded its entries. Submodule
// entries (gitlinks) are skipped; symlinks are blobs. Refs that reach a tree
// or a blob without a commit are recorded under pseudo-commits (see
// Commit.Ref), the tree's paths prefixed with the ref's short name ("v1/..."
// for refs/tags/v1) and a blob's path being the short name itself.
//
// An empty repository (unborn HEAD, no refs) gives an empty Index. A missing
// or undecodable commit, tag or tree is an error naming the object (an
// *ObjectError); blobs are not read here. Commits listed in .git/shallow are
// treated as having no parents. Walk returns ctx's error if it is cancelled.
func (r *Repo) Walk(ctx context.Context) (*Index, error) {
	ix, _, err := r.walk(ctx, "")
	return ix, err
}

// WalkStats says how much of a walk a state file spared.
type WalkStats struct {
	// Cached is the number of commits the state file already held; New the
	// number walked this time.
	Cached, New int
}

// WalkWithState is Walk that keeps what it learns in stateFile (created or
// replaced, mode 0600) and, when the file holds an earlier walk of the same
// history, walks only the commits added since. The Index is the one Walk
// would build (the commits and trees of the earlier walk are not read again,
// so objects of theirs that have since gone missing are not noticed). The
// state is used only when it is certain to give that result: every commit it holds is still reachable from a ref, the shallow
// list is unchanged, and every new commit's committer time is later than
// every old one's (so that the oldest-first order keeps the old commits
// first); otherwise the whole history is walked and the file replaced. A
// missing or corrupt file is not an error; one that cannot be read or
// written is.
func (r *Repo) WalkWithState(ctx context.Context, stateFile string) (*Index, WalkStats, error) {
	return r.walk(ctx, stateFile)
}

func (r *Repo) walk(ctx context.Context, stateFile string) (ix *Index, stats WalkStats, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, stats, ErrClosed
	}
	var prev *walkState
	var treesDecoded chan struct{} // closed once prev's tree set is decoded
	if stateFile != "" {
		if prev, err = readWalkState(stateFile); errors.Is(err, errBadState) {
			prev = nil // replaced below
		} else if err != nil {
			return nil, stats, err
		}
		if prev != nil && prev.ntrees > 0 {
			// The tree set is needed only if there are commits to walk, known
			// later; decoding it meanwhile costs no wall time on two cores.
			treesDecoded = make(chan struct{})
			go func(s *walkState) {
				s.trees()
				close(treesDecoded)
			}(prev)
		}
	}
	w := &walker{
		ctx:      ctx,
		st:       r.st,
		packs:    r.openPacks(false),
		ix:       newIndex(),
		tipSeen:  make(map[plumbing.Hash]bool),
		seenTree: make(map[treeKey]struct{}),
		last:     make(map[uint32][]byte),
	}
	defer w.packs.close()
	if err := w.collectRefs(); err != nil {
		return nil, stats, err
	}
	shallow, err := w.st.Shallow()
	if err != nil {
		return nil, stats, fmt.Errorf("gitwalk: reading shallow list: %w", err)
	}
	plumbing.HashesSort(shallow)
	if prev != nil && !slices.Equal(prev.shallow, shallow) {
		prev = nil
	}
	var known map[plumbing.Hash]int32
	if prev != nil {
		known = make(map[plumbing.Hash]int32, len(prev.ids))
		for k, id := range prev.ids {
			known[id] = int32(k)
		}
	}
	nodes, boundary, err := w.loadCommits(shallow, known)
	if err != nil {
		return nil, stats, err
	}
	if prev != nil && !prev.extends(boundary, nodes) {
		prev = nil
		if nodes, _, err = w.loadCommits(shallow, nil); err != nil {
			return nil, stats, err
		}
	}
	order, err := topoOrder(nodes)
	if err != nil {
		return nil, stats, err
	}

	ix = w.ix
	base := 0
	if prev != nil {
		base = len(prev.commits)
		ix.paths, ix.origin = prev.paths, prev.origin
		if len(order) > 0 || len(w.roots) > 0 {
			if treesDecoded != nil {
				<-treesDecoded
			}
			w.seenTree = prev.trees()
		}
		ix.pathIDs = make(map[string]uint32, len(ix.paths))
		for i, p := range ix.paths {
			ix.pathIDs[p] = uint32(i)
		}
	}
	stats.Cached, stats.New = base, len(order)
	ix.nreal = base + len(order)
	ix.commits = make([]Commit, ix.nreal, ix.nreal+len(w.roots))
	if prev != nil {
		copy(ix.commits, prev.commits)
	}
	trees := make([]plumbing.Hash, len(order))
	for k, i := range order {
		ix.commits[base+k] = nodes[i].commit
		ix.commits[base+k].Order = base + k
		trees[k] = nodes[i].tree
	}

	root := ix.intern(nil)
	for k, tree := range trees {
		w.path = w.path[:0]
		if err := w.walkTree(tree, root, uint32(base+k), 0, false); err != nil {
			return nil, stats, err
		}
	}
	if stateFile != "" && (prev == nil || len(order) > 0) {
		// Encoded now, while the index holds only real commits; written
		// while the rest of the walk runs.
		data := w.state(prev, shallow, nodes, order).encode()
		written := make(chan error, 1)
		go func() { written <- writeWalkState(stateFile, data) }()
		defer func() {
			if werr := <-written; werr != nil && err == nil {
				ix, err = nil, werr
			}
		}()
	}

	for _, pr := range w.roots {
		k := uint32(len(ix.commits))
		c := Commit{ID: pr.target.String(), Order: int(k), Ref: pr.ref.String()}
		if pr.tag != nil {
			c.ID = pr.tag.Hash.String()
			c.Author = pr.tag.Tagger.Name
			c.Email = pr.tag.Tagger.Email
			c.When = pr.tag.Tagger.When
		}
		ix.commits = append(ix.commits, c)
		w.path = append(w.path[:0], shortRef(pr.ref)...)
		prefix := ix.intern(w.path)
		switch pr.kind {
		case plumbing.TreeObject:
			if err := w.walkTree(pr.target, prefix, k, 0, false); err != nil {
				return nil, stats, err
			}
		case plumbing.BlobObject:
			key := occKey{pr.target, prefix}
			if _, ok := ix.origin[key]; !ok {
				ix.origin[key] = k
			}
		}
	}

	if err := w.walkHead(); err != nil {
		return nil, stats, err
	}
	ix.finish()
	return ix, stats, nil
}

// shortRef strips the usual ref namespaces: refs/tags/v1 -> v1,
// refs/heads/main -> main, refs/remotes/origin/x -> origin/x,
// refs/stash -> stash.
func shortRef(n plumbing.ReferenceName) string {
	s := n.String()
	for _, p := range []string{"refs/tags/", "refs/heads/", "refs/remotes/", "refs/"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return s[len(p):]
		}
	}
	return s
}

func (w *walker) tick() error {
	w.reads++
	if w.reads%ctxCheckEvery == 0 {
		return w.ctx.Err()
	}
	return nil
}

// collectRefs resolves every ref to commit tips and pseudo-roots.
func (w *walker) collectRefs() error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	iter, err := w.st.IterReferences()
	if err != nil {
		return fmt.Errorf("gitwalk: listing refs: %w", err)
	}
	var refs []*plumbing.Reference
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		refs = append(refs, ref)
		return nil
	})
	iter.Close()
	if err != nil {
		return fmt.Errorf("gitwalk: listing refs: %w", err)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name() < refs[j].Name() })

	for _, ref := range refs {
		name := ref.Name()
		h := ref.Hash()
		if ref.Type() == plumbing.SymbolicReference {
			res, err := storer.ResolveReference(w.st, name)
			if errors.Is(err, plumbing.ErrReferenceNotFound) {
				continue // unborn HEAD or dangling symbolic ref: nothing to walk
			}
			if err != nil {
				return fmt.Errorf("gitwalk: resolving ref %s: %w", name, err)
			}
			h = res.Hash()
		}
		if h.IsZero() {
			continue
		}
		target, typ, err := w.peel(name, h)
		if err != nil {
			return err
		}
		if name == plumbing.HEAD {
			w.head, w.headTyp = target, typ
		}
	}
	return nil
}

// peel follows tag objects from h and records what the ref reaches.
func (w *walker) peel(ref plumbing.ReferenceName, h plumbing.Hash) (plumbing.Hash, plumbing.ObjectType, error) {
	var tag *object.Tag
	for depth := 0; ; depth++ {
		if depth > maxTagChain {
			return h, 0, fmt.Errorf("gitwalk: ref %s: more than %d nested tags", ref, maxTagChain)
		}
		typ, data, err := w.packs.read(h)
		var obj plumbing.EncodedObject
		if err != nil {
			if obj, err = w.st.EncodedObject(plumbing.AnyObject, h); err != nil {
				return h, 0, objErr("reading", "object", h, "target of ref "+ref.String(), err)
			}
			typ = obj.Type()
		}
		switch typ {
		case plumbing.CommitObject:
			if !w.tipSeen[h] {
				w.tipSeen[h] = true
				w.tips = append(w.tips, h)
			}
			return h, plumbing.CommitObject, nil
		case plumbing.TagObject:
			if obj == nil {
				obj = memoryObject(typ, data)
			}
			t, err := object.DecodeTag(w.st, obj)
			if err != nil {
				return h, 0, objErr("decoding", "tag", h, "ref "+ref.String(), err)
			}
			tag = t
			h = t.Target
		case plumbing.TreeObject, plumbing.BlobObject:
			if ref != plumbing.HEAD {
				w.roots = append(w.roots, pseudoRoot{ref: ref, tag: tag, target: h, kind: typ})
			}
			return h, typ, nil
		default:
			return h, 0, objErr("reading", "object", h, "target of ref "+ref.String(),
				fmt.Errorf("unexpected object type %s", typ))
		}
	}
}

// memoryObject wraps content read from a pack for go-git's decoders. It
// copies data, which may be shared with the pack cache.
func memoryObject(typ plumbing.ObjectType, data []byte) *plumbing.MemoryObject {
	mo := &plumbing.MemoryObject{}
	mo.SetType(typ)
	_, _ = mo.Write(data) // cannot fail
	return mo
}

// loadCommits reads every commit reachable from the tips (shallow lists the
// commits to treat as having no parents). With known, commits in it are not
// read: those reached are returned as boundary, by their value in known.
func (w *walker) loadCommits(shallowList []plumbing.Hash, known map[plumbing.Hash]int32) ([]node, []int32, error) {
	shallow := make(map[plumbing.Hash]bool, len(shallowList))
	for _, h := range shallowList {
		shallow[h] = true
	}

	type pending struct{ id, child plumbing.Hash }
	index := make(map[plumbing.Hash]int32)
	var nodes []node
	var boundary []int32
	reached := map[plumbing.Hash]bool{}
	stack := make([]pending, 0, len(w.tips))
	for i := len(w.tips) - 1; i >= 0; i-- {
		stack = append(stack, pending{id: w.tips[i]})
	}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := index[p.id]; ok {
			continue
		}
		if k, ok := known[p.id]; ok {
			if !reached[p.id] {
				reached[p.id] = true
				boundary = append(boundary, k)
			}
			continue
		}
		if err := w.tick(); err != nil {
			return nil, nil, err
		}
		where := ""
		if !p.child.IsZero() {
			where = "parent of commit " + p.child.String()
		}
		c, err := w.readCommit(p.id, where)
		if err != nil {
			return nil, nil, err
		}
		n := node{
			id:    p.id,
			tree:  c.TreeHash,
			ctime: c.Committer.When.UnixNano(),
			commit: Commit{
				ID:     p.id.String(),
				Author: c.Author.Name,
				Email:  c.Author.Email,
				When:   c.Author.When,
			},
		}
		if !shallow[p.id] {
			n.parents = c.ParentHashes
		}
		index[p.id] = int32(len(nodes))
		nodes = append(nodes, n)
		for i := len(n.parents) - 1; i >= 0; i-- {
			if _, ok := index[n.parents[i]]; !ok {
				stack = append(stack, pending{id: n.parents[i], child: p.id})
			}
		}
	}
	return nodes, boundary, nil
}

// readCommit reads and decodes commit id, from the packs when possible. Only
// TreeHash, ParentHashes, Author and Committer are sure to be set.
func (w *walker) readCommit(id plumbing.Hash, where string) (*object.Commit, error) {
	var obj plumbing.EncodedObject
	if typ, data, err := w.packs.read(id); err == nil && typ == plumbing.CommitObject {
		if c, ok := parseCommitHeaders(data); ok {
			return c, nil
		}
		obj = memoryObject(typ, data)
	} else {
		if obj, err = w.st.EncodedObject(plumbing.CommitObject, id); err != nil {
			return nil, objErr("reading", "commit", id, where, err)
		}
	}
	c, err := object.DecodeCommit(w.st, obj)
	if err != nil {
		return nil, objErr("decoding", "commit", id, where, err)
	}
	return c, nil
}

// parseCommitHeaders reads the headers a walk needs from a commit in the
// canonical layout — "tree", any "parent" lines, "author", "committer" —
// decoding them as go-git's DecodeCommit does, without copying the object
// or reading its message. Anything else (a missing or misplaced header, a
// malformed id) is left to DecodeCommit: ok is false.
func parseCommitHeaders(data []byte) (*object.Commit, bool) {
	line := func(key string) ([]byte, bool) {
		if len(data) <= len(key) || string(data[:len(key)]) != key || data[len(key)] != ' ' {
			return nil, false
		}
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			return nil, false
		}
		v := data[len(key)+1 : nl]
		data = data[nl+1:]
		return v, true
	}
	hash := func(v []byte) (plumbing.Hash, bool) {
		var h plumbing.Hash
		if len(v) != 2*len(h) {
			return h, false
		}
		_, err := hex.Decode(h[:], v)
		return h, err == nil
	}
	c := &object.Commit{}
	v, ok := line("tree")
	if !ok {
		return nil, false
	}
	if c.TreeHash, ok = hash(v); !ok {
		return nil, false
	}
	for bytes.HasPrefix(data, []byte("parent ")) {
		v, _ = line("parent")
		p, ok := hash(v)
		if !ok {
			return nil, false
		}
		c.ParentHashes = append(c.ParentHashes, p)
	}
	if v, ok = line("author"); !ok {
		return nil, false
	}
	c.Author.Decode(v)
	if v, ok = line("committer"); !ok {
		return nil, false
	}
	c.Committer.Decode(v)
	return c, true
}

// topoOrder returns node indices oldest-first: parents before children,
// ties broken by committer time, then hash (Kahn's algorithm with a heap).
func topoOrder(nodes []node) ([]int32, error) {
	index := make(map[plumbing.Hash]int32, len(nodes))
	for i := range nodes {
		index[nodes[i].id] = int32(i)
	}
	indeg := make([]int32, len(nodes))
	// children in compressed form: childStart[i]..childStart[i+1] in kids.
	count := make([]int32, len(nodes)+1)
	type edge struct{ parent, child int32 }
	var edges []edge
	for i := range nodes {
		ps := nodes[i].parents
		for j, ph := range ps {
			dup := false
			for _, q := range ps[:j] {
				if q == ph {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			pi, ok := index[ph]
			if !ok {
				continue // a commit of an earlier walk (WalkWithState)
			}
			edges = append(edges, edge{pi, int32(i)})
			indeg[i]++
			count[pi+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	kids := make([]int32, len(edges))
	fill := append([]int32(nil), count[:len(nodes)]...)
	for _, e := range edges {
		kids[fill[e.parent]] = e.child
		fill[e.parent]++
	}

	h := &readyHeap{nodes: nodes}
	for i := range nodes {
		if indeg[i] == 0 {
			h.items = append(h.items, int32(i))
		}
	}
	heap.Init(h)
	order := make([]int32, 0, len(nodes))
	for h.Len() > 0 {
		i := heap.Pop(h).(int32)
		order = append(order, i)
		for _, c := range kids[count[i]:count[i+1]] {
			indeg[c]--
			if indeg[c] == 0 {
				heap.Push(h, c)
			}
		}
	}
	if len(order) != len(nodes) {
		return nil, fmt.Errorf("gitwalk: commit graph has a cycle (%d of %d commits ordered)", len(order), len(nodes))
	}
	return order, nil
}

type readyHeap struct {
	nodes []node
	items []int32
}

func (h *readyHeap) Len() int { return len(h.items) }
func (h *readyHeap) Less(i, j int) bool {
	a, b := &h.nodes[h.items[i]], &h.nodes[h.items[j]]
	if a.ctime != b.ctime {
		return a.ctime < b.ctime
	}
	return bytes.Compare(a.id[:], b.id[:]) < 0
}
func (h *readyHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *readyHeap) Push(x any)    { h.items = append(h.items, x.(int32)) }
func (h *readyHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// readTree returns the content of tree id: from the packs, or read through
// the storer into the buffer for depth. The caller must not modify it.
func (w *walker) readTree(id plumbing.Hash, depth int, commit uint32, headWalk bool) ([]byte, error) {
	if err := w.tick(); err != nil {
		return nil, err
	}
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	where := func() string {
		dir := string(w.path)
		if dir == "" {
			dir = "root tree"
		} else {
			dir = "at " + dir + "/"
		}
		if headWalk {
			return dir + " of HEAD"
		}
		c := &w.ix.commits[commit]
		if c.Ref != "" {
			return dir + " of ref " + c.Ref
		}
		return dir + " in commit " + c.ID
	}
	if typ, data, err := w.packs.read(id); err == nil && typ == plumbing.TreeObject {
		return data, nil // shared with the pack cache: read only
	}
	obj, err := w.st.EncodedObject(plumbing.TreeObject, id)
	if err != nil {
		return nil, objErr("reading", "tree", id, where(), err)
	}
	size := obj.Size()
	rd, err := obj.Reader()
	if err != nil {
		return nil, objErr("reading", "tree", id, where(), err)
	}
	// The buffer grows with the content actually read, not to the size the
	// object's header claims: a header claiming 1 TiB must not allocate it.
	// Reading one byte past the size also reaches the end of the stream, where
	// zlib verifies its checksum.
	bb := bytes.NewBuffer(w.bufs[depth][:0])
	if size >= 0 {
		bb.Grow(int(min(size, 1<<20)))
	}
	_, err = io.Copy(bb, io.LimitReader(rd, size+1))
	if err == nil && int64(bb.Len()) != size {
		err = fmt.Errorf("content is %d bytes, header says %d", bb.Len(), size)
	}
	if cerr := rd.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, objErr("reading", "tree", id, where(), err)
	}
	buf := bb.Bytes()
	w.bufs[depth] = buf
	return buf, nil
}

// walkTree walks tree id whose path is w.path (interned as prefix). In a
// history walk (headWalk false) it records first occurrences for commit and
// skips trees already walked at the same prefix; in the HEAD walk it records
// HEAD's path -> blob map.
func (w *walker) walkTree(id plumbing.Hash, prefix uint32, commit uint32, depth int, headWalk bool) error {
	if !headWalk {
		key := treeKey{id, prefix}
		if _, ok := w.seenTree[key]; ok {
			return nil
		}
		w.seenTree[key] = struct{}{}
	}
	data, err := w.readTree(id, depth, commit, headWalk)
	if err != nil {
		return err
	}
	// The last tree walked at this prefix (history walk only). Every entry of
	// it is recorded, so an identical entry here (same mode, name and id)
	// adds nothing and is passed over without a map lookup; most trees
	// differ from the previous version at their path in an entry or two.
	var prev []byte
	if !headWalk {
		prev = w.last[prefix]
	}
	ix := w.ix
	base := len(w.path)
	whole := data
	for len(data) > 0 {
		var e treeEntry
		rest := data
		e, data, err = nextTreeEntry(data)
		if err != nil {
			w.path = w.path[:base]
			ctx := "root tree"
			if base > 0 {
				ctx = "at " + string(w.path) + "/"
			}
			return objErr("decoding", "tree", id, ctx, err)
		}
		if len(prev) > 0 {
			raw := rest[:len(rest)-len(data)]
			if bytes.HasPrefix(prev, raw) { // the usual case: in step
				prev = prev[len(raw):]
				continue
			}
			if prevRaw, ok := w.seekEntry(&prev, e); ok && bytes.Equal(prevRaw, raw) {
				continue
			}
		}
		w.path = w.path[:base]
		if base > 0 {
			w.path = append(w.path, '/')
		}
		w.path = append(w.path, e.name...)
		switch e.kind() {
		case kindTree:
			p := ix.intern(w.path)
			if err := w.walkTree(e.id, p, commit, depth+1, headWalk); err != nil {
				return err
			}
		case kindBlob:
			p := ix.intern(w.path)
			if headWalk {
				ix.head[p] = e.id
				continue
			}
			key := occKey{e.id, p}
			if _, ok := ix.origin[key]; !ok {
				ix.origin[key] = commit
			}
		}
	}
	w.path = w.path[:base]
	if !headWalk {
		w.last[prefix] = append(w.last[prefix][:0], whole...)
	}
	return nil
}

// seekEntry advances *prev, the rest of an earlier tree at the same path,
// past the entries that sort before e, and returns the raw bytes of the
// entry there when its name is e's. A malformed earlier tree matches nothing.
func (w *walker) seekEntry(prev *[]byte, e treeEntry) ([]byte, bool) {
	dir := e.kind() == kindTree
	for len(*prev) > 0 {
		p, rest, err := nextTreeEntry(*prev)
		if err != nil {
			*prev = nil
			return nil, false
		}
		switch c := compareTreeNames(p.name, p.kind() == kindTree, e.name, dir); {
		case c < 0:
			*prev = rest
		case c == 0:
			raw := (*prev)[:len(*prev)-len(rest)]
			*prev = rest
			return raw, true
		default:
			return nil, false
		}
	}
	return nil, false
}

// walkHead records HEAD's tree.
func (w *walker) walkHead() error {
	var tree plumbing.Hash
	switch w.headTyp {
	case plumbing.CommitObject:
		c, err := w.readCommit(w.head, "HEAD")
		if err != nil {
			return err
		}
		tree = c.TreeHash
	case plumbing.TreeObject:
		tree = w.head
	case plumbing.BlobObject:
		return nil // HEAD naming a blob has no tree
	default:
		return nil // unborn HEAD
	}
	w.path = w.path[:0]
	return w.walkTree(tree, w.ix.intern(nil), 0, 0, true)
}
