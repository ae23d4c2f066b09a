package gitwalk

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchRepo generates, with git fast-import, a history of `commits` commits
// over `files` text files of a few KB to a few tens of KB; each commit edits
// a few lines of three files. The result is repacked so blobs are stored as
// deltas, as in a real repository. It returns the repository's directory.
func benchRepo(b *testing.B, commits, files int) string {
	b.Helper()
	g := newGitRepo(b)
	rng := rand.New(rand.NewSource(42))
	words := strings.Fields(`import def return self password token config settings value
		request response client server user name key secret api url path data json yaml
		for in if else try except with as class from None True False print log error`)
	line := func() string {
		n := 3 + rng.Intn(10)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[rng.Intn(len(words))]
		}
		return strings.Repeat("    ", rng.Intn(3)) + strings.Join(ws, " ")
	}
	content := make([][]string, files)
	for f := range content {
		n := 50 + rng.Intn(600)
		for i := 0; i < n; i++ {
			content[f] = append(content[f], line())
		}
	}

	var stream bytes.Buffer
	writeFile := func(f int) {
		data := strings.Join(content[f], "\n") + "\n"
		fmt.Fprintf(&stream, "M 100644 inline pkg%d/file%d.py\ndata %d\n%s\n", f%7, f, len(data), data)
	}
	for c := 0; c < commits; c++ {
		when := baseTime + int64(c)*3600
		msg := fmt.Sprintf("commit %d", c)
		fmt.Fprintf(&stream, "commit refs/heads/main\nauthor Alice <alice@example.com> %d +0000\ncommitter Alice <alice@example.com> %d +0000\ndata %d\n%s\n",
			when, when, len(msg), msg)
		if c == 0 {
			for f := range content {
				writeFile(f)
			}
			continue
		}
		for k := 0; k < 3; k++ {
			f := rng.Intn(files)
			lines := content[f]
			for e := 0; e < 1+rng.Intn(4); e++ {
				i := rng.Intn(len(lines))
				switch rng.Intn(3) {
				case 0:
					lines[i] = line()
				case 1:
					lines = append(lines[:i], append([]string{line()}, lines[i:]...)...)
				default:
					if len(lines) > 10 {
						lines = append(lines[:i], lines[i+1:]...)
					}
				}
			}
			content[f] = lines
			writeFile(f)
		}
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = g.dir
	cmd.Env = gitEnv(baseTime)
	cmd.Stdin = &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	g.git("repack", "-adf", "-q")
	g.git("checkout", "-q", "-f", "main")
	return g.dir
}

// benchSize is 400 commits over 60 files, or what GITWALK_BENCH_SIZE says
// ("COMMITS,FILES"), for trying a larger history.
func benchSize(b *testing.B) (commits, files int) {
	commits, files = 400, 60
	if v := os.Getenv("GITWALK_BENCH_SIZE"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &commits, &files); err != nil {
			b.Fatalf("GITWALK_BENCH_SIZE=%q: want COMMITS,FILES", v)
		}
	}
	return commits, files
}

// BenchmarkReadBlobs measures reading every blob of a generated packed
// history (400 commits) through one ReadBlobs call, a fresh Repo each time so
// the object cache starts cold. MB/s is blob bytes delivered per second.
func BenchmarkReadBlobs(b *testing.B) {
	commits, files := benchSize(b)
	dir := benchRepo(b, commits, files)
	r, ix := walkRepo(b, dir)
	var total int64
	got, _, err := readAll(b, r, ix, 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, blob := range got {
		total += blob.Size
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		r, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		out := make(chan Blob, 16)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range out {
			}
		}()
		err = r.ReadBlobs(context.Background(), ix, 1<<20, out)
		close(out)
		<-done
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, total)
	b.ReportMetric(float64(ix.NumBlobs()), "blobs/op")
}

// BenchmarkWalk measures building the provenance index of the same history.
func BenchmarkWalk(b *testing.B) {
	commits, files := benchSize(b)
	dir := benchRepo(b, commits, files)
	b.ReportAllocs()
	var ix *Index
	cpu := cpuTime()
	for b.Loop() {
		r, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		ix, err = r.Walk(context.Background())
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, 0)
	b.ReportMetric(float64(ix.Commits()), "commits/op")
	b.ReportMetric(float64(ix.NumBlobs()), "blobs/op")
}

// cpuTime returns the process's user+system CPU time. On a shared machine
// CPU time per op is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports CPU ms per op and, if bytes > 0, MB per CPU second.
func reportCPU(b *testing.B, start time.Duration, bytes int64) {
	used := cpuTime() - start
	if used <= 0 || b.N == 0 {
		return
	}
	perOp := used / time.Duration(b.N)
	b.ReportMetric(float64(perOp)/float64(time.Millisecond), "cpu-ms/op")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)/1e6/perOp.Seconds(), "MB/cpu-s")
	}
}
