package main

// Tests of `secretsweep staged`, and its benchmark.

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secretsweep/secretsweep/gitwalk"
)

// TestStaged: what is staged is scanned, what is only in the work tree or was
// removed by the staged change is not; renames; line numbers of the staged
// content; paths relative to the root whatever --repo names.
func TestStaged(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	old := fakeAWSKey(t.Name() + "/old")
	removed := fakeAWSKey(t.Name() + "/removed")
	added := fakeGitHubPAT(t.Name() + "/added")
	newFile := fakeAWSKey(t.Name() + "/new")
	unstaged := fakeGitHubPAT(t.Name() + "/unstaged")
	f.write("rename/me.py", "key = \""+old+"\"\n")
	f.write("mod.py", "k = \""+removed+"\"\nx = 1\n")
	f.write("clean.py", "x = 1\n")
	f.write("sub/keep.txt", "nothing\n")
	c := f.commit("base")

	f.write("mod.py", "x = 1\ny = 2\ntok = \""+added+"\"\n") // removes one secret, adds another on line 3
	f.write("sub/new.py", "\n\nk = \""+newFile+"\"\n")
	f.git("add", "mod.py", "sub/new.py")
	f.git("mv", "rename", "renamed")
	f.write("clean.py", "t = \""+unstaged+"\"\n") // not staged
	f.write("sub/new.py", "gone from the work tree, still staged\n")

	wants := []want{
		{Rule: "github-pat", Path: "mod.py", Line: 3},
		{Rule: "aws-access-key-id", Path: "renamed/me.py", Line: 1},
		{Rule: "aws-access-key-id", Path: "sub/new.py", Line: 3, Blob: gitBlobID("\n\nk = \"" + newFile + "\"\n")},
	}
	for _, repoArg := range []string{f.dir, f.path("sub")} {
		r := ss(t, "", "staged", "--repo", repoArg, "--format", "json").mustCode(t, exitFindings)
		rs := records(t, r.stdout)
		checkFindings(t, rs, wants...)
		for _, s := range []string{removed, unstaged} {
			if strings.Contains(r.stdout, s[:8]) {
				t.Errorf("--repo %s: reported a secret that is not staged", repoArg)
			}
		}
		if !strings.Contains(r.stderr, "scanned 3 blobs") {
			t.Errorf("summary: %s", r.stderr)
		}
	}

	// Fingerprints are those of history and dir scans (keyed by the root commit).
	d := ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, exitFindings)
	st := records(t, ss(t, "", "staged", "--repo", f.dir, "--format", "json").stdout)
	for _, rec := range records(t, d.stdout) {
		if rec.Path == "renamed/me.py" && rec.Fingerprint != st[1].Fingerprint {
			t.Errorf("staged and dir fingerprints differ for the same secret")
		}
	}

	// After the commit nothing is staged.
	f.git("commit", "-q", "-m", "next")
	r := ss(t, "", "staged", "--repo", f.dir).mustCode(t, exitClean)
	if !strings.Contains(r.stderr, "scanned 0 blobs") {
		t.Errorf("nothing staged: %s", r.stderr)
	}
	_ = c
}

// TestStagedFiles: with file arguments (pre-commit's pass_filenames), exactly
// the staged version of those files, changed or not; relative to the root or
// to the current directory.
func TestStagedFiles(t *testing.T) {
	f := newRepo(t) // not parallel: it changes directory
	inHead := fakeAWSKey(t.Name() + "/head")
	staged := fakeGitHubPAT(t.Name() + "/staged")
	other := fakeAWSKey(t.Name() + "/other")
	f.write("app/settings.py", "KEY = \""+inHead+"\"\n")
	f.write("app/clean.py", "x = 1\n")
	f.commit("base")
	f.write("app/clean.py", "x = 1\nTOKEN = \""+staged+"\"\n")
	f.write("app/other.py", "K = \""+other+"\"\n")
	f.git("add", "-A")
	f.write("app/clean.py", "x = 1\n") // the work tree no longer has it; the index does

	r := ss(t, "", "staged", "--repo", f.dir, "--format", "json", "app/clean.py", "app/settings.py").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "github-pat", Path: "app/clean.py", Line: 2},
		want{Rule: "aws-access-key-id", Path: "app/settings.py", Line: 1}, // unchanged, but named
	)
	r = ss(t, "", "staged", "--repo", f.dir, "--format", "json", "app/missing.py", f.path("app/clean.py")).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "github-pat", Path: "app/clean.py", Line: 2})
	if !strings.Contains(r.stderr, "app/missing.py is not staged") {
		t.Errorf("no warning about a file that is not in the index:\n%s", r.stderr)
	}

	t.Chdir(f.path("app"))
	r = ss(t, "", "staged", "--format", "json", "other.py").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "aws-access-key-id", Path: "app/other.py", Line: 1})
}

