package gitwalk

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// The pack fast path's own object parsing: object headers, inflation and
// delta application, over a window of the pack file. Packs are untrusted:
// every size read from them is checked before it is used, and nothing here
// allocates more than the caller allowed (see packReader).

// packObjHeader is the header of a pack object.
type packObjHeader struct {
	typ    plumbing.ObjectType
	size   int64 // inflated size (for a delta, of the delta data)
	offset int64 // of the header
	data   int64 // offset of the zlib stream
	base   int64 // OFS_DELTA: offset of the base
	ref    plumbing.Hash
}

// packWindow reads a pack file through aligned windows of it kept in
// memory: the current one and a few recently used others. It is an
// io.Reader and io.ByteReader from a position set by seek, so
// compress/flate reads it directly (no bufio). Objects read in or near
// offset order cost one ReadAt per window rather than per object, and
// jumping between regions of the pack (commits, trees, delta bases) finds
// the windows it left still loaded.
type packWindow struct {
	f     io.ReaderAt
	buf   []byte // the current window: file content from off
	off   int64
	i     int // read position: off+i
	spare []spareWindow
	tick  uint64
}

type spareWindow struct {
	buf  []byte
	off  int64
	used uint64
}

const (
	windowSize   = 16 << 10
	spareWindows = 63
)

func newPackWindow(f io.ReaderAt) *packWindow {
	return &packWindow{f: f}
}

// seek sets the read position.
func (w *packWindow) seek(pos int64) error {
	if pos >= w.off && pos < w.off+int64(len(w.buf)) {
		w.i = int(pos - w.off)
		return nil
	}
	return w.load(pos)
}

// load makes the aligned window holding pos current, from a spare or the
// file, and sets the read position to pos.
func (w *packWindow) load(pos int64) error {
	if pos < 0 {
		return fmt.Errorf("negative pack offset %d", pos)
	}
	start := pos &^ (windowSize - 1)
	w.tick++
	found := false
	for k := range w.spare {
		if s := &w.spare[k]; s.off == start {
			s.buf, w.buf = w.buf, s.buf
			s.off, w.off = w.off, s.off
			s.used = w.tick
			found = true
			break
		}
	}
	if !found {
		if len(w.buf) > 0 {
			w.park()
		}
		if cap(w.buf) < windowSize {
			w.buf = make([]byte, windowSize)
		}
		n, err := w.f.ReadAt(w.buf[:windowSize], start)
		w.buf, w.off = w.buf[:n], start
		if pos >= start+int64(n) {
			w.i = n
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF // past the end of the pack
			}
			return err
		}
		// ReadAt's bytes before an error are valid; the error comes
		// back when the read gets there.
	} else if pos >= w.off+int64(len(w.buf)) {
		// A short window at the end of the file.
		w.i = len(w.buf)
		return io.ErrUnexpectedEOF
	}
	w.i = int(pos - w.off)
	return nil
}

// park moves the current window into a spare slot, evicting the least
// recently used one when all are taken; w.buf is left with a buffer to
// reuse, or nil.
func (w *packWindow) park() {
	cur := spareWindow{buf: w.buf, off: w.off, used: w.tick}
	if len(w.spare) < spareWindows {
		w.spare = append(w.spare, cur)
		w.buf = nil
		return
	}
	lru := 0
	for k := range w.spare {
		if w.spare[k].used < w.spare[lru].used {
			lru = k
		}
	}
	w.buf = w.spare[lru].buf
	w.spare[lru] = cur
}

func (w *packWindow) pos() int64 { return w.off + int64(w.i) }

func (w *packWindow) ReadByte() (byte, error) {
	if w.i >= len(w.buf) {
		if err := w.load(w.pos()); err != nil {
			return 0, err
		}
	}
	b := w.buf[w.i]
	w.i++
	return b, nil
}

func (w *packWindow) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if w.i >= len(w.buf) {
		if err := w.load(w.pos()); err != nil {
			return 0, err
		}
	}
	n := copy(p, w.buf[w.i:])
	w.i += n
	return n, nil
}

// maxObjSizeShift bounds the size varint of an object header so that the
// size fits an int64 (as git's unpack_object_header_buffer does).
const maxObjSizeShift = 64 - 7

