package main

// End-to-end tests of `secretsweep dir` and `secretsweep stdin`.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirScan(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name() + "/tracked")
	tok := fakeGitHubPAT(t.Name() + "/sub")
	ignoredKey := fakeAWSKey(t.Name() + "/ignored")
	appContent := "import os\nnote = \"" + key + "\"\n"
	f.write("app.py", appContent)
	f.write("sub/dir/notes.txt", tok+"\nmiddle\nagain "+tok+"\n")
	f.write(".gitignore", "*.log\nbuild/\n")
	f.write("debug.log", "leaked "+ignoredKey+"\n")
	f.write("build/out.txt", "leaked "+ignoredKey+"\n")
	c := f.commit("tracked files") // .gitignore keeps debug.log and build/ out
	if out := f.git("ls-files"); strings.Contains(out, "debug.log") || strings.Contains(out, "build/") {
		t.Fatalf("fixture: ignored files were committed:\n%s", out)
	}
	// Secrets inside .git and behind symbolic links that leave the root.
	gitKey := fakeAWSKey(t.Name() + "/dotgit")
	f.write(".git/leak.txt", "key "+gitKey+"\n")
	outside := newDir(t)
	outKey := fakeGitHubPAT(t.Name() + "/outside")
	outside.write("secret.txt", outKey+"\n")
	outside.write("nested/secret.txt", outKey+"\n")
	if err := os.Symlink(filepath.Join(outside.dir, "secret.txt"), f.path("link.txt")); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
	if err := os.Symlink(outside.dir, f.path("linkdir")); err != nil {
		t.Fatal(err)
	}

	r := ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, exitFindings)
	rs := records(t, r.stdout)
	appBlob := gitBlobID(appContent)
	checkFindings(t, rs,
		want{Rule: "aws-access-key-id", Path: "app.py", Line: 2, Blob: appBlob},
		want{Rule: "github-pat", Path: "sub/dir/notes.txt", Line: 1, Blob: f.blobAt(c, "sub/dir/notes.txt")},
		want{Rule: "github-pat", Path: "sub/dir/notes.txt", Line: 3, Blob: f.blobAt(c, "sub/dir/notes.txt")},
	)
	if appBlob != f.blobAt(c, "app.py") {
		t.Fatalf("fixture: computed blob id %s differs from git's %s", appBlob, f.blobAt(c, "app.py"))
	}
	for _, s := range []string{gitKey[4:], outKey[4:], ignoredKey[4:]} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output mentions a secret from .git, outside the root or an ignored file")
		}
	}

	// The same content has the same blob id (and fingerprint) in history.
	hr := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, exitFindings)
	hrs := records(t, hr.stdout)
	checkFindings(t, hrs,
		want{Rule: "aws-access-key-id", Path: "app.py", Line: 2, Commit: c, InHead: true, Blob: appBlob},
		want{Rule: "github-pat", Path: "sub/dir/notes.txt", Line: 1, Commit: c, InHead: true, Blob: f.blobAt(c, "sub/dir/notes.txt")},
	)
	if len(rs) == 3 && len(hrs) == 2 && (rs[0].Fingerprint != hrs[0].Fingerprint || rs[1].Fingerprint != hrs[1].Fingerprint) {
		t.Errorf("dir and history fingerprints differ for the same secrets: %s/%s vs %s/%s", rs[0].Fingerprint, rs[1].Fingerprint, hrs[0].Fingerprint, hrs[1].Fingerprint)
	}

	// --no-ignore scans what .gitignore excludes, but still not .git or links.
	r = ss(t, "", "dir", "--no-ignore", "--format", "json", f.dir).mustCode(t, exitFindings)
	ignoredBlob := gitBlobID("leaked " + ignoredKey + "\n")
	checkFindings(t, records(t, r.stdout),
		want{Rule: "aws-access-key-id", Path: "app.py", Line: 2, Blob: appBlob},
		want{Rule: "aws-access-key-id", Path: "build/out.txt", Line: 1, Blob: ignoredBlob},
		want{Rule: "aws-access-key-id", Path: "debug.log", Line: 1, Blob: ignoredBlob},
		want{Rule: "github-pat", Path: "sub/dir/notes.txt", Line: 1},
		want{Rule: "github-pat", Path: "sub/dir/notes.txt", Line: 3},
	)

	// A subdirectory as the root: paths are relative to it.
	r = ss(t, "", "dir", "--format", "json", f.path("sub")).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "github-pat", Path: "dir/notes.txt", Line: 1},
		want{Rule: "github-pat", Path: "dir/notes.txt", Line: 3},
	)
}

// Nested .gitignore files apply below their directory, negations re-include, and
// .git/info/exclude applies too.
func TestDirNestedIgnores(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	line := func(label string) string { return "k " + fakeAWSKey(t.Name()+label) + "\n" }
	f.write(".gitignore", "*.log\n!keep.log\n")
	f.write("sub/.gitignore", "local.txt\n")
	f.write(".git/info/exclude", "excluded/\n")
	f.write("local.txt", line("1"))     // only sub/ ignores local.txt
	f.write("sub/local.txt", line("2")) // ignored
	f.write("sub/x.log", line("3"))     // ignored by the root file
	f.write("sub/keep.log", line("4"))  // re-included
	f.write("excluded/a.txt", line("5"))
	r := ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "aws-access-key-id", Path: "local.txt", Line: 1},
		want{Rule: "aws-access-key-id", Path: "sub/keep.log", Line: 1},
	)
	r = ss(t, "", "dir", "--format", "json", "--no-ignore", f.dir).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "aws-access-key-id", Path: "excluded/a.txt", Line: 1},
		want{Rule: "aws-access-key-id", Path: "local.txt", Line: 1},
		want{Rule: "aws-access-key-id", Path: "sub/keep.log", Line: 1},
		want{Rule: "aws-access-key-id", Path: "sub/local.txt", Line: 1},
		want{Rule: "aws-access-key-id", Path: "sub/x.log", Line: 1},
	)
}

