//go:build unix

package main

// Hostile directory trees for `secretsweep dir`: symlink loops and links out of
// the root, special files, odd names, a huge sparse file, a 10 MB single-line
// file, files that vanish while the scan runs, unreadable files. Deep
// directories are in hostile_dir_linux_test.go.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func mustSymlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// Symbolic links are never followed: loops (a -> b -> a, a link to its own
// directory or its parent), links out of the root to a directory or a file
// holding a secret, absolute links, dangling links, a link to /dev/zero (endless
// content). A FIFO is not opened (it would block), a socket not read.
func TestHostileDirSymlinks(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	inside := fakeAWSKey(t.Name() + "/inside")
	out := fakeGitHubPAT(t.Name() + "/outside")
	for _, d := range []string{filepath.Join(root, "real", "deeper"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(root, "real", "keys.txt"), "key "+inside+"\n")
	writeFile(t, filepath.Join(outside, "secret.txt"), "token "+out+"\n")
	mustSymlink(t, "b", filepath.Join(root, "a"))
	mustSymlink(t, "a", filepath.Join(root, "b"))
	mustSymlink(t, ".", filepath.Join(root, "real", "self"))
	mustSymlink(t, "..", filepath.Join(root, "real", "deeper", "up"))
	mustSymlink(t, "..", filepath.Join(root, "parent"))
	mustSymlink(t, "../outside", filepath.Join(root, "escape"))
	mustSymlink(t, "../outside/secret.txt", filepath.Join(root, "escape.txt"))
	mustSymlink(t, outside, filepath.Join(root, "absolute"))
	mustSymlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(root, "absolute.txt"))
	mustSymlink(t, "keys.txt", filepath.Join(root, "real", "again.txt"))
	mustSymlink(t, "nowhere", filepath.Join(root, "dangling.txt"))
	mustSymlink(t, "/dev/zero", filepath.Join(root, "zero.txt"))
	mustSymlink(t, "/", filepath.Join(root, "slash"))
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Ignore files that are a link out of the root or a FIFO are not read
	// (git does not follow a linked .gitignore either; opening a FIFO blocks).
	writeFile(t, filepath.Join(outside, "ignore-all"), "*\n")
	mustSymlink(t, "../outside/ignore-all", filepath.Join(root, ".gitignore"))
	if err := syscall.Mkfifo(filepath.Join(root, "real", "deeper", ".gitignore"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, ".git", "info"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, ".git", "info", "exclude"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"dir", "--format", "json", root},
		{"dir", "--format", "json", "--no-ignore", root},
		{"dir", "--format", "json", "--show-secrets", root},
	} {
		r := ssGuard(t, nil, args...).mustCode(t, exitFindings)
		checkFindings(t, records(t, r.stdout), want{Rule: "aws-access-key-id", Path: "real/keys.txt", Line: 1})
		if strings.Contains(r.stdout, out[4:]) || strings.Contains(r.stdout, "escape") || strings.Contains(r.stdout, "absolute") {
			t.Errorf("%q: a file outside the root was scanned:\n%s", args, r.stdout)
		}
		if strings.Contains(r.stderr, "error") {
			t.Errorf("%q: links and special files reported as errors:\n%s", args, r.stderr)
		}
	}

	// The root itself named through a link is the directory it names (as find
	// -H does): the links inside it are still not followed.
	link := filepath.Join(base, "rootlink")
	mustSymlink(t, "root", link)
	r := ssGuard(t, nil, "dir", "--format", "json", link).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "aws-access-key-id", Path: "real/keys.txt", Line: 1})
}