// TestStagedEmptyRepository: no commit yet, no index, then a first staged file.
func TestStagedEmptyRepository(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	r := ss(t, "", "staged", "--repo", f.dir).mustCode(t, exitClean)
	if !strings.Contains(r.stderr, "scanned 0 blobs") {
		t.Errorf("empty repository: %s", r.stderr)
	}
	key := fakeAWSKey(t.Name())
	f.write("first.py", "k = \""+key+"\"\n")
	f.git("add", "first.py")
	r = ss(t, "", "staged", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	rs := records(t, r.stdout)
	checkFindings(t, rs, want{Rule: "aws-access-key-id", Path: "first.py", Line: 1})
	// No root commit to key fingerprints: the default key, as dir uses there.
	d := records(t, ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, exitFindings).stdout)
	if len(rs) == 1 && len(d) == 1 && rs[0].Fingerprint != d[0].Fingerprint {
		t.Errorf("fingerprints of staged and dir differ in a repository without commits")
	}

	nonRepo := t.TempDir()
	r = ss(t, "", "staged", "--repo", nonRepo).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "not in a git repository") {
		t.Errorf("outside a repository: %s", r.stderr)
	}
}

// TestStagedAllChanges: staged, unstaged and untracked-but-not-ignored files
// in one scan; a file only touched is not rescanned; the same secret in the
// staged and the work tree version is one finding.
func TestStagedAllChanges(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	inHead := fakeAWSKey(t.Name() + "/head")
	staged := fakeGitHubPAT(t.Name() + "/staged")
	unstaged := fakeAWSKey(t.Name() + "/unstaged")
	untracked := fakeGitHubPAT(t.Name() + "/untracked")
	ignored := fakeAWSKey(t.Name() + "/ignored")
	stagedGone := fakeGitHubPAT(t.Name() + "/gone")
	f.write(".gitignore", "*.log\nbuild/\n")
	f.write("touched.py", "K = \""+inHead+"\"\n")
	f.write("tracked.py", "x = 1\n")
	f.write("deleted.py", "x = 2\n")
	f.commit("base")

	f.write("both.py", "T = \""+staged+"\"\n")
	f.write("gone.py", "G = \""+stagedGone+"\"\n")
	f.git("add", "both.py", "gone.py")
	f.write("both.py", "T = \""+staged+"\"\nU = \""+unstaged+"\"\n") // staged secret kept, one more unstaged
	f.write("gone.py", "fixed in the work tree, not yet staged\n")
	f.write("tracked.py", "x = 1\n\nU = \""+unstaged+"\"\n")
	f.write("new/untracked.txt", untracked+"\n")
	f.write("debug.log", ignored+"\n")
	f.write("build/out.txt", ignored+"\n")
	f.remove("deleted.py")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(f.path("touched.py"), later, later); err != nil {
		t.Fatal(err)
	}

	r := ss(t, "", "staged", "--all-changes", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "github-pat", Path: "both.py", Line: 1, Blob: gitBlobID("T = \"" + staged + "\"\n")},
		want{Rule: "aws-access-key-id", Path: "both.py", Line: 2},
		want{Rule: "github-pat", Path: "gone.py", Line: 1}, // still staged
		want{Rule: "github-pat", Path: "new/untracked.txt", Line: 1},
		want{Rule: "aws-access-key-id", Path: "tracked.py", Line: 3},
	)
	if strings.Contains(r.stdout, ignored[:10]) || strings.Contains(r.stdout, inHead[:10]) {
		t.Errorf("reported an ignored file or an unchanged one")
	}

	// Without --all-changes only the staged ones.
	r = ss(t, "", "staged", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "github-pat", Path: "both.py", Line: 1},
		want{Rule: "github-pat", Path: "gone.py", Line: 1},
	)

	// With file arguments: those files, an ignored one too when named.
	r = ss(t, "", "staged", "--all-changes", "--repo", f.dir, "--format", "json", "tracked.py", "debug.log").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "aws-access-key-id", Path: "debug.log", Line: 1},
		want{Rule: "aws-access-key-id", Path: "tracked.py", Line: 3},
	)
}