var errBadPackObject = errors.New("malformed pack object")

// header reads the header of the object at offset and leaves the window at
// the start of its zlib stream.
func (w *packWindow) header(offset int64) (packObjHeader, error) {
	h := packObjHeader{offset: offset}
	if err := w.seek(offset); err != nil {
		return h, fmt.Errorf("reading object header at offset %d: %w", offset, err)
	}
	c, err := w.ReadByte()
	if err != nil {
		return h, fmt.Errorf("reading object header at offset %d: %w", offset, err)
	}
	h.typ = plumbing.ObjectType(c >> 4 & 7)
	size := int64(c & 0x0f)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if shift > maxObjSizeShift {
			return h, fmt.Errorf("%w: size of object at offset %d overflows", errBadPackObject, offset)
		}
		if c, err = w.ReadByte(); err != nil {
			return h, fmt.Errorf("reading object header at offset %d: %w", offset, err)
		}
		size |= int64(c&0x7f) << shift
	}
	if size < 0 {
		return h, fmt.Errorf("%w: size of object at offset %d overflows", errBadPackObject, offset)
	}
	h.size = size
	switch h.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		// A big-endian base-128 distance back, each continuation adding
		// one (git's "offset encoding").
		if c, err = w.ReadByte(); err != nil {
			return h, fmt.Errorf("reading object header at offset %d: %w", offset, err)
		}
		dist := int64(c & 0x7f)
		for c&0x80 != 0 {
			if dist >= 1<<(63-7)-1 {
				return h, fmt.Errorf("%w: delta base distance of object at offset %d overflows", errBadPackObject, offset)
			}
			if c, err = w.ReadByte(); err != nil {
				return h, fmt.Errorf("reading object header at offset %d: %w", offset, err)
			}
			dist = (dist+1)<<7 | int64(c&0x7f)
		}
		if dist <= 0 || dist >= offset {
			return h, fmt.Errorf("%w: object at offset %d has its delta base %d bytes back", errBadPackObject, offset, dist)
		}
		h.base = offset - dist
	case plumbing.REFDeltaObject:
		if _, err := io.ReadFull(w, h.ref[:]); err != nil {
			return h, fmt.Errorf("reading object header at offset %d: %w", offset, noEOF(err))
		}
	default:
		return h, fmt.Errorf("%w: object at offset %d has type %d", errBadPackObject, offset, int(h.typ))
	}
	h.data = w.pos()
	return h, nil
}

// inflater inflates pack objects, reusing one zlib reader.
type inflater struct {
	zr io.ReadCloser // also a zlib.Resetter; nil until the first stream
}

// inflate inflates the zlib stream of h into an exactly sized buffer. The
// stream must hold exactly h.size bytes and end with a valid checksum. The
// caller bounds h.size.
func (z *inflater) inflate(w *packWindow, h *packObjHeader) ([]byte, error) {
	data, err := z.inflateBuf(w, h, make([]byte, h.size))
	if err != nil {
		return nil, fmt.Errorf("inflating object at offset %d: %w", h.offset, err)
	}
	return data, nil
}

