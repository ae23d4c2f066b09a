// Package archive recognises archives by their content — zip (and the formats built
// on it: wheel, egg, jar), tar, gzip and tar.gz — and walks their members,
// recursively to a depth, so that a scanner can read each member as a file.
//
// Nothing an archive declares is trusted: members are read as streams through
// io.LimitReader, never into a buffer of their declared size; every decompressor's
// output is counted against a budget of uncompressed bytes per top-level archive
// and against a maximum compression ratio, so that a bomb (a gigabyte of zeros in a
// megabyte) stops after about a megabyte of output. Walk reports such a stop as a
// *LimitError (a policy skip) and an archive it cannot read as a *CorruptError.
//
// Member paths join the archive's path and the member's name with '!':
// "dist/pkg-1.0.whl!pkg/settings.py", nested "a.zip!b.tar.gz!c.py". A tar inside a
// gzip stream (tar.gz, tgz) is one level; a gzip of a single file yields one member
// named after the file ("app.log.gz!app.log").
package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// Kind is an archive format.
type Kind uint8

const (
	None Kind = iota // not an archive
	Zip              // zip, wheel, egg, jar, ...
	Tar              // POSIX, GNU or v7 tar
	Gzip             // gzip: a single file or a tar (tar.gz)
)

func (k Kind) String() string {
	switch k {
	case Zip:
		return "zip"
	case Tar:
		return "tar"
	case Gzip:
		return "gzip"
	}
	return "none"
}

// Detect tells an archive by its first bytes: a zip local file header (or the
// end record of an empty zip), a gzip header, or a tar header with a valid
// checksum. It never looks at a name, and costs a few comparisons (a 512-byte
// checksum for content that could be a tar).
func Detect(data []byte) Kind {
	switch {
	case len(data) >= 4 && data[0] == 'P' && data[1] == 'K' &&
		(data[2] == 3 && data[3] == 4 || data[2] == 5 && data[3] == 6 || data[2] == 7 && data[3] == 8):
		return Zip
	case len(data) >= 18 && data[0] == 0x1f && data[1] == 0x8b && data[2] == 8:
		return Gzip
	case isTarHeader(data):
		return Tar
	}
	return None
}

