// Command benchrepo generates a large, realistic git history for measuring
// secretsweep, offline, from real source files already on the machine.
//
//	go run ./internal/benchrepo -out /tmp/bench-repo                  # full size
//	go run ./internal/benchrepo -out /tmp/small -commits 3000 -target-bytes 80MB
//
// The content comes from the Go module cache, GOROOT/src, the Python trees
// under /usr/lib/python3* and /usr/share/doc (or -sources). The history
// starts with an import of a few thousand of those files and evolves them
// commit by commit the way projects evolve: most commits edit one to a few
// files (hunks that change a token or a number, insert a block of real code
// taken from another file of the same type, delete or move a block), with a
// few hot files changed often; files and whole directories are added, some
// renamed, some deleted; topic branches fork, make a few commits and are
// merged back (a few are abandoned, their refs left behind); release tags
// are annotated. The sizes of the changed files are steered so the history
// reaches about -target-blobs unique blobs and -target-bytes bytes of blob
// content in -commits commits.
//
// Fake secrets, in the shapes of real credentials but random, are planted at
// known commits (new files and lines appended to existing files, on main,
// on topic branches, in merges, in files deleted later); DIR/planted.json
// records each one's rule, path, commit and shape, and the SHA-256 of the
// value (see package planted). DIR/benchrepo.json records the parameters
// and the repository's size.
//
// The history is written with git fast-import and then repacked with
// `git repack -adf` and `git pack-refs --all`, like a fresh clone. The work
// tree is not checked out. The output is deterministic for a given seed,
// size and set of source files (commit ids included).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/secretsweep/secretsweep/internal/benchrepo/planted"
)

type options struct {
	out          string
	commits      int
	targetBytes  int64
	targetBlobs  int
	initialFiles int
	seed         int64
	secrets      int
	sources      []source
	force        bool
	noRepack     bool
	quiet        bool
}

// sizeValue parses 600000000, 600MB, 80MiB, 1.5GB.
type sizeValue struct{ n *int64 }

func (s sizeValue) String() string {
	if s.n == nil {
		return ""
	}
	return strconv.FormatInt(*s.n, 10)
}

