package gitwalk

import (
	"bytes"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
)

type entryKind int

const (
	kindBlob    entryKind = iota // regular file, executable, symlink
	kindTree                     // directory
	kindGitlink                  // submodule commit
)

// treeEntry is one entry of a raw tree object. name aliases the tree buffer.
type treeEntry struct {
	mode uint32
	name []byte
	id   plumbing.Hash
}

// kind classifies an entry the way git does (object_type in cache.h):
// directories are trees, gitlinks are commits, anything else is a blob.
func (e *treeEntry) kind() entryKind {
	switch e.mode & 0o170000 {
	case 0o040000:
		return kindTree
	case 0o160000:
		return kindGitlink
	default:
		return kindBlob
	}
}

var errMalformedTree = errors.New("malformed tree entry")

// nextTreeEntry parses "<octal mode> <name>\x00<20-byte id>" from data.
// Parsing the raw object avoids go-git's per-entry allocations in
// object.Tree; the walk only needs names, ids and modes.
func nextTreeEntry(data []byte) (treeEntry, []byte, error) {
	var e treeEntry
	sp := bytes.IndexByte(data, ' ')
	if sp <= 0 || sp > 7 {
		return e, nil, errMalformedTree
	}
	for _, c := range data[:sp] {
		if c < '0' || c > '7' {
			return e, nil, errMalformedTree
		}
		e.mode = e.mode<<3 | uint32(c-'0')
	}
	rest := data[sp+1:]
	nul := bytes.IndexByte(rest, 0)
	if nul <= 0 || len(rest) < nul+1+len(e.id) {
		return e, nil, errMalformedTree
	}
	e.name = rest[:nul]
	copy(e.id[:], rest[nul+1:])
	return e, rest[nul+1+len(e.id):], nil
}