// isTarHeader reports whether data starts with a tar header block: a checksum
// field that matches the block (unsigned or, as some old tars wrote it, signed)
// and a name.
func isTarHeader(b []byte) bool {
	if len(b) < 512 || b[0] == 0 {
		return false
	}
	b = b[:512]
	// The checksum: octal digits, optionally space-padded, ended by NUL or space.
	field := b[148:156]
	var want int64
	digits := 0
	i := 0
	for i < len(field) && field[i] == ' ' {
		i++
	}
	for ; i < len(field) && field[i] >= '0' && field[i] <= '7'; i++ {
		want = want*8 + int64(field[i]-'0')
		digits++
	}
	if digits == 0 {
		return false
	}
	for ; i < len(field); i++ {
		if field[i] != 0 && field[i] != ' ' {
			return false
		}
	}
	var unsigned, signed int64
	for j, c := range b {
		if j >= 148 && j < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}

// Limits bound a walk. Zero fields take the values of DefaultLimits.
type Limits struct {
	// MaxDepth is how many levels of archives are opened: 1 the members of the
	// archive given to Walk, 2 also the members of archives among those, and so
	// on. An archive below the last level is passed to fn as a member.
	MaxDepth int
	// MaxMember is the largest member content passed to fn (the scanner's
	// per-file cap); larger members are skipped and listed in Stats.Oversized.
	MaxMember int64
	// MaxTotal bounds the uncompressed bytes that all the decompressors of one
	// walk may produce, skipped members included.
	MaxTotal int64
	// MaxRatio bounds the compression ratio (bytes out per byte in) of every
	// stream once it has produced more than RatioFloor bytes.
	MaxRatio   int64
	RatioFloor int64
	// MaxEntries bounds the entries (of any type) a walk reads.
	MaxEntries int
}

// DefaultLimits are the limits Walk uses for zero fields.
var DefaultLimits = Limits{
	MaxDepth:   2,
	MaxMember:  10 << 20,
	MaxTotal:   256 << 20,
	MaxRatio:   100,
	RatioFloor: 1 << 20,
	MaxEntries: 100_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxMember <= 0 {
		l.MaxMember = d.MaxMember
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = d.MaxTotal
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.RatioFloor <= 0 {
		l.RatioFloor = d.RatioFloor
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	return l
}

// Stats counts what a walk read.
type Stats struct {
	// Archives counts the archives opened: the one given to Walk and nested ones.
	Archives int
	// Members counts the members passed to fn.
	Members int
	// Bytes counts the uncompressed bytes the decompressors produced.
	Bytes int64
	// Oversized lists the members over Limits.MaxMember, which were skipped.
	Oversized []Member
	// DepthLimited counts nested archives below Limits.MaxDepth, which were
	// passed to fn unopened.
	DepthLimited int
	// Problems lists what could not be read inside the archive: a nested
	// archive that is corrupt (its bytes were passed to fn as a member), or a
	// member with an unsupported compression method or corrupt data (what could
	// be read of it was passed to fn).
	Problems []Problem
}

// Member names a member and its size (as declared, or at least the size read).
type Member struct {
	Path string
	Size int64
}

// Problem is a part of an archive that could not be read.
type Problem struct {
	Path string
	Err  error
}

func (p Problem) String() string { return p.Path + ": " + p.Err.Error() }

// ErrLimit and ErrCorrupt are what errors.Is matches a *LimitError and a
// *CorruptError against.
var (
	ErrLimit   = errors.New("archive limit exceeded")
	ErrCorrupt = errors.New("corrupt archive")
)

// LimitError stops a walk: an archive went over a limit (a compression bomb, too
// many bytes or entries). It is a policy decision, not a failure to read.
type LimitError struct {
	// Path is the archive or member where the limit was reached.
	Path   string
	Reason string
}

func (e *LimitError) Error() string        { return e.Path + ": " + e.Reason }
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// CorruptError is an archive that could not be read (truncated, malformed).
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string        { return e.Path + ": " + e.Err.Error() }
func (e *CorruptError) Unwrap() error        { return e.Err }
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Walk reads the archive data at path name and calls fn, in archive order, for
// each regular-file member that is not itself an archive to open, with the
// member's joined path ("name!dir/file") and content. Members that are archives
// are walked in turn down to lim.MaxDepth. Directories, links and devices are
// passed over.
//
// Walk returns a *LimitError when a limit stopped it, a *CorruptError when the
// archive given to it could not be read (up to the point of the corruption its
// members have been passed to fn), and fn's error unchanged when fn fails. A
// corrupt nested archive is not an error: it is listed in Stats.Problems and its
// bytes are passed to fn. In every case the Stats describe what was read.
func Walk(name string, data []byte, lim Limits, fn func(path string, content []byte) error) (Stats, error) {
	w := &walker{lim: lim.withDefaults(), fn: fn}
	k := Detect(data)
	if k == None {
		return w.st, &CorruptError{Path: name, Err: errors.New("not an archive")}
	}
	err := w.walk(name, k, data, 1)
	return w.st, err
}

type walker struct {
	lim     Limits
	fn      func(string, []byte) error
	st      Stats
	entries int
}

func (w *walker) walk(name string, k Kind, data []byte, depth int) error {
	w.st.Archives++
	switch k {
	case Zip:
		return w.zip(name, data, depth)
	case Tar:
		return w.tar(name, bytes.NewReader(data), depth, true)
	case Gzip:
		return w.gzip(name, data, depth)
	}
	return &CorruptError{Path: name, Err: errors.New("not an archive")}
}

// entry counts one archive entry against MaxEntries.
func (w *walker) entry(name string) error {
	w.entries++
	if w.entries > w.lim.MaxEntries {
		return &LimitError{Path: name, Reason: fmt.Sprintf("more than %d entries", w.lim.MaxEntries)}
	}
	return nil
}

// member handles a member's content: an archive is walked when the depth allows,
// anything else is passed to fn.
func (w *walker) member(p string, content []byte, depth int) error {
	if k := Detect(content); k != None {
		if depth < w.lim.MaxDepth {
			err := w.walk(p, k, content, depth+1)
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.Path != p {
				return err
			}
			w.st.Problems = append(w.st.Problems, Problem{Path: p, Err: ce.Err})
		} else {
			w.st.DepthLimited++
		}
	}
	w.st.Members++
	return w.fn(p, content)
}

// read reads a member's content, at most MaxMember bytes: over is set (and the
// content dropped) when there is more. A read error other than a limit is
// returned with what was read.
func (w *walker) read(r io.Reader) (content []byte, over bool, err error) {
	content, err = io.ReadAll(io.LimitReader(r, w.lim.MaxMember+1))
	if int64(len(content)) > w.lim.MaxMember {
		return nil, true, err
	}
	return content, false, err
}

// readFailure sorts out an error met while reading a member: a limit stops the
// walk; anything else is a problem with this member, recorded, after which the
// content read so far is still scanned.
func (w *walker) readFailure(p string, err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	w.st.Problems = append(w.st.Problems, Problem{Path: p, Err: err})
	return nil
}

func (w *walker) zip(name string, data []byte, depth int) error {
	ra := &countingReaderAt{r: bytes.NewReader(data)}
	zr, err := zip.NewReader(ra, int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return &CorruptError{Path: name, Err: err}
	}
	// The whole archive's output against its size, for bombs made of many
	// members each under the ratio floor.
	whole := &meter{w: w, path: name, in: func() int64 { return int64(len(data)) }}
	for _, f := range zr.File {
		if err := w.entry(name); err != nil {
			return err
		}
		if f.Mode()&fs.ModeType != 0 || strings.HasSuffix(f.Name, "/") {
			continue // directories, symlinks
		}
		mname := cleanName(f.Name)
		if mname == "" {
			continue
		}
		p := name + "!" + mname
		usize, csize := f.UncompressedSize64, max(f.CompressedSize64, 1)
		if usize > uint64(w.lim.RatioFloor) && usize/csize > uint64(w.lim.MaxRatio) {
			return &LimitError{Path: p, Reason: fmt.Sprintf("declares a compression ratio over %d:1 (%d bytes from %d)", w.lim.MaxRatio, usize, f.CompressedSize64)}
		}
		if usize > uint64(w.lim.MaxMember) {
			w.st.Oversized = append(w.st.Oversized, Member{Path: p, Size: int64(min(usize, 1<<62))})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			w.st.Problems = append(w.st.Problems, Problem{Path: p, Err: err})
			continue
		}
		before := ra.n
		m := &meter{w: w, path: p, in: func() int64 { return ra.n - before }, total: true, parent: whole}
		content, over, err := w.read(&meterReader{r: rc, m: m})
		rc.Close()
		if err != nil {
			if err := w.readFailure(p, err); err != nil {
				return err
			}
		}
		if over {
			w.st.Oversized = append(w.st.Oversized, Member{Path: p, Size: int64(min(usize, 1<<62))})
			continue
		}
		if err := w.member(p, content, depth); err != nil {
			return err
		}
	}
	return nil
}

// tar walks a tar stream. total says whether its entries' bytes count against
// MaxTotal (a tar read from a gzip stream is counted there).
func (w *walker) tar(name string, r io.Reader, depth int, total bool) error {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	m := &meter{w: w, path: name, in: func() int64 { return cr.n }, total: total}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			var le *LimitError
			if errors.As(err, &le) {
				return le
			}
			return &CorruptError{Path: name, Err: err}
		}
		if err := w.entry(name); err != nil {
			return err
		}
		if !h.FileInfo().Mode().IsRegular() {
			continue
		}
		mname := cleanName(h.Name)
		if mname == "" {
			continue
		}
		p := name + "!" + mname
		if h.Size > w.lim.MaxMember {
			w.st.Oversized = append(w.st.Oversized, Member{Path: p, Size: h.Size})
			continue // Next skips the data
		}
		content, over, err := w.read(&meterReader{r: tr, m: m})
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				return le
			}
			// A tar cannot be read past damaged data: scan what was read of
			// this member, then report the archive corrupt.
			if err := w.member(p, content, depth); err != nil {
				return err
			}
			return &CorruptError{Path: name, Err: err}
		}
		if over {
			w.st.Oversized = append(w.st.Oversized, Member{Path: p, Size: h.Size})
			continue
		}
		if err := w.member(p, content, depth); err != nil {
			return err
		}
	}
}

