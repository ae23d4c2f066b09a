package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/gitwalk"
	"github.com/secretsweep/secretsweep/scan"
)

// The scan cache (history --cache DIR) stores, per blob id and rule set, what
// scanning the blob found at each of its paths, before suppression, so that a
// repeat sweep reads and scans only blobs it has not seen. Allowlists, markers,
// ignore files and baselines are applied afresh on every run.
//
// One file per rule set, DIR/<hash>.jsonl, one JSON object a line, appended to.
// The hash covers the rules and the secretsweep build, so a changed rule set or
// binary starts a new file. The file holds the secrets found (as the repository
// does), so it is written with mode 0600 in a directory of mode 0700.

type cacheEntry struct {
	Blob  string                `json:"blob"`
	Paths map[string][]scan.Raw `json:"paths"`
}

type scanCache struct {
	file string // set by the time loaded is closed
	// loaded is closed when entries (or loadErr) are ready: the rule set is
	// hashed and the file read while the commit walk runs.
	loaded  chan struct{}
	loadErr error
	entries map[string]cacheEntry
	// clean holds, apart from entries, the blobs scanned at one path with
	// nothing found there (most of them): blob -> path.
	clean map[string]string
	added []cacheEntry
}

// ruleSetHash identifies the rule set and the build that applies it.
func ruleSetHash(cfg *detectors.Config, archiveDepth int) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "archive depth %d\n", archiveDepth)
	if err := json.NewEncoder(h).Encode(cfg.Rules); err != nil {
		return "", err
	}
	fmt.Fprintf(h, "version %s\n", buildID())
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

var buildIDOnce = sync.OnceValue(func() string {
	if v := versionString(); v != "devel" {
		return v
	}
	// A development build: the executable's own hash, so that changed detector
	// code invalidates the cache too.
	exe, err := os.Executable()
	if err == nil {
		if f, err := os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				return "devel-" + hex.EncodeToString(h.Sum(nil))
			}
		}
	}
	return "devel-unknown"
})

func buildID() string { return buildIDOnce() }

// openCache creates dir and starts loading the cache file of this rule set
// from it in the background; wait returns when it is loaded.
func openCache(dir string, cfg *detectors.Config, archiveDepth int) (*scanCache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	c := &scanCache{entries: map[string]cacheEntry{}, clean: map[string]string{}, loaded: make(chan struct{})}
	go func() {
		defer close(c.loaded)
		hash, err := ruleSetHash(cfg, archiveDepth)
		if err != nil {
			c.loadErr = fmt.Errorf("cache: %w", err)
			return
		}
		c.file = filepath.Join(dir, hash+".jsonl")
		c.loadErr = c.load()
	}()
	return c, nil
}

// load reads the cache file, if there is one.
func (c *scanCache) load() error {
	f, err := os.Open(c.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if blob, path, ok := simpleEntry(sc.Bytes()); ok {
			c.addClean(blob, path)
			continue
		}
		var e cacheEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// A torn last line from an interrupted run: ignore the rest.
			break
		}
		if e.Paths == nil { // "paths": null, or none: a line this build did not write
			e.Paths = map[string][]scan.Raw{}
		}
		if p, ok := c.clean[e.Blob]; ok { // an earlier line's path
			delete(c.clean, e.Blob)
			if _, seen := e.Paths[p]; !seen {
				e.Paths[p] = []scan.Raw{}
			}
		}
		old, ok := c.entries[e.Blob]
		if ok {
			for p, rs := range e.Paths {
				old.Paths[p] = rs
			}
			continue
		}
		c.entries[e.Blob] = e
	}
	return nil
}

// addClean records a line saying that blob was scanned at path and nothing
// was found there.
func (c *scanCache) addClean(blob, path string) {
	if e, ok := c.entries[blob]; ok {
		e.Paths[path] = []scan.Raw{}
		return
	}
	if p, ok := c.clean[blob]; ok && p != path {
		delete(c.clean, blob)
		c.entries[blob] = cacheEntry{Blob: blob, Paths: map[string][]scan.Raw{p: {}, path: {}}}
		return
	}
	c.clean[blob] = path
}

