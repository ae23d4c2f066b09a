package gitwalk

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// IndexEntry is one file of the staging index (stage 0), compared with HEAD.
type IndexEntry struct {
	Path string        // relative to the work tree root, '/' separators
	Blob plumbing.Hash // the staged content
	Mode filemode.FileMode

	// Size and ModTime are the index's record of the work tree file when it
	// was last staged or refreshed (Size truncated to 32 bits, as git stores
	// it). With Staging.IndexTime they tell a caller cheaply whether the work
	// tree file is unchanged since, the way git does.
	Size    uint32
	ModTime time.Time

	// InHead: HEAD's tree holds Blob at Path, so the entry is not a staged
	// change. InHeadPath: HEAD's tree has a file at Path, whatever its
	// content (a staged change is then a modification, else an addition).
	InHead, InHeadPath bool

	// IntentToAdd marks `git add -N` entries, whose Blob is the empty blob
	// and not staged content; SkipWorktree marks entries outside a sparse
	// checkout, whose work tree file is not expected to exist.
	IntentToAdd, SkipWorktree bool
}

// Staged reports whether the entry is a staged change: content in the index
// that HEAD does not hold at the same path (an added, modified or renamed
// file). Intent-to-add entries have no staged content and are not.
func (e *IndexEntry) Staged() bool { return !e.InHead && !e.IntentToAdd }

// Staging is the staging index of a repository compared with HEAD.
type Staging struct {
	// Entries are the stage-0 file entries, sorted by path. Submodules
	// (gitlinks) and the higher stages of unresolved conflicts are left out.
	Entries []IndexEntry
	// IndexTime is the modification time of the index file (zero when there
	// is none): an entry whose ModTime is not before it may have changed in
	// the same second it was staged ("racily clean"), and must be compared
	// by content.
	IndexTime time.Time
	// Unborn is set when HEAD has no commit yet: every entry is an addition.
	Unborn bool
	// Submodules are the paths of the index's gitlinks, sorted.
	Submodules []string
}

// InSubmodule reports whether path is inside one of the index's submodules.
func (s *Staging) InSubmodule(path string) bool {
	if len(s.Submodules) == 0 {
		return false
	}
	for p := path; ; {
		if i := sort.SearchStrings(s.Submodules, p); i < len(s.Submodules) && s.Submodules[i] == p {
			return true
		}
		slash := strings.LastIndexByte(p, '/')
		if slash < 0 {
			return false
		}
		p = p[:slash]
	}
}

// Lookup returns the entry for path.
func (s *Staging) Lookup(path string) (*IndexEntry, bool) {
	i := sort.Search(len(s.Entries), func(i int) bool { return s.Entries[i].Path >= path })
	if i < len(s.Entries) && s.Entries[i].Path == path {
		return &s.Entries[i], true
	}
	return nil, false
}

// Changes returns the staged changes (see IndexEntry.Staged), sorted by path.
func (s *Staging) Changes() []*IndexEntry {
	var out []*IndexEntry
	for i := range s.Entries {
		if s.Entries[i].Staged() {
			out = append(out, &s.Entries[i])
		}
	}
	return out
}

// ReadIndex reads the staging index and compares it with HEAD's tree. It
// reads indexFile when it is not empty (git names a temporary index in
// GIT_INDEX_FILE for the hooks of `git commit -a` and `git commit PATH`),
// else the repository's own index; a repository without an index file has
// an empty one. The index is decoded by go-git (versions 2 to 4); nothing
// is run and the work tree is not read. HEAD may be unborn (a repository
// with no commits yet): every entry is then an addition.
//
// HEAD's trees are not all read: the index's own trees are hashed in memory
// (as git write-tree would) and compared with HEAD's, descending only into
// the directories that differ, so the cost is the index decode plus the
// trees on the paths of the changes (and a pack index lookup for each). No
// blob is read.
func (r *Repo) ReadIndex(ctx context.Context, indexFile string) (*Staging, error) {
	s, _, err := r.readIndex(ctx, indexFile)
	return s, err
}

