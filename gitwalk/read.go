package gitwalk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
)

// maxReportedErrors bounds how many unreadable blobs ReadBlobs names in its
// error; the rest are counted.
const maxReportedErrors = 50

// Blob is one blob's content, as delivered by ReadBlobs.
type Blob struct {
	ID      plumbing.Hash
	Size    int64  // size from the object header, also when Skipped
	Data    []byte // the content (non-nil, possibly empty); nil when Skipped
	Skipped bool   // over the size cap: not read into memory
}

// readItem is a blob with its place in the packs, for ordering reads.
type readItem struct {
	id     plumbing.Hash
	pack   int   // index into the pack list; len(packs) when not in a pack
	offset int64 // offset in that pack
}

// ReadBlobs reads every blob in ix exactly once and sends it to out. Blobs
// whose header size is over maxSize are sent with Skipped set, Size filled in
// and no Data, without their content being loaded; maxSize <= 0 means no cap.
// Each Data is a fresh slice owned by the receiver; it is never reused.
//
// Reads happen on the calling goroutine only, one object at a time, in pack
// order (pack by pack, by offset: a delta's base comes before it), then
// objects outside packs (loose objects, alternates) in id order. Before
// reading, the header of every packed blob is read to count which objects
// later deltas use as bases; only those are cached (64 MiB LRU), each until
// its last delta is resolved. Memory is bounded by that cache, the blob in
// hand (with its delta data) and what out buffers. Objects over 8 MiB, and
// anything the pack fast path (see pack.go) does not handle, are read
// through go-git's storer.
//
// A blob that is missing or cannot be decoded does not stop the sweep: the
// other blobs are still delivered, and the returned error names every blob
// that could not be read (errors.Join of *ObjectError values, the first 50
// named and the rest counted). ReadBlobs returns when all blobs have been
// sent or ctx is cancelled (the error then wraps ctx's error). It does not
// close out.
func (r *Repo) ReadBlobs(ctx context.Context, ix *Index, maxSize int64, out chan<- Blob) error {
	return r.ReadBlobList(ctx, ix.blobs, maxSize, out)
}

// ReadBlobList is ReadBlobs for a chosen set of blobs (a shard, or the blobs an
// incremental sweep has not seen before), read in the same pack order.
func (r *Repo) ReadBlobList(ctx context.Context, blobs []plumbing.Hash, maxSize int64, out chan<- Blob) error {
	r.mu.Lock()
	if r.st == nil {
		r.mu.Unlock()
		return ErrClosed
	}
	// Trees and commits cached by Walk are of no use here.
	r.cache.Clear()
	items, ps := r.packOrder(blobs)
	r.mu.Unlock()
	defer ps.close()

	var errs []error
	failed := 0
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, fmt.Errorf("gitwalk: reading blobs: %w", err))...)
		}
		r.mu.Lock()
		if r.st == nil {
			r.mu.Unlock()
			return ErrClosed
		}
		var b Blob
		var err error
		if it.pack < len(ps.packs) {
			b, err = r.readPacked(ps.packs[it.pack], it, maxSize)
		} else {
			b, err = r.readBlob(it.id, maxSize, false)
		}
		r.mu.Unlock()
		if err != nil {
			failed++
			if len(errs) < maxReportedErrors {
				errs = append(errs, err)
			}
			continue
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return errors.Join(append(errs, fmt.Errorf("gitwalk: reading blobs: %w", ctx.Err()))...)
		}
	}
	if failed > len(errs) {
		errs = append(errs, fmt.Errorf("gitwalk: %d more blobs could not be read", failed-len(errs)))
	}
	return errors.Join(errs...)
}

// ReadBlob reads one blob, e.g. HEAD's version of a file whose scanned blob
// differs. A blob over maxSize (when maxSize > 0) is not loaded: the error
// wraps ErrTooLarge. A missing or corrupt blob is an *ObjectError.
func (r *Repo) ReadBlob(id plumbing.Hash, maxSize int64) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		return nil, ErrClosed
	}
	b, err := r.readOne(id, maxSize)
	if err != nil {
		return nil, err
	}
	if b.Skipped {
		return nil, objErr("reading", "blob", id, "",
			fmt.Errorf("%w: %d bytes, cap %d", ErrTooLarge, b.Size, maxSize))
	}
	return b.Data, nil
}

// readOne reads one blob by id: from its loose object file when there is
// one (a staged file; trying costs one failed open otherwise), through
// gitwalk's own pack reader when a pack holds it, else as readBlob does.
// r.mu must be held.
func (r *Repo) readOne(id plumbing.Hash, maxSize int64) (Blob, error) {
	if b, ok := r.readLoose(id, maxSize); ok {
		return b, nil
	}
	if r.one == nil {
		r.one = r.openPacks(false)
	}
	if i, off, ok := r.one.find(id); ok {
		if b, err := r.one.packs[i].readBlob(id, off, maxSize); err == nil {
			return b, nil
		}
		return r.readBlob(id, maxSize, true) // the storer decides, and reports
	}
	return r.readBlob(id, maxSize, false)
}

