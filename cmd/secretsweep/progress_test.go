package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressNotTerminal: a history scan whose stderr is not a terminal (a
// buffer, a file) shows no progress bar, and stdout never gets one.
func TestProgressNotTerminal(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	for i := range 5 {
		f.write("f"+string(rune('a'+i))+".txt", strings.Repeat("line\n", i+1))
		f.commit("c")
	}
	r := ss(t, "", "history", f.dir).mustCode(t, exitClean)
	if strings.ContainsAny(r.stderr+r.stdout, "\r\x1b") || strings.Contains(r.stderr, "blobs/s") {
		t.Errorf("progress output when stderr is a buffer:\n%q", r.stderr)
	}
	if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "scanned 5 blobs") {
		t.Errorf("stderr is more than the summary:\n%s", r.stderr)
	}

	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"history", f.dir}, strings.NewReader(""), &out, errFile); code != exitClean {
		t.Fatalf("exit %d", code)
	}
	b, _ := os.ReadFile(errFile.Name())
	if strings.ContainsAny(string(b), "\r\x1b") || out.Len() != 0 {
		t.Errorf("progress output when stderr is a file:\n%q\nstdout %q", b, out.String())
	}
}

func TestProgressWanted(t *testing.T) {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		tty = nil // no terminal here: only the negative cases can be checked
	} else {
		defer tty.Close()
	}
	devNull, err := os.Open(os.DevNull) // a character device, but not a terminal
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	t.Setenv("CI", "")
	o := &options{}
	if progressWanted(o, devNull) || progressWanted(o, &bytes.Buffer{}) || progressWanted(o, nil) {
		t.Error("progress wanted on something that is not a terminal")
	}
	if tty != nil {
		if !progressWanted(o, tty) {
			t.Error("no progress on a terminal")
		}
		o.noProgress = true
		if progressWanted(o, tty) {
			t.Error("progress with --no-progress")
		}
		o.noProgress = false
		t.Setenv("CI", "true")
		if progressWanted(o, tty) {
			t.Error("progress with CI set")
		}
	}
	// Flags: --no-progress is accepted where there is a bar.
	ss(t, "", "history", "--no-progress", "--help").mustCode(t, exitClean)
	ss(t, "", "dir", "--no-progress").mustCode(t, exitError)
}

// TestProgressBar renders the bar into a buffer: counts, and a clean line when
// finished early.
func TestProgressBar(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := startProgress(&buf, 10)
	for range 4 {
		p.add(1000)
	}
	p.finish()
	s := buf.String()
	if !strings.Contains(s, "/10") || !strings.Contains(s, "blobs") {
		t.Errorf("bar: %q", s)
	}
	if !strings.HasSuffix(s, "\r") {
		t.Errorf("an unfinished bar is not cleared: %q", s)
	}
	var nilProgress *progress
	nilProgress.add(1) // no bar: nothing happens
	nilProgress.finish()
}