func (w *walker) gzip(name string, data []byte, depth int) error {
	cr := &countingReader{r: bytes.NewReader(data)}
	zr, err := gzip.NewReader(cr)
	if err != nil {
		return &CorruptError{Path: name, Err: err}
	}
	m := &meter{w: w, path: name, in: func() int64 { return cr.n }, total: true}
	br := bufio.NewReaderSize(&meterReader{r: zr, m: m}, 4096)
	head, err := br.Peek(512)
	if len(head) == 512 && isTarHeader(head) {
		if err := w.tar(name, br, depth, false); err != nil {
			return err
		}
		// Read to the end of the stream, through the meter, so that damage
		// after the tar's end (or a bomb hidden there) is seen too.
		if _, err := io.Copy(io.Discard, br); err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				return le
			}
			return &CorruptError{Path: name, Err: err}
		}
		return nil
	}
	if err != nil && err != io.EOF {
		var le *LimitError
		if errors.As(err, &le) {
			return le
		}
		if len(head) == 0 {
			return &CorruptError{Path: name, Err: err}
		}
	}
	if err := w.entry(name); err != nil {
		return err
	}
	p := name + "!" + gzipMemberName(name, zr.Header.Name)
	content, over, err := w.read(br)
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			return le
		}
		if !over {
			// Scan what could be read before the damage.
			if err := w.member(p, content, depth); err != nil {
				return err
			}
		}
		return &CorruptError{Path: name, Err: err}
	}
	if over {
		w.st.Oversized = append(w.st.Oversized, Member{Path: p, Size: w.lim.MaxMember + 1})
		return nil
	}
	return w.member(p, content, depth)
}

