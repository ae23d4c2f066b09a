package gitwalk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// A walk state file holds what a history walk knows once it has walked every
// real commit: the commits in order (with their parents and committer times),
// the interned paths, the first commit of every (blob, path) pair and the
// (tree, prefix) pairs walked. WalkWithState loads it, walks only the commits
// added since, and writes it back, so that a repeat sweep of a repository
// does not read its whole history's trees again.
//
// The format is private to this package and versioned by its magic line:
//
//	magic, then uvarint-counted sections (shallow ids, commits, paths,
//	origins, trees), then the CRC-32C of everything before it (big-endian).
//
// A file that is missing, of another version, truncated or corrupt is not an
// error: the walk starts from nothing and replaces it.

const stateMagic = "secretsweep walk state 2\n"

// stateSumSize is the size of the checksum that ends the file: a CRC-32C,
// which catches a damaged or torn file at a tenth of a SHA-256's cost.
const stateSumSize = 4

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// maxStateSize bounds the state file read (a 20,000-commit history takes
// about 7 MB).
const maxStateSize = 1 << 30

type walkState struct {
	shallow  []plumbing.Hash // sorted
	commits  []Commit        // real commits, in order
	ids      []plumbing.Hash // commit ids by order
	ctimes   []int64         // committer times by order, Unix nanoseconds
	parents  [][]int32       // parent orders by order
	paths    []string
	origin   map[occKey]uint32
	seenTree map[treeKey]struct{}
	// treesRaw is the undecoded trees section of a loaded state (validated):
	// seenTree is built from it only when a walk needs it (trees).
	treesRaw []byte
	ntrees   int
}

// trees returns the (tree, prefix) pairs walked, decoding them on first use.
func (s *walkState) trees() map[treeKey]struct{} {
	if s.seenTree == nil {
		s.seenTree = make(map[treeKey]struct{}, s.ntrees)
		r := &stateReader{b: s.treesRaw}
		for range s.ntrees {
			t := r.hash()
			s.seenTree[treeKey{t, uint32(r.uvarint())}] = struct{}{}
		}
		s.treesRaw = nil
	}
	return s.seenTree
}

var errBadState = errors.New("walk state: corrupt")

// maxZoneOffset is the largest time zone offset, in seconds, that go-git
// decodes from a signature ("+9999": 99 hours and 99 minutes); bogus zones
// exist in real histories.
const maxZoneOffset = 99*3600 + 99*60

// stateReader decodes the state file with bounds checks; the first problem
// sticks in err and every later read returns zero values.
type stateReader struct {
	b   []byte
	err error
}

func (r *stateReader) fail() {
	if r.err == nil {
		r.err = errBadState
	}
	r.b = nil
}

func (r *stateReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a count of items taking at least min bytes each.
func (r *stateReader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.b)/min) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *stateReader) hash() (h plumbing.Hash) {
	if len(r.b) < len(h) {
		r.fail()
		return h
	}
	copy(h[:], r.b)
	r.b = r.b[len(h):]
	return h
}

