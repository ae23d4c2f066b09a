package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/fswalk"
	"github.com/secretsweep/secretsweep/gitwalk"
	"github.com/secretsweep/secretsweep/report"
	"github.com/secretsweep/secretsweep/scan"
)

var errBrokenPipe = syscall.EPIPE

// fingerprintKey returns the key for fingerprints: the explicit one, else the root
// commit id of the repository that holds root (root itself or a parent, so that
// scanning a subdirectory gives the same fingerprints as scanning history), else a
// fixed default.
func fingerprintKey(explicit, root string) []byte {
	if explicit != "" {
		return []byte(explicit)
	}
	if id, ok := rootCommitOf(root); ok {
		return []byte(id)
	}
	return []byte(defaultFingerprintKey)
}

// rootCommitOf returns the root commit id of the repository holding dir (dir
// itself or a parent directory).
func rootCommitOf(dir string) (string, bool) {
	d, ok := enclosingRepo(dir)
	if !ok {
		return "", false
	}
	repo, err := gitwalk.Open(d)
	if err != nil {
		return "", false
	}
	defer repo.Close()
	id, ok, err := repo.RootCommit()
	return id, ok && err == nil
}

// enclosingRepo returns the nearest directory at or above dir that is a
// repository: one holding .git, or a bare repository (or .git directory)
// holding HEAD.
func enclosingRepo(dir string) (string, bool) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d, true
		}
		if _, err := os.Stat(filepath.Join(d, "HEAD")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// scanDir scans the files under root; each occurrence is a finding.
func scanDir(ctx context.Context, sc *scan.Scanner, root string, o *options, key string) (*result, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	fkey := fingerprintKey(key, root)
	sc.Suppress = o.suppress.hook(fkey)
	res := &result{}
	items := make(chan *scan.Item, 64)
	var walkErrs []string
	var mu sync.Mutex
	walkDone := make(chan error, 1)
	go func() {
		defer close(items)
		walkDone <- fswalk.Walk(ctx, root, fswalk.Options{NoIgnore: o.noIgnore}, func(f fswalk.File) error {
			it := &scan.Item{Paths: []string{f.Rel}, Size: f.Size}
			if f.Size > o.maxBlobSize {
				it.Oversized = true
			} else {
				abs, rel, max := f.Abs, f.Rel, o.maxBlobSize
				it.Load = func() ([]byte, error) { return readFileCapped(abs, rel, max) }
			}
			select {
			case items <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, func(err error) {
			mu.Lock()
			walkErrs = append(walkErrs, err.Error())
			mu.Unlock()
		})
	}()
	stats, err := sc.Run(ctx, items, func(r *scan.Result) {
		for _, fs := range r.Findings {
			for i := range fs {
				res.records = append(res.records, newRecord(&fs[i], r.Item.Blob, fkey, o.showSecrets))
			}
		}
		res.addExplanations(o, r)
		res.addSuppressed(o, r, fkey)
	})
	if werr := <-walkDone; werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	res.stats = stats
	res.incomplete = append(walkErrs, stats.ErrorMessages...)
	return res, nil
}

// readFileCapped reads a file that was under the cap when listed; a file that
// grew past it since is read only up to the cap plus one byte and reported.
func readFileCapped(abs, rel string, max int64) ([]byte, error) {
	// The walk listed a regular file; it may have been swapped for a FIFO or a
	// device since, which would block or never end: look before opening.
	if st, err := os.Lstat(abs); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("reading %s: no longer a regular file", rel)
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("reading %s: the file grew past --max-blob-size while being scanned", rel)
	}
	return data, nil
}

// scanStdin scans standard input as one file named o.stdinPath.
func scanStdin(ctx context.Context, sc *scan.Scanner, stdin io.Reader, o *options, key string) (*result, error) {
	data, err := io.ReadAll(io.LimitReader(stdin, o.maxBlobSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	it := &scan.Item{Paths: []string{filepath.ToSlash(o.stdinPath)}, Data: data, Size: int64(len(data))}
	if int64(len(data)) > o.maxBlobSize {
		it.Data, it.Oversized = nil, true
	}
	fkey := fingerprintKey(key, ".")
	sc.Suppress = o.suppress.hook(fkey)
	res := &result{}
	items := make(chan *scan.Item, 1)
	items <- it
	close(items)
	stats, err := sc.Run(ctx, items, func(r *scan.Result) {
		for _, fs := range r.Findings {
			for i := range fs {
				res.records = append(res.records, newRecord(&fs[i], r.Item.Blob, fkey, o.showSecrets))
			}
		}
		res.addExplanations(o, r)
		res.addSuppressed(o, r, fkey)
	})
	if err != nil {
		return nil, err
	}
	res.stats = stats
	res.incomplete = stats.ErrorMessages
	return res, nil
}

// occurrence is one (blob, finding) of a secret at a path in history.
type occurrence struct {
	blob plumbing.Hash
	f    detectors.Finding
}

// identity is what a history finding is reported once for.
type identity struct{ rule, secret, path string }

// scanHistory scans every unique blob reachable from any ref once and reports
// each (rule, secret, path) once, at the commit that first introduced it there.
func scanHistory(ctx context.Context, sc *scan.Scanner, root string, o *options, key string) (*result, error) {
	repo, err := gitwalk.Open(root)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	ix, err := o.walkHistory(ctx, repo) // every ref, or --range/--since/pre-push (prepush.go)
	if err != nil {
		return nil, err
	}
	defer o.hist.done() // clears the progress bar (progress.go)
	fkey := []byte(key)
	if key == "" {
		fkey = []byte(defaultFingerprintKey)
		if id, ok, err := repo.RootCommit(); err != nil {
			return nil, err
		} else if ok {
			fkey = []byte(id)
		}
	}
	res := &result{commits: ix.Commits()}
	sc.Suppress = o.suppress.hook(fkey)

	if o.cacheStore != nil {
		if err := o.cacheStore.wait(); err != nil {
			return nil, err
		}
	}
	// The blobs to read: this shard's, less those the cache holds.
	var toRead []plumbing.Hash
	var cached []plumbing.Hash
	for _, id := range ix.Blobs() {
		switch {
		case !o.shard.on(id):
		case o.cacheStore != nil && o.cacheStore.has(id.String(), ix.Paths(id)):
			cached = append(cached, id)
		default:
			toRead = append(toRead, id)
		}
	}
	if o.cacheStore != nil {
		sc.Keep = true
	}

	blobs := make(chan gitwalk.Blob, 2*sc.Workers)
	items := make(chan *scan.Item, 2*sc.Workers)
	readDone := make(chan error, 1)
	go func() {
		defer close(blobs)
		readDone <- repo.ReadBlobList(ctx, toRead, o.maxBlobSize, blobs)
	}()
	go func() {
		defer close(items)
		for b := range blobs {
			items <- &scan.Item{Paths: ix.Paths(b.ID), Blob: b.ID.String(), Data: b.Data, Size: b.Size, Oversized: b.Skipped}
		}
	}()
	// An identity is reported when any of its occurrences is not suppressed;
	// one whose every occurrence is suppressed counts as suppressed.
	groups := map[identity][]occurrence{}
	silenced := map[identity]silencedOcc{}
	sink := func(r *scan.Result) {
		if o.cacheStore != nil && r.Item.Size >= 0 { // Size -1: replayed from the cache
			o.cacheStore.add(r)
		}
		o.hist.onResult(r) // progress; drops what a range did not introduce (prepush.go)
		res.addDropped(o, r)
		id := plumbing.NewHash(r.Item.Blob)
		for path, fs := range r.Findings {
			for _, f := range fs {
				k := identity{f.RuleID, f.Secret, path}
				groups[k] = append(groups[k], occurrence{blob: id, f: f})
			}
		}
		for path, ss := range r.Suppressed {
			for _, x := range ss {
				k := identity{x.Finding.RuleID, x.Finding.Secret, path}
				oc := occurrence{blob: id, f: x.Finding}
				if cur, ok := silenced[k]; !ok || occursBefore(ix, oc, cur.occ, path) {
					silenced[k] = silencedOcc{oc, x.Verdict}
				}
			}
		}
	}
	stats, err := sc.Run(ctx, items, sink)
	readErr := <-readDone
	if err != nil {
		return nil, err
	}
	for _, id := range cached {
		it := &scan.Item{Paths: ix.Paths(id), Blob: id.String(), Size: -1}
		raw, _ := o.cacheStore.lookup(it.Blob, it.Paths)
		sink(sc.Replay(it, raw))
		res.cached++
	}
	if o.cacheStore != nil {
		if err := o.cacheStore.flush(); err != nil {
			return nil, err
		}
	}
	res.stats = stats
	res.incomplete = stats.ErrorMessages
	if readErr != nil {
		res.incomplete = append(res.incomplete, readErr.Error())
	}

	headCache := map[plumbing.Hash][]byte{}
	for k, occs := range groups {
		best := -1
		var bestCommit *gitwalk.Commit
		for i, oc := range occs {
			c, ok := memberOrigin(ix, oc.blob, k.path)
			if !ok {
				continue
			}
			if bestCommit == nil || c.Order < bestCommit.Order || (c.Order == bestCommit.Order && oc.f.Start < occs[best].f.Start) {
				best, bestCommit = i, c
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("internal error: no commit holds blob %s at %s", occs[0].blob, k.path)
		}
		oc := occs[best]
		rec := newRecord(&oc.f, oc.blob.String(), fkey, o.showSecrets)
		rec.Commit = bestCommit.ID
		if o.shard.n > 0 {
			rec.ShardOrder = &bestCommit.Order
		}
		rec.Author = bestCommit.Author
		rec.Email = bestCommit.Email
		if !bestCommit.When.IsZero() {
			rec.Date = bestCommit.When.Format(time.RFC3339)
		}
		inHead, err := secretInHead(repo, ix, k, occs, headCache, o.maxBlobSize)
		if err != nil {
			res.incomplete = append(res.incomplete, err.Error())
		}
		rec.InHead = &inHead
		if v, ok := o.suppress.checkCommit(&rec, k.secret); ok {
			res.suppressed(o, &oc.f, rec, v)
			continue
		}
		res.records = append(res.records, rec)
		if o.explain {
			res.explain = append(res.explain, explainFinding(&oc.f, "reported", ""))
		}
	}
	for k, so := range silenced {
		if _, reported := groups[k]; reported {
			continue
		}
		rec := newRecord(&so.occ.f, so.occ.blob.String(), fkey, o.showSecrets)
		if c, ok := memberOrigin(ix, so.occ.blob, k.path); ok {
			rec.Commit, rec.Author, rec.Email = c.ID, c.Author, c.Email
			if o.shard.n > 0 {
				rec.ShardOrder = &c.Order
			}
			if !c.When.IsZero() {
				rec.Date = c.When.Format(time.RFC3339)
			}
		}
		res.suppressed(o, &so.occ.f, rec, so.verdict)
	}
	return res, nil
}

// occursBefore orders two occurrences of one identity at path: by the commit
// that introduced each (oldest first), then by offset, then by blob id, so
// that the one chosen does not depend on the order blobs were scanned in.
func occursBefore(ix *gitwalk.Index, a, b occurrence, path string) bool {
	ca, oka := memberOrigin(ix, a.blob, path)
	cb, okb := memberOrigin(ix, b.blob, path)
	switch {
	case oka != okb:
		return oka
	case oka && ca.Order != cb.Order:
		return ca.Order < cb.Order
	case a.f.Start != b.f.Start:
		return a.f.Start < b.f.Start
	}
	return bytes.Compare(a.blob[:], b.blob[:]) < 0
}

// silencedOcc is the first suppressed occurrence of an identity in history.
type silencedOcc struct {
	occ     occurrence
	verdict allowlist.Verdict
}

// secretInHead reports whether HEAD's tree holds the secret at the same path.
func secretInHead(repo *gitwalk.Repo, ix *gitwalk.Index, k identity, occs []occurrence, cache map[plumbing.Hash][]byte, max int64) (bool, error) {
	hb, ok := memberHeadBlob(ix, k.path)
	if !ok {
		return false, nil
	}
	for _, oc := range occs {
		if oc.blob == hb {
			return true, nil
		}
	}
	data, ok := cache[hb]
	if !ok {
		var err error
		data, err = repo.ReadBlob(hb, max)
		if errors.Is(err, gitwalk.ErrTooLarge) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		cache[hb] = data
	}
	return bytes.Contains(data, []byte(k.secret)), nil
}

// explainFinding describes a candidate for --explain; the secret is always
// redacted, since explanations go to stderr.
func explainFinding(f *detectors.Finding, decision, reason string) report.Explanation {
	return report.Explanation{
		Path: f.Path, Line: f.Line, Column: f.Column, Rule: f.RuleID, Detector: f.Detector,
		Secret: report.Redact(f.Secret), Decision: decision, Reason: reason,
	}
}

// addExplanations records, with --explain, every finding of r as reported and
// every dropped candidate with its reason.
func (res *result) addExplanations(o *options, r *scan.Result) {
	if !o.explain {
		return
	}
	for _, fs := range r.Findings {
		for i := range fs {
			res.explain = append(res.explain, explainFinding(&fs[i], "reported", ""))
		}
	}
	res.addDropped(o, r)
}

// addDropped records r's dropped candidates with --explain. In a history scan the
// same candidate recurs in many blobs; it is explained once per (path, line,
// column, rule, reason).
func (res *result) addDropped(o *options, r *scan.Result) {
	if !o.explain {
		return
	}
	for _, fs := range r.Dropped {
		for i := range fs {
			f := &fs[i]
			k := explainKey{f.Path, f.Line, f.Column, f.RuleID, f.Dropped}
			if res.explained[k] {
				continue
			}
			if res.explained == nil {
				res.explained = map[explainKey]bool{}
			}
			res.explained[k] = true
			res.explain = append(res.explain, explainFinding(f, "dropped", f.Dropped))
		}
	}
}

type explainKey struct {
	path         string
	line, column int
	rule, reason string
}