// simpleEntry decodes the usual line, a blob seen at one path with nothing
// found, `{"blob":"<id>","paths":{"<path>":[]}}`, without reflection; ok is
// false for any other line. A path that encoding/json wrote with an escape
// (quotes, <, >, &, control or invalid UTF-8 bytes) holds a backslash and
// is left to json.Unmarshal.
func simpleEntry(line []byte) (blob, path string, ok bool) {
	const head, mid, tail = `{"blob":"`, `","paths":{"`, `":[]}}`
	rest, ok := bytes.CutPrefix(line, []byte(head))
	if !ok || len(rest) < 40 {
		return "", "", false
	}
	id := rest[:40]
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", "", false
		}
	}
	if rest, ok = bytes.CutPrefix(rest[40:], []byte(mid)); !ok {
		return "", "", false
	}
	p, ok := bytes.CutSuffix(rest, []byte(tail))
	if !ok || bytes.ContainsAny(p, "\\\"") {
		return "", "", false
	}
	return string(id), string(p), true
}

// wait returns once the cache file is loaded, with the error loading it.
func (c *scanCache) wait() error {
	<-c.loaded
	return c.loadErr
}

// lookup returns the recorded findings of blob when it was scanned at every one
// of paths (nil when nothing was found at any). The cache must be loaded
// (wait).
func (c *scanCache) lookup(blob string, paths []string) (map[string][]scan.Raw, bool) {
	if c.nothingFound(blob, paths) {
		return nil, true
	}
	e, ok := c.entries[blob]
	if !ok {
		return nil, false
	}
	for _, p := range paths {
		if _, ok := e.Paths[p]; !ok {
			return nil, false
		}
	}
	return e.Paths, true
}

func (c *scanCache) has(blob string, paths []string) bool {
	_, ok := c.lookup(blob, paths)
	return ok
}

// nothingFound reports whether blob was scanned at its one path, paths[0],
// and nothing was found there.
func (c *scanCache) nothingFound(blob string, paths []string) bool {
	p, ok := c.clean[blob]
	return ok && len(paths) == 1 && paths[0] == p
}

// add records a scanned item; only fully read and scanned items are recorded.
func (c *scanCache) add(r *scan.Result) {
	it := r.Item
	if it.Err != nil || r.Err != nil || it.Oversized {
		return
	}
	e := cacheEntry{Blob: it.Blob, Paths: map[string][]scan.Raw{}}
	for _, p := range it.Paths {
		if e.Paths[p] == nil {
			e.Paths[p] = []scan.Raw{}
		}
	}
	// Findings at the item's paths and, for an archive, at its members'
	// ("path!member").
	for p, rs := range r.Raw {
		e.Paths[p] = rs
	}
	c.added = append(c.added, e)
}

// flush appends the new entries.
func (c *scanCache) flush() error {
	if len(c.added) == 0 {
		return nil
	}
	f, err := os.OpenFile(c.file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, e := range c.added {
		if err := enc.Encode(e); err != nil {
			f.Close()
			return fmt.Errorf("cache: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("cache: %w", err)
	}
	c.added = nil
	return f.Close()
}

// walkWithCache walks every ref's history keeping the walk's state in the
// cache directory, so that a repeat sweep walks only the commits added since
// (gitwalk.WalkWithState). The state file is named after the repository's
// root commit: clones of one repository share it, and a state that does not
// fit the repository (another fork, rewritten history) is detected and
// replaced.
func walkWithCache(ctx context.Context, repo *gitwalk.Repo, dir string) (*gitwalk.Index, error) {
	root, ok, err := repo.RootCommit()
	if err != nil {
		return nil, err
	}
	if !ok {
		return repo.Walk(ctx) // no commits: nothing worth keeping
	}
	sum := sha256.Sum256([]byte(root))
	ix, _, err := repo.WalkWithState(ctx, filepath.Join(dir, "walk-"+hex.EncodeToString(sum[:8])+".state"))
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return ix, nil
}