func (r *stateReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// index reads a uvarint that must be below limit.
func (r *stateReader) index(limit int) uint32 {
	v := r.uvarint()
	if v >= uint64(limit) {
		r.fail()
		return 0
	}
	return uint32(v)
}

// readWalkState loads file. A missing file gives (nil, nil); an unreadable
// one an error; a corrupt one or one of another version errBadState.
func readWalkState(file string) (*walkState, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("walk state: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("walk state: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("walk state: %s is not a regular file", file)
	}
	if st.Size() > maxStateSize {
		return nil, errBadState // not one this package wrote: replaced
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, errBadState
	}
	return decodeWalkState(data)
}

func decodeWalkState(data []byte) (*walkState, error) {
	if len(data) < len(stateMagic)+stateSumSize || !bytes.HasPrefix(data, []byte(stateMagic)) {
		return nil, errBadState
	}
	body, sum := data[:len(data)-stateSumSize], data[len(data)-stateSumSize:]
	if binary.BigEndian.Uint32(sum) != crc32.Checksum(body, crc32c) {
		return nil, errBadState
	}
	r := &stateReader{b: body[len(stateMagic):]}
	s := &walkState{}

	for range r.count(len(plumbing.ZeroHash)) {
		s.shallow = append(s.shallow, r.hash())
	}
	n := r.count(len(plumbing.ZeroHash) + 6)
	s.commits = make([]Commit, 0, n)
	s.ids = make([]plumbing.Hash, 0, n)
	s.ctimes = make([]int64, 0, n)
	s.parents = make([][]int32, 0, n)
	for k := range n {
		id := r.hash()
		ctime := r.varint()
		author, email := r.str(), r.str()
		sec, off := r.varint(), r.varint()
		np := r.count(1)
		var ps []int32
		for range np {
			ps = append(ps, int32(r.index(k))) // parents come first
		}
		if r.err != nil {
			return nil, r.err
		}
		if off < -maxZoneOffset || off > maxZoneOffset {
			return nil, errBadState
		}
		s.ids = append(s.ids, id)
		s.ctimes = append(s.ctimes, ctime)
		s.parents = append(s.parents, ps)
		s.commits = append(s.commits, Commit{
			ID: id.String(), Author: author, Email: email, Order: k,
			When: time.Unix(sec, 0).In(time.FixedZone("", int(off))),
		})
	}
	np := r.count(1)
	s.paths = make([]string, 0, np)
	for range np {
		s.paths = append(s.paths, r.str())
	}
	no := r.count(len(plumbing.ZeroHash) + 2)
	s.origin = make(map[occKey]uint32, no)
	for range no {
		b := r.hash()
		p := r.index(len(s.paths))
		c := r.index(len(s.commits))
		s.origin[occKey{b, p}] = c
	}
	s.ntrees = r.count(len(plumbing.ZeroHash) + 1)
	s.treesRaw = r.b
	for range s.ntrees { // validate only: trees() decodes
		r.hash()
		r.index(len(s.paths))
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, errBadState
	}
	return s, nil
}

func (s *walkState) encode() []byte {
	seen := s.trees()
	size := len(stateMagic) + 64 + len(s.shallow)*20 + len(s.origin)*32 + len(seen)*24 + stateSumSize
	for k := range s.commits {
		size += 20 + 40 + len(s.commits[k].Author) + len(s.commits[k].Email) + 6*len(s.parents[k])
	}
	for _, p := range s.paths {
		size += 4 + len(p)
	}
	b := make([]byte, 0, size)
	b = append(b, stateMagic...)
	b = binary.AppendUvarint(b, uint64(len(s.shallow)))
	for _, h := range s.shallow {
		b = append(b, h[:]...)
	}
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	b = binary.AppendUvarint(b, uint64(len(s.commits)))
	for k := range s.commits {
		c := &s.commits[k]
		b = append(b, s.ids[k][:]...)
		b = binary.AppendVarint(b, s.ctimes[k])
		str(c.Author)
		str(c.Email)
		_, off := c.When.Zone()
		b = binary.AppendVarint(b, c.When.Unix())
		b = binary.AppendVarint(b, int64(off))
		b = binary.AppendUvarint(b, uint64(len(s.parents[k])))
		for _, p := range s.parents[k] {
			b = binary.AppendUvarint(b, uint64(p))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(s.paths)))
	for _, p := range s.paths {
		str(p)
	}
	// The maps in their iteration order: the file is a cache, read back into
	// maps, so its order does not matter and sorting would cost more than
	// the rest of the encoding.
	b = binary.AppendUvarint(b, uint64(len(s.origin)))
	for k, c := range s.origin {
		b = append(b, k.blob[:]...)
		b = binary.AppendUvarint(b, uint64(k.path))
		b = binary.AppendUvarint(b, uint64(c))
	}
	b = binary.AppendUvarint(b, uint64(len(seen)))
	for k := range seen {
		b = append(b, k.tree[:]...)
		b = binary.AppendUvarint(b, uint64(k.prefix))
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, crc32c))
}

// writeWalkState replaces file with data (an encoded state), through a temporary file in the same
// directory, with mode 0600.
func writeWalkState(file string, data []byte) error {
	if len(data) > maxStateSize {
		return nil // it would not be read back: keep no state
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".walk-*.tmp")
	if err != nil {
		return fmt.Errorf("walk state: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		_ = os.Remove(tmp.Name()) // best effort: the error below is what matters
		return fmt.Errorf("walk state: %w", err)
	}
	return nil
}

// extends reports whether a walk whose commits not in s are nodes, and whose
// commits in s reached from those and from the refs are boundary, gives the
// same oldest-first order as a walk from nothing with s's commits first: every
// commit of s is still reachable, and every new commit is younger than every
// old one (the order breaks ties between unrelated commits by committer time).
func (s *walkState) extends(boundary []int32, nodes []node) bool {
	seen := make([]bool, len(s.ids))
	stack := append([]int32(nil), boundary...)
	n := 0
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[k] {
			continue
		}
		seen[k] = true
		n++
		stack = append(stack, s.parents[k]...)
	}
	if n != len(s.ids) {
		return false
	}
	var latest int64
	for i, t := range s.ctimes {
		if i == 0 || t > latest {
			latest = t
		}
	}
	for i := range nodes {
		if len(s.ids) > 0 && nodes[i].ctime <= latest {
			return false
		}
	}
	return true
}

// state is what w knows after walking the real commits: prev's (nil if none)
// followed by nodes in order.
func (w *walker) state(prev *walkState, shallow []plumbing.Hash, nodes []node, order []int32) *walkState {
	ix := w.ix
	s := &walkState{
		shallow:  shallow,
		commits:  ix.commits[:ix.nreal],
		paths:    ix.paths,
		origin:   ix.origin,
		seenTree: w.seenTree,
	}
	orderOf := make(map[plumbing.Hash]int32, ix.nreal)
	if prev != nil {
		s.ids = append(s.ids, prev.ids...)
		s.ctimes = append(s.ctimes, prev.ctimes...)
		s.parents = append(s.parents, prev.parents...)
		for k, id := range prev.ids {
			orderOf[id] = int32(k)
		}
	}
	for _, i := range order {
		orderOf[nodes[i].id] = int32(len(s.ids))
		s.ids = append(s.ids, nodes[i].id)
	}
	for _, i := range order {
		n := &nodes[i]
		s.ctimes = append(s.ctimes, n.ctime)
		var ps []int32
		for _, p := range n.parents {
			ps = append(ps, orderOf[p]) // loaded, or in prev
		}
		s.parents = append(s.parents, ps)
	}
	return s
}
