package gitwalk

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// maxDeltaChain bounds delta chain resolution (git's default --depth is 50;
// the format allows 4095).
const maxDeltaChain = 5000

// errFallback asks the caller to read the object through go-git's storer:
// it is too large for the in-memory fast path, or its delta base is outside
// this pack.
var errFallback = errors.New("gitwalk: object not handled by the pack fast path")

// packReader reads the objects of one pack by offset, for ReadBlobs and
// Walk.
//
// Reading through go-git's storer costs, per object, a lookup in every pack
// index, a SHA-1 of the whole content to key its object cache, a reopening
// of the pack file for objects over 16 KiB, and a copy out of a growing
// buffer; its Scanner also feeds zlib byte by byte through several reader
// layers. Here the offset is known (ReadBlobs sorted the blobs by it), the
// base cache is keyed by offset, headers are parsed from a window of the
// file, and content is inflated by one reused zlib reader straight into an
// exactly sized buffer (packobj.go). Anything unusual (large objects, a
// base in another pack, any error) is handed back to go-git's storer,
// which also produces the error that gets reported.
type packReader struct {
	id    int // position in ReadBlobs' pack list, for cache keys
	file  billy.File
	idx   *idxfile.MemoryIndex
	cache *baseCache
	win   *packWindow // nil until first used
	z     inflater
	// bases counts, per offset, the deltas still to be read (among the
	// blobs ReadBlobs will read) whose base is the object at that offset.
	// Only such objects are cached, and an entry leaves the cache when its
	// count drops to zero; a blob no delta needs is handed over without a
	// copy. When bases is nil (Walk) every object read is cached.
	bases map[int64]int32
}

// packSet is the packs of a repository, opened for one Walk or ReadBlobs
// call, with one base cache for all of them.
type packSet struct {
	packs []*packReader // nil where a pack or its index could not be read
	cache *baseCache
}

// openPacks opens every pack of the repository and of its alternates (one
// level, as go-git does). A pack that cannot be opened is left nil: its
// objects are then read through go-git's storer, which reports any real
// problem. countBases selects ReadBlobs' caching (see packReader.bases).
// r.mu must be held.
func (r *Repo) openPacks(countBases bool) *packSet {
	ps := &packSet{cache: newBaseCache(int64(objectCacheSize))}
	dg := dotgit.NewWithOptions(r.fs, dotgit.Options{AlternatesFS: r.altFS})
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
			pr, err := openPack(d, len(ps.packs), h, ps.cache)
			if err == nil && !countBases {
				pr.bases = nil
			}
			ps.packs = append(ps.packs, pr) // nil on error
		}
	}
	return ps
}

func (ps *packSet) close() {
	for _, pr := range ps.packs {
		if pr != nil {
			_ = pr.file.Close() // read-only file: nothing to lose
		}
	}
}

// find returns the pack and offset of object id.
func (ps *packSet) find(id plumbing.Hash) (int, int64, bool) {
	for i, pr := range ps.packs {
		if pr == nil {
			continue
		}
		if off, ok := idxFind(pr.idx, id); ok {
			return i, off, true
		}
	}
	return 0, 0, false
}

// read returns the type and content of object id from the packs. The
// content may be shared with the cache: it must not be modified. Any error
// (including errFallback when the object is in no pack or is large) means
// the caller should ask go-git's storer instead.
func (ps *packSet) read(id plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	i, off, ok := ps.find(id)
	if !ok {
		return 0, nil, errFallback
	}
	return ps.packs[i].object(off, 0)
}

func openPack(dg *dotgit.DotGit, id int, pack plumbing.Hash, cache *baseCache) (*packReader, error) {
	f, err := dg.ObjectPackIdx(pack)
	if err != nil {
		return nil, err
	}
	data, err := readWhole(f)
	_ = f.Close() // read-only file
	if err != nil {
		return nil, err
	}
	idx, err := parseIdx(data)
	if err != nil {
		return nil, err
	}
	file, err := dg.ObjectPack(pack)
	if err != nil {
		return nil, err
	}
	return &packReader{
		id:    id,
		file:  file,
		idx:   idx,
		cache: cache,
		bases: make(map[int64]int32),
	}, nil
}

// maxIdxSize bounds the pack index read into memory (an index of 100
// million objects is about 3 GB).
const maxIdxSize = 4 << 30

