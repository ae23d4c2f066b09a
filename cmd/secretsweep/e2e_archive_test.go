package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/report"
)

// End-to-end tests of archive scanning and decoded secrets.

const wheelPath = "dist/pkg-1.0-py3-none-any.whl"

// copyArchive copies testdata/archive/name into the fixture at rel.
func (f *fixture) copyArchive(name, rel string) []byte {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archive", name))
	if err != nil {
		f.t.Fatal(err)
	}
	f.write(rel, string(data))
	return data
}

func zipFile(t *testing.T, files ...string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func findRecord(rs []report.Record, path string) *report.Record {
	for i := range rs {
		if rs[i].Path == path {
			return &rs[i]
		}
	}
	return nil
}

// TestArchiveDirWheel: a wheel with a planted secret in pkg/settings.py is found
// at the member's path, positioned within the member, with the wheel's blob id.
func TestArchiveDirWheel(t *testing.T) {
	f := newDir(t)
	wheel := f.copyArchive("pkg-1.0-py3-none-any.whl", wheelPath)
	f.write("README.md", "docs\n")
	r := ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, exitFindings)
	rs := records(t, r.stdout)
	rec := findRecord(rs, wheelPath+"!pkg/settings.py")
	if rec == nil {
		t.Fatalf("no finding at %s!pkg/settings.py:\n%s", wheelPath, r)
	}
	if rec.Rule != "aws-access-key-id" || rec.Line != 2 || rec.Column != 22 || rec.Blob != gitBlobID(string(wheel)) {
		t.Errorf("finding %+v, want aws-access-key-id at 2:22 in blob %s", *rec, gitBlobID(string(wheel)))
	}
	if !strings.Contains(r.stderr, "expanded 1 archives (4 members") {
		t.Errorf("summary does not count the archive:\n%s", r.stderr)
	}

	// --archive-depth 0: the wheel is binary content again.
	r = ss(t, "", "dir", "--archive-depth", "0", "--format", "json", f.dir).mustCode(t, exitClean)
	if !strings.Contains(r.stderr, "skipped 1 binary") || strings.Contains(r.stderr, "expanded") {
		t.Errorf("with --archive-depth 0:\n%s", r.stderr)
	}
	ss(t, "", "dir", "--archive-depth", "-1", f.dir).mustCode(t, exitError)
}

// TestArchiveNested: a.zip!inner.tar.gz!app/config.py at the default depth;
// depth 1 leaves the inner archive unopened.
func TestArchiveNested(t *testing.T) {
	f := newDir(t)
	f.copyArchive("nested.zip", "vendor/nested.zip")
	r := ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, exitFindings)
	if findRecord(records(t, r.stdout), "vendor/nested.zip!inner.tar.gz!app/config.py") == nil {
		t.Errorf("nested member not reported:\n%s", r)
	}
	r = ss(t, "", "dir", "--archive-depth", "1", "--format", "json", f.dir).mustCode(t, exitClean)
	if len(records(t, r.stdout)) != 0 || !strings.Contains(r.stderr, "1 binary") {
		t.Errorf("depth 1:\n%s", r)
	}
}

// TestArchiveBombAndCorrupt: a compression bomb and a truncated archive are
// skipped with warnings; neither is an incomplete scan.
func TestArchiveBombAndCorrupt(t *testing.T) {
	f := newDir(t)
	f.write("dist/bomb.zip", zipFile(t, "zeros.txt", strings.Repeat("\x00", 4<<20), "later.env", "TOKEN="+fakeGitHubPAT("later")+"\n"))
	f.copyArchive("truncated.zip", "dist/broken.whl")
	f.copyArchive("truncated.tar.gz", "dist/broken.tar.gz")
	f.write("ok.txt", "nothing here\n")
	// Exit 1, not 2: the truncated tar.gz was read up to the damage, and its
	// first member holds a password.
	r := ss(t, "", "dir", "--format", "json", "--show-secrets", f.dir).mustCode(t, exitFindings)
	if rs := records(t, r.stdout); len(rs) != 1 || rs[0].Path != "dist/broken.tar.gz!bundle/.env" || rs[0].Secret != "Zt4pQ8wX2mK7" {
		t.Errorf("records %+v", rs)
	}
	for _, want := range []string{
		"expanded 3 archives (1 members, 31 B); skipped 2 binary, 1 archives over limits; 1 findings",
		"warning: 1 archives were not fully scanned: a limit stopped their expansion (compression bomb, total size or entries): dist/bomb.zip (dist/bomb.zip!zeros.txt: declares a compression ratio over 100:1",
		"warning: 2 archives or archive members could not be read (corrupt, truncated or unsupported) and were scanned as plain content, which does not make the scan incomplete: ",
		"dist/broken.whl (zip: not a valid zip file)",
		"dist/broken.tar.gz (unexpected EOF)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestArchiveHistory: in a history scan a member's finding is attributed to the
// commit that added the archive, and in_head follows the archive.
func TestArchiveHistory(t *testing.T) {
	f := newRepo(t)
	f.write("README.md", "pkg\n")
	f.commit("readme")
	f.copyArchive("pkg-1.0-py3-none-any.whl", wheelPath)
	added := f.commit("add the wheel")
	f.write("README.md", "pkg 1.0\n")
	f.commit("edit")
	r := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, exitFindings)
	rec := findRecord(records(t, r.stdout), wheelPath+"!pkg/settings.py")
	if rec == nil {
		t.Fatalf("no finding in the wheel:\n%s", r)
	}
	if rec.Commit != added || rec.InHead == nil || !*rec.InHead {
		t.Errorf("commit %s in_head %v, want %s and true", rec.Commit, rec.InHead, added)
	}
}

// TestDecodedSecretE2E: a secret inside a base64 value is reported as decoded,
// at the encoded text's position.
func TestDecodedSecretE2E(t *testing.T) {
	f := newDir(t)
	tok := fakeGitHubPAT("decoded")
	enc := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\nexport GH_TOKEN=" + tok + "\n"))
	f.write("k8s/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  boot.sh: "+enc+"\n")
	r := ss(t, "", "dir", "--format", "json", "--show-secrets", f.dir).mustCode(t, exitFindings)
	rs := records(t, r.stdout)
	if len(rs) != 1 || rs[0].Rule != "github-pat" || !rs[0].Decoded || rs[0].Secret != tok || rs[0].Line != 4 || rs[0].Column < 12 {
		t.Errorf("records %+v", rs)
	}
}
