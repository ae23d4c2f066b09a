// Package scan runs a detectors.Engine over a stream of files or blobs on several
// workers and hands each result, in a single goroutine, to a sink.
//
// It owns the policy shared by every source: blobs over the size cap and binary
// blobs are skipped and counted, each blob is identified by its git blob id, and a
// blob seen at several paths is scanned once per distinct path profile. Archives
// (recognised by content) are expanded and their members scanned as files at
// "archive!member" paths; encoded text is decoded and scanned (Engine.ScanDecoded).
// It does not order findings (the caller sorts), attribute them to commits, or
// print.
package scan

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/archive"
	"github.com/secretsweep/secretsweep/detectors"
)

// Item is one file or blob to scan.
type Item struct {
	// Paths are the paths the content was seen at (at least one), relative to the
	// scanned root with '/' separators.
	Paths []string
	// Blob is the git blob id of Data, in hex; computed by the worker when empty.
	Blob string
	// Data is the content; nil when Skipped or when Err is set.
	Data []byte
	// Size is the content's size in bytes.
	Size int64
	// Oversized marks content over the size cap, which was not read.
	Oversized bool
	// Err is an error reading the content: the scan is incomplete.
	Err error
	// Load, when set and Data is nil, reads the content on a worker, so that
	// sources such as a directory walk read files in parallel.
	Load func() ([]byte, error)
}

// Result is what scanning one Item produced.
type Result struct {
	Item *Item
	// Findings by path: each of Item.Paths maps to the findings at that path.
	Findings map[string][]detectors.Finding
	// Dropped by path: candidates that filters rejected, each with its reason
	// (only when the Scanner explains).
	Dropped map[string][]detectors.Finding
	// Suppressed by path: findings that Scanner.Suppress silenced, with the
	// verdict that decided.
	Suppressed map[string][]Suppressed
	// Raw by path: every finding before suppression, with its line texts, when
	// the Scanner keeps them (Keep), for a cache of scan results.
	Raw map[string][]Raw
	// Binary is set when the content was skipped as binary.
	Binary bool
	// Archive is set when the content was an archive that was expanded: the
	// findings of its members are in Findings (and Suppressed, Dropped, Raw)
	// under their member paths, "dist/pkg.whl!pkg/settings.py", with Line and
	// Column within the member; Item.Blob stays the archive's blob id.
	Archive *ArchiveResult
	Err     error
}

// ArchiveResult describes the expansion of an archive.
type ArchiveResult struct {
	archive.Stats
	// Scanned and Binary count the members scanned and those skipped as
	// binary, with their bytes.
	Scanned, ScannedBytes int64
	Binary, BinaryBytes   int64
	// Limit is set when a limit (a compression bomb, too many bytes or
	// entries) stopped the expansion: a policy skip. Members scanned before
	// it keep their findings.
	Limit error
	// Corrupt is set when the archive could not be read; its bytes were then
	// scanned as any content (and, holding NUL bytes, skipped as binary).
	Corrupt error
}

// Suppressed is a finding silenced by an allowlist, an inline marker, an ignore
// file or a baseline.
type Suppressed struct {
	Finding detectors.Finding
	Verdict allowlist.Verdict
}

// Raw is a finding before suppression, with the text of its first line and of
// the line above, which inline markers need.
type Raw struct {
	Finding        detectors.Finding
	Line, PrevLine string
}

// Stats counts what a scan read and skipped.
type Stats struct {
	Blobs, Bytes      int64 // scanned
	Binary, Oversized int64 // skipped by policy
	BinaryBytes       int64
	Errors            int64 // unreadable input
	Findings          int64
	OversizedPaths    []string // for the warning; first few only
	ErrorMessages     []string // first few only

	// Archives counts the content recognised as archives and expanded, fully
	// (also counted in Blobs) or not (also counted in ArchiveLimited, or in
	// ArchiveCorrupt and Binary); ArchiveMembers and ArchiveBytes count the
	// members scanned. Members skipped as binary or over the size cap are
	// counted in Binary and Oversized, named as "archive!member".
	Archives, ArchiveMembers, ArchiveBytes int64
	// ArchiveLimited counts the archives that a limit stopped (bombs), skipped
	// by policy, named with the reason in ArchiveLimitedPaths.
	ArchiveLimited      int64
	ArchiveLimitedPaths []string // first few only
	// ArchiveCorrupt counts the archives (and nested archives or members) that
	// could not be read, named with the error in ArchiveCorruptPaths; they were
	// scanned as plain content (so skipped as binary), and the scan is not
	// incomplete for it.
	ArchiveCorrupt      int64
	ArchiveCorruptPaths []string // first few only
}

// maxNamed bounds how many skipped paths and errors Stats keeps by name.
const maxNamed = 20

