package gitwalk

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// RootCommit returns the id of the root commit reached from HEAD by following
// first parents. It is the repository's stable identity (it keys fingerprints),
// and it is the same whether one scans history, the index or the work tree. It is
// false, with no error, when HEAD is unborn, or when the chain reaches a commit
// listed in .git/shallow (a shallow clone: the root is not there to find).
//
// The first-parent chain of a commit never changes, so the answer is cached in
// the user's cache directory as (tip, root): the next call walks only from HEAD
// back to the cached tip, usually a few commits. Without a usable cache the cost
// is one commit decode per commit on HEAD's first-parent chain.
func (r *Repo) RootCommit() (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return "", false, ErrClosed
	}
	ref, err := r.st.Reference(plumbing.HEAD)
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return "", false, nil
		}
		return "", false, err
	}
	for i := 0; ref.Type() == plumbing.SymbolicReference && i < 10; i++ {
		ref, err = r.st.Reference(ref.Target())
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return "", false, nil // unborn branch
		}
		if err != nil {
			return "", false, err
		}
	}
	head := ref.Hash()
	shallow, err := r.st.Shallow()
	if err != nil {
		return "", false, fmt.Errorf("gitwalk: reading shallow list: %w", err)
	}
	cacheFile := r.rootCacheFile()
	cachedTip, cachedRoot := readRootCache(cacheFile)
	for h := head; ; {
		if h == cachedTip && cachedRoot != "" {
			writeRootCache(cacheFile, head, cachedRoot)
			return cachedRoot, true, nil
		}
		if slices.Contains(shallow, h) {
			// A shallow clone cut the chain here: the root commit is not in
			// the repository, and the cut moves with every fetch.
			return "", false, nil
		}
		c, err := object.GetCommit(r.st, h)
		if err != nil {
			return "", false, objErr("reading", "commit", h, "HEAD's first-parent chain", err)
		}
		if len(c.ParentHashes) == 0 {
			writeRootCache(cacheFile, head, c.Hash.String())
			return c.Hash.String(), true, nil
		}
		h = c.ParentHashes[0]
	}
}

// rootCacheFile names the cache entry of this repository ("" when there is no
// user cache directory).
func (r *Repo) rootCacheFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(r.path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "secretsweep", "roots", hex.EncodeToString(sum[:16]))
}

func readRootCache(file string) (tip plumbing.Hash, root string) {
	if file == "" {
		return plumbing.ZeroHash, ""
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return plumbing.ZeroHash, ""
	}
	f := strings.Fields(string(b))
	if len(f) != 2 || !plumbing.IsHash(f[0]) || !plumbing.IsHash(f[1]) {
		return plumbing.ZeroHash, ""
	}
	return plumbing.NewHash(f[0]), f[1]
}

// writeRootCache records (tip, root); a cache that cannot be written only costs
// time on the next call.
func writeRootCache(file string, tip plumbing.Hash, root string) {
	if file == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(tip.String()+" "+root+"\n"), 0o600); err != nil {
		return
	}
	_ = os.Rename(tmp, file)
}
