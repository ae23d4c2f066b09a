package main

// `secretsweep pre-push` and `secretsweep history --range/--since`: history
// scans of the commits of a range, through scanHistory with a range walk.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/gitwalk"
	"github.com/secretsweep/secretsweep/scan"
)

// historyHook is what a history scan does beyond scanHistory's walk and sink:
// the range walk, dropping secrets the range did not introduce, and the
// progress bar.
type historyHook struct {
	o     *options
	repo  *gitwalk.Repo
	ri    *gitwalk.RangeIndex // nil for a full history scan
	prior map[plumbing.Hash][]byte
	prog  *progress
}

// walkHistory builds the index of a history scan: every ref's history, the
// commits of --range or --since, or pre-push's ranges.
func (o *options) walkHistory(ctx context.Context, repo *gitwalk.Repo) (*gitwalk.Index, error) {
	h := &historyHook{o: o, repo: repo}
	o.hist = h
	var ix *gitwalk.Index
	switch {
	case o.prePush:
		ri, err := repo.WalkRanges(ctx, o.pushRanges)
		if err != nil {
			return nil, err
		}
		h.ri, ix = ri, ri.Index
	case o.rangeSpec != "" || o.since != "":
		base, tip, err := parseRange(o.rangeSpec, o.since)
		if err != nil {
			return nil, err
		}
		ri, err := repo.WalkRange(ctx, base, tip)
		if err != nil {
			return nil, err
		}
		h.ri, ix = ri, ri.Index
	case o.cacheStore != nil:
		var err error
		if ix, err = walkWithCache(ctx, repo, o.cache); err != nil {
			return nil, err
		}
	default:
		var err error
		if ix, err = repo.Walk(ctx); err != nil {
			return nil, err
		}
	}
	total := ix.NumBlobs()
	if o.shard.n > 0 {
		total = 0
		for _, id := range ix.Blobs() {
			if o.shard.on(id) {
				total++
			}
		}
	}
	h.prog = newProgress(o, total)
	return ix, nil
}

// parseRange reads --range BASE..TIP or --since REV. An empty side of ".." is
// HEAD, as in git.
func parseRange(spec, since string) (base, tip string, err error) {
	if spec != "" && since != "" {
		return "", "", usageError{"--range and --since cannot be used together"}
	}
	if since != "" {
		return since, "HEAD", nil
	}
	if strings.Contains(spec, "...") {
		return "", "", usageError{fmt.Sprintf("--range %q: a symmetric difference (A...B) is not supported; use BASE..TIP", spec)}
	}
	base, tip, ok := strings.Cut(spec, "..")
	if !ok {
		return "", "", usageError{fmt.Sprintf("--range %q: want BASE..TIP", spec)}
	}
	if base == "" {
		base = "HEAD"
	}
	if tip == "" {
		tip = "HEAD"
	}
	return base, tip, nil
}

// onResult sees each scan result before scanHistory groups its findings. In a
// range scan it drops the findings whose secret the commit that introduced
// the blob replaced at the same path, i.e. that its parent already held
// there: they predate the range (a line edited next to an old secret does not
// make it new). It advances the progress bar.
func (h *historyHook) onResult(r *scan.Result) {
	if h == nil {
		return
	}
	h.prog.add(r.Item.Size)
	if h.ri == nil || len(r.Findings) == 0 {
		return
	}
	blob := plumbing.NewHash(r.Item.Blob)
	for path, fs := range r.Findings {
		priors := h.ri.Prior(blob, path)
		if len(priors) == 0 {
			continue
		}
		kept := fs[:0]
		for _, f := range fs {
			if h.priorHolds(priors, f.Secret) {
				f.Dropped = "already in the parent commit, before the range"
				if h.o.explain {
					if r.Dropped == nil {
						r.Dropped = map[string][]detectors.Finding{}
					}
					r.Dropped[path] = append(r.Dropped[path], f)
				}
				continue
			}
			kept = append(kept, f)
		}
		if len(kept) == 0 {
			delete(r.Findings, path)
		} else {
			r.Findings[path] = kept
		}
	}
}

