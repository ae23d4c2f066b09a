package gitwalk

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// parseIndex decodes the entries of a git index file (versions 2, 3 and 4)
// into go-git's index type: the fields a staged scan needs (name, blob id,
// mode, size, times, stage and the skip-worktree and intent-to-add flags).
// Extensions and the trailing checksum are not read. It is a fast path for the
// pre-commit hook (go-git's decoder reads each field through encoding/binary,
// several times slower); on any error the caller falls back to go-git's
// decoder, whose error names the problem.
func parseIndex(data []byte) (*index.Index, error) {
	if len(data) < 32 || string(data[:4]) != "DIRC" {
		return nil, errors.New("not an index file")
	}
	// The file ends with the SHA-1 of everything before it.
	if sum := sha1.Sum(data[:len(data)-20]); !bytes.Equal(sum[:], data[len(data)-20:]) {
		return nil, errors.New("index checksum mismatch")
	}
	version := binary.BigEndian.Uint32(data[4:8])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("index version %d", version)
	}
	count := binary.BigEndian.Uint32(data[8:12])
	if uint64(count) > uint64(len(data))/62 {
		return nil, errors.New("entry count larger than the file")
	}
	idx := &index.Index{Version: version, Entries: make([]*index.Entry, 0, count)}
	entries := make([]index.Entry, count)
	p := 12
	var prev []byte
	for i := range entries {
		start := p
		if p+62 > len(data) {
			return nil, errors.New("truncated entry")
		}
		be := binary.BigEndian
		e := &entries[i]
		e.CreatedAt = time.Unix(int64(be.Uint32(data[p:])), int64(be.Uint32(data[p+4:])))
		e.ModifiedAt = time.Unix(int64(be.Uint32(data[p+8:])), int64(be.Uint32(data[p+12:])))
		e.Dev = be.Uint32(data[p+16:])
		e.Inode = be.Uint32(data[p+20:])
		e.Mode = filemode.FileMode(be.Uint32(data[p+24:]))
		e.UID = be.Uint32(data[p+28:])
		e.GID = be.Uint32(data[p+32:])
		e.Size = be.Uint32(data[p+36:])
		copy(e.Hash[:], data[p+40:p+60])
		flags := be.Uint16(data[p+60:])
		p += 62
		e.Stage = index.Stage(flags >> 12 & 3)
		if flags&0x4000 != 0 { // extended flags (version 3 and later)
			if version < 3 || p+2 > len(data) {
				return nil, errors.New("bad extended flags")
			}
			ext := be.Uint16(data[p:])
			e.SkipWorktree = ext&0x4000 != 0
			e.IntentToAdd = ext&0x2000 != 0
			p += 2
		}
		var name []byte
		if version == 4 {
			// The name is the previous one less its last N bytes, plus a
			// NUL-terminated suffix; N is an offset varint.
			n, w := offsetVarint(data[p:])
			if w == 0 || n > uint64(len(prev)) {
				return nil, errors.New("bad name prefix")
			}
			p += w
			end := bytes.IndexByte(data[p:], 0)
			if end < 0 {
				return nil, errors.New("unterminated name")
			}
			name = append(append(make([]byte, 0, len(prev)-int(n)+end), prev[:len(prev)-int(n)]...), data[p:p+end]...)
			p += end + 1
		} else {
			end := bytes.IndexByte(data[p:], 0)
			if end < 0 {
				return nil, errors.New("unterminated name")
			}
			name = data[p : p+end]
			// Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
			p = start + (p-start+end+8)&^7
			if p > len(data) {
				return nil, errors.New("truncated entry")
			}
		}
		e.Name = string(name)
		prev = name
		idx.Entries = append(idx.Entries, e)
	}
	return idx, nil
}

// offsetVarint decodes git's offset-encoded varint; w is 0 on bad input.
func offsetVarint(b []byte) (v uint64, w int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v = uint64(c & 127)
	w = 1
	for c&128 != 0 {
		if w >= len(b) || w > 9 {
			return 0, 0
		}
		v++
		c = b[w]
		v = v<<7 + uint64(c&127)
		w++
	}
	return v, w
}
