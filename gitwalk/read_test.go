package gitwalk

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// randomText returns n bytes of deterministic, poorly compressible text.
func randomText(seed int64, n int) string {
	rng := rand.New(rand.NewSource(seed))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.Intn(len(alphabet))]
	}
	return string(b)
}

// buildMixedRepo makes a history with small and large blobs; pack says
// how much of it is packed: "none", "all", or "some" (packed, then more
// loose commits on top).
func buildMixedRepo(t *testing.T, pack string) (*gitRepo, map[plumbing.Hash]string) {
	g := newGitRepo(t)
	contents := make(map[plumbing.Hash]string)
	add := func(path, content string) {
		g.write(path, content)
		contents[blobID(content)] = content
	}
	big := randomText(1, 100_000)
	for i := 0; i < 6; i++ {
		add("small.txt", strings.Repeat("line\n", i+1))
		// Versions of a large file differ slightly: packed as deltas.
		add("big.txt", big[:50_000]+strings.Repeat("edit\n", i)+big[50_000:])
		add("empty.txt", "")
		g.commit("c")
		if pack == "some" && i == 2 {
			g.git("gc", "-q")
		}
	}
	if pack == "all" {
		g.git("gc", "-q")
	}
	return g, contents
}

func TestReadBlobsDeliversEveryBlobOnce(t *testing.T) {
	t.Parallel()
	for _, pack := range []string{"none", "all", "some"} {
		t.Run(pack, func(t *testing.T) {
			t.Parallel()
			g, contents := buildMixedRepo(t, pack)
			r, ix := walkRepo(t, g.dir)
			if ix.NumBlobs() != len(contents) {
				t.Fatalf("NumBlobs() = %d, want %d", ix.NumBlobs(), len(contents))
			}
			got, count, err := readAll(t, r, ix, 0)
			if err != nil {
				t.Fatalf("ReadBlobs: %v", err)
			}
			if count != len(contents) {
				t.Errorf("delivered %d blobs, want %d (each exactly once)", count, len(contents))
			}
			for id, want := range contents {
				b, ok := got[id]
				switch {
				case !ok:
					t.Errorf("blob %s not delivered", id)
				case b.Skipped || b.Data == nil:
					t.Errorf("blob %s: Skipped=%v Data nil=%v", id, b.Skipped, b.Data == nil)
				case string(b.Data) != want || b.Size != int64(len(want)):
					t.Errorf("blob %s: wrong content (%d bytes, Size %d, want %d)", id, len(b.Data), b.Size, len(want))
				case plumbing.ComputeHash(plumbing.BlobObject, b.Data) != id:
					t.Errorf("blob %s: content hashes differently", id)
				}
			}
		})
	}
}

func TestReadBlobsSkipsOverMaxSize(t *testing.T) {
	t.Parallel()
	for _, pack := range []string{"none", "all"} {
		t.Run(pack, func(t *testing.T) {
			t.Parallel()
			g, contents := buildMixedRepo(t, pack)
			r, ix := walkRepo(t, g.dir)
			const maxSize = 1000
			got, count, err := readAll(t, r, ix, maxSize)
			if err != nil {
				t.Fatalf("ReadBlobs: %v", err)
			}
			if count != len(contents) {
				t.Errorf("delivered %d blobs, want %d", count, len(contents))
			}
			skipped := 0
			for id, want := range contents {
				b := got[id]
				if b.Size != int64(len(want)) {
					t.Errorf("blob %s: Size %d, want %d", id, b.Size, len(want))
				}
				if len(want) > maxSize {
					skipped++
					if !b.Skipped || b.Data != nil {
						t.Errorf("blob %s (%d bytes): Skipped=%v, Data %d bytes; want skipped, nil", id, len(want), b.Skipped, len(b.Data))
					}
				} else if b.Skipped || string(b.Data) != want {
					t.Errorf("blob %s (%d bytes): Skipped=%v or wrong content", id, len(want), b.Skipped)
				}
			}
			if skipped == 0 {
				t.Fatal("fixture has no blob over the cap")
			}
		})
	}
}