// readIndex is ReadIndex; it also returns the number of objects it read.
func (r *Repo) readIndex(ctx context.Context, indexFile string) (*Staging, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, 0, ErrClosed
	}
	idx, err := r.decodeIndex(indexFile)
	if err != nil {
		return nil, 0, err
	}
	s := &Staging{IndexTime: idx.ModTime, Entries: make([]IndexEntry, 0, len(idx.Entries))}
	for _, e := range idx.Entries {
		if e.Stage != 0 { // unmerged: stages 1 to 3 (go-git calls stage 1 "Merged")
			continue
		}
		if e.Mode == filemode.Submodule {
			s.Submodules = append(s.Submodules, e.Name)
			continue
		}
		s.Entries = append(s.Entries, IndexEntry{
			Path:         e.Name,
			Blob:         e.Hash,
			Mode:         e.Mode,
			Size:         e.Size,
			ModTime:      e.ModifiedAt,
			IntentToAdd:  e.IntentToAdd,
			SkipWorktree: e.SkipWorktree,
		})
	}
	less := func(i, j int) bool { return s.Entries[i].Path < s.Entries[j].Path }
	if !sort.SliceIsSorted(s.Entries, less) { // git keeps the index sorted
		sort.Slice(s.Entries, less)
	}
	sort.Strings(s.Submodules)

	objs := r.newLazyObjects()
	defer objs.close()
	headTree, unborn, err := objs.headTree()
	if err != nil {
		return nil, objs.reads, err
	}
	s.Unborn = unborn
	if !unborn {
		if err := compareWithHead(ctx, s, idx, objs, headTree); err != nil {
			return nil, objs.reads, err
		}
	}
	return s, objs.reads, nil
}

// decodeIndex reads the index file. r.mu must be held.
func (r *Repo) decodeIndex(indexFile string) (*index.Index, error) {
	var data []byte
	var modTime time.Time
	if indexFile == "" {
		f, err := r.fs.Open("index")
		if err != nil {
			// No index file (a new repository), or an unusual storage: go-git's
			// own reader knows what that means.
			idx, err := r.st.Index()
			if err != nil {
				return nil, fmt.Errorf("gitwalk: reading the index of %s: %w", r.path, err)
			}
			return idx, nil
		}
		defer f.Close()
		size := int64(-1)
		if st, err := r.fs.Stat("index"); err == nil {
			modTime, size = st.ModTime(), st.Size()
		}
		if data, err = readSized(f, size); err != nil {
			return nil, fmt.Errorf("gitwalk: reading the index of %s: %w", r.path, err)
		}
	} else {
		f, err := os.Open(indexFile)
		if errors.Is(err, fs.ErrNotExist) {
			return &index.Index{Version: 2}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("gitwalk: reading the index: %w", err)
		}
		defer f.Close()
		size := int64(-1)
		if st, err := f.Stat(); err == nil {
			modTime, size = st.ModTime(), st.Size()
		}
		if data, err = readSized(f, size); err != nil {
			return nil, fmt.Errorf("gitwalk: reading the index %s: %w", indexFile, err)
		}
	}
	idx, err := parseIndex(data)
	if err != nil {
		// The fast path gave up: go-git's decoder, which checks the checksum
		// and names what is wrong.
		idx = &index.Index{}
		if err := index.NewDecoder(bytes.NewReader(data)).Decode(idx); err != nil {
			name := indexFile
			if name == "" {
				name = "of " + r.path
			}
			return nil, fmt.Errorf("gitwalk: reading the index %s: %w", name, err)
		}
	}
	idx.ModTime = modTime
	return idx, nil
}

// ReadBlobCapped reads one blob like ReadBlob, but returns a blob over
// maxSize (when maxSize > 0) as a Blob with Skipped set and its Size,
// without loading it, instead of an error.
func (r *Repo) ReadBlobCapped(id plumbing.Hash, maxSize int64) (Blob, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return Blob{}, ErrClosed
	}
	return r.readOne(id, maxSize)
}

// indexDir is a directory of the index, for hashing its tree.
type indexDir struct {
	path    string
	entries []indexTreeEntry // sorted in git's tree order once built
	hash    plumbing.Hash
	hashed  bool
}