func TestDirErrors(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	d.write("file.txt", "x\n")
	r := ss(t, "", "dir", filepath.Join(d.dir, "missing")).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "missing") {
		t.Errorf("stderr does not name the missing root:\n%s", r.stderr)
	}
	r = ss(t, "", "dir", d.path("file.txt")).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "not a directory") {
		t.Errorf("stderr does not say the root is not a directory:\n%s", r.stderr)
	}
	// An empty directory is a clean scan with an empty JSON array.
	r = ss(t, "", "dir", "--format", "json", t.TempDir()).mustCode(t, exitClean)
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("empty scan: stdout %q, want []", r.stdout)
	}
}

func TestDirUnreadableFile(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads unreadable files")
	}
	d := newDir(t)
	d.write("ok.txt", "fine\n")
	d.write("locked.txt", "key "+fakeAWSKey(t.Name())+"\n")
	if err := os.Chmod(d.path("locked.txt"), 0); err != nil {
		t.Fatal(err)
	}
	r := ss(t, "", "dir", d.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "locked.txt") {
		t.Errorf("stderr does not name the unreadable file:\n%s", r.stderr)
	}
}

func TestDirOversizedAndBinaryFiles(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	d.write("big/data.txt", strings.Repeat("x", 3000)+"\n"+fakeAWSKey(t.Name())+"\n")
	d.write("img.png", "\x89PNG\r\n\x1a\n\x00\x00 "+fakeGitHubPAT(t.Name())+"\n")
	r := ss(t, "", "dir", "--max-blob-size", "2KB", "--format", "json", d.dir).mustCode(t, exitClean)
	checkFindings(t, records(t, r.stdout))
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "big/data.txt") {
		t.Errorf("stderr does not warn about the oversized file by name:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "1 binary") {
		t.Errorf("summary does not count the binary file:\n%s", r.stderr)
	}

	// Many oversized files: the warning names some and counts the rest.
	for i := range 25 {
		d.write(fmt.Sprintf("many/f%02d.txt", i), strings.Repeat("y", 2100))
	}
	r = ss(t, "", "dir", "--max-blob-size", "2KB", d.dir).mustCode(t, exitClean)
	if !strings.Contains(r.stderr, "26 files or blobs over") || !strings.Contains(r.stderr, "and 6 more") {
		t.Errorf("warning does not count 26 oversized files, 6 of them unnamed:\n%s", r.stderr)
	}
}

func TestStdin(t *testing.T) {
	t.Parallel()
	tok := fakeGitHubPAT(t.Name())
	input := "import os\n\nDEBUG = False\nGITHUB = \"" + tok + "\"\n"
	r := ss(t, input, "stdin", "--path", "settings.py", "--format", "json").mustCode(t, exitFindings)
	rs := records(t, r.stdout)
	checkFindings(t, rs, want{Rule: "github-pat", Path: "settings.py", Line: 4, Blob: gitBlobID(input)})

	// Without --path the input is named stdin.
	r = ss(t, input, "stdin", "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "github-pat", Path: "stdin", Line: 4, Blob: gitBlobID(input)})

	// Clean input exits 0 with an empty report.
	r = ss(t, "DEBUG = True\nALLOWED_HOSTS = []\n", "stdin", "--path", "settings.py", "--format", "json").mustCode(t, exitClean)
	checkFindings(t, records(t, r.stdout))
	r = ss(t, "", "stdin", "--path", "settings.py").mustCode(t, exitClean)
	if r.stdout != "" {
		t.Errorf("empty input: text report %q, want nothing", r.stdout)
	}

	// --output writes the report to the file and nothing to stdout.
	out := filepath.Join(t.TempDir(), "report.json")
	r = ss(t, input, "stdin", "--path", "settings.py", "--format", "json", "--output", out).mustCode(t, exitFindings)
	if r.stdout != "" {
		t.Errorf("stdout not empty with --output: %q", r.stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkFindings(t, records(t, string(data)), want{Rule: "github-pat", Path: "settings.py", Line: 4, Blob: gitBlobID(input)})

	// An --output that cannot be created is an error.
	r = ss(t, input, "stdin", "--output", filepath.Join(t.TempDir(), "no", "such", "dir", "r.json")).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "r.json") {
		t.Errorf("stderr does not name the output file:\n%s", r.stderr)
	}
}

// A Python settings file: credentials assigned to credential-like names are found
// by the structure-aware detectors.
func TestStdinPythonSettings(t *testing.T) {
	t.Parallel()
	pw := fakeChars(t.Name()+"/pw", alnum, 14) + "!9"
	input := "DATABASES = {\n    \"default\": {\n        \"NAME\": \"app\",\n        \"PASSWORD\": \"" + pw + "\",\n    }\n}\n"
	r := ss(t, input, "stdin", "--path", "settings.py", "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "hardcoded-password", Path: "settings.py", Line: 4, Blob: gitBlobID(input)})
}