func TestReadBlobsMissingObject(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "kept\n")
	g.write("gone.txt", "this object will be deleted\n")
	g.commit("one")
	g.write("b.txt", "also kept\n")
	g.commit("two")
	gone := blobID("this object will be deleted\n")
	if err := os.Remove(g.looseObjectPath(gone.String())); err != nil {
		t.Fatal(err)
	}

	r, ix := walkRepo(t, g.dir) // Walk reads no blob: it succeeds
	got, _, err := readAll(t, r, ix, 0)
	if err == nil {
		t.Fatal("ReadBlobs succeeded with a missing blob")
	}
	if !strings.Contains(err.Error(), gone.String()) {
		t.Errorf("error %q does not name blob %s", err, gone)
	}
	var oe *ObjectError
	if !errors.As(err, &oe) || oe.ID != gone || oe.Kind != "blob" {
		t.Errorf("error %v: want an *ObjectError for blob %s", err, gone)
	}
	// Everything readable is still delivered.
	for _, c := range []string{"kept\n", "also kept\n"} {
		if b, ok := got[blobID(c)]; !ok || string(b.Data) != c {
			t.Errorf("blob %q not delivered despite the other failure", c)
		}
	}
	if _, ok := got[gone]; ok {
		t.Errorf("missing blob was delivered")
	}
}

func TestReadBlobsCorruptObject(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "will be corrupted\n")
	g.commit("one")
	id := blobID("will be corrupted\n")
	p := g.looseObjectPath(id.String())
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("not zlib at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, ix := walkRepo(t, g.dir)
	_, _, err := readAll(t, r, ix, 0)
	if err == nil || !strings.Contains(err.Error(), id.String()) {
		t.Fatalf("ReadBlobs error = %v, want one naming %s", err, id)
	}
	if _, err := r.ReadBlob(id, 0); err == nil || !strings.Contains(err.Error(), id.String()) {
		t.Errorf("ReadBlob error = %v, want one naming %s", err, id)
	}
}

func TestReadBlobsCancelled(t *testing.T) {
	t.Parallel()
	g, _ := buildMixedRepo(t, "all")
	r, ix := walkRepo(t, g.dir)
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Blob) // nobody receives: ReadBlobs must notice the cancel
	errc := make(chan error, 1)
	go func() { errc <- r.ReadBlobs(ctx, ix, 0, out) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("ReadBlobs after cancel: %v", err)
	}
}

func TestReadBlob(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	big := randomText(2, 40_000)
	g.write("small.txt", "small\n")
	g.write("big.txt", big)
	g.commit("one")
	for _, pack := range []bool{false, true} {
		if pack {
			g.git("gc", "-q")
		}
		r, ix := walkRepo(t, g.dir)
		id, ok := ix.HeadBlob("small.txt")
		if !ok {
			t.Fatal("HeadBlob(small.txt) not found")
		}
		data, err := r.ReadBlob(id, 100)
		if err != nil || string(data) != "small\n" {
			t.Errorf("ReadBlob(small) = %q, %v", data, err)
		}
		data, err = r.ReadBlob(blobID(big), 1000)
		if !errors.Is(err, ErrTooLarge) || data != nil || !strings.Contains(err.Error(), blobID(big).String()) {
			t.Errorf("ReadBlob(big, cap 1000) = %d bytes, %v; want ErrTooLarge naming the blob", len(data), err)
		}
		data, err = r.ReadBlob(blobID(big), 0)
		if err != nil || !bytes.Equal(data, []byte(big)) {
			t.Errorf("ReadBlob(big, no cap) = %d bytes, %v", len(data), err)
		}
		missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
		if _, err := r.ReadBlob(missing, 0); !errors.Is(err, plumbing.ErrObjectNotFound) || !strings.Contains(err.Error(), missing.String()) {
			t.Errorf("ReadBlob(missing) error = %v", err)
		}
	}
}