// indexTreeEntry is a file, a submodule or a subdirectory of an indexDir.
type indexTreeEntry struct {
	name  string
	mode  filemode.FileMode
	id    plumbing.Hash // a file's or submodule's
	dir   *indexDir     // a subdirectory's
	entry int           // index into Staging.Entries; -1 for submodules and directories
}

// compareWithHead sets InHead and InHeadPath on s's entries. It builds the
// index's directory trees, hashes them as git would write them, and compares
// each with HEAD's tree at the same path: an equal tree marks every entry
// below it as in HEAD without reading HEAD's side; a different one is read
// and its entries compared one by one.
func compareWithHead(ctx context.Context, s *Staging, idx *index.Index, objs *lazyObjects, head plumbing.Hash) error {
	root := indexTree(s, idx)
	var markAll func(d *indexDir)
	markAll = func(d *indexDir) {
		for _, te := range d.entries {
			if te.dir != nil {
				markAll(te.dir)
			} else if te.entry >= 0 {
				s.Entries[te.entry].InHead = true
				s.Entries[te.entry].InHeadPath = true
			}
		}
	}
	var compare func(d *indexDir, tree plumbing.Hash) error
	compare = func(d *indexDir, tree plumbing.Hash) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.treeHash() == tree {
			markAll(d)
			return nil
		}
		data, err := objs.tree(tree, d.path)
		if err != nil {
			return err
		}
		headEntries := map[string]treeEntry{}
		for len(data) > 0 {
			var e treeEntry
			e, data, err = nextTreeEntry(data)
			if err != nil {
				return objErr("decoding", "tree", tree, "HEAD's "+cmpOrRoot(d.path), err)
			}
			headEntries[string(e.name)] = e
		}
		for _, te := range d.entries {
			he, ok := headEntries[te.name]
			if !ok {
				continue // added
			}
			switch {
			case te.dir != nil:
				if he.kind() == kindTree {
					if err := compare(te.dir, he.id); err != nil {
						return err
					}
				}
			case te.entry >= 0 && he.kind() == kindBlob:
				e := &s.Entries[te.entry]
				e.InHeadPath = true
				e.InHead = he.id == e.Blob
			}
		}
		return nil
	}
	return compare(root, head)
}

// indexTree builds the directory tree of the index: s's entries (without
// intent-to-add ones, which git leaves out of the trees it writes) and the
// submodules of idx.
func indexTree(s *Staging, idx *index.Index) *indexDir {
	root := &indexDir{}
	dirs := map[string]*indexDir{"": root}
	var dirOf func(p string) *indexDir
	dirOf = func(p string) *indexDir {
		if d, ok := dirs[p]; ok {
			return d
		}
		parent, name := "", p
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			parent, name = p[:i], p[i+1:]
		}
		d := &indexDir{path: p}
		dirs[p] = d
		pd := dirOf(parent)
		pd.entries = append(pd.entries, indexTreeEntry{name: name, mode: filemode.Dir, dir: d, entry: -1})
		return d
	}
	add := func(p string, mode filemode.FileMode, id plumbing.Hash, entry int) {
		dir, name := "", p
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			dir, name = p[:i], p[i+1:]
		}
		d := dirOf(dir)
		d.entries = append(d.entries, indexTreeEntry{name: name, mode: mode, id: id, entry: entry})
	}
	for i := range s.Entries {
		e := &s.Entries[i]
		if e.IntentToAdd {
			continue // not part of the tree git would write
		}
		add(e.Path, e.Mode, e.Blob, i)
	}
	for _, e := range idx.Entries {
		if e.Stage == 0 && e.Mode == filemode.Submodule {
			add(e.Name, e.Mode, e.Hash, -1)
		}
	}
	return root
}

// readSized reads r whole, into one buffer of the expected size when it is
// known (growing a buffer for a large index cost more than decoding it).
func readSized(r io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > 1<<31 {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+512))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// compareTreeNameStrings is compareTreeNames for strings.
func compareTreeNameStrings(a string, aDir bool, b string, bDir bool) int {
	return compareNames(a, aDir, b, bDir)
}

