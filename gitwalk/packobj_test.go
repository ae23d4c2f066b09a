package gitwalk

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// synthPack builds pack files object by object, valid or not, for the
// fast path's parser.
type synthPack struct {
	data []byte
	ids  map[plumbing.Hash]int64 // for the index
}

func newSynthPack() *synthPack {
	return &synthPack{
		data: []byte{'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0},
		ids:  make(map[plumbing.Hash]int64),
	}
}

// add appends raw object bytes and returns their offset.
func (sp *synthPack) add(parts ...[]byte) int64 {
	off := int64(len(sp.data))
	for _, p := range parts {
		sp.data = append(sp.data, p...)
	}
	return off
}

// object appends a well-formed non-delta object and indexes it.
func (sp *synthPack) object(typ plumbing.ObjectType, content []byte) (int64, plumbing.Hash) {
	off := sp.add(objHeaderBytes(typ, uint64(len(content))), zlibBytes(content))
	id := plumbing.ComputeHash(typ, content)
	sp.ids[id] = off
	return off, id
}

// ofsDelta appends an OFS_DELTA object with delta data delta on the base at
// baseOff.
func (sp *synthPack) ofsDelta(baseOff int64, delta []byte) int64 {
	off := int64(len(sp.data))
	return sp.add(objHeaderBytes(plumbing.OFSDeltaObject, uint64(len(delta))), ofsBytes(off-baseOff), zlibBytes(delta))
}

// refDelta appends a REF_DELTA object with delta data delta on base.
func (sp *synthPack) refDelta(base plumbing.Hash, delta []byte) int64 {
	return sp.add(objHeaderBytes(plumbing.REFDeltaObject, uint64(len(delta))), base[:], zlibBytes(delta))
}

func (sp *synthPack) reader(bases bool) *packReader {
	pr := &packReader{
		idx:   buildIdx(sp.ids),
		cache: newBaseCache(64 << 20),
		win:   newPackWindow(bytes.NewReader(sp.data)),
	}
	if bases {
		pr.bases = make(map[int64]int32)
	}
	return pr
}

func objHeaderBytes(typ plumbing.ObjectType, size uint64) []byte {
	b := []byte{byte(typ)<<4 | byte(size&0x0f)}
	size >>= 4
	for size != 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}

// ofsBytes encodes an OFS_DELTA's distance back to its base.
func ofsBytes(dist int64) []byte {
	var buf [10]byte
	i := len(buf) - 1
	buf[i] = byte(dist & 0x7f)
	for dist >>= 7; dist != 0; dist >>= 7 {
		dist--
		i--
		buf[i] = 0x80 | byte(dist&0x7f)
	}
	return slices.Clone(buf[i:])
}

var zlibWriters = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}

func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlibWriters.Get().(*zlib.Writer)
	zw.Reset(&buf)
	zw.Write(b)
	zw.Close()
	zlibWriters.Put(zw)
	return buf.Bytes()
}

func varint(v uint64) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// makeDelta encodes target as a delta on base: copies of base's common
// prefix and suffix, inserts for the middle.
func makeDelta(base, target []byte) []byte {
	d := append(varint(uint64(len(base))), varint(uint64(len(target)))...)
	pre := 0
	for pre < len(base) && pre < len(target) && base[pre] == target[pre] {
		pre++
	}
	suf := 0
	for suf < len(base)-pre && suf < len(target)-pre && base[len(base)-1-suf] == target[len(target)-1-suf] {
		suf++
	}
	cp := func(off, n int) {
		for n > 0 {
			c := min(n, 0xffff)
			d = append(d, 0x80|0x0f|0x30, byte(off), byte(off>>8), byte(off>>16), byte(off>>24), byte(c), byte(c>>8))
			off += c
			n -= c
		}
	}
	cp(0, pre)
	mid := target[pre : len(target)-suf]
	for len(mid) > 0 {
		c := min(len(mid), 0x7f)
		d = append(d, byte(c))
		d = append(d, mid[:c]...)
		mid = mid[c:]
	}
	cp(len(base)-suf, suf)
	return d
}