// priorHolds reports whether one of the blobs holds secret. A blob that
// cannot be read (or is over the size cap) holds nothing: the finding stays.
func (h *historyHook) priorHolds(priors []plumbing.Hash, secret string) bool {
	for _, p := range priors {
		data, ok := h.prior[p]
		if !ok {
			var err error
			data, err = h.repo.ReadBlob(p, h.o.maxBlobSize)
			if err != nil {
				data = nil
			}
			if h.prior == nil {
				h.prior = map[plumbing.Hash][]byte{}
			}
			h.prior[p] = data
		}
		if bytes.Contains(data, []byte(secret)) {
			return true
		}
	}
	return false
}

// done clears the progress bar.
func (h *historyHook) done() {
	if h != nil {
		h.prog.finish()
	}
}

func runPrePush(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const cmd = "pre-push"
	var o options
	fs := newFlagSet(cmd, &o, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: secretsweep pre-push [flags] [REMOTE [URL]]\n\n"+
			"Reads git's pre-push lines (<local ref> <local sha> <remote ref> <remote sha>) on\n"+
			"standard input and scans the commits that would be pushed: remote sha..local sha,\n"+
			"or for a new branch the commits that no remote-tracking ref reaches.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, code, done := parseCommandFlags(fs, &o, args, stdout)
	if done {
		return code
	}
	if len(pos) > 2 {
		fmt.Fprintf(stderr, "secretsweep %s: at most REMOTE and URL (what git passes), got %d arguments\n", cmd, len(pos))
		return exitError
	}
	if err := o.check(cmd, nil); err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	root, _, err := findGitDir(o.repo)
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	start := time.Now()
	ranges, notes, err := prePushRanges(root, stdin)
	for _, n := range notes {
		fmt.Fprintf(stderr, "secretsweep %s: %s\n", cmd, n)
	}
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	if len(ranges) == 0 {
		fmt.Fprintf(stderr, "secretsweep %s: no commits to push: nothing to scan\n", cmd)
		return exitClean
	}
	o.pushRanges, o.prePush = ranges, true
	res, err := scanCommand(ctx, "history", root, &o, nil)
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	return reportScan(cmd, &o, res, start, stdout, stderr)
}

// prePushRanges reads git's pre-push lines and returns the ranges to scan:
// remote..local for an update, local minus every remote-tracking ref for a new
// branch (or when the remote's commit is not here), nothing for a deletion.
func prePushRanges(root string, stdin io.Reader) ([]gitwalk.Range, []string, error) {
	repo, err := gitwalk.Open(root)
	if err != nil {
		return nil, nil, err
	}
	defer repo.Close()
	var ranges []gitwalk.Range
	var notes []string
	var remoteTips []plumbing.Hash
	gotRemoteTips := false
	remotes := func() ([]plumbing.Hash, error) {
		if !gotRemoteTips {
			remoteTips, err = repo.RemoteTrackingTips()
			gotRemoteTips = true
		}
		return remoteTips, err
	}
	sc := bufio.NewScanner(stdin)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || !plumbing.IsHash(f[1]) || !plumbing.IsHash(f[3]) {
			return nil, notes, fmt.Errorf("standard input line %d: want <local ref> <local sha> <remote ref> <remote sha>, got %q", n, line)
		}
		local, remote := plumbing.NewHash(f[1]), plumbing.NewHash(f[3])
		if local.IsZero() {
			continue // a deletion pushes nothing
		}
		rg := gitwalk.Range{Tips: []plumbing.Hash{local}}
		switch {
		case remote.IsZero():
			if rg.Bases, err = remotes(); err != nil {
				return nil, notes, err
			}
		case repo.HasCommit(remote):
			rg.Bases = []plumbing.Hash{remote}
		default:
			notes = append(notes, fmt.Sprintf("%s: the remote's commit %s is not here (fetch first?); scanning what no remote-tracking ref reaches", f[2], f[3]))
			if rg.Bases, err = remotes(); err != nil {
				return nil, notes, err
			}
		}
		ranges = append(ranges, rg)
	}
	if err := sc.Err(); err != nil {
		return nil, notes, fmt.Errorf("reading standard input: %w", err)
	}
	return ranges, notes, nil
}
