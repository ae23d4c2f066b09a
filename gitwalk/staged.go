package gitwalk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/storer"
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
// The cost is the index decode plus a read of HEAD's trees (each tree once);
// no blob is read.
func (r *Repo) ReadIndex(ctx context.Context, indexFile string) (*Staging, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, ErrClosed
	}
	idx, err := r.decodeIndex(indexFile)
	if err != nil {
		return nil, err
	}
	s := &Staging{IndexTime: idx.ModTime}

	head, unborn, err := r.headTree(ctx)
	if err != nil {
		return nil, err
	}
	s.Unborn = unborn

	for _, e := range idx.Entries {
		if e.Stage != 0 { // unmerged: stages 1 to 3 (go-git calls stage 1 "Merged")
			continue
		}
		if e.Mode == filemode.Submodule {
			s.Submodules = append(s.Submodules, e.Name)
			continue
		}
		ie := IndexEntry{
			Path:         e.Name,
			Blob:         e.Hash,
			Mode:         e.Mode,
			Size:         e.Size,
			ModTime:      e.ModifiedAt,
			IntentToAdd:  e.IntentToAdd,
			SkipWorktree: e.SkipWorktree,
		}
		if h, ok := head[e.Name]; ok {
			ie.InHeadPath = true
			ie.InHead = h == e.Hash
		}
		s.Entries = append(s.Entries, ie)
	}
	sort.Slice(s.Entries, func(i, j int) bool { return s.Entries[i].Path < s.Entries[j].Path })
	sort.Strings(s.Submodules)
	return s, nil
}

// decodeIndex reads the index file. r.mu must be held.
func (r *Repo) decodeIndex(indexFile string) (*index.Index, error) {
	if indexFile == "" {
		idx, err := r.st.Index()
		if err != nil {
			return nil, fmt.Errorf("gitwalk: reading the index of %s: %w", r.path, err)
		}
		return idx, nil
	}
	f, err := os.Open(indexFile)
	if errors.Is(err, fs.ErrNotExist) {
		return &index.Index{Version: 2}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gitwalk: reading the index: %w", err)
	}
	defer f.Close()
	idx := &index.Index{}
	if st, err := f.Stat(); err == nil {
		idx.ModTime = st.ModTime()
	}
	if err := index.NewDecoder(f).Decode(idx); err != nil {
		return nil, fmt.Errorf("gitwalk: reading the index %s: %w", indexFile, err)
	}
	return idx, nil
}

// headTree returns HEAD's tree as a path -> blob map (files and symlinks),
// reading each tree once with the walker's helpers; unborn is true when HEAD
// has no commit. r.mu must be held.
func (r *Repo) headTree(ctx context.Context) (map[string]plumbing.Hash, bool, error) {
	ref, err := storer.ResolveReference(r.st, plumbing.HEAD)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("gitwalk: resolving HEAD: %w", err)
	}
	w := r.newWalker(ctx)
	defer w.packs.close()
	tree, err := w.commitTree(ref.Hash(), "HEAD")
	if err != nil {
		return nil, false, err
	}
	w.path = w.path[:0]
	if err := w.walkTree(tree, w.ix.intern(nil), 0, 0, true); err != nil {
		return nil, false, err
	}
	head := make(map[string]plumbing.Hash, len(w.ix.head))
	for id, h := range w.ix.head {
		head[w.ix.paths[id]] = h
	}
	return head, false, nil
}

// commitTree returns the tree of commit id, peeling tags.
func (w *walker) commitTree(id plumbing.Hash, what string) (plumbing.Hash, error) {
	target, typ, err := w.peel(plumbing.ReferenceName(what), id)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	switch typ {
	case plumbing.CommitObject:
		c, err := w.readCommit(target, what)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return c.TreeHash, nil
	case plumbing.TreeObject:
		return target, nil
	}
	return plumbing.ZeroHash, objErr("reading", "object", id, what, fmt.Errorf("%s is a %s, not a commit", what, typ))
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
	return r.readBlob(id, maxSize, false)
}