// buildIdx makes an index of ids, with 64-bit offsets where needed.
func buildIdx(ids map[plumbing.Hash]int64) *idxfile.MemoryIndex {
	idx := idxfile.NewMemoryIndex()
	idx.Version = 2
	hashes := make([]plumbing.Hash, 0, len(ids))
	for h := range ids {
		hashes = append(hashes, h)
	}
	slices.SortFunc(hashes, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	for i := range idx.FanoutMapping {
		idx.FanoutMapping[i] = -1
	}
	for _, h := range hashes {
		k := idx.FanoutMapping[h[0]]
		if k < 0 {
			k = len(idx.Names)
			idx.FanoutMapping[h[0]] = k
			idx.Names = append(idx.Names, nil)
			idx.Offset32 = append(idx.Offset32, nil)
			idx.CRC32 = append(idx.CRC32, nil)
		}
		idx.Names[k] = append(idx.Names[k], h[:]...)
		off := ids[h]
		var o32 uint32
		if off < 1<<31 {
			o32 = uint32(off)
		} else {
			o32 = 0x80000000 | uint32(len(idx.Offset64)/8)
			idx.Offset64 = binary.BigEndian.AppendUint64(idx.Offset64, uint64(off))
		}
		idx.Offset32[k] = binary.BigEndian.AppendUint32(idx.Offset32[k], o32)
		idx.CRC32[k] = append(idx.CRC32[k], 0, 0, 0, 0)
	}
	for i := range idx.Fanout {
		n := uint32(0)
		for _, h := range hashes {
			if int(h[0]) <= i {
				n++
			}
		}
		idx.Fanout[i] = n
	}
	return idx
}

// TestPackObjectSynthetic reads objects, delta chains and REF deltas of a
// made-up pack.
func TestPackObjectSynthetic(t *testing.T) {
	t.Parallel()
	sp := newSynthPack()
	v1 := []byte(randomText(1, 20000))
	v2 := append(slices.Clone(v1[:9000]), append([]byte("changed line\n"), v1[9000:]...)...)
	v3 := append(slices.Clone(v2[:100]), v2[5000:]...)
	b1, id1 := sp.object(plumbing.BlobObject, v1)
	d2 := sp.ofsDelta(b1, makeDelta(v1, v2))
	d3 := sp.ofsDelta(d2, makeDelta(v2, v3))
	r3 := sp.refDelta(id1, makeDelta(v1, v3))
	tree := []byte("100644 f\x00" + strings.Repeat("\x01", 20))
	tr, _ := sp.object(plumbing.TreeObject, tree)
	empty, _ := sp.object(plumbing.BlobObject, nil)

	want := map[int64][]byte{b1: v1, d2: v2, d3: v3, r3: v3, empty: {}}
	for _, bases := range []bool{false, true} {
		pr := sp.reader(bases)
		if bases {
			for _, off := range []int64{b1, d2, d3, r3, empty} {
				pr.countBase(off)
			}
			if pr.bases[b1] != 2 || pr.bases[d2] != 1 {
				t.Fatalf("countBase: %v", pr.bases)
			}
		}
		for _, off := range []int64{d3, b1, r3, d2, empty} {
			typ, data, err := pr.object(off, 0)
			if err != nil || typ != plumbing.BlobObject || !bytes.Equal(data, want[off]) {
				t.Fatalf("bases=%v: object(%d) = %v, %d bytes, %v", bases, off, typ, len(data), err)
			}
			b, err := pr.readBlob(plumbing.ZeroHash, off, 0)
			if err != nil || !bytes.Equal(b.Data, want[off]) || b.Size != int64(len(want[off])) {
				t.Fatalf("bases=%v: readBlob(%d) = %d bytes, %v", bases, off, len(b.Data), err)
			}
			if len(want[off]) > 0 {
				b, err = pr.readBlob(plumbing.ZeroHash, off, 10)
				if err != nil || !b.Skipped || b.Size != int64(len(want[off])) {
					t.Fatalf("bases=%v: readBlob(%d, cap 10) = %+v, %v", bases, off, b, err)
				}
			}
		}
		typ, data, err := pr.object(tr, 0)
		if err != nil || typ != plumbing.TreeObject || !bytes.Equal(data, tree) {
			t.Fatalf("tree: %v %q %v", typ, data, err)
		}
		if _, err := pr.readBlob(plumbing.ZeroHash, tr, 0); err == nil {
			t.Fatal("readBlob read a tree")
		}
	}
}

// TestPackObjectHostile feeds the fast path broken and lying objects: each
// must give an error (errFallback where go-git should decide), never a
// panic or an allocation of the size a header claims.
func TestPackObjectHostile(t *testing.T) {
	t.Parallel()
	content := []byte("hello, world\n")
	z := zlibBytes(content)
	badSum := slices.Clone(z)
	badSum[len(badSum)-1] ^= 1
	tests := []struct {
		name     string
		build    func(sp *synthPack) int64
		fallback bool   // want errFallback
		want     string // in the error otherwise
	}{
		{"huge size", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, 1<<40), z)
		}, true, ""},
		{"size overflow", func(sp *synthPack) int64 {
			return sp.add([]byte{0xb0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, z)
		}, false, "overflows"},
		{"truncated header", func(sp *synthPack) int64 {
			return sp.add([]byte{0xb0, 0xff})
		}, false, "offset"},
		{"type 0", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(0, uint64(len(content))), z)
		}, false, "type 0"},
		{"type 5", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(5, uint64(len(content))), z)
		}, false, "type 5"},
		{"header size too big", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, uint64(len(content)+1)), z)
		}, false, "stream ends"},
		{"header size too small", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, uint64(len(content)-1)), z)
		}, false, "longer"},
		{"zero size, content", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, 0), z)
		}, false, "longer"},
		{"bad checksum", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, uint64(len(content))), badSum)
		}, false, "checksum"},
		{"truncated stream", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, uint64(len(content))), z[:len(z)-6])
		}, false, "inflating object at offset"},
		{"not zlib", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.BlobObject, uint64(len(content))), []byte("garbage garbage garbage"))
		}, false, "inflating object at offset"},
		{"ofs self", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.OFSDeltaObject, 10), []byte{0}, z)
		}, false, "delta base"},
		{"ofs before pack", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.OFSDeltaObject, 10), ofsBytes(1<<20), z)
		}, false, "delta base"},
		{"ofs overflow", func(sp *synthPack) int64 {
			return sp.add(objHeaderBytes(plumbing.OFSDeltaObject, 10), bytes.Repeat([]byte{0xff}, 12), z)
		}, false, "overflows"},
		{"ofs into data", func(sp *synthPack) int64 {
			b, _ := sp.object(plumbing.BlobObject, []byte(randomText(3, 300)))
			return sp.ofsDelta(b+5, makeDelta(content, content))
		}, false, ""},
		{"delta copy out of base", func(sp *synthPack) int64 {
			b, _ := sp.object(plumbing.BlobObject, content)
			d := append(varint(uint64(len(content))), varint(20)...)
			d = append(d, 0x80|0x01|0x10, 5, 20)
			return sp.ofsDelta(b, d)
		}, false, "out of bounds"},
		{"delta wrong base size", func(sp *synthPack) int64 {
			b, _ := sp.object(plumbing.BlobObject, content)
			return sp.ofsDelta(b, makeDelta(content[1:], content))
		}, false, "invalid delta"},
		{"delta short", func(sp *synthPack) int64 {
			b, _ := sp.object(plumbing.BlobObject, content)
			d := makeDelta(content, content)
			d[1]++ // target one byte longer than the ops make
			return sp.ofsDelta(b, d)
		}, false, "produces"},
		{"delta command 0", func(sp *synthPack) int64 {
			b, _ := sp.object(plumbing.BlobObject, content)
			d := append(varint(uint64(len(content))), varint(1)...)
			return sp.ofsDelta(b, append(d, 0, 1))
		}, false, "command 0"},
		{"delta huge target", func(sp *synthPack) int64 {
			b, _ := sp.object(plumbing.BlobObject, content)
			d := append(varint(uint64(len(content))), varint(1<<40)...)
			return sp.ofsDelta(b, append(d, 0x90))
		}, true, ""},
		{"ref cycle", func(sp *synthPack) int64 {
			a, b := plumbing.NewHash(strings.Repeat("a1", 20)), plumbing.NewHash(strings.Repeat("b2", 20))
			// Each delta claims megabytes: the chain must not hold them.
			d := append(varint(1<<20), varint(1<<20)...)
			d = append(d, make([]byte, 4<<20)...)
			sp.ids[a] = sp.refDelta(b, d)
			sp.ids[b] = sp.refDelta(a, d)
			return sp.ids[a]
		}, false, "delta chain longer"},
		{"ref self", func(sp *synthPack) int64 {
			a := plumbing.NewHash(strings.Repeat("c3", 20))
			sp.ids[a] = sp.refDelta(a, makeDelta(content, content))
			return sp.ids[a]
		}, false, "delta chain longer"},
		{"ref elsewhere", func(sp *synthPack) int64 {
			return sp.refDelta(plumbing.NewHash(strings.Repeat("d4", 20)), makeDelta(content, content))
		}, true, ""},
	}
	for _, tc := range tests {
		sp := newSynthPack()
		sp.object(plumbing.BlobObject, []byte("first\n"))
		off := tc.build(sp)
		check := func(what string, err error) {
			t.Helper()
			switch {
			case err == nil:
				t.Errorf("%s: %s: no error", tc.name, what)
			case tc.fallback && err != errFallback:
				t.Errorf("%s: %s: %v, want errFallback", tc.name, what, err)
			case !tc.fallback && (err == errFallback || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%s: %s: %v, want an error with %q", tc.name, what, err, tc.want)
			}
		}
		start := time.Now()
		pr := sp.reader(false)
		_, _, err := pr.object(off, 0)
		check("object", err)
		_, err = sp.reader(true).readBlob(plumbing.ZeroHash, off, 0)
		check("readBlob", err)
		// Capped reads may skip by size; they must still not panic.
		sp.reader(true).readBlob(plumbing.ZeroHash, off, 4)
		sp.reader(true).countBase(off)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
	// Offsets outside the pack.
	sp := newSynthPack()
	sp.object(plumbing.BlobObject, content)
	for _, off := range []int64{-1, int64(len(sp.data)), 1 << 40} {
		if _, _, err := sp.reader(false).object(off, 0); err == nil || err == errFallback {
			t.Errorf("object(%d): %v", off, err)
		}
	}
}

// TestPackObjectChainLimit checks that a chain of deltas longer than
// maxDeltaChain is refused.
func TestPackObjectChainLimit(t *testing.T) {
	t.Parallel()
	sp := newSynthPack()
	content := []byte("x")
	off, _ := sp.object(plumbing.BlobObject, content)
	offs := []int64{off}
	for range maxDeltaChain + 2 {
		off = sp.ofsDelta(off, makeDelta(content, content))
		offs = append(offs, off)
	}
	if _, _, err := sp.reader(false).object(off, 0); err == nil || !strings.Contains(err.Error(), "delta chain longer") {
		t.Errorf("long chain: %v", err)
	}
	// Read from the start, every step finds its base cached.
	pr := sp.reader(false)
	for _, o := range offs {
		if _, data, err := pr.object(o, 0); err != nil || string(data) != "x" {
			t.Fatalf("object(%d): %q, %v", o, data, err)
		}
	}
}

// TestPackWindow compares packWindow with bytes.Reader over random seeks
// and reads, across windows and with evictions.
func TestPackWindow(t *testing.T) {
	t.Parallel()
	data := []byte(randomText(9, (spareWindows+5)*windowSize+777))
	w := newPackWindow(bytes.NewReader(data))
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 20000; i++ {
		pos := int64(rng.Intn(len(data) + 10))
		err := w.seek(pos)
		if (err == nil) != (pos < int64(len(data))) {
			t.Fatalf("seek(%d) of %d: %v", pos, len(data), err)
		}
		if err != nil {
			continue
		}
		n := []int{1, 5, 100, windowSize - 1, windowSize + 3, 3 * windowSize}[rng.Intn(6)]
		got := make([]byte, n)
		var m int
		if rng.Intn(2) == 0 {
			m, err = io.ReadFull(w, got)
		} else {
			for m = 0; m < n; m++ {
				var b byte
				if b, err = w.ReadByte(); err != nil {
					break
				}
				got[m] = b
			}
		}
		want := data[pos:min(pos+int64(n), int64(len(data)))]
		if !bytes.Equal(got[:m], want) || (err == nil) != (m == n) {
			t.Fatalf("read %d at %d: %d bytes, %v; want %d", n, pos, m, err, len(want))
		}
		if err == nil && w.pos() != pos+int64(n) {
			t.Fatalf("pos %d after reading %d at %d", w.pos(), n, pos)
		}
	}
	if len(w.spare) != spareWindows {
		t.Errorf("%d spare windows, want %d", len(w.spare), spareWindows)
	}
}

// errReaderAt fails every read after the first n bytes.
type errReaderAt struct {
	data []byte
	n    int64
}

var errDisk = errors.New("disk on fire")

func (r errReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.n {
		return 0, errDisk
	}
	n := copy(p, r.data[off:min(int64(len(r.data)), r.n)])
	if n < len(p) {
		return n, errDisk
	}
	return n, nil
}

// TestPackWindowReadError checks an I/O error reaches the reader.
func TestPackWindowReadError(t *testing.T) {
	t.Parallel()
	sp := newSynthPack()
	off, _ := sp.object(plumbing.BlobObject, []byte(randomText(4, 3*windowSize)))
	pr := sp.reader(false)
	pr.win = newPackWindow(errReaderAt{sp.data, windowSize + 100})
	if _, _, err := pr.object(off, 0); !errors.Is(err, errDisk) {
		t.Errorf("object: %v, want the read error", err)
	}
}

// TestIdxFind compares idxFind with go-git's FindOffset on indexes of
// random ids, some with 64-bit offsets.
func TestIdxFind(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 2, 10, 300, 20000} {
		ids := make(map[plumbing.Hash]int64)
		var list []plumbing.Hash
		for len(ids) < n {
			var h plumbing.Hash
			rng.Read(h[:])
			if n == 300 {
				h[0] = 7 // one crowded bucket
				h[1] &= 3
			}
			off := rng.Int63n(1 << 31)
			if rng.Intn(5) == 0 {
				off = 1<<31 + rng.Int63n(1<<40)
			}
			ids[h] = off
			list = append(list, h)
		}
		idx := buildIdx(ids)
		for _, h := range list {
			got, ok := idxFind(idx, h)
			want, err := idx.FindOffset(h)
			if !ok || err != nil || got != want || got != ids[h] {
				t.Fatalf("n=%d: idxFind(%s) = %d, %v; FindOffset %d, %v; want %d", n, h, got, ok, want, err, ids[h])
			}
		}
		for range 1000 {
			var h plumbing.Hash
			rng.Read(h[:])
			if len(list) > 0 && rng.Intn(2) == 0 {
				h = list[rng.Intn(len(list))]
				h[19] ^= 1
			}
			if _, in := ids[h]; in {
				continue
			}
			if off, ok := idxFind(idx, h); ok {
				t.Fatalf("n=%d: idxFind(%s) found %d", n, h, off)
			}
		}
	}
	if _, ok := idxFind(idxfile.NewMemoryIndex(), plumbing.ZeroHash); ok {
		t.Error("found in an empty index")
	}
}