// TestStagedCommitAll: the pre-commit hook of `git commit -a` gets the index
// to commit in GIT_INDEX_FILE; one outside the repository is ignored.
func TestStagedCommitAll(t *testing.T) {
	f := newRepo(t) // not parallel: it sets the environment
	key := fakeAWSKey(t.Name())
	f.write("a.py", "x = 1\n")
	f.commit("base")
	f.write("a.py", "k = \""+key+"\"\n")
	// What `git commit -a` does before running the hook: a temporary index in
	// the git directory with the work tree's changes.
	tmpIndex := filepath.Join(f.dir, ".git", "next-index-1.lock")
	idx, err := os.ReadFile(f.path(".git/index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmpIndex, idx, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := gitCmd(f.dir, 0, "add", "-u")
	cmd.Env = append(cmd.Env, "GIT_INDEX_FILE="+tmpIndex)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	ss(t, "", "staged", "--repo", f.dir).mustCode(t, exitClean) // the real index has nothing staged
	t.Setenv("GIT_INDEX_FILE", tmpIndex)
	ss(t, "", "staged", "--repo", f.dir).mustCode(t, exitFindings)
	t.Setenv("GIT_INDEX_FILE", filepath.Join(t.TempDir(), "index")) // another repository's
	ss(t, "", "staged", "--repo", f.dir).mustCode(t, exitClean)
}

// BenchmarkStaged measures `secretsweep staged` with one changed file staged,
// in a repository of about 30,000 blobs (3,000 commits of 10 file edits over
// 2,000 files, packed), start-up included: run() in the process (config,
// engine, repository, index, HEAD's trees, scan, report), and the built
// binary as a hook runs it. SECRETSWEEP_BENCH_SIZE=COMMITS,FILES changes the
// size.
func BenchmarkStaged(b *testing.B) {
	commits, files := 3000, 2000
	if v := os.Getenv("SECRETSWEEP_BENCH_SIZE"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &commits, &files); err != nil {
			b.Fatalf("SECRETSWEEP_BENCH_SIZE=%q: want COMMITS,FILES", v)
		}
	}
	f := benchHistory(b, commits, files)
	f.write("pkg3/file42.py", "import os\nvalue = os.environ['X']\n")
	f.git("add", "pkg3/file42.py")
	blobs := strings.Count(f.git("cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"), "blob")
	b.Logf("%d commits, %d blobs in history", commits, blobs)

	// The repository part alone: open, read the index, compare it with HEAD,
	// read the staged blob.
	b.Run("index", func(b *testing.B) {
		cpu := cpuUsed(syscall.RUSAGE_SELF)
		for b.Loop() {
			repo, err := gitwalk.Open(f.dir)
			if err != nil {
				b.Fatal(err)
			}
			stg, err := repo.ReadIndex(context.Background(), "")
			if err != nil {
				b.Fatal(err)
			}
			ch := stg.Changes()
			if len(ch) != 1 {
				b.Fatalf("%d changes", len(ch))
			}
			if _, err := repo.ReadBlobCapped(ch[0].Blob, 1<<20); err != nil {
				b.Fatal(err)
			}
			repo.Close()
		}
		b.ReportMetric(float64(cpuUsed(syscall.RUSAGE_SELF)-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	})

	b.Run("run", func(b *testing.B) {
		cpu := cpuUsed(syscall.RUSAGE_SELF)
		for b.Loop() {
			code := run(context.Background(), []string{"staged", "--repo", f.dir}, strings.NewReader(""), io.Discard, io.Discard)
			if code != exitClean {
				b.Fatalf("exit %d", code)
			}
		}
		b.ReportMetric(float64(cpuUsed(syscall.RUSAGE_SELF)-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	})
	b.Run("exec", func(b *testing.B) {
		bin := filepath.Join(b.TempDir(), "secretsweep")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
		cpu := cpuUsed(syscall.RUSAGE_CHILDREN)
		for b.Loop() {
			cmd := exec.Command(bin, "staged")
			cmd.Dir = f.dir
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		}
		b.ReportMetric(float64(cpuUsed(syscall.RUSAGE_CHILDREN)-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	})
}

// cpuUsed returns the user+system CPU time of this process or of its waited-for
// children, in nanoseconds: on a loaded machine steadier than wall time.
func cpuUsed(who int) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// benchHistory builds, with one git fast-import, a history of commits commits
// each editing 10 of files Python files (so about 10 new blobs a commit), and
// packs it.
func benchHistory(b *testing.B, commits, files int) *fixture {
	f := newRepo(b)
	rng := rand.New(rand.NewSource(1))
	words := strings.Fields("import os def return self config value request user name data path for in if else None True")
	content := make([][]string, files)
	for i := range content {
		for range 20 + rng.Intn(60) {
			content[i] = append(content[i], words[rng.Intn(len(words))]+" = "+words[rng.Intn(len(words))])
		}
	}
	var stream strings.Builder
	file := func(i int) {
		data := strings.Join(content[i], "\n") + "\n"
		fmt.Fprintf(&stream, "M 100644 inline pkg%d/file%d.py\ndata %d\n%s\n", i%40, i, len(data), data)
	}
	for c := range commits {
		when := e2eBaseTime + int64(c)*60
		fmt.Fprintf(&stream, "commit refs/heads/main\nauthor A <a@example.com> %d +0000\ncommitter A <a@example.com> %d +0000\ndata 1\nc\n", when, when)
		if c == 0 {
			for i := range files {
				file(i)
			}
			continue
		}
		for range 10 {
			i := rng.Intn(files)
			l := rng.Intn(len(content[i]))
			content[i][l] = words[rng.Intn(len(words))] + " = " + fmt.Sprint(c)
			file(i)
		}
	}
	cmd := gitCmd(f.dir, 0, "fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(stream.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	f.git("repack", "-adq")
	f.git("checkout", "-q", "-f", "main")
	return f
}
