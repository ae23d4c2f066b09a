package main

// `secretsweep staged`: the blobs of the staging index that differ from HEAD,
// read from the index with go-git; with --all-changes also the work tree's
// unstaged changes and untracked files.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/fswalk"
	"github.com/secretsweep/secretsweep/gitwalk"
	"github.com/secretsweep/secretsweep/report"
	"github.com/secretsweep/secretsweep/scan"
)

func runStaged(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "staged"
	var o options
	fs := newFlagSet(cmd, &o, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: secretsweep staged [flags] [FILE...]\n\n"+
			"Scans the staged changes (the index's added, modified and renamed files), or only\n"+
			"the staged FILEs (relative to the current directory or the repository root).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	files, code, done := parseCommandFlags(fs, &o, args, stdout)
	if done {
		return code
	}
	if err := o.check(cmd, nil); err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	start := time.Now()
	res, warnings, err := scanStaged(ctx, &o, files)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "secretsweep %s: warning: %s\n", cmd, w)
	}
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	return reportScan(cmd, &o, res, start, stdout, stderr)
}

// reportScan writes the report, the explanations and the summary of a scan and
// returns the exit code, as runScan does.
func reportScan(cmd string, o *options, res *result, start time.Time, stdout, stderr io.Writer) int {
	if err := writeReport(o, res.records, stdout); err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: writing report: %v\n", cmd, err)
		return exitError
	}
	if o.explain {
		if err := report.WriteExplain(stderr, o.format, res.explain); err != nil {
			fmt.Fprintf(stderr, "secretsweep %s: writing explanations: %v\n", cmd, err)
			return exitError
		}
	}
	printSummary(stderr, res, time.Since(start), o.maxBlobSize)
	if len(res.incomplete) > 0 {
		for _, m := range res.incomplete {
			fmt.Fprintf(stderr, "secretsweep %s: error: %s\n", cmd, m)
		}
		fmt.Fprintf(stderr, "secretsweep %s: the scan is incomplete: part of the input could not be read\n", cmd)
		return exitError
	}
	for _, r := range res.records {
		if r.Suppression == nil {
			return exitFindings
		}
	}
	return exitClean
}