// readLoose reads blob id from its loose object file, when there is one and
// nothing about it is unusual; ok is false otherwise, for the storer to read
// it (from alternates, or to report what is wrong). go-git's storer looks in
// every pack first, loading their indexes, which costs more than the whole
// read for the usual loose object: a file just staged.
func (r *Repo) readLoose(id plumbing.Hash, maxSize int64) (b Blob, ok bool) {
	h := id.String()
	f, err := r.fs.Open(r.fs.Join("objects", h[:2], h[2:]))
	if err != nil {
		return Blob{}, false
	}
	defer f.Close()
	or, err := objfile.NewReader(f)
	if err != nil {
		return Blob{}, false
	}
	defer or.Close()
	typ, size, err := or.Header()
	if err != nil || typ != plumbing.BlobObject || size < 0 {
		return Blob{}, false
	}
	if maxSize > 0 && size > maxSize {
		return Blob{ID: id, Size: size, Skipped: true}, true
	}
	if size > largeObjectThreshold {
		return Blob{}, false // the storer streams it
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(or, data); err != nil {
		return Blob{}, false
	}
	// The content must end where the header says, with the zlib checksum
	// intact, which reading to the end of the stream verifies.
	var one [1]byte
	if n, err := or.Read(one[:]); n != 0 || err != io.EOF {
		return Blob{}, false
	}
	return Blob{ID: id, Size: size, Data: data}, true
}

// readBlob reads one blob through the storer; r.mu must be held. packed
// says the blob is known to be in a pack, where go-git learns the size of a
// large object from its header without loading it. For other blobs the
// loose object's header is read first, so an oversized loose blob is never
// inflated.
func (r *Repo) readBlob(id plumbing.Hash, maxSize int64, packed bool) (Blob, error) {
	if !packed {
		if b, ok := r.readLoose(id, maxSize); ok {
			return b, nil
		}
	}
	headerSize := int64(-1)
	if !packed {
		// On error fall through: EncodedObject gives the canonical error
		// and also looks in alternates.
		if size, err := r.st.EncodedObjectSize(id); err == nil {
			if maxSize > 0 && size > maxSize {
				return Blob{ID: id, Size: size, Skipped: true}, nil
			}
			headerSize = size
		}
	}
	obj, err := r.st.EncodedObject(plumbing.BlobObject, id)
	if err != nil {
		return Blob{}, objErr("reading", "blob", id, "", err)
	}
	// go-git sizes a small loose object by the content it inflated, not by
	// its header: a mismatch means a corrupt object.
	if headerSize >= 0 && obj.Size() != headerSize {
		return Blob{}, objErr("reading", "blob", id, "",
			fmt.Errorf("content is %d bytes, header says %d", obj.Size(), headerSize))
	}
	return readContent(id, obj, maxSize)
}

// readPacked reads the blob of it through its pack's reader, falling back
// to go-git's storer for what the fast path does not handle and on any
// error, so the fast path can never make a readable blob unreadable, and
// the error reported for an unreadable one is go-git's. r.mu must be held.
func (r *Repo) readPacked(pr *packReader, it readItem, maxSize int64) (Blob, error) {
	if b, err := pr.readBlob(it.id, it.offset, maxSize); err == nil {
		return b, nil
	}
	return r.readBlob(it.id, maxSize, true)
}

// readContent copies obj's content into a fresh slice, or reports it
// skipped when it is over maxSize (> 0). It checks that the content has
// exactly the size the header announced.
func readContent(id plumbing.Hash, obj plumbing.EncodedObject, maxSize int64) (Blob, error) {
	size := obj.Size()
	if maxSize > 0 && size > maxSize {
		return Blob{ID: id, Size: size, Skipped: true}, nil
	}
	if size < 0 {
		return Blob{}, objErr("reading", "blob", id, "", fmt.Errorf("negative size %d", size))
	}
	data := make([]byte, size)
	rd, err := obj.Reader()
	if err != nil {
		return Blob{}, objErr("reading", "blob", id, "", err)
	}
	_, err = io.ReadFull(rd, data)
	if err == nil {
		// The content must end where the header said it would.
		// That read also reaches the end of the stream, where zlib
		// verifies its checksum.
		var one [1]byte
		if n, rerr := rd.Read(one[:]); n > 0 {
			err = fmt.Errorf("content longer than its header size %d", size)
		} else if rerr != nil && rerr != io.EOF {
			err = rerr
		}
	}
	if cerr := rd.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = fmt.Errorf("content shorter than its header size %d: %w", size, err)
		}
		return Blob{}, objErr("reading", "blob", id, "", err)
	}
	return Blob{ID: id, Size: size, Data: data}, nil
}

// packOrder opens the packs and sorts blobs by (pack, offset), blobs
// outside packs (or in packs that could not be opened) last, in id order.
// It then counts the delta bases the reads will need. The caller closes the
// packSet. r.mu must be held.
func (r *Repo) packOrder(blobs []plumbing.Hash) ([]readItem, *packSet) {
	ps := r.openPacks(true)
	items := make([]readItem, len(blobs))
	for i, b := range blobs {
		items[i] = readItem{id: b, pack: len(ps.packs)}
		if pi, off, ok := ps.find(b); ok {
			items[i].pack, items[i].offset = pi, off
		}
	}
	slices.SortStableFunc(items, func(a, b readItem) int {
		if c := cmp.Compare(a.pack, b.pack); c != 0 {
			return c
		}
		return cmp.Compare(a.offset, b.offset)
	})
	for _, it := range items {
		if it.pack < len(ps.packs) {
			ps.packs[it.pack].countBase(it.offset)
		}
	}
	return items, ps
}
