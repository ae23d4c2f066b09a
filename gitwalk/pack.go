package gitwalk

import (
	"container/list"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
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
// buffer. Here the offset is known (ReadBlobs sorted the blobs by it), the
// base cache is keyed by offset, and content is inflated into an
// exactly sized buffer. go-git still does the parsing: its Scanner reads
// object headers and inflates, PatchDelta applies deltas. Anything unusual
// (large objects, a base in another pack, any error) is handed back to
// go-git's storer, which also produces the error that gets reported.
type packReader struct {
	id    int // position in ReadBlobs' pack list, for cache keys
	file  billy.File
	idx   *idxfile.MemoryIndex
	scan  *packfile.Scanner
	cache *baseCache
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
		if off, err := pr.idx.FindOffset(id); err == nil {
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
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(f).Decode(idx)
	_ = f.Close() // read-only file
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
		scan:  packfile.NewScanner(newWindowReader(file)),
		cache: cache,
		bases: make(map[int64]int32),
	}, nil
}

// countBase notes that the object at offset, if it is a delta, will need
// its base. It reads the object's header only; errors are left for the
// read to report.
func (p *packReader) countBase(offset int64) {
	h, err := p.scan.SeekObjectHeader(offset)
	if err != nil {
		return
	}
	if h.Type == plumbing.OFSDeltaObject || h.Type == plumbing.REFDeltaObject {
		if base, err := p.baseOffset(h); err == nil {
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

	h, err := p.scan.SeekObjectHeader(offset)
	if err != nil {
		return Blob{}, err
	}
	var size int64
	var delta []byte
	switch h.Type {
	case plumbing.BlobObject:
		size = h.Length
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.TagObject:
		return Blob{}, fmt.Errorf("object is a %s, not a blob", h.Type)
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		if h.Length > largeObjectThreshold {
			return Blob{}, errFallback
		}
		if delta, err = p.inflate(h); err != nil {
			return Blob{}, err
		}
		if size, err = deltaTargetSize(delta); err != nil {
			return Blob{}, err
		}
	default:
		return Blob{}, fmt.Errorf("unknown object type %v", h.Type)
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
		typ = h.Type
		if data, err = p.inflate(h); err != nil {
			return Blob{}, err
		}
	} else {
		if typ, data, err = p.applyDelta(h, delta, 1); err != nil {
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
// base), from the cache or the pack.
func (p *packReader) object(offset int64, depth int) (plumbing.ObjectType, []byte, error) {
	if e, ok := p.cache.get(cacheKey{p.id, offset}); ok {
		return e.typ, e.data, nil
	}
	if depth > maxDeltaChain {
		return 0, nil, fmt.Errorf("delta chain longer than %d", maxDeltaChain)
	}
	h, err := p.scan.SeekObjectHeader(offset)
	if err != nil {
		return 0, nil, err
	}
	if h.Length > largeObjectThreshold {
		return 0, nil, errFallback
	}
	data, err := p.inflate(h)
	if err != nil {
		return 0, nil, err
	}
	typ := h.Type
	switch h.Type {
	case plumbing.BlobObject, plumbing.CommitObject, plumbing.TreeObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		size, err := deltaTargetSize(data)
		if err != nil {
			return 0, nil, err
		}
		if size > largeObjectThreshold {
			return 0, nil, errFallback
		}
		if typ, data, err = p.applyDelta(h, data, depth+1); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("unknown object type %v at offset %d", h.Type, offset)
	}
	p.keep(offset, typ, data)
	return typ, data, nil
}

// applyDelta resolves the delta object h, whose inflated delta data is
// delta, against its base.
func (p *packReader) applyDelta(h *packfile.ObjectHeader, delta []byte, depth int) (plumbing.ObjectType, []byte, error) {
	baseOff, err := p.baseOffset(h)
	if err != nil {
		return 0, nil, err
	}
	typ, base, err := p.object(baseOff, depth)
	if err != nil {
		return 0, nil, err
	}
	p.used(baseOff)
	data, err := packfile.PatchDelta(base, delta)
	if err != nil {
		return 0, nil, fmt.Errorf("applying delta at offset %d to base at %d: %w", h.Offset, baseOff, err)
	}
	return typ, data, nil
}

func (p *packReader) baseOffset(h *packfile.ObjectHeader) (int64, error) {
	if h.Type == plumbing.OFSDeltaObject {
		return h.OffsetReference, nil
	}
	off, err := p.idx.FindOffset(h.Reference)
	if err != nil {
		return 0, errFallback // base in another pack or loose: go-git finds it
	}
	return off, nil
}

// typeOf follows a delta chain through headers only to find its type.
func (p *packReader) typeOf(h *packfile.ObjectHeader, depth int) (plumbing.ObjectType, error) {
	for ; depth <= maxDeltaChain; depth++ {
		switch h.Type {
		case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		default:
			return h.Type, nil
		}
		off, err := p.baseOffset(h)
		if err != nil {
			return 0, err
		}
		if e, ok := p.cache.get(cacheKey{p.id, off}); ok {
			return e.typ, nil
		}
		if h, err = p.scan.SeekObjectHeader(off); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("delta chain longer than %d", maxDeltaChain)
}

// inflate reads the content of the object whose header was just read into
// an exactly sized buffer. The Scanner bounds the output to h.Length.
func (p *packReader) inflate(h *packfile.ObjectHeader) ([]byte, error) {
	w := fixedWriter{buf: make([]byte, 0, h.Length)}
	n, _, err := p.scan.NextObject(&w)
	if err != nil {
		return nil, fmt.Errorf("inflating object at offset %d: %w", h.Offset, err)
	}
	if n != h.Length {
		return nil, fmt.Errorf("object at offset %d inflates to %d bytes, header says %d", h.Offset, n, h.Length)
	}
	return w.buf, nil
}

// deltaTargetSize reads the result size from a delta's header: two
// little-endian base-128 varints, the base size then the target size.
func deltaTargetSize(delta []byte) (int64, error) {
	var vals [2]uint64
	for i := range vals {
		var v uint64
		var shift uint
		for {
			if len(delta) == 0 || shift > 63 {
				return 0, packfile.ErrInvalidDelta
			}
			b := delta[0]
			delta = delta[1:]
			v |= uint64(b&0x7f) << shift
			shift += 7
			if b&0x80 == 0 {
				break
			}
		}
		vals[i] = v
	}
	if vals[1] > 1<<62 {
		return 0, packfile.ErrInvalidDelta
	}
	return int64(vals[1]), nil
}

// fixedWriter appends into a buffer of fixed capacity.
type fixedWriter struct{ buf []byte }

func (w *fixedWriter) Write(b []byte) (int, error) {
	if len(b) > cap(w.buf)-len(w.buf) {
		return 0, errors.New("object larger than its header size")
	}
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// windowReader is an io.ReadSeeker over a pack file that keeps an aligned
// 128 KiB window of the file in memory. go-git's Scanner seeks before every
// object and drops its own 4 KiB buffer when it does; objects read in or
// near offset order mostly land in the window, so this turns two system
// calls per object into one per window.
type windowReader struct {
	f      io.ReaderAt
	seeker io.Seeker // for io.SeekEnd only
	buf    []byte    // file content from bufOff
	bufOff int64
	pos    int64
}

const windowSize = 128 << 10

func newWindowReader(f interface {
	io.ReaderAt
	io.Seeker
}) *windowReader {
	return &windowReader{f: f, seeker: f, buf: make([]byte, 0, windowSize)}
}

func (w *windowReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if w.pos < w.bufOff || w.pos >= w.bufOff+int64(len(w.buf)) {
		if len(p) >= cap(w.buf) {
			n, err := w.f.ReadAt(p, w.pos)
			w.pos += int64(n)
			if n > 0 && err == io.EOF {
				err = nil
			}
			return n, err
		}
		// Windows are aligned, so reading backwards also hits them.
		start := w.pos &^ (windowSize - 1)
		n, err := w.f.ReadAt(w.buf[:cap(w.buf)], start)
		w.buf, w.bufOff = w.buf[:n], start
		if w.pos >= start+int64(n) {
			if err == nil {
				err = io.ErrNoProgress
			}
			return 0, err
		}
	}
	n := copy(p, w.buf[w.pos-w.bufOff:])
	w.pos += int64(n)
	return n, nil
}

func (w *windowReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += w.pos
	case io.SeekEnd:
		end, err := w.seeker.Seek(0, io.SeekEnd)
		if err != nil {
			return w.pos, err
		}
		offset += end
	default:
		return w.pos, fmt.Errorf("windowReader: bad whence %d", whence)
	}
	if offset < 0 {
		return w.pos, fmt.Errorf("windowReader: negative position %d", offset)
	}
	w.pos = offset
	return offset, nil
}

func clone(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c
}

// baseCache is an LRU of decoded pack objects keyed by (pack, offset),
// bounded by the total size of their contents.
type baseCache struct {
	max, size int64
	ll        list.List // of *cacheEntry, most recent first
	m         map[cacheKey]*list.Element
}

type cacheKey struct {
	pack   int
	offset int64
}

type cacheEntry struct {
	key  cacheKey
	typ  plumbing.ObjectType
	data []byte
}

func newBaseCache(max int64) *baseCache {
	return &baseCache{max: max, m: make(map[cacheKey]*list.Element)}
}

func (c *baseCache) get(k cacheKey) (*cacheEntry, bool) {
	el, ok := c.m[k]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*cacheEntry), true
}

// put caches data under k and reports whether it did.
func (c *baseCache) put(k cacheKey, typ plumbing.ObjectType, data []byte) bool {
	n := int64(len(data))
	if n > c.max/4 {
		return false // one object may not take over the cache
	}
	if el, ok := c.m[k]; ok {
		c.ll.MoveToFront(el)
		return true
	}
	c.m[k] = c.ll.PushFront(&cacheEntry{key: k, typ: typ, data: data})
	c.size += n
	for c.size > c.max {
		el := c.ll.Back()
		e := el.Value.(*cacheEntry)
		c.ll.Remove(el)
		delete(c.m, e.key)
		c.size -= int64(len(e.data))
	}
	_, ok := c.m[k]
	return ok
}

func (c *baseCache) remove(k cacheKey) {
	if el, ok := c.m[k]; ok {
		c.ll.Remove(el)
		delete(c.m, k)
		c.size -= int64(len(el.Value.(*cacheEntry).data))
	}
}
