package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// unlinkDir is unlinkat(fd, name, AT_REMOVEDIR), which package syscall lacks.
func unlinkDir(fd int, name string) error {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	const atRemoveDir = 0x200
	if _, _, e := syscall.Syscall(syscall.SYS_UNLINKAT, uintptr(fd), uintptr(unsafe.Pointer(p)), atRemoveDir); e != 0 {
		return e
	}
	return nil
}

// mkdirChain makes depth nested directories named "d" under root, one level at
// a time relative to an open descriptor of the level above (a path that long
// cannot be named whole: PATH_MAX is 4096 bytes), and writes files[level] at the
// levels given. It returns the relative path of each file.
func mkdirChain(t testing.TB, root string, depth int, files map[int]string) map[int]string {
	t.Helper()
	fd, err := syscall.Open(root, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	rel := map[int]string{}
	var path strings.Builder
	for level := 1; level <= depth; level++ {
		if err := syscall.Mkdirat(fd, "d", 0o755); err != nil {
			syscall.Close(fd)
			t.Fatalf("mkdir at level %d: %v", level, err)
		}
		next, err := syscall.Openat(fd, "d", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatalf("open at level %d: %v", level, err)
		}
		fd = next
		path.WriteString("d/")
		if content, ok := files[level]; ok {
			ffd, err := syscall.Openat(fd, "keys.txt", syscall.O_WRONLY|syscall.O_CREAT|syscall.O_CLOEXEC, 0o644)
			if err != nil {
				t.Fatalf("create at level %d: %v", level, err)
			}
			if _, err := syscall.Write(ffd, []byte(content)); err != nil {
				t.Fatal(err)
			}
			syscall.Close(ffd)
			rel[level] = path.String() + "keys.txt"
		}
	}
	syscall.Close(fd)
	return rel
}

// rmChain removes what mkdirChain made, from the bottom up through "..", in
// linear time.
func rmChain(t testing.TB, root string, depth int) {
	fd, err := syscall.Open(root, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Error(err)
		return
	}
	level := 0
	for ; level < depth; level++ {
		next, err := syscall.Openat(fd, "d", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			break
		}
		syscall.Close(fd)
		fd = next
	}
	for ; level > 0; level-- {
		syscall.Unlinkat(fd, "keys.txt")
		parent, err := syscall.Openat(fd, "..", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		syscall.Close(fd)
		if err != nil {
			t.Error(err)
			return
		}
		fd = parent
		if err := unlinkDir(fd, "d"); err != nil {
			t.Errorf("removing level %d: %v", level, err)
			break
		}
	}
	syscall.Close(fd)
}

// Nested directories far past PATH_MAX: the walk must not exhaust the stack,
// must finish, and must either find the secrets at every depth or find those it
// can reach and exit 2 naming the directory it could not list. 3,000 levels by
// default (a path of 6,000 bytes; the walk names directories by path, so it
// stops near 2,000); 10,000 with SECRETSWEEP_HUGE=1: on a loaded machine
// making and removing 10,000 directories alone takes tens of seconds.
func TestHostileDirDeep(t *testing.T) {
	t.Parallel()
	depth := 3_000
	if os.Getenv("SECRETSWEEP_HUGE") == "1" {
		depth = 10_000
	}
	root := t.TempDir()
	levels := []int{1, 100, 1000, 1900, 2100, 2500, depth}
	files := map[int]string{}
	for _, l := range levels {
		files[l] = "key " + fakeAWSKey(fmt.Sprintf("%s/%d", t.Name(), l)) + "\n"
	}
	t0 := time.Now()
	rel := mkdirChain(t, root, depth, files)
	t.Logf("%d levels made in %v", depth, time.Since(t0))
	// os.RemoveAll (t.TempDir's cleanup) takes seconds on such a chain: take
	// it apart from the bottom first (cleanups run last-registered first).
	t.Cleanup(func() { rmChain(t, root, depth) })

	r := ssGuard(t, nil, "dir", "--format", "json", root)
	found := map[string]bool{}
	for _, rec := range records(t, r.stdout) {
		found[rec.Path] = true
	}
	// Within PATH_MAX of the temporary directory every file must be found.
	reachable := 0
	for _, l := range levels {
		if len(root)+1+len(rel[l]) < 4000 {
			reachable++
			if !found[rel[l]] {
				t.Errorf("the secret at depth %d is not reported", l)
			}
		}
	}
	switch r.code {
	case exitFindings:
		if len(found) != len(levels) {
			t.Errorf("exit 1 but %d of %d secrets reported: a part of the tree was left out silently\n%s", len(found), len(levels), r.stderr)
		}
	case exitError:
		if len(found) == len(levels) {
			t.Errorf("every secret reported, yet exit 2:\n%.2000s", r.stderr)
		}
		if !strings.Contains(r.stderr, "d/d/d/d/d/d/d/d") || !strings.Contains(r.stderr, "incomplete") {
			t.Errorf("exit 2 without naming the directory that could not be read:\n%.2000s", r.stderr)
		}
	default:
		t.Errorf("exit %d:\n%.2000s", r.code, r.stderr)
	}
	t.Logf("exit %d, %d of %d secrets found (%d within PATH_MAX)", r.code, len(found), len(levels), reachable)
}