// TestPatchDelta compares patchDelta with go-git's PatchDelta on random
// edits and on random damage to their deltas.
func TestPatchDelta(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(4))
	for i := range 3000 {
		base := []byte(randomText(int64(i), 1+rng.Intn(3000)))
		target := slices.Clone(base)
		for range rng.Intn(4) {
			p := rng.Intn(len(target) + 1)
			target = slices.Insert(target, p, []byte(randomText(int64(i+7), rng.Intn(300)))...)
		}
		if rng.Intn(3) == 0 {
			target = target[rng.Intn(len(target)+1):]
		}
		delta := makeDelta(base, target)
		if i%2 == 1 {
			for range 1 + rng.Intn(3) {
				delta[rng.Intn(len(delta))] ^= byte(1 + rng.Intn(255))
			}
		}
		comparePatch(t, base, delta)
	}
}

func comparePatch(t *testing.T, base, delta []byte) {
	t.Helper()
	got, err := patchDelta(base, delta, largeObjectThreshold)
	if err == nil && len(got) > largeObjectThreshold {
		t.Fatalf("patchDelta made %d bytes", len(got))
	}
	if len(base) == 0 {
		return // go-git refuses empty bases; git does not
	}
	_, target, _, serr := deltaSizes(delta)
	if serr != nil {
		// go-git reads a truncated size as ending there; git does not.
		if err == nil {
			t.Fatalf("patchDelta accepted a delta with a bad header: %v", serr)
		}
		return
	}
	if target > largeObjectThreshold {
		if err == nil {
			t.Fatalf("patchDelta made a %d-byte target", target)
		}
		return // not for go-git: it would allocate it
	}
	want, werr := packfile.PatchDelta(base, delta)
	if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("patchDelta = %d bytes, %v; go-git %d bytes, %v", len(got), err, len(want), werr)
	}
}