// Scanner scans Items with an Engine.
type Scanner struct {
	Engine  *detectors.Engine
	Workers int // default: all cores
	// Explain keeps the candidates that filters dropped, in Result.Dropped.
	Explain bool
	// Suppress, when set, is asked about every finding, with the text of the
	// finding's first line and of the line above (for inline markers); a true
	// answer moves the finding to Result.Suppressed. It is called from the
	// workers concurrently.
	Suppress func(f *detectors.Finding, line, prevLine string) (allowlist.Verdict, bool)
	// Keep records every finding before suppression in Result.Raw.
	Keep bool
	// ArchiveDepth is how many levels of archives are expanded: 0 none (the
	// zero value: archives are binary content), 1 the members of an archive,
	// 2 also the members of archives among those, and so on.
	ArchiveDepth int
	// MaxSize caps the size of an archive member as sources cap files (default
	// archive.DefaultLimits.MaxMember). The uncompressed bytes of one archive
	// are capped at the larger of archive.DefaultLimits.MaxTotal and 16 times
	// MaxSize.
	MaxSize int64
	// ArchiveLimits, when its fields are set, override those limits (tests).
	ArchiveLimits archive.Limits
}

// Run scans every Item from items until the channel closes or ctx is done, and
// calls sink once per Item, from one goroutine, in no particular order. The sink
// may keep the Result. Run returns the statistics; the caller decides what an
// error count means (an incomplete scan).
func (s *Scanner) Run(ctx context.Context, items <-chan *Item, sink func(*Result)) (Stats, error) {
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	results := make(chan *Result, workers*2)
	var wg sync.WaitGroup
	var fatal error
	var fatalOnce sync.Once
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				r := s.scanItem(it)
				if r.Err != nil && it.Err == nil {
					// An engine error (a rule that cannot compile) stops the scan.
					fatalOnce.Do(func() { fatal = r.Err })
				}
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var st Stats
	for r := range results {
		st.add(r)
		sink(r)
	}
	if fatal != nil {
		return st, fatal
	}
	return st, ctx.Err()
}

func (st *Stats) add(r *Result) {
	it := r.Item
	switch {
	case it.Err != nil || r.Err != nil:
		st.Errors++
		if len(st.ErrorMessages) < maxNamed {
			err := it.Err
			if err == nil {
				err = r.Err
			}
			st.ErrorMessages = append(st.ErrorMessages, err.Error())
		}
	case it.Oversized:
		st.Oversized++
		if len(st.OversizedPaths) < maxNamed {
			st.OversizedPaths = append(st.OversizedPaths, fmt.Sprintf("%s (%d bytes)", it.Paths[0], it.Size))
		}
	case r.Archive != nil && r.Archive.Limit != nil:
		st.ArchiveLimited++
		if len(st.ArchiveLimitedPaths) < maxNamed {
			st.ArchiveLimitedPaths = append(st.ArchiveLimitedPaths, fmt.Sprintf("%s (%v)", it.Paths[0], r.Archive.Limit))
		}
	case r.Binary:
		st.Binary++
		st.BinaryBytes += it.Size
	default:
		st.Blobs++
		st.Bytes += it.Size
	}
	if a := r.Archive; a != nil {
		st.Archives++
		st.addArchive(it, a)
	}
	for _, fs := range r.Findings {
		st.Findings += int64(len(fs))
	}

}

func (st *Stats) addArchive(it *Item, a *ArchiveResult) {
	st.ArchiveMembers += a.Scanned
	st.ArchiveBytes += a.ScannedBytes
	st.Binary += a.Binary
	st.BinaryBytes += a.BinaryBytes
	for _, m := range a.Oversized {
		st.Oversized++
		if len(st.OversizedPaths) < maxNamed {
			st.OversizedPaths = append(st.OversizedPaths, fmt.Sprintf("%s (%d bytes)", m.Path, m.Size))
		}
	}
	corrupt := func(what string) {
		st.ArchiveCorrupt++
		if len(st.ArchiveCorruptPaths) < maxNamed {
			st.ArchiveCorruptPaths = append(st.ArchiveCorruptPaths, what)
		}
	}
	if a.Corrupt != nil {
		var ce *archive.CorruptError
		if errors.As(a.Corrupt, &ce) {
			corrupt(fmt.Sprintf("%s (%v)", it.Paths[0], ce.Err))
		} else {
			corrupt(fmt.Sprintf("%s (%v)", it.Paths[0], a.Corrupt))
		}
	}
	for _, p := range a.Problems {
		corrupt(fmt.Sprintf("%s (%v)", p.Path, p.Err))
	}
}

// Replay builds the Result of an item from findings recorded by an earlier scan
// (Result.Raw), applying suppression as a scan would, without the content. A
// path with nothing recorded may be left out of raw, or raw be nil.
func (s *Scanner) Replay(it *Item, raw map[string][]Raw) *Result {
	r := &Result{Item: it}
	for p, rs := range raw {
		s.resolve(r, p, rs)
	}
	return r
}

