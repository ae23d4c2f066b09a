package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.toml")
	os.WriteFile(ok, []byte("title = 'x'\n"), 0o644)
	if b, err := ReadFile(ok, 100); err != nil || string(b) != "title = 'x'\n" {
		t.Errorf("regular file: %q, %v", b, err)
	}
	if _, err := ReadFile(ok, 4); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("over the cap: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(fifo, 100); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("fifo: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("reading a FIFO blocked")
		}
	}
	link := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", link); err == nil {
		if _, err := ReadFile(link, 100); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("link to /dev/zero: %v", err)
		}
	}
	if _, err := ReadFile(dir, 100); err == nil {
		t.Error("a directory was read")
	}
}