func (z *inflater) inflateBuf(w *packWindow, h *packObjHeader, data []byte) ([]byte, error) {
	if err := w.seek(h.data); err != nil {
		return nil, err
	}
	if z.zr == nil {
		zr, err := zlib.NewReader(w)
		if err != nil {
			return nil, err
		}
		z.zr = zr
	} else if err := z.zr.(zlib.Resetter).Reset(w, nil); err != nil {
		return nil, err
	}
	if n, err := io.ReadFull(z.zr, data); err != nil {
		return nil, fmt.Errorf("stream ends after %d of the %d bytes its header says: %w", n, len(data), noEOF(err))
	}
	// The stream must end here; reaching its end also checks the zlib
	// checksum (a checksum error met by the ReadFull is sticky).
	var one [1]byte
	for range 3 {
		n, err := z.zr.Read(one[:])
		switch {
		case n > 0:
			return nil, fmt.Errorf("content longer than its header size %d", len(data))
		case err == io.EOF:
			return data, nil
		case err != nil:
			return nil, err
		}
	}
	return nil, io.ErrNoProgress
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

var errBadDelta = errors.New("invalid delta")

// deltaSizes reads a delta's header: two little-endian base-128 varints,
// the base size then the target size. It returns them and the length of
// the header.
func deltaSizes(delta []byte) (base, target uint64, n int, err error) {
	var vals [2]uint64
	for i := range vals {
		var v uint64
		for shift := uint(0); ; shift += 7 {
			if n >= len(delta) || shift > 63-7 {
				return 0, 0, 0, errBadDelta
			}
			b := delta[n]
			n++
			v |= uint64(b&0x7f) << shift
			if b&0x80 == 0 {
				break
			}
		}
		vals[i] = v
	}
	return vals[0], vals[1], n, nil
}

// patchDelta applies delta to base. The target size comes from the delta
// and must be at most maxSize: the result is allocated at that size before
// the delta is checked against it. Every copy is bounds-checked, and the
// delta must produce exactly the target size and end there.
func patchDelta(base, delta []byte, maxSize int64) ([]byte, error) {
	baseSize, targetSize, n, err := deltaSizes(delta)
	if err != nil {
		return nil, err
	}
	if baseSize != uint64(len(base)) {
		return nil, fmt.Errorf("%w: for a base of %d bytes, not %d", errBadDelta, baseSize, len(base))
	}
	if targetSize > uint64(maxSize) {
		return nil, fmt.Errorf("%w: target size %d over %d", errBadDelta, targetSize, maxSize)
	}
	dst := make([]byte, targetSize)
	delta = delta[n:]
	out := 0
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		if cmd&0x80 != 0 {
			// Copy from the base: offset and size bytes as the
			// command's low bits say; a size of 0 means 0x10000.
			var off, size uint64
			for i := uint(0); i < 4; i++ {
				if cmd&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if cmd&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					size |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > uint64(len(base)) || size > uint64(len(dst)-out) {
				return nil, fmt.Errorf("%w: copy of %d bytes at %d out of bounds", errBadDelta, size, off)
			}
			out += copy(dst[out:], base[off:off+size])
		} else if cmd != 0 {
			// Insert the next cmd bytes of the delta.
			size := int(cmd)
			if size > len(delta) || size > len(dst)-out {
				return nil, fmt.Errorf("%w: insert of %d bytes out of bounds", errBadDelta, size)
			}
			out += copy(dst[out:], delta[:size])
			delta = delta[size:]
		} else {
			return nil, fmt.Errorf("%w: reserved command 0", errBadDelta)
		}
	}
	if out != len(dst) {
		return nil, fmt.Errorf("%w: produces %d bytes, not %d", errBadDelta, out, len(dst))
	}
	return dst, nil
}

// idxFind returns the offset of object id in a pack index. It reads the
// index as MemoryIndex.FindOffset does, without its side effect: that also
// records every offset found in a reverse map, under a mutex, which the
// fast path never uses. The index comes from a file: every slice is
// bounds-checked.
//
// Object ids are uniformly distributed, so the search starts where id
// would be if they were evenly spaced and gallops out from there: a few
// probes, mostly in the same cache lines, where a binary search over a
// large index takes a cache miss at each of its steps. A skewed (crafted)
// index only makes it slower, at worst about twice a binary search.
func idxFind(idx *idxfile.MemoryIndex, id plumbing.Hash) (int64, bool) {
	k := idx.FanoutMapping[id[0]]
	if k < 0 || k >= len(idx.Names) || k >= len(idx.Offset32) {
		return 0, false // no object starts with this byte (noMapping is -1)
	}
	names, offs := idx.Names[k], idx.Offset32[k]
	n := min(len(offs)/4, len(names)/20)
	if n == 0 {
		return 0, false
	}
	key := binary.BigEndian.Uint64(id[:8])
	cmpAt := func(i int) int {
		name := names[i*20 : i*20+20]
		if c := cmpUint64(key, binary.BigEndian.Uint64(name)); c != 0 {
			return c
		}
		return bytes.Compare(id[8:], name[8:])
	}
	// All names here share the first byte: the rest of key, as a
	// fraction of its range, estimates the position.
	g, _ := bits.Mul64(uint64(n), key<<8)
	i := int(g)
	lo, hi := 0, n
	c := cmpAt(i)
	if c < 0 {
		hi = i
		for step := 1; ; step *= 2 {
			j := i - step
			if j < lo {
				break
			}
			if c = cmpAt(j); c >= 0 {
				lo = j
				break
			}
			hi = j
		}
	} else if c > 0 {
		lo = i + 1
		for step := 1; ; step *= 2 {
			j := i + step
			if j >= hi {
				break
			}
			if c = cmpAt(j); c <= 0 {
				hi = j + 1
				break
			}
			lo = j + 1
		}
	} else {
		lo, hi = i, i+1
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := cmpAt(mid); {
		case c == 0:
			return idxOffset(idx, offs, mid)
		case c < 0:
			hi = mid
		default:
			lo = mid + 1
		}
	}
	return 0, false
}

// idxOffset returns the offset of the i-th object of a fanout bucket whose
// 32-bit offset table is offs.
func idxOffset(idx *idxfile.MemoryIndex, offs []byte, i int) (int64, bool) {
	off := binary.BigEndian.Uint32(offs[i*4:])
	if off&0x80000000 == 0 {
		return int64(off), true
	}
	j := int64(off&0x7fffffff) * 8
	if j+8 > int64(len(idx.Offset64)) {
		return 0, false
	}
	o := binary.BigEndian.Uint64(idx.Offset64[j:])
	if o > 1<<62 {
		return 0, false
	}
	return int64(o), true
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// idxHeaderSize is a version-2 pack index's magic, version and fanout table.
const idxHeaderSize = 8 + 256*4

// isIdxV2 reports whether header, the start of a pack index, is that of a
// version-2 index.
func isIdxV2(header []byte) bool {
	return len(header) >= 8 && bytes.Equal(header[:4], []byte{0xff, 't', 'O', 'c'}) &&
		binary.BigEndian.Uint32(header[4:8]) == 2
}

// parseIdx reads a version-2 pack index held in data into the layout
// go-git's idxfile.Decoder gives it (one slice per non-empty fanout bucket),
// as sub-slices of data: no copies, and no SHA-1 of the whole file, which
// decoding took most of its time for (git does not check it when reading
// either; a damaged index gives offsets whose objects fail to parse, or
// ids that go-git's storer then fails to find). It checks the structure:
// the magic and version, a non-decreasing fanout, and a size that fits the
// object count exactly.
func parseIdx(data []byte) (*idxfile.MemoryIndex, error) {
	if len(data) < idxHeaderSize+40 || !isIdxV2(data) {
		return nil, errors.New("pack index: not a version-2 index")
	}
	idx := idxfile.NewMemoryIndex()
	idx.Version = 2
	prev := uint32(0)
	for k := range 256 {
		idx.Fanout[k] = binary.BigEndian.Uint32(data[8+4*k:])
		if idx.Fanout[k] < prev {
			return nil, errors.New("pack index: fanout table decreases")
		}
		prev = idx.Fanout[k]
	}
	n := int64(idx.Fanout[255])
	fixed := int64(idxHeaderSize) + n*(20+4+4) + 40
	rest := int64(len(data)) - fixed
	if rest < 0 || rest%8 != 0 || rest/8 > n {
		return nil, fmt.Errorf("pack index: %d bytes for %d objects", len(data), n)
	}
	names := data[idxHeaderSize:]
	crcs := names[n*20:]
	offs := crcs[n*4:]
	idx.Offset64 = offs[n*4 : int64(len(offs))-40]
	start := int64(0)
	for k := range 256 {
		end := int64(idx.Fanout[k])
		if end == start {
			idx.FanoutMapping[k] = -1 // go-git's noMapping
			continue
		}
		idx.FanoutMapping[k] = len(idx.Names)
		idx.Names = append(idx.Names, names[start*20:end*20:end*20])
		idx.CRC32 = append(idx.CRC32, crcs[start*4:end*4:end*4])
		idx.Offset32 = append(idx.Offset32, offs[start*4:end*4:end*4])
		start = end
	}
	copy(idx.PackfileChecksum[:], data[len(data)-40:])
	copy(idx.IdxChecksum[:], data[len(data)-20:])
	return idx, nil
}