// Files the scan reads at its root besides the tree — config, ignore files —
// that are FIFOs or links to /dev/zero: opening a FIFO blocks until a writer
// comes, and /dev/zero never ends. They must be refused (exit 2, naming the
// file), never block or fill memory.
func TestHostileDirRootFilesNotRegular(t *testing.T) {
	t.Parallel()
	for _, name := range []string{".secretsweep.toml", ".gitleaks.toml", ".secretsweepignore", ".gitleaksignore"} {
		for _, kind := range []string{"fifo", "devzero"} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				d := newDir(t)
				d.write("keys.txt", "key "+fakeAWSKey(t.Name())+"\n")
				var err error
				if kind == "fifo" {
					err = syscall.Mkfifo(d.path(name), 0o644)
				} else {
					err = os.Symlink("/dev/zero", d.path(name))
				}
				if err != nil {
					t.Fatal(err)
				}
				r := ssGuardTimeout(t, 10*time.Second, nil, "dir", "--format", "json", d.dir)
				if r.code != exitError || !strings.Contains(r.stderr, "not a regular file") {
					t.Errorf("exit %d:\n%s", r.code, r.stderr)
				}
			})
		}
	}
}

// File names that are not UTF-8 or hold a newline, a carriage return, a tab, an
// escape sequence, quotes: reported under their names, every format well formed.
func TestHostileDirOddNames(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	names := oddNames(t)
	for i, n := range names {
		d.write(n, "key "+fakeAWSKey(fmt.Sprintf("%s/%d", t.Name(), i))+"\n")
	}
	checkOddNames(t, "dir", names, "", d.dir)
}

// A 10 MB file on one line, in several file types (each read by its own
// parser), with a secret near its end: found, at the right column, in
// reasonable time (ssGuard's deadline).
func TestHostileDirLongLine(t *testing.T) {
	t.Parallel()
	const size = 10_000_000
	d := newDir(t)
	type lineCase struct {
		name, filler, tail string
	}
	key := fakeAWSKey(t.Name())
	cases := []lineCase{
		{"minified.txt", "abcdefghij ", "key " + key},
		{"data.json", `{"id":12345,"name":"x"},`, `{"aws":"` + key + `"}`},
		{"settings.py", `x = 1; `, `AWS = "` + key + `"`},
		{"values.yaml", `{a: 1, b: 2}, `, `{aws: ` + key + `}`},
		{"noise.txt", "AKIA", " key " + key}, // the keyword on every few bytes
	}
	var wants []want
	for _, c := range cases {
		var b strings.Builder
		for b.Len() < size-len(c.tail)-len(c.filler) {
			b.WriteString(c.filler)
		}
		b.WriteString(c.tail)
		d.write(c.name, b.String())
		wants = append(wants, want{Rule: "aws-access-key-id", Path: c.name, Line: 1})
	}
	r := ssGuard(t, nil, "dir", "--format", "json", d.dir).mustCode(t, exitFindings)
	rs := records(t, r.stdout)
	var got []string
	for _, rec := range rs {
		if rec.Rule != "aws-access-key-id" {
			continue // a parser may also report the assignment: not this test's business
		}
		got = append(got, rec.Path)
		if rec.Line != 1 || rec.Column < size-100 {
			t.Errorf("%s: found at %d:%d, want line 1 near column %d", rec.Path, rec.Line, rec.Column, size)
		}
	}
	var wantPaths []string
	for _, w := range wants {
		wantPaths = append(wantPaths, w.Path)
	}
	slices.Sort(wantPaths)
	slices.Sort(got)
	if !slices.Equal(got, wantPaths) {
		t.Errorf("the secret at the end of a 10 MB line is found in %q, want %q\n%s", got, wantPaths, r.stderr)
	}
}

// A sparse file of 1 TiB (the real size of a huge file, at no disk cost) is
// skipped by its size without being read, and named in the warning.
func TestHostileDirHugeSparseFile(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	d.write("small.txt", "key "+fakeAWSKey(t.Name())+"\n")
	f, err := os.Create(d.path("huge.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		f.Close()
		t.Skipf("no sparse files here: %v", err)
	}
	f.Close()
	r := ssGuard(t, nil, "dir", "--format", "json", d.dir).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "aws-access-key-id", Path: "small.txt", Line: 1})
	if !strings.Contains(r.stderr, "huge.bin (1099511627776 bytes)") {
		t.Errorf("the over-size warning does not name huge.bin:\n%s", r.stderr)
	}
}