// FuzzPatchDelta compares patchDelta with go-git's PatchDelta.
func FuzzPatchDelta(f *testing.F) {
	base := []byte(randomText(5, 500))
	f.Add(base, makeDelta(base, append(slices.Clone(base[:200]), base[300:]...)))
	f.Add([]byte("a"), []byte{1, 0x91, 0, 0})
	f.Add([]byte("abc"), []byte{3, 3, 0x90})
	f.Add(base, []byte{0xf4, 0x03}) // no target size: go-git reads 0
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		comparePatch(t, base, delta)
	})
}

// FuzzPackObject reads objects of a fuzzed pack through the fast path:
// whatever the bytes, it must not panic, and what it returns must be
// consistent. The pack holds a valid blob at offset 12, indexed under id 01…,
// then the fuzzed bytes; id 02… is indexed at offset 12+ref.
func FuzzPackObject(f *testing.F) {
	blob := []byte("the base blob\nwith two lines\n")
	seed := func(build func(sp *synthPack)) []byte {
		sp := newSynthPack()
		sp.object(plumbing.BlobObject, blob)
		n := len(sp.data)
		build(sp)
		return sp.data[n:]
	}
	idA := plumbing.NewHash(strings.Repeat("01", 20))
	f.Add(seed(func(sp *synthPack) { sp.object(plumbing.BlobObject, []byte("hello\n")) }), uint16(0), uint16(0))
	f.Add(seed(func(sp *synthPack) { sp.object(plumbing.TreeObject, []byte("100644 a\x00xxxxxxxxxxxxxxxxxxxx")) }), uint16(0), uint16(0))
	f.Add(seed(func(sp *synthPack) { sp.ofsDelta(12, makeDelta(blob, []byte("the base blob\nchanged\n"))) }), uint16(0), uint16(0))
	f.Add(seed(func(sp *synthPack) {
		o := sp.ofsDelta(12, makeDelta(blob, []byte("the base\n")))
		sp.ofsDelta(o, makeDelta([]byte("the base\n"), []byte("the\n")))
	}), uint16(30), uint16(0))
	f.Add(seed(func(sp *synthPack) { sp.refDelta(idA, makeDelta(blob, []byte("with two lines\n"))) }), uint16(0), uint16(0))
	f.Add(seed(func(sp *synthPack) {
		sp.refDelta(plumbing.NewHash(strings.Repeat("02", 20)), makeDelta(blob, blob))
	}), uint16(0), uint16(0))
	f.Add([]byte{0xbf, 0xff, 0xff, 0xff, 0x0f, 0x78, 0x9c}, uint16(0), uint16(0))
	f.Fuzz(func(t *testing.T, tail []byte, at, ref uint16) {
		sp := newSynthPack()
		sp.object(plumbing.BlobObject, blob)
		n := int64(len(sp.data))
		sp.data = append(sp.data, tail...)
		sp.ids = map[plumbing.Hash]int64{
			idA: 12,
			plumbing.NewHash(strings.Repeat("02", 20)): 12 + int64(ref),
		}
		offs := []int64{n, n + int64(at)}
		pr := sp.reader(false)
		for _, off := range offs {
			typ, data, err := pr.object(off, 0)
			if err != nil {
				continue
			}
			switch typ {
			case plumbing.BlobObject, plumbing.TreeObject, plumbing.CommitObject, plumbing.TagObject:
			default:
				t.Fatalf("object(%d) has type %v", off, typ)
			}
			if len(data) > largeObjectThreshold {
				t.Fatalf("object(%d) is %d bytes", off, len(data))
			}
			h, err := newPackWindow(bytes.NewReader(sp.data)).header(off)
			if err != nil {
				t.Fatalf("object(%d) read, but its header: %v", off, err)
			}
			if h.typ == typ && h.size != int64(len(data)) {
				t.Fatalf("object(%d): %d bytes, header says %d", off, len(data), h.size)
			}
		}
		pb := sp.reader(true)
		for _, off := range offs {
			pb.countBase(off)
		}
		for _, off := range offs {
			for _, maxSize := range []int64{0, 8} {
				b, err := pb.readBlob(plumbing.ZeroHash, off, maxSize)
				if err != nil {
					continue
				}
				if b.Skipped != (maxSize > 0 && b.Size > maxSize) || (!b.Skipped && int64(len(b.Data)) != b.Size) {
					t.Fatalf("readBlob(%d, %d): size %d, %d bytes, skipped %v", off, maxSize, b.Size, len(b.Data), b.Skipped)
				}
			}
		}
	})
}