func (s sizeValue) Set(v string) error {
	t := strings.ToLower(strings.TrimSpace(v))
	mult := 1.0
	for _, u := range []struct {
		suf string
		m   float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f*mult < 1 {
		return fmt.Errorf("invalid size %q", v)
	}
	*s.n = int64(f * mult)
	return nil
}

// info is DIR/benchrepo.json.
type info struct {
	Seed            int64    `json:"seed"`
	Commits         int      `json:"commits"`
	Merges          int      `json:"merges"`
	TopicBranches   int      `json:"topic_branches"`
	Abandoned       int      `json:"abandoned_branches"`
	Tags            int      `json:"tags"`
	Renames         int      `json:"renames"`
	Deletions       int      `json:"deleted_files"`
	Blobs           int      `json:"blobs"`
	BlobBytes       int64    `json:"blob_bytes"`
	HeadFiles       int      `json:"head_files"`
	PackBytes       int64    `json:"pack_bytes"`
	TargetBlobs     int      `json:"target_blobs"`
	TargetBytes     int64    `json:"target_bytes"`
	Planted         int      `json:"planted"`
	Sources         []source `json:"sources"`
	PoolFiles       int      `json:"pool_files"`
	PoolBytes       int64    `json:"pool_bytes"`
	GitVersion      string   `json:"git_version"`
	GenerateSeconds float64  `json:"generate_seconds"`
	RepackSeconds   float64  `json:"repack_seconds"`
}

func main() {
	var o options
	o.targetBytes = 600_000_000
	var sources string
	flag.StringVar(&o.out, "out", "", "directory to create the repository in (required; must not exist or be empty)")
	flag.IntVar(&o.commits, "commits", 20000, "number of commits")
	flag.Var(sizeValue{&o.targetBytes}, "target-bytes", "total size of the unique blobs to aim at (bytes, or 600MB, 80MiB)")
	flag.IntVar(&o.targetBlobs, "target-blobs", 0, "unique blobs to aim at (default 1.5 per commit)")
	flag.IntVar(&o.initialFiles, "initial-files", 0, "files of the first commit (default 8% of -target-blobs)")
	flag.Int64Var(&o.seed, "seed", 1, "random seed")
	flag.IntVar(&o.secrets, "secrets", -1, "fake secrets to plant (default: one per 400 commits, 8 to 60)")
	flag.StringVar(&sources, "sources", "", "source trees, DIR=PREFIX,... (default: GOMODCACHE, GOROOT/src, /usr/lib/python3*, /usr/share/doc)")
	flag.BoolVar(&o.force, "force", false, "remove -out first if it exists")
	flag.BoolVar(&o.noRepack, "no-repack", false, "skip git repack (faster, but the pack is fast-import's, not a clone's)")
	flag.BoolVar(&o.quiet, "q", false, "no progress on stderr")
	flag.Parse()
	if o.out == "" || flag.NArg() > 0 || o.commits < 20 {
		fmt.Fprintln(os.Stderr, "usage: benchrepo -out DIR [-commits N (>= 20)] [-target-bytes B] [-seed S] [flags]")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if o.targetBlobs <= 0 {
		o.targetBlobs = o.commits * 3 / 2
	}
	if o.initialFiles <= 0 {
		o.initialFiles = max(20, o.targetBlobs*8/100)
	}
	if o.secrets < 0 {
		o.secrets = min(max(o.commits/400, 8), 60)
	}
	if sources != "" {
		o.sources = parseSources(sources)
	} else {
		o.sources = defaultSources()
	}
	if err := generate(&o); err != nil {
		fmt.Fprintln(os.Stderr, "benchrepo:", err)
		os.Exit(1)
	}
}

func logf(o *options, format string, args ...any) {
	if !o.quiet {
		fmt.Fprintf(os.Stderr, "benchrepo: "+format+"\n", args...)
	}
}

// gitEnv is the environment of the git commands: no user or system config
// (the repository must not depend on them), and glibc's malloc told to keep
// freed memory: fast-import grows and trims its heap for every object, and
// those brk calls made it 5-8 times slower on a busy machine.
func gitEnv() []string {
	tun := "glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864"
	if old := os.Getenv("GLIBC_TUNABLES"); old != "" {
		tun = old + ":" + tun
	}
	return append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GLIBC_TUNABLES="+tun)
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func generate(o *options) error {
	start := time.Now()
	out, err := filepath.Abs(o.out)
	if err != nil {
		return err
	}
	if ents, err := os.ReadDir(out); err == nil && len(ents) > 0 {
		if !o.force {
			return fmt.Errorf("%s exists and is not empty (use -force to replace it)", out)
		}
		if _, err := os.Stat(filepath.Join(out, ".git")); err != nil {
			return fmt.Errorf("%s is not a repository made by benchrepo; not removing it", out)
		}
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dirs, nfiles, nbytes, err := discover(o.sources, out)
	if err != nil {
		return err
	}
	if nfiles < 50 {
		return fmt.Errorf("only %d usable source files found in %v", nfiles, o.sources)
	}
	logf(o, "pool: %d files, %.0f MB in %d directories (%s)", nfiles, float64(nbytes)/1e6, len(dirs), time.Since(start).Round(time.Millisecond))

	if _, err := git(out, "init", "-q", "-b", "main"); err != nil {
		return err
	}
	marks := filepath.Join(out, ".git", "benchrepo-marks")
	fi := exec.Command("git", "fast-import", "--quiet", "--done", "--export-marks="+marks)
	fi.Dir = out
	fi.Env = gitEnv()
	var fiErr strings.Builder
	fi.Stderr = &fiErr
	stdin, err := fi.StdinPipe()
	if err != nil {
		return err
	}
	if err := fi.Start(); err != nil {
		return fmt.Errorf("starting git fast-import: %w", err)
	}
	w := bufio.NewWriterSize(stdin, 1<<20)
	h := newHistory(o, dirs, w)
	runErr := h.run()
	if cerr := stdin.Close(); runErr == nil {
		runErr = cerr
	}
	if werr := fi.Wait(); werr != nil {
		return fmt.Errorf("git fast-import: %v: %s", werr, strings.TrimSpace(fiErr.String()))
	}
	if runErr != nil {
		return fmt.Errorf("writing to git fast-import: %w", runErr)
	}
	genSecs := time.Since(start).Seconds()
	h.progress()
	logf(o, "fast-import done: %d commits, %d blobs, %.0f MB (%s)", h.ncommits, h.nblobs, float64(h.nbytes)/1e6, time.Since(start).Round(time.Millisecond))

	ids, err := readMarks(marks)
	if err != nil {
		return err
	}
	os.Remove(marks)
	for i := range h.planted {
		s := &h.planted[i]
		s.Commit = ids[h.commitMark[s.CommitIndex]]
		if s.Commit == "" {
			return fmt.Errorf("no commit id for commit %d", s.CommitIndex)
		}
	}

	t := time.Now()
	if !o.noRepack {
		logf(o, "git repack -adf ...")
		if _, err := git(out, "repack", "-adfq"); err != nil {
			return err
		}
	}
	if _, err := git(out, "pack-refs", "--all"); err != nil {
		return err
	}
	repackSecs := time.Since(t).Seconds()

	pf := &planted.File{
		Seed: o.seed, Commits: h.ncommits, Secrets: h.planted,
		Note: "Fake secrets planted by internal/benchrepo: random values in the shapes of real credentials, none of them real. " +
			"Values are recorded by shape and SHA-256 only. commit_index counts commits in the order the generator made them.",
	}
	if pf.Secrets == nil {
		pf.Secrets = []planted.Secret{}
	}
	if err := pf.Save(filepath.Join(out, "planted.json")); err != nil {
		return err
	}
	gv, _ := git(out, "version")
	inf := info{
		Seed: o.seed, Commits: h.ncommits, Merges: h.nmerges, TopicBranches: h.ntopics, Abandoned: h.nabandoned,
		Tags: h.ntags, Renames: h.nrenames, Deletions: h.ndeletes, Blobs: h.nblobs, BlobBytes: h.nbytes,
		HeadFiles: len(h.t.files), PackBytes: packBytes(out), TargetBlobs: o.targetBlobs, TargetBytes: o.targetBytes,
		Planted: len(h.planted), Sources: o.sources, PoolFiles: nfiles, PoolBytes: nbytes,
		GitVersion: strings.TrimSpace(string(gv)), GenerateSeconds: genSecs, RepackSeconds: repackSecs,
	}
	data, _ := json.MarshalIndent(inf, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "benchrepo.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	logf(o, "%s: %d commits (%d merges), %d blobs, %.1f MB of blobs, %d files at HEAD, pack %.1f MB, %d planted secrets; fast-import %.1fs, repack %.1fs",
		out, inf.Commits, inf.Merges, inf.Blobs, float64(inf.BlobBytes)/1e6, inf.HeadFiles, float64(inf.PackBytes)/1e6, inf.Planted, genSecs, repackSecs)
	return nil
}

// readMarks reads fast-import's exported marks: ":mark sha" lines.
func readMarks(file string) (map[int]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids := map[int]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m, id, ok := strings.Cut(sc.Text(), " ")
		if !ok || !strings.HasPrefix(m, ":") {
			continue
		}
		n, err := strconv.Atoi(m[1:])
		if err != nil {
			continue
		}
		ids[n] = id
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errors.New("fast-import exported no marks")
	}
	return ids, nil
}

func packBytes(repo string) int64 {
	var n int64
	matches, _ := filepath.Glob(filepath.Join(repo, ".git", "objects", "pack", "*.pack"))
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil {
			n += st.Size()
		}
	}
	return n
}