// Files deleted and put back (renamed into place, so never half written) over
// and over while the scan runs: the stable (even) files are all reported; each
// flickering (odd) one is reported, not seen at all, or named in an error that makes
// the scan exit 2. A file listed but not read never leaves the exit code at 0
// or 1. The interleaving varies from run to run; the invariants hold for any.
// (As root, this is how a file becomes unreadable between listing and reading.)
func TestHostileDirVanishingFiles(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	spare := t.TempDir() // same file system: rename works
	const n = 2000
	keys := make([]string, n)
	rel := func(i int) string { return fmt.Sprintf("d%d/f%04d.txt", i%10, i) }
	for i := range n {
		keys[i] = fakeAWSKey(fmt.Sprintf("%s/%d", t.Name(), i))
		d.write(rel(i), "key "+keys[i]+"\n")
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var flickers int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			for i := 1; i < n; i += 100 { // a few odd files flicker, fast
				select {
				case <-stop:
					return
				default:
				}
				tmp := filepath.Join(spare, "tmp")
				writeFile(t, tmp, "key "+keys[i]+"\n")
				os.Remove(d.path(rel(i)))
				time.Sleep(200 * time.Microsecond) // gone for a while
				if err := os.Rename(tmp, d.path(rel(i))); err != nil {
					t.Error(err)
					return
				}
				flickers++
			}
		}
	}()
	r := ssGuard(t, nil, "dir", "--format", "json", "--show-secrets", "--workers", "1", d.dir)
	close(stop)
	wg.Wait()
	rs := records(t, r.stdout)
	fileName := regexp.MustCompile(`d\d/f(\d{4})\.txt`)
	errLines := regexp.MustCompile(`(?m)^secretsweep dir: error: .*$`).FindAllString(r.stderr, -1)
	for _, l := range errLines {
		m := fileName.FindStringSubmatch(l)
		if m == nil || m[1][3]%2 == 0 {
			t.Errorf("an error names no flickering file: %q", l)
		}
	}
	switch {
	case len(errLines) > 0 && r.code != exitError:
		t.Errorf("errors reported but exit %d:\n%s", r.code, r.stderr)
	case len(errLines) == 0 && r.code != exitFindings:
		t.Errorf("exit %d with no file named:\n%s", r.code, r.stderr)
	}
	found := map[int]bool{}
	for _, rec := range rs {
		var i int
		if _, err := fmt.Sscanf(filepath.Base(rec.Path), "f%04d.txt", &i); err != nil || i >= n || rec.Path != rel(i) || rec.Secret != keys[i] {
			t.Errorf("finding %s %.8s... does not match the file's secret", rec.Path, rec.Secret)
			continue
		}
		found[i] = true
	}
	for i := 0; i < n; i += 2 {
		if !found[i] {
			t.Errorf("%s, never touched, is not reported", rel(i))
		}
	}
	t.Logf("%d of %d files reported, %d errors (exit %d), %d flickers", len(rs), n, len(errLines), r.code, flickers)
}

// Unreadable files and directories (not as root, which reads them anyway): exit
// 2 naming each, the readable secrets still reported.
func TestHostileDirUnreadable(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode; TestHostileDirVanishingFiles covers files that cannot be read")
	}
	d := newDir(t)
	d.write("ok.txt", "key "+fakeAWSKey(t.Name()+"/ok")+"\n")
	d.write("locked.txt", "key "+fakeAWSKey(t.Name()+"/locked")+"\n")
	d.write("closed/inner.txt", "key "+fakeAWSKey(t.Name()+"/inner")+"\n")
	for _, p := range []string{"locked.txt", "closed"} {
		if err := os.Chmod(d.path(p), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(d.path(p), 0o755) })
	}
	r := ssGuard(t, nil, "dir", "--format", "json", d.dir).mustCode(t, exitError)
	checkFindings(t, records(t, r.stdout), want{Rule: "aws-access-key-id", Path: "ok.txt", Line: 1})
	for _, p := range []string{"locked.txt", "closed"} {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("stderr does not name %s:\n%s", p, r.stderr)
		}
	}
}