// sameIdx fails unless a and b index the same objects at the same offsets.
func sameIdx(t *testing.T, a, b *idxfile.MemoryIndex) {
	t.Helper()
	if a.Version != b.Version || a.Fanout != b.Fanout || a.FanoutMapping != b.FanoutMapping ||
		!reflect.DeepEqual(a.Names, b.Names) || !reflect.DeepEqual(a.Offset32, b.Offset32) ||
		!reflect.DeepEqual(a.CRC32, b.CRC32) || !bytes.Equal(a.Offset64, b.Offset64) ||
		a.PackfileChecksum != b.PackfileChecksum || a.IdxChecksum != b.IdxChecksum {
		t.Fatal("parseIdx and go-git's decoder disagree")
	}
}

func goGitIdx(data []byte) (*idxfile.MemoryIndex, error) {
	idx := idxfile.NewMemoryIndex()
	return idx, idxfile.NewDecoder(bytes.NewReader(data)).Decode(idx)
}

func TestParseIdx(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	for i := range 300 {
		g.write(fmt.Sprintf("d%d/f%d.txt", i%7, i), strings.Repeat(fmt.Sprintf("line %d\n", i), 1+i%5))
	}
	g.commit("many objects")
	g.git("repack", "-adq")
	idxs, _ := filepath.Glob(filepath.Join(g.dir, ".git", "objects", "pack", "*.idx"))
	if len(idxs) != 1 {
		t.Fatalf("%d pack indexes", len(idxs))
	}
	data, err := os.ReadFile(idxs[0])
	if err != nil {
		t.Fatal(err)
	}
	want, err := goGitIdx(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseIdx(data)
	if err != nil {
		t.Fatal(err)
	}
	sameIdx(t, got, want)
	for _, id := range []string{g.revParse("HEAD"), g.revParse("HEAD^{tree}")} {
		h := plumbing.NewHash(id)
		o1, ok1 := idxFind(got, h)
		o2, err2 := want.FindOffset(h)
		if !ok1 || err2 != nil || o1 != o2 {
			t.Errorf("%s: offset %d, %v; go-git %d, %v", id, o1, ok1, o2, err2)
		}
	}

	bad := map[string][]byte{
		"empty":     nil,
		"version 1": data[8:],
		"version 3": append(append([]byte{}, data[:7]...), append([]byte{3}, data[8:]...)...),
		"truncated": data[:len(data)-3],
		"one more":  append(append([]byte{}, data...), 0),
	}
	dec := append([]byte{}, data...)
	dec[8+4*10], dec[8+4*10+1] = 0xff, 0xff // fanout[10] above fanout[11]
	bad["decreasing fanout"] = dec
	for name, b := range bad {
		if _, err := parseIdx(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseIdx(f *testing.F) {
	idx := []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}
	fan := make([]byte, 256*4)
	for k := 0x12; k < 256; k++ {
		binary.BigEndian.PutUint32(fan[4*k:], 1)
	}
	idx = append(idx, fan...)
	idx = append(idx, bytes.Repeat([]byte{0x12}, 20)...) // name
	idx = append(idx, 0, 0, 0, 0)                        // crc
	idx = append(idx, 0, 0, 0, 12)                       // offset
	idx = append(idx, make([]byte, 40)...)
	f.Add(idx)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseIdx(data)
		if err != nil {
			return
		}
		want, err := goGitIdx(data)
		if err != nil {
			return // go-git also checks the file's SHA-1
		}
		sameIdx(t, got, want)
	})
}
