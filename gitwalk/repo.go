package gitwalk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

const (
	// objectCacheSize bounds go-git's object cache (decoded trees, commits,
	// delta bases). It is the main fixed memory cost of an open Repo.
	objectCacheSize = 64 * cache.MiByte

	// largeObjectThreshold: objects bigger than this are streamed from disk
	// instead of being read into memory (and into the cache) when go-git
	// resolves them, so learning a large blob's size never loads it.
	largeObjectThreshold = 8 << 20
)

// ErrTooLarge is wrapped by ReadBlob's error when a blob is over the size cap.
var ErrTooLarge = errors.New("blob over size cap")

// ErrClosed is returned by methods of a Repo after Close.
var ErrClosed = errors.New("gitwalk: repository is closed")

// Repo is an open repository. Its methods may be called from several
// goroutines: access to the underlying go-git storer is serialised by a mutex
// (the storer itself is not safe for concurrent use), so calls do not run in
// parallel. ReadBlobs releases the lock while it waits to send a blob, so a
// receiver of its channel may call ReadBlob without deadlocking.
type Repo struct {
	path string

	mu    sync.Mutex // guards st and everything read through it
	st    *filesystem.Storage
	fs    billy.Filesystem // the git directory (objects, refs, packs)
	cache cache.Object     // st's object cache
	altFS billy.Filesystem // where paths in objects/info/alternates are resolved
	one   *packSet         // the packs as ReadBlob reads them, opened on first use
}

// Open opens the repository at path: a work tree root holding .git (a
// directory, or a .git file as in linked worktrees and submodules), a bare
// repository, or a .git directory. Parent directories are not searched. If
// path is not a git repository the error says so
// ("gitwalk: /x/y is not a git repository").
//
// The repository is read through filesystem storage with a bounded object
// cache (64 MiB) and a large-object threshold (8 MiB) above which objects are
// streamed instead of loaded whole. Close releases the open pack files.
func Open(path string) (*Repo, error) {
	notRepo := fmt.Errorf("gitwalk: %s is not a git repository", path)
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notRepo
		}
		return nil, fmt.Errorf("gitwalk: opening %s: %w", path, err)
	}
	if !fi.IsDir() {
		return nil, notRepo
	}
	// PlainOpen locates the git directory (following .git files and
	// commondir) and validates it; we then reopen the same directory with
	// the storage options we want.
	probe, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{
		DetectDotGit:          false,
		EnableDotGitCommonDir: true,
	})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, notRepo
		}
		return nil, fmt.Errorf("gitwalk: opening %s: %w", path, err)
	}
	probeStorage, ok := probe.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("gitwalk: opening %s: unexpected storage type %T", path, probe.Storer)
	}
	dot := probeStorage.Filesystem()
	_ = probeStorage.Close() // opened nothing we keep; the error is of no use

	objects := cache.NewObjectLRU(objectCacheSize)
	// Alternates (clone --shared, --reference) name absolute object
	// directories; by default go-git resolves them inside the repository's
	// own directory and finds nothing.
	altFS := osfs.New("/")
	st := filesystem.NewStorageWithOptions(dot, objects, filesystem.Options{
		AlternatesFS: altFS,
		// Keep pack files open between object reads: otherwise go-git
		// opens and closes the pack for every object.
		KeepDescriptors:      true,
		LargeObjectThreshold: largeObjectThreshold,
	})
	return &Repo{path: path, st: st, fs: dot, cache: objects, altFS: altFS}, nil
}

// Close releases the repository's open files. Further calls on r return
// ErrClosed. Close is idempotent.
func (r *Repo) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil
	}
	if r.one != nil {
		r.one.close()
		r.one = nil
	}
	err := r.st.Close()
	r.st = nil
	if err != nil {
		return fmt.Errorf("gitwalk: closing %s: %w", r.path, err)
	}
	return nil
}

// ObjectError reports an object that could not be read or decoded. Errors
// returned by Walk, ReadBlobs and ReadBlob wrap one when a specific object is
// at fault; use errors.As to get at the id.
type ObjectError struct {
	Op      string        // "reading", "decoding"
	Kind    string        // "blob", "tree", "commit", "tag", "object"
	ID      plumbing.Hash // the object at fault
	Context string        // optional: where it was referenced from
	Err     error
}

func (e *ObjectError) Error() string {
	s := "gitwalk: " + e.Op + " " + e.Kind + " " + e.ID.String()
	if e.Context != "" {
		s += " (" + e.Context + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *ObjectError) Unwrap() error { return e.Err }

func objErr(op, kind string, id plumbing.Hash, context string, err error) error {
	return &ObjectError{Op: op, Kind: kind, ID: id, Context: context, Err: err}
}