func cmpOrRoot(dir string) string {
	if dir == "" {
		return "root tree"
	}
	return "tree at " + dir + "/"
}

// treeHash returns the id of the tree object git would write for d.
func (d *indexDir) treeHash() plumbing.Hash {
	if d.hashed {
		return d.hash
	}
	slices.SortFunc(d.entries, func(a, b indexTreeEntry) int {
		return compareTreeNameStrings(a.name, a.dir != nil, b.name, b.dir != nil)
	})
	var buf []byte
	for _, te := range d.entries {
		id := te.id
		if te.dir != nil {
			id = te.dir.treeHash()
		}
		buf = strconv.AppendUint(buf, uint64(te.mode), 8)
		buf = append(buf, ' ')
		buf = append(buf, te.name...)
		buf = append(buf, 0)
		buf = append(buf, id[:]...)
	}
	// Plain SHA-1 (the id git gives the object); go-git's hasher also detects
	// collision attacks, which a comparison with HEAD's own ids does not need.
	h := sha1.New()
	h.Write([]byte("tree " + strconv.Itoa(len(buf)) + "\x00"))
	h.Write(buf)
	copy(d.hash[:], h.Sum(nil))
	d.hashed = true
	return d.hash
}

// lazyObjects reads a few objects without loading every pack index, as a
// commit hook needs: loose objects directly, packed ones by a binary search
// of the bucket of their first byte in each pack's .idx file, and anything
// else (an index of another version, alternates' loose objects, a delta whose
// base is elsewhere) through go-git's storer. r.mu must be held while it is
// used.
type lazyObjects struct {
	r      *Repo
	packs  []*lazyPack
	listed bool
	cache  *baseCache
	reads  int // objects read
}

type lazyPack struct {
	dg     *dotgit.DotGit
	hash   plumbing.Hash
	idx    billy.File
	fanout [256]uint32
	bad    bool // not a version-2 index, or unreadable: not used
	pr     *packReader
}

func (r *Repo) newLazyObjects() *lazyObjects {
	return &lazyObjects{r: r, cache: newBaseCache(8 << 20)}
}

func (lo *lazyObjects) close() {
	for _, p := range lo.packs {
		if p.idx != nil {
			_ = p.idx.Close() // read-only
		}
		if p.pr != nil {
			_ = p.pr.file.Close()
		}
	}
}

// headTree returns the tree of HEAD's commit; unborn is true when HEAD has
// no commit yet.
func (lo *lazyObjects) headTree() (tree plumbing.Hash, unborn bool, err error) {
	ref, err := storer.ResolveReference(lo.r.st, plumbing.HEAD)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, true, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("gitwalk: resolving HEAD: %w", err)
	}
	id := ref.Hash()
	for depth := 0; depth <= maxTagChain; depth++ {
		typ, data, err := lo.read(id)
		if err != nil {
			return plumbing.ZeroHash, false, objErr("reading", "object", id, "HEAD", err)
		}
		obj := memoryObject(typ, data)
		switch typ {
		case plumbing.CommitObject:
			c, err := object.DecodeCommit(lo.r.st, obj)
			if err != nil {
				return plumbing.ZeroHash, false, objErr("decoding", "commit", id, "HEAD", err)
			}
			return c.TreeHash, false, nil
		case plumbing.TagObject:
			t, err := object.DecodeTag(lo.r.st, obj)
			if err != nil {
				return plumbing.ZeroHash, false, objErr("decoding", "tag", id, "HEAD", err)
			}
			id = t.Target
		case plumbing.TreeObject:
			return id, false, nil
		default:
			return plumbing.ZeroHash, false, objErr("reading", "object", id, "HEAD", fmt.Errorf("HEAD names a %s", typ))
		}
	}
	return plumbing.ZeroHash, false, fmt.Errorf("gitwalk: HEAD: more than %d nested tags", maxTagChain)
}

