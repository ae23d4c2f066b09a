package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"testing"
	"time"
)

// Builders of archives for the tests, the fuzz seeds and testdata/archive.

// entry is one archive entry: a file, or a directory or symlink when so marked.
type entry struct {
	name string
	data string
	dir  bool
	link string // symlink target
}

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixedTime}
		switch {
		case e.dir:
			h.Method = zip.Store
			h.SetMode(0o755 | 1<<31) // fs.ModeDir
		case e.link != "":
			h.SetMode(0o777 | 1<<27) // fs.ModeSymlink
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		data := e.data
		if e.link != "" {
			data = e.link
		}
		if _, err := io.WriteString(w, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), ModTime: fixedTime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		switch {
		case e.dir:
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		case e.link != "":
			h.Typeflag, h.Size, h.Linkname = tar.TypeSymlink, 0, e.link
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipOf(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	gw := gzip.NewWriter(&b)
	gw.Name = name
	gw.ModTime = fixedTime
	if _, err := gw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zeroDeflate returns a raw deflate stream of n MiB of zeros, optionally after
// prefix, built in milliseconds: one compressed MiB of zeros that refers only to
// zeros before it is repeated.
func zeroDeflate(t testing.TB, prefix []byte, n int) []byte {
	t.Helper()
	mib := make([]byte, 1<<20)
	var first, rest bytes.Buffer
	fw, _ := flate.NewWriter(&first, flate.BestCompression)
	fw.Write(mib) // refers only to itself
	fw.Flush()
	seg0 := bytes.Clone(first.Bytes())
	fw.Write(mib) // refers to the zeros before it
	fw.Flush()
	seg1 := bytes.Clone(first.Bytes()[len(seg0):])
	var out bytes.Buffer
	if len(prefix) > 0 {
		pw, _ := flate.NewWriter(&rest, flate.BestCompression)
		pw.Write(prefix)
		pw.Flush()
		out.Write(rest.Bytes())
	}
	out.Write(seg0)
	for i := 1; i < n; i++ {
		out.Write(seg1)
	}
	out.Write([]byte{0x03, 0x00}) // an empty final block (fixed Huffman)
	return out.Bytes()
}

// crcZeros is the CRC-32 of prefix followed by n MiB of zeros.
func crcZeros(prefix []byte, n int) uint32 {
	mib := make([]byte, 1<<20)
	c := crc32.ChecksumIEEE(prefix)
	for range n {
		c = crc32.Update(c, crc32.IEEETable, mib)
	}
	return c
}

// zipBomb is a zip holding one member of n MiB of zeros.
func zipBomb(t testing.TB, n int) []byte {
	return zipBombDeclaring(t, n, uint64(n)<<20)
}

// zipBombDeclaring is zipBomb with a (possibly false) declared uncompressed size.
func zipBombDeclaring(t testing.TB, n int, declared uint64) []byte {
	t.Helper()
	raw := zeroDeflate(t, nil, n)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "zeros.bin", Method: zip.Deflate, Modified: fixedTime,
		CRC32: crcZeros(nil, n), CompressedSize64: uint64(len(raw)), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	zw.Close()
	return b.Bytes()
}

// gzipRaw wraps a raw deflate stream of content with the given CRC and size in a
// gzip member.
func gzipRaw(raw []byte, crc uint32, size int64) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255})
	b.Write(raw)
	binary.Write(&b, binary.LittleEndian, crc)
	binary.Write(&b, binary.LittleEndian, uint32(size))
	return b.Bytes()
}

// gzipBomb is n MiB of zeros, gzipped.
func gzipBomb(t testing.TB, n int) []byte {
	return gzipRaw(zeroDeflate(t, nil, n), crcZeros(nil, n), int64(n)<<20)
}

// tgzBomb is a tar.gz whose one member is n MiB of zeros (the tar's end blocks
// are zeros too).
func tgzBomb(t testing.TB, n int) []byte {
	t.Helper()
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	if err := tw.WriteHeader(&tar.Header{Name: "zeros.bin", Mode: 0o644, Size: int64(n) << 20, Typeflag: tar.TypeReg, ModTime: fixedTime}); err != nil {
		t.Fatal(err)
	}
	h := hdr.Bytes()[:512]
	// The member's data, then two zero blocks, all zeros: n MiB + 1 KiB; round
	// up to n+1 MiB (extra zero blocks are allowed after the end).
	return gzipRaw(zeroDeflate(t, h, n+1), crcZeros(h, n+1), int64(n+1)<<20+512)
}