// resolve sorts the findings at path p into kept and suppressed.
func (s *Scanner) resolve(r *Result, p string, raw []Raw) {
	if s.Keep {
		if r.Raw == nil {
			r.Raw = map[string][]Raw{}
		}
		r.Raw[p] = raw
	}
	var kept []detectors.Finding
	for _, x := range raw {
		f := x.Finding
		if s.Suppress != nil {
			if v, ok := s.Suppress(&f, x.Line, x.PrevLine); ok {
				if r.Suppressed == nil {
					r.Suppressed = map[string][]Suppressed{}
				}
				r.Suppressed[p] = append(r.Suppressed[p], Suppressed{Finding: f, Verdict: v})
				continue
			}
		}
		kept = append(kept, f)
	}
	if len(kept) > 0 {
		if r.Findings == nil {
			r.Findings = map[string][]detectors.Finding{}
		}
		r.Findings[p] = kept
	}
}

// lineAt returns the line holding offset off and the line before it, without
// their line breaks.
func lineAt(data []byte, off int) (line, prev string) {
	off = min(max(off, 0), len(data))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	end := bytes.IndexByte(data[off:], '\n')
	if end < 0 {
		end = len(data)
	} else {
		end += off
	}
	line = string(bytes.TrimRight(data[start:end], "\r"))
	if start > 0 {
		ps := bytes.LastIndexByte(data[:start-1], '\n') + 1
		prev = string(bytes.TrimRight(data[ps:start-1], "\r"))
	}
	return line, prev
}

// IsBinary reports whether data looks binary: a NUL byte in its first 8000 bytes,
// the test git itself uses.
func IsBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

// BlobID returns the git blob id (SHA-1 of "blob <size>\x00" + data) in hex, so
// that content on disk has the same identity as the same content in history.
func BlobID(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Scanner) scanItem(it *Item) *Result {
	r := &Result{Item: it}
	if it.Err == nil && !it.Oversized && it.Data == nil && it.Load != nil {
		it.Data, it.Err = it.Load()
	}
	if it.Err != nil || it.Oversized {
		return r
	}
	if it.Blob == "" {
		it.Blob = BlobID(it.Data)
	}
	if s.ArchiveDepth > 0 && archive.Detect(it.Data) != archive.None {
		s.scanArchive(r, it)
		if r.Err != nil || r.Archive.Corrupt == nil {
			it.Data = nil
			return r
		}
		// A corrupt archive: its bytes are scanned as any content.
	}
	if IsBinary(it.Data) {
		r.Binary = true
		it.Data = nil
		return r
	}
	r.Err = s.scanPaths(r, it.Paths, it.Data)
	it.Data = nil // scanned: let the memory go while the result waits in the sink
	return r
}

// scanPaths scans data, seen at paths, into r: once per distinct profile, since
// paths on which the same rules and detectors apply give the same findings, up to
// the path itself.
func (s *Scanner) scanPaths(r *Result, paths []string, data []byte) error {
	done := map[string][]detectors.Finding{}
	for _, p := range paths {
		key := s.Engine.Profile(p)
		fs, ok := done[key]
		if !ok {
			var err error
			fs, err = s.Engine.ScanDecoded(p, data, s.Explain)
			if err != nil {
				return err
			}
			done[key] = fs
		}
		if len(fs) == 0 {
			continue
		}
		if r.Findings == nil {
			r.Findings = map[string][]detectors.Finding{}
		}
		var raw []Raw
		var dropped []detectors.Finding
		for _, f := range fs {
			f.Path = p
			if f.Dropped != "" {
				dropped = append(dropped, f)
				continue
			}
			line, prev := lineAt(data, f.Start)
			raw = append(raw, Raw{Finding: f, Line: line, PrevLine: prev})
		}
		s.resolve(r, p, raw)
		if len(dropped) > 0 {
			if r.Dropped == nil {
				r.Dropped = map[string][]detectors.Finding{}
			}
			r.Dropped[p] = dropped
		}
	}
	return nil
}

// scanArchive expands the archive in it.Data and scans each member, at every
// one of the item's paths joined with the member's ("a.whl!pkg/x.py"), into r.
func (s *Scanner) scanArchive(r *Result, it *Item) {
	lim := s.ArchiveLimits
	lim.MaxDepth = s.ArchiveDepth
	if lim.MaxMember <= 0 {
		lim.MaxMember = s.MaxSize
	}
	if lim.MaxMember <= 0 {
		lim.MaxMember = archive.DefaultLimits.MaxMember
	}
	if lim.MaxTotal <= 0 {
		lim.MaxTotal = max(archive.DefaultLimits.MaxTotal, 16*lim.MaxMember)
	}
	a := &ArchiveResult{}
	r.Archive = a
	name := it.Paths[0]
	paths := make([]string, len(it.Paths))
	st, err := archive.Walk(name, it.Data, lim, func(p string, content []byte) error {
		if IsBinary(content) {
			a.Binary++
			a.BinaryBytes += int64(len(content))
			return nil
		}
		a.Scanned++
		a.ScannedBytes += int64(len(content))
		member := p[len(name):] // "!dir/file"
		for i, q := range it.Paths {
			paths[i] = q + member
		}
		return s.scanPaths(r, paths, content)
	})
	a.Stats = st
	switch {
	case err == nil:
	case errors.Is(err, archive.ErrLimit):
		a.Limit = err
	case errors.Is(err, archive.ErrCorrupt):
		a.Corrupt = err
	default:
		r.Err = err // the engine failed
	}
}