// TestReadBlobDuringReadBlobs checks that a receiver of ReadBlobs may call
// ReadBlob (the in_head check) without deadlocking.
func TestReadBlobDuringReadBlobs(t *testing.T) {
	t.Parallel()
	g, contents := buildMixedRepo(t, "all")
	r, ix := walkRepo(t, g.dir)
	head, ok := ix.HeadBlob("small.txt")
	if !ok {
		t.Fatal("no HEAD blob")
	}
	out := make(chan Blob) // unbuffered: ReadBlobs waits on every send
	errc := make(chan error, 1)
	go func() { errc <- r.ReadBlobs(context.Background(), ix, 0, out); close(out) }()
	n := 0
	for range out {
		n++
		if data, err := r.ReadBlob(head, 0); err != nil || string(data) != contents[head] {
			t.Fatalf("ReadBlob during ReadBlobs: %q, %v", data, err)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if n != len(contents) {
		t.Errorf("got %d blobs, want %d", n, len(contents))
	}
}

// TestReadBlobsDoesNotLoadSkippedBlobs checks that a blob over the cap is
// never inflated to learn its size, loose or packed. It measures the
// process's allocations, so it must not run in parallel with other tests.
func TestReadBlobsDoesNotLoadSkippedBlobs(t *testing.T) {
	const bigSize = 12 << 20
	big := randomText(3, bigSize)
	for _, pack := range []bool{false, true} {
		g := newGitRepo(t)
		g.write("huge.bin", big)
		g.write("small.txt", "small\n")
		g.commit("huge")
		if pack {
			g.git("gc", "-q")
		}
		r, ix := walkRepo(t, g.dir)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got, _, err := readAll(t, r, ix, 1<<20)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		b := got[blobID(big)]
		if !b.Skipped || b.Size != bigSize || b.Data != nil {
			t.Errorf("pack=%v: huge blob Skipped=%v Size=%d Data=%d bytes", pack, b.Skipped, b.Size, len(b.Data))
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("pack=%v: reading with the huge blob skipped allocated %d bytes", pack, alloc)
		}
	}
}

// TestReadBlobsCorruptPack damages one blob's compressed data inside a pack:
// ReadBlobs must name that blob and still deliver the others.
func TestReadBlobsCorruptPack(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	victim := randomText(11, 5000)
	g.write("victim.txt", victim)
	g.write("other.txt", "other\n")
	g.commit("one")
	g.git("gc", "-q")
	id := blobID(victim)

	r := openRepo(t, g.dir)
	r.mu.Lock()
	ps := r.openPacks(false)
	pi, off, ok := ps.find(id)
	var packPath string
	if ok {
		packPath = ps.packs[pi].file.Name()
	}
	ps.close()
	r.mu.Unlock()
	if !ok {
		t.Fatal("victim blob not in a pack")
	}
	// packPath is relative to the git directory.
	f, err := os.OpenFile(filepath.Join(g.dir, ".git", packPath), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	garbage := bytes.Repeat([]byte{0xff}, 64)
	if _, err := f.WriteAt(garbage, off+40); err != nil {
		t.Fatal(err)
	}
	f.Close()

	ix, err := r.Walk(context.Background())
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	got, _, err := readAll(t, r, ix, 0)
	if err == nil || !strings.Contains(err.Error(), id.String()) {
		t.Fatalf("ReadBlobs error = %v, want one naming %s", err, id)
	}
	if _, ok := got[id]; ok {
		t.Errorf("corrupt blob was delivered")
	}
	if b, ok := got[blobID("other\n")]; !ok || string(b.Data) != "other\n" {
		t.Errorf("intact blob not delivered")
	}
}

// TestReadLoose checks the loose-object fast path: it reads a well-formed
// loose blob itself, and leaves every damaged one to the storer.
func TestReadLoose(t *testing.T) {
	t.Parallel()
	g := newGitRepo(t)
	g.write("a.txt", "loose content\n")
	g.commit("one")
	r := openRepo(t, g.dir)
	id := blobID("loose content\n")
	b, ok := r.readLoose(id, 0)
	if !ok || string(b.Data) != "loose content\n" || b.Size != 14 {
		t.Fatalf("readLoose = %+v, %v", b, ok)
	}
	if b, ok := r.readLoose(id, 5); !ok || !b.Skipped || b.Data != nil || b.Size != 14 {
		t.Errorf("readLoose over the cap = %+v, %v", b, ok)
	}
	if _, ok := r.readLoose(plumbing.NewHash(g.revParse("HEAD")), 0); ok {
		t.Error("readLoose read a commit as a blob")
	}

	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("blob 99\x00short"))
	zw.Close()
	damaged := map[string][]byte{
		"size larger than the content": z.Bytes(),
		"truncated stream":             z.Bytes()[:z.Len()-6],
		"not zlib":                     []byte("garbage"),
	}
	for name, content := range damaged {
		p := g.looseObjectPath(id.String())
		os.Chmod(p, 0o644)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := r.readLoose(id, 0); ok {
			t.Errorf("%s: readLoose accepted it", name)
		}
		if _, err := r.ReadBlob(id, 0); err == nil {
			t.Errorf("%s: ReadBlob gave no error", name)
		}
	}
}
