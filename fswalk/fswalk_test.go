package fswalk

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func walk(t *testing.T, root string, opt Options) []string {
	t.Helper()
	var got []string
	err := Walk(context.Background(), root, opt, func(f File) error {
		got = append(got, f.Rel)
		return nil
	}, func(err error) { t.Errorf("walk error: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "secret.txt", "x")
	write(t, root, ".gitignore", "*.log\nbuild/\n")
	write(t, root, "app/settings.py", "x")
	write(t, root, "app/.gitignore", "local.py\n!keep.log\n")
	write(t, root, "app/local.py", "x")
	write(t, root, "app/keep.log", "x")
	write(t, root, "debug.log", "x")
	write(t, root, "build/out.py", "x")
	write(t, root, ".git/config", "x")
	write(t, root, "sub/.git/HEAD", "x")
	write(t, root, ".git/info/exclude", "excluded.txt\n")
	write(t, root, "excluded.txt", "x")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	got := walk(t, root, Options{})
	want := []string{".gitignore", "app/.gitignore", "app/keep.log", "app/settings.py"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk = %v, want %v", got, want)
	}
	got = walk(t, root, Options{NoIgnore: true})
	want = []string{".gitignore", "debug.log", "excluded.txt", "app/.gitignore", "app/keep.log", "app/local.py", "app/settings.py", "build/out.py"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk --no-ignore = %v, want %v", got, want)
	}
}

func TestWalkErrors(t *testing.T) {
	if err := Walk(context.Background(), filepath.Join(t.TempDir(), "missing"), Options{}, func(File) error { return nil }, func(error) {}); err == nil {
		t.Error("a missing root is not an error")
	}
	f := filepath.Join(t.TempDir(), "file")
	write(t, filepath.Dir(f), "file", "x")
	if err := Walk(context.Background(), f, Options{}, func(File) error { return nil }, func(error) {}); err == nil {
		t.Error("a file as root is not an error")
	}
}