// hookIndexFile returns the index that git names in GIT_INDEX_FILE when it
// runs the pre-commit hook of `git commit -a` or `git commit FILE` (a
// temporary index in the git directory, holding what will be committed), or
// "" for the repository's own index. A GIT_INDEX_FILE outside gitDir belongs
// to another repository (a hook of an enclosing repository that runs
// secretsweep on a different one) and is not used.
func hookIndexFile(gitDir string) string {
	f := os.Getenv("GIT_INDEX_FILE")
	if f == "" {
		return ""
	}
	abs, err1 := filepath.Abs(f)
	dir, err2 := filepath.Abs(gitDir)
	if err1 != nil || err2 != nil {
		return ""
	}
	if rel, err := filepath.Rel(dir, abs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return abs
}

// stagedFinding is a finding before it becomes a record: the fingerprint key is
// looked up only when there is one.
type stagedFinding struct {
	f    detectors.Finding
	blob string
}

// scanStaged scans the staged changes of the repository holding o.repo (or the
// staged files named), and with --all-changes the work tree's changes too.
// Each occurrence is a finding; findings carry no commit. It returns warnings
// about files named that are not there.
func scanStaged(ctx context.Context, o *options, files []string) (*result, []string, error) {
	root, gitDir, err := findGitDir(o.repo)
	if err != nil {
		return nil, nil, err
	}
	if root == gitDir {
		return nil, nil, fmt.Errorf("%s is a bare repository: it has no staged changes", root)
	}
	// The rule set, the engine and the allowlists are built while the index
	// is read and compared with HEAD: a hook's two halves, on two cores. The
	// index's errors are still reported first.
	type setup struct {
		cfg      *detectors.Config
		eng      *detectors.Engine
		suppress *suppression
		err      error
	}
	setupDone := make(chan setup, 1)
	go func() {
		var st setup
		defer func() { setupDone <- st }()
		if st.cfg, st.err = loadConfig(o, root); st.err != nil {
			return
		}
		if st.eng, st.err = detectors.NewEngine(st.cfg); st.err != nil {
			return
		}
		st.suppress, st.err = newSuppression(st.cfg, o, root)
	}()
	repo, err := gitwalk.Open(root)
	if err != nil {
		<-setupDone
		return nil, nil, err
	}
	defer repo.Close()

	indexFile := hookIndexFile(gitDir)
	stg, err := repo.ReadIndex(ctx, indexFile)
	st := <-setupDone
	if err != nil {
		return nil, nil, err
	}
	if st.err != nil {
		return nil, nil, st.err
	}
	cfg, eng := st.cfg, st.eng
	o.suppress = st.suppress
	sc := &scan.Scanner{Engine: eng, Workers: o.workers, Explain: o.explain, ArchiveDepth: o.archiveDepth, MaxSize: o.maxBlobSize}
	// The fingerprint key (by default the root commit, which takes a walk of
	// HEAD's first-parent chain to find) is looked up only once a finding
	// needs it: a clean commit never pays for it.
	var keyOnce sync.Once
	var fkey []byte
	var suppress func(*detectors.Finding, string, string) (allowlist.Verdict, bool)
	lazyKey := func() []byte {
		keyOnce.Do(func() {
			fkey = stagedFingerprintKey(o, cfg, repo)
			suppress = o.suppress.hook(fkey)
		})
		return fkey
	}
	sc.Suppress = func(f *detectors.Finding, line, prev string) (allowlist.Verdict, bool) {
		lazyKey()
		return suppress(f, line, prev)
	}

	// What to scan: index entries, and work tree paths for --all-changes.
	var entries []*gitwalk.IndexEntry
	var named map[string]bool // the files named, root-relative; nil without arguments
	var warnings []string
	if len(files) > 0 {
		named = map[string]bool{}
		cwd, _ := os.Getwd()
		for _, a := range files {
			p, e, ok := resolveStagedArg(root, cwd, stg, a)
			if !ok {
				warnings = append(warnings, fmt.Sprintf("%s is outside the repository %s", a, root))
				continue
			}
			if named[p] {
				continue
			}
			named[p] = true
			if e != nil && !e.IntentToAdd {
				entries = append(entries, e)
			} else if !o.allChanges {
				warnings = append(warnings, fmt.Sprintf("%s is not staged (not in the index)", a))
			}
		}
	} else {
		entries = stg.Changes()
	}

	res := &result{}
	items := make(chan *scan.Item, 2*sc.Workers)
	var mu sync.Mutex
	var feedErrs []string
	feedDone := make(chan error, 1)
	go func() {
		defer close(items)
		send := func(it *scan.Item) error {
			select {
			case items <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		for _, e := range entries {
			it := &scan.Item{Paths: []string{e.Path}, Blob: e.Blob.String()}
			b, err := repo.ReadBlobCapped(e.Blob, o.maxBlobSize)
			switch {
			case err != nil:
				it.Err = fmt.Errorf("reading the staged %s: %w", e.Path, err)
			case b.Skipped:
				it.Size, it.Oversized = b.Size, true
			default:
				it.Data, it.Size = b.Data, b.Size
			}
			if err := send(it); err != nil {
				feedDone <- err
				return
			}
		}
		if o.allChanges {
			err := worktreeChanges(ctx, root, stg, named, o.maxBlobSize, send, func(err error) {
				mu.Lock()
				feedErrs = append(feedErrs, err.Error())
				mu.Unlock()
			})
			if err != nil {
				feedDone <- err
				return
			}
		}
		feedDone <- nil
	}()

	staged := map[string]string{} // path -> staged blob
	for _, e := range entries {
		staged[e.Path] = e.Blob.String()
	}
	var found []stagedFinding
	seen := map[stagedKey]int{}
	stats, err := sc.Run(ctx, items, func(r *scan.Result) {
		for path, fs := range r.Findings {
			fromIndex := staged[path] == r.Item.Blob
			for _, f := range fs {
				// The same secret at the same place in the staged and the work
				// tree versions of a file is one finding: the staged one.
				k := stagedKey{f.Path, f.RuleID, f.Secret, f.Line, f.Column}
				if i, ok := seen[k]; ok {
					if fromIndex {
						found[i] = stagedFinding{f: f, blob: r.Item.Blob}
					}
					continue
				}
				seen[k] = len(found)
				found = append(found, stagedFinding{f: f, blob: r.Item.Blob})
			}
		}
		res.addDropped(o, r)
		if len(r.Suppressed) > 0 {
			res.addSuppressed(o, r, lazyKey())
		}
	})
	if ferr := <-feedDone; ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return nil, warnings, err
	}
	if len(found) > 0 {
		key := lazyKey()
		for i := range found {
			sf := &found[i]
			res.records = append(res.records, newRecord(&sf.f, sf.blob, key, o.showSecrets))
			if o.explain {
				res.explain = append(res.explain, explainFinding(&sf.f, "reported", ""))
			}
		}
	}
	res.stats = stats
	res.incomplete = append(feedErrs, stats.ErrorMessages...)
	return res, warnings, nil
}

// stagedKey identifies one occurrence of a secret in a staged scan.
type stagedKey struct {
	path, rule, secret string
	line, column       int
}

// stagedFingerprintKey is the key for fingerprints: --fingerprint-key, the
// config's, else the root commit (as in every other scan), else the default.
// It is looked up only when there are findings: finding the root commit reads
// HEAD's whole first-parent chain.
func stagedFingerprintKey(o *options, cfg *detectors.Config, repo *gitwalk.Repo) []byte {
	if o.fingerprintKey != "" {
		return []byte(o.fingerprintKey)
	}
	if cfg.FingerprintKey != "" {
		return []byte(cfg.FingerprintKey)
	}
	if id, ok, err := repo.RootCommit(); err == nil && ok {
		return []byte(id)
	}
	return []byte(defaultFingerprintKey)
}

// resolveStagedArg maps a FILE argument to a root-relative path: relative to
// the current directory if the index has it so, else relative to the root
// (the pre-commit framework passes root-relative paths from the root). It
// returns the index entry if there is one.
func resolveStagedArg(root, cwd string, stg *gitwalk.Staging, arg string) (string, *gitwalk.IndexEntry, bool) {
	var cands []string
	abs := arg
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(cwd, abs)
	}
	if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		cands = append(cands, filepath.ToSlash(rel))
	}
	if !filepath.IsAbs(arg) {
		if p := path.Clean(filepath.ToSlash(arg)); p != ".." && !strings.HasPrefix(p, "../") {
			cands = append(cands, p)
		}
	}
	for _, c := range cands {
		if e, ok := stg.Lookup(c); ok {
			return c, e, true
		}
	}
	if len(cands) == 0 {
		return "", nil, false
	}
	return cands[0], nil, true
}