// readWhole reads all of f into a buffer of its size, found by seeking to
// its end (billy files have no Stat).
func readWhole(f interface {
	io.ReaderAt
	io.Seeker
}) ([]byte, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if size > maxIdxSize {
		return nil, fmt.Errorf("pack index of %d bytes", size)
	}
	data := make([]byte, size)
	n, err := f.ReadAt(data, 0)
	if n == len(data) {
		return data, nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

// window returns the pack's window, made on first use (lazyObjects
// builds packReaders without one).
func (p *packReader) window() *packWindow {
	if p.win == nil {
		p.win = newPackWindow(p.file)
	}
	return p.win
}

// countBase notes that the object at offset, if it is a delta, will need
// its base. It reads the object's header only; errors are left for the
// read to report.
func (p *packReader) countBase(offset int64) {
	h, err := p.window().header(offset)
	if err != nil {
		return
	}
	if h.typ == plumbing.OFSDeltaObject || h.typ == plumbing.REFDeltaObject {
		if base, err := p.baseOffset(&h); err == nil {
			p.bases[base]++
		}
	}
}

// keep caches an object if some delta still needs it as a base (or, in
// Walk, always).
func (p *packReader) keep(offset int64, typ plumbing.ObjectType, data []byte) bool {
	if p.bases != nil && p.bases[offset] <= 0 {
		return false
	}
	return p.cache.put(cacheKey{p.id, offset}, typ, data)
}

// used records that one delta has used the base at offset.
func (p *packReader) used(offset int64) {
	if p.bases == nil {
		return
	}
	if n := p.bases[offset]; n > 1 {
		p.bases[offset] = n - 1
		return
	}
	delete(p.bases, offset)
	p.cache.remove(cacheKey{p.id, offset})
}

// readBlob reads the blob at offset. A blob over maxSize (> 0) is reported
// Skipped after reading only its header (and, for a delta, the delta data).
// The returned Data is a fresh slice.
func (p *packReader) readBlob(id plumbing.Hash, offset, maxSize int64) (Blob, error) {
	if e, ok := p.cache.get(cacheKey{p.id, offset}); ok {
		if e.typ != plumbing.BlobObject {
			return Blob{}, fmt.Errorf("object is a %s, not a blob", e.typ)
		}
		size := int64(len(e.data))
		if maxSize > 0 && size > maxSize {
			return Blob{ID: id, Size: size, Skipped: true}, nil
		}
		return Blob{ID: id, Size: size, Data: clone(e.data)}, nil
	}

	h, err := p.window().header(offset)
	if err != nil {
		return Blob{}, err
	}
	var size int64
	var delta []byte
	switch h.typ {
	case plumbing.BlobObject:
		size = h.size
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.TagObject:
		return Blob{}, fmt.Errorf("object is a %s, not a blob", h.typ)
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		if h.size > largeObjectThreshold {
			return Blob{}, errFallback
		}
		if delta, err = p.inflate(&h); err != nil {
			return Blob{}, err
		}
		_, target, _, err := deltaSizes(delta)
		if err != nil || target > 1<<62 {
			return Blob{}, fmt.Errorf("delta at offset %d: %w", offset, errBadDelta)
		}
		size = int64(target)
	default:
		return Blob{}, fmt.Errorf("unknown object type %v at offset %d", h.typ, offset)
	}

	if maxSize > 0 && size > maxSize {
		if delta != nil {
			typ, err := p.typeOf(h, 0)
			if err != nil {
				return Blob{}, err
			}
			if typ != plumbing.BlobObject {
				return Blob{}, fmt.Errorf("object is a %s, not a blob", typ)
			}
		}
		return Blob{ID: id, Size: size, Skipped: true}, nil
	}
	if size > largeObjectThreshold {
		return Blob{}, errFallback // go-git streams it
	}

	var typ plumbing.ObjectType
	var data []byte
	if delta == nil {
		typ = h.typ
		if data, err = p.inflate(&h); err != nil {
			return Blob{}, err
		}
	} else {
		if typ, data, err = p.applyDelta(&h, delta, 1); err != nil {
			return Blob{}, err
		}
	}
	if typ != plumbing.BlobObject {
		return Blob{}, fmt.Errorf("object is a %s, not a blob", typ)
	}
	if int64(len(data)) != size {
		return Blob{}, fmt.Errorf("content is %d bytes, header says %d", len(data), size)
	}
	// A cached base must not be shared with the receiver: nothing it does
	// with its Data may corrupt later blobs.
	if p.keep(offset, typ, data) {
		data = clone(data)
	}
	return Blob{ID: id, Size: size, Data: data}, nil
}

// object returns the type and content of the object at offset (a delta
// base), from the cache or the pack. A delta's base is resolved before the
// delta is inflated, so a chain (or a cycle of REF deltas) holds only
// headers until it reaches its end.
func (p *packReader) object(offset int64, depth int) (plumbing.ObjectType, []byte, error) {
	if e, ok := p.cache.get(cacheKey{p.id, offset}); ok {
		return e.typ, e.data, nil
	}
	if depth > maxDeltaChain {
		return 0, nil, fmt.Errorf("delta chain longer than %d", maxDeltaChain)
	}
	h, err := p.window().header(offset)
	if err != nil {
		return 0, nil, err
	}
	if h.size > largeObjectThreshold {
		return 0, nil, errFallback
	}
	var typ plumbing.ObjectType
	var data []byte
	switch h.typ {
	case plumbing.BlobObject, plumbing.CommitObject, plumbing.TreeObject, plumbing.TagObject:
		typ = h.typ
		if data, err = p.inflate(&h); err != nil {
			return 0, nil, err
		}
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		baseOff, err := p.baseOffset(&h)
		if err != nil {
			return 0, nil, err
		}
		var base []byte
		if typ, base, err = p.object(baseOff, depth+1); err != nil {
			return 0, nil, err
		}
		delta, err := p.inflate(&h)
		if err != nil {
			return 0, nil, err
		}
		if data, err = p.patch(&h, baseOff, base, delta); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("unknown object type %v at offset %d", h.typ, offset)
	}
	p.keep(offset, typ, data)
	return typ, data, nil
}

// applyDelta resolves the delta object h, whose inflated delta data is
// delta, against its base.
func (p *packReader) applyDelta(h *packObjHeader, delta []byte, depth int) (plumbing.ObjectType, []byte, error) {
	baseOff, err := p.baseOffset(h)
	if err != nil {
		return 0, nil, err
	}
	typ, base, err := p.object(baseOff, depth)
	if err != nil {
		return 0, nil, err
	}
	data, err := p.patch(h, baseOff, base, delta)
	return typ, data, err
}

// patch applies the delta of h to its base, at baseOff, and records the
// base as used. A result over largeObjectThreshold is left to go-git.
func (p *packReader) patch(h *packObjHeader, baseOff int64, base, delta []byte) ([]byte, error) {
	if _, target, _, err := deltaSizes(delta); err == nil && target > largeObjectThreshold {
		return nil, errFallback
	}
	p.used(baseOff)
	data, err := patchDelta(base, delta, largeObjectThreshold)
	if err != nil {
		return nil, fmt.Errorf("applying delta at offset %d to base at %d: %w", h.offset, baseOff, err)
	}
	return data, nil
}

func (p *packReader) baseOffset(h *packObjHeader) (int64, error) {
	if h.typ == plumbing.OFSDeltaObject {
		return h.base, nil
	}
	off, ok := idxFind(p.idx, h.ref)
	if !ok {
		return 0, errFallback // base in another pack or loose: go-git finds it
	}
	return off, nil
}

// typeOf follows a delta chain through headers only to find its type.
func (p *packReader) typeOf(h packObjHeader, depth int) (plumbing.ObjectType, error) {
	for ; depth <= maxDeltaChain; depth++ {
		switch h.typ {
		case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		default:
			return h.typ, nil
		}
		off, err := p.baseOffset(&h)
		if err != nil {
			return 0, err
		}
		if e, ok := p.cache.get(cacheKey{p.id, off}); ok {
			return e.typ, nil
		}
		if h, err = p.window().header(off); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("delta chain longer than %d", maxDeltaChain)
}

// inflate reads the content of the object h into an exactly sized buffer.
// The caller bounds h.size.
func (p *packReader) inflate(h *packObjHeader) ([]byte, error) {
	return p.z.inflate(p.window(), h)
}

func clone(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c
}

// baseCache is an LRU of decoded pack objects keyed by (pack, offset),
// bounded by the total size of their contents. Its list is threaded
// through the entries, and evicted entries are reused, so a put costs no
// allocation once the cache is full.
type baseCache struct {
	max, size int64
	m         map[cacheKey]*cacheEntry
	lru       cacheEntry // sentinel: lru.next is the most recent
	free      *cacheEntry
}

type cacheKey struct {
	pack   int
	offset int64
}

type cacheEntry struct {
	key        cacheKey
	typ        plumbing.ObjectType
	data       []byte
	prev, next *cacheEntry
}

func newBaseCache(max int64) *baseCache {
	c := &baseCache{max: max, m: make(map[cacheKey]*cacheEntry)}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

func (c *baseCache) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *baseCache) pushFront(e *cacheEntry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

// get returns the entry of k. The entry is only valid until the next put
// or remove.
func (c *baseCache) get(k cacheKey) (*cacheEntry, bool) {
	e, ok := c.m[k]
	if !ok {
		return nil, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e, true
}

// put caches data under k and reports whether it did.
func (c *baseCache) put(k cacheKey, typ plumbing.ObjectType, data []byte) bool {
	n := int64(len(data))
	if n > c.max/4 {
		return false // one object may not take over the cache
	}
	if e, ok := c.m[k]; ok {
		c.unlink(e)
		c.pushFront(e)
		return true
	}
	e := c.free
	if e != nil {
		c.free = e.next
	} else {
		e = new(cacheEntry)
	}
	*e = cacheEntry{key: k, typ: typ, data: data}
	c.m[k] = e
	c.pushFront(e)
	c.size += n
	for c.size > c.max {
		c.drop(c.lru.prev)
	}
	_, ok := c.m[k]
	return ok
}

func (c *baseCache) remove(k cacheKey) {
	if e, ok := c.m[k]; ok {
		c.drop(e)
	}
}

// drop removes e and keeps it for reuse.
func (c *baseCache) drop(e *cacheEntry) {
	c.unlink(e)
	delete(c.m, e.key)
	c.size -= int64(len(e.data))
	*e = cacheEntry{next: c.free}
	c.free = e
}