// tree returns the content of tree id (at dir, for errors).
func (lo *lazyObjects) tree(id plumbing.Hash, dir string) ([]byte, error) {
	typ, data, err := lo.read(id)
	if err != nil {
		return nil, objErr("reading", "tree", id, "HEAD's "+cmpOrRoot(dir), err)
	}
	if typ != plumbing.TreeObject {
		return nil, objErr("reading", "tree", id, "HEAD's "+cmpOrRoot(dir), fmt.Errorf("a %s, not a tree", typ))
	}
	return data, nil
}

// read returns the type and content of object id. The content may be shared
// with a cache: read only.
func (lo *lazyObjects) read(id plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	lo.reads++
	hex := id.String()
	if _, err := lo.r.fs.Stat(lo.r.fs.Join("objects", hex[:2], hex[2:])); err != nil {
		// Not loose here: look in the packs.
		if typ, data, err := lo.readPacked(id); err == nil {
			return typ, data, nil
		}
	}
	obj, err := lo.r.st.EncodedObject(plumbing.AnyObject, id)
	if err != nil {
		return 0, nil, err
	}
	b, err := readContent(id, obj, 0)
	if err != nil {
		return 0, nil, err
	}
	return obj.Type(), b.Data, nil
}

// readPacked finds id in the packs by their .idx files and reads it; any
// error means "ask the storer".
func (lo *lazyObjects) readPacked(id plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if !lo.listed {
		lo.listed = true
		dg := dotgit.NewWithOptions(lo.r.fs, dotgit.Options{AlternatesFS: lo.r.altFS})
		dirs := []*dotgit.DotGit{dg}
		if alts, err := dg.Alternates(); err == nil {
			dirs = append(dirs, alts...)
		}
		for _, d := range dirs {
			hashes, err := d.ObjectPacks()
			if err != nil {
				continue
			}
			for _, h := range hashes {
				lo.packs = append(lo.packs, &lazyPack{dg: d, hash: h})
			}
		}
	}
	for i, p := range lo.packs {
		off, ok := p.find(id)
		if !ok {
			continue
		}
		if p.pr == nil {
			f, err := p.dg.ObjectPack(p.hash)
			if err != nil {
				return 0, nil, err
			}
			p.pr = &packReader{
				id:    i,
				file:  f,
				idx:   idxfile.NewMemoryIndex(), // empty: a REF_DELTA base falls back to the storer
				cache: lo.cache,
			}
		}
		return p.pr.object(off, 0)
	}
	return 0, nil, errFallback
}

// find looks id up in the pack's version-2 .idx file: the names of the
// bucket of id's first byte, then its offset.
func (p *lazyPack) find(id plumbing.Hash) (int64, bool) {
	if p.bad {
		return 0, false
	}
	const header = idxHeaderSize
	if p.idx == nil {
		f, err := p.dg.ObjectPackIdx(p.hash)
		if err != nil {
			p.bad = true
			return 0, false
		}
		p.idx = f
		var h [header]byte
		if _, err := f.ReadAt(h[:], 0); err != nil || !isIdxV2(h[:]) {
			p.bad = true
			return 0, false
		}
		for i := range p.fanout {
			p.fanout[i] = binary.BigEndian.Uint32(h[8+4*i:])
		}
	}
	n := int64(p.fanout[255])
	lo := int64(0)
	if id[0] > 0 {
		lo = int64(p.fanout[id[0]-1])
	}
	hi := int64(p.fanout[id[0]])
	if hi <= lo || hi > n {
		return 0, false
	}
	names := make([]byte, (hi-lo)*20)
	if _, err := p.idx.ReadAt(names, header+lo*20); err != nil {
		return 0, false
	}
	k, found := sort.Find(int(hi-lo), func(k int) int { return bytes.Compare(id[:], names[k*20:k*20+20]) })
	if !found {
		return 0, false
	}
	pos := lo + int64(k)
	var b [8]byte
	if _, err := p.idx.ReadAt(b[:4], header+n*24+pos*4); err != nil {
		return 0, false
	}
	off := binary.BigEndian.Uint32(b[:4])
	if off&0x80000000 == 0 {
		return int64(off), true
	}
	if _, err := p.idx.ReadAt(b[:], header+n*28+int64(off&0x7fffffff)*8); err != nil {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(b[:])), true
}