// worktreeChanges sends, for --all-changes, the work tree files that differ
// from the index (tracked files changed since they were staged, by the index's
// stat data and then by content, as git decides) and the untracked files that
// .gitignore and .git/info/exclude do not exclude. With named (file
// arguments), only those paths. Submodules and nested repositories are left to
// their own scans.
func worktreeChanges(ctx context.Context, root string, stg *gitwalk.Staging, named map[string]bool, max int64, send func(*scan.Item) error, onErr func(error)) error {
	for i := range stg.Entries {
		e := &stg.Entries[i]
		if named != nil && !named[e.Path] {
			continue
		}
		if e.SkipWorktree || e.Mode == filemode.Symlink {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		abs := filepath.Join(root, filepath.FromSlash(e.Path))
		fi, err := os.Lstat(abs)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
				onErr(fmt.Errorf("examining %s: %w", e.Path, errors.Unwrap(err)))
			}
			continue // deleted in the work tree: nothing there to scan
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		if !e.IntentToAdd && statClean(e, fi, stg.IndexTime) {
			continue
		}
		it := &scan.Item{Paths: []string{e.Path}, Size: fi.Size()}
		if fi.Size() > max {
			it.Oversized = true
		} else {
			data, err := readFileCapped(abs, e.Path, max)
			if err != nil {
				it.Err = err
			} else {
				if id := scan.BlobID(data); id == e.Blob.String() && !e.IntentToAdd {
					continue // only touched
				} else {
					it.Blob = id
				}
				it.Data, it.Size = data, int64(len(data))
			}
		}
		if err := send(it); err != nil {
			return err
		}
	}

	// Untracked files.
	nested := map[string]bool{}
	isNested := func(rel string) bool {
		for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
			v, ok := nested[dir]
			if !ok {
				_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(dir), ".git"))
				v = err == nil
				nested[dir] = v
			}
			if v {
				return true
			}
		}
		return false
	}
	visit := func(rel, abs string, size int64) error {
		if _, tracked := stg.Lookup(rel); tracked || stg.InSubmodule(rel) || isNested(rel) {
			return nil
		}
		it := &scan.Item{Paths: []string{rel}, Size: size}
		if size > max {
			it.Oversized = true
		} else {
			it.Load = func() ([]byte, error) { return readFileCapped(abs, rel, max) }
		}
		return send(it)
	}
	if named != nil {
		// Named files that are not in the index, even if .gitignore excludes them.
		for rel := range named {
			if _, tracked := stg.Lookup(rel); tracked {
				continue
			}
			abs := filepath.Join(root, filepath.FromSlash(rel))
			fi, err := os.Lstat(abs)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			if err := visit(rel, abs, fi.Size()); err != nil {
				return err
			}
		}
		return nil
	}
	return fswalk.Walk(ctx, root, fswalk.Options{}, func(f fswalk.File) error {
		return visit(f.Rel, f.Abs, f.Size)
	}, onErr)
}

// statClean reports whether the work tree file is unchanged since it was
// staged, by the index's stat data: same size and modification time, and that
// time before the index was written (otherwise the file may have changed in
// the same clock tick, and git compares content too).
func statClean(e *gitwalk.IndexEntry, fi fs.FileInfo, indexTime time.Time) bool {
	if uint32(fi.Size()) != e.Size || e.ModTime.IsZero() {
		return false
	}
	mt := fi.ModTime()
	if e.ModTime.Nanosecond() == 0 {
		mt = mt.Truncate(time.Second) // git built without nanosecond times
	}
	if !mt.Equal(e.ModTime) {
		return false
	}
	return !indexTime.IsZero() && e.ModTime.Before(indexTime)
}
