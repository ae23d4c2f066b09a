package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/secretsweep/secretsweep/gitwalk"
)

// Archives: --archive-depth, and the history lookups for archive members.
//
// A finding in an archive member is reported at "archive!member" paths
// ("dist/pkg.whl!pkg/settings.py"), with Line and Column within the member and
// the archive's blob id. In a history scan the member's commit is the one that
// introduced the archive at its path, and in_head says whether HEAD holds the
// same archive blob there.

// depthFlag parses --archive-depth: a number of levels, 0 for none.
type depthFlag struct{ n *int }

func (d depthFlag) String() string {
	if d.n == nil {
		return ""
	}
	return strconv.Itoa(*d.n)
}

func (d depthFlag) Set(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 16 {
		return fmt.Errorf("invalid depth %q (want 0 to turn archive scanning off, or 1 to 16 levels)", v)
	}
	*d.n = n
	return nil
}

// archivePaths returns path and, when path is an archive member's, the paths of
// the archives that hold it, innermost first: "a.zip!b.tgz!c.py" gives
// "a.zip!b.tgz!c.py", "a.zip!b.tgz", "a.zip". (A file name with '!' of its own
// is tried whole first.)
func archivePaths(path string) []string {
	out := []string{path}
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '!' {
			out = append(out, path[:i])
		}
	}
	return out
}

// memberOrigin is ix.Origin for a path that may be an archive member's: the
// commit that introduced the archive (the blob) at its path.
func memberOrigin(ix *gitwalk.Index, blob plumbing.Hash, path string) (*gitwalk.Commit, bool) {
	for _, p := range archivePaths(path) {
		if c, ok := ix.Origin(blob, p); ok {
			return c, true
		}
	}
	return nil, false
}

// memberHeadBlob is ix.HeadBlob for a path that may be an archive member's: the
// blob of the archive at HEAD.
func memberHeadBlob(ix *gitwalk.Index, path string) (plumbing.Hash, bool) {
	for _, p := range archivePaths(path) {
		if h, ok := ix.HeadBlob(p); ok {
			return h, true
		}
	}
	return plumbing.ZeroHash, false
}
