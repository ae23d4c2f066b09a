package gitwalk

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// RootCommit returns the id of the root commit reached from HEAD by following
// first parents. It is the repository's stable identity (it keys fingerprints),
// and it is the same whether one scans history, the index or the work tree. It is
// false, with no error, when HEAD is unborn. The cost is one commit decode per
// commit on HEAD's first-parent chain.
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
	h := ref.Hash()
	for {
		c, err := object.GetCommit(r.st, h)
		if err != nil {
			return "", false, objErr("reading", "commit", h, "HEAD's first-parent chain", err)
		}
		if len(c.ParentHashes) == 0 {
			return c.Hash.String(), true, nil
		}
		h = c.ParentHashes[0]
	}
}