// gzipMemberName names the single file in a gzip stream: the name stored in its
// header, else the archive's name without its .gz suffix.
func gzipMemberName(archive, stored string) string {
	if n := cleanName(stored); n != "" {
		return path.Base(n)
	}
	base := archive
	if i := strings.LastIndexAny(base, "/!"); i >= 0 {
		base = base[i+1:]
	}
	lower := strings.ToLower(base)
	for _, suf := range []string{".gz", ".gzip", ".z", "-gz", "_gz"} {
		if strings.HasSuffix(lower, suf) && len(base) > len(suf) {
			return base[:len(base)-len(suf)]
		}
	}
	return "data"
}

// cleanName turns a member name into a relative path with '/' separators: no
// leading '/', no '.' or '..' components, no control characters. It returns ""
// for a name that holds no file name.
func cleanName(n string) string {
	n = strings.ReplaceAll(n, `\`, "/")
	n = strings.TrimPrefix(path.Clean("/"+n), "/")
	if n == "" || n == "." {
		return ""
	}
	if !utf8.ValidString(n) {
		n = strings.ToValidUTF8(n, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, n)
}

// meter counts a decompressor's output against the walk's MaxTotal and its own
// compression ratio; parent, when set, meters the whole archive the stream is
// part of.
type meter struct {
	w      *walker
	path   string
	in     func() int64 // compressed bytes consumed so far
	out    int64
	total  bool // count against MaxTotal
	parent *meter
}

func (m *meter) add(n int) error {
	m.out += int64(n)
	lim := &m.w.lim
	if m.total {
		m.w.st.Bytes += int64(n)
		if m.w.st.Bytes > lim.MaxTotal {
			return &LimitError{Path: m.path, Reason: fmt.Sprintf("more than %d bytes uncompressed in all", lim.MaxTotal)}
		}
	}
	if m.out > lim.RatioFloor {
		if in := max(m.in(), 1); m.out/in > lim.MaxRatio {
			return &LimitError{Path: m.path, Reason: fmt.Sprintf("compression ratio over %d:1 (%d bytes from %d)", lim.MaxRatio, m.out, in)}
		}
	}
	if m.parent != nil {
		return m.parent.add(n)
	}
	return nil
}

type meterReader struct {
	r io.Reader
	m *meter
}

func (r *meterReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		if merr := r.m.add(n); merr != nil {
			return n, merr
		}
	}
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}
