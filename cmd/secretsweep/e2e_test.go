package main

// End-to-end tests of `secretsweep history`: real repositories built with the git
// CLI, scanned through run(), findings checked exactly in the JSON report.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/report"
)

func historyJSON(t *testing.T, dir string, extra ...string) ([]report.Record, ssResult) {
	t.Helper()
	r := ss(t, "", append([]string{"history", "--format", "json"}, append(extra, dir)...)...)
	if r.code == exitError {
		t.Fatalf("history scan failed:\n%s", r)
	}
	return records(t, r.stdout), r
}

func TestHistoryAddedThenDeleted(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	f.write("app/settings.txt", "region = eu-west-1\nnote "+key+"\n")
	c1 := f.commit("add settings")
	date1 := authorDate(f.tick)
	blob1 := f.blobAt(c1, "app/settings.txt")
	f.write("app/settings.txt", "region = eu-west-1\n")
	f.commit("remove the key")
	f.write("README.md", "nothing here\n")
	f.commit("readme")

	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "aws-access-key-id", Path: "app/settings.txt", Line: 2, Commit: c1, InHead: false, Blob: blob1, Date: date1})
	if len(rs) == 1 {
		if rs[0].Column != 6 || rs[0].EndColumn != 5+len(key) { // end_column is inclusive
			t.Errorf("columns %d-%d, want 6-%d", rs[0].Column, rs[0].EndColumn, 5+len(key))
		}
	}
	if !strings.Contains(r.stderr, "from 3 commits") || !strings.Contains(r.stderr, "1 findings") {
		t.Errorf("summary does not count 3 commits and 1 finding:\n%s", r.stderr)
	}
}

func TestHistoryNonDefaultBranch(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	f.write("main.txt", "clean\n")
	f.commit("main")
	f.git("checkout", "-q", "-b", "feature/tokens")
	tok := fakeGitHubPAT(t.Name())
	f.write("ci/token.txt", "use "+tok+" for the bot\n")
	c := f.commit("token on a branch")
	f.git("checkout", "-q", "main")
	f.write("main.txt", "clean again\n")
	f.commit("main moves on")

	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "github-pat", Path: "ci/token.txt", Line: 1, Commit: c, InHead: false, Blob: f.blobAt(c, "ci/token.txt")})
}

func TestHistoryOnlyInTags(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	f.write("main.txt", "clean\n")
	f.commit("main")

	// A lightweight tag on an orphan commit that no branch holds.
	f.git("checkout", "-q", "--orphan", "scratch")
	f.git("rm", "-rq", "--cached", ".")
	f.remove("main.txt")
	lw := fakeAWSKey(t.Name() + "/lightweight")
	f.write("orphan.txt", "\n\nkey "+lw+"\n")
	cOrphan := f.commit("orphan")
	f.git("tag", "lw-orphan")
	f.git("checkout", "-q", "-f", "main")
	f.git("branch", "-D", "scratch")

	// An annotated tag on a commit that main was rewound past.
	ann := fakeGitHubPAT(t.Name() + "/annotated")
	f.write("release/notes.txt", ann+"\n")
	cRewound := f.commit("release with a token")
	f.tick++
	f.git("tag", "-a", "v1.0", "-m", "release 1.0")
	f.git("reset", "-q", "--hard", "HEAD~1")

	for _, c := range []string{cOrphan, cRewound} {
		if out := f.git("branch", "--contains", c); out != "" {
			t.Fatalf("fixture: commit %s is on branch %s", c, out)
		}
	}
	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs,
		want{Rule: "aws-access-key-id", Path: "orphan.txt", Line: 3, Commit: cOrphan, InHead: false, Blob: f.blobAt(cOrphan, "orphan.txt")},
		want{Rule: "github-pat", Path: "release/notes.txt", Line: 1, Commit: cRewound, InHead: false, Blob: f.blobAt(cRewound, "release/notes.txt")},
	)
}

func TestHistoryMergeConflictResolution(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	f.write("conf/app.txt", "name = demo\nmode = base\nport = 80\n")
	f.commit("base")
	f.git("checkout", "-q", "-b", "other")
	f.write("conf/app.txt", "name = demo\nmode = other\nport = 80\n")
	f.commit("other side")
	f.git("checkout", "-q", "main")
	f.write("conf/app.txt", "name = demo\nmode = mine\nport = 80\n")
	f.commit("main side")
	f.tick++
	if out, err := f.tryGit("merge", "other", "-m", "merge other"); err == nil {
		t.Fatalf("fixture: merge did not conflict:\n%s", out)
	}
	// The resolution types a secret that neither side had.
	tok := fakeGitHubPAT(t.Name())
	f.write("conf/app.txt", "name = demo\nmode = "+tok+"\nport = 80\n")
	f.git("add", "conf/app.txt")
	f.git("commit", "-q", "--no-edit")
	merge := f.git("rev-parse", "HEAD")
	if parents := strings.Fields(f.git("rev-list", "--parents", "-n", "1", merge)); len(parents) != 3 {
		t.Fatalf("fixture: HEAD is not a merge commit: %v", parents)
	}

	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "github-pat", Path: "conf/app.txt", Line: 2, Commit: merge, InHead: true, Blob: f.blobAt(merge, "conf/app.txt"), Date: authorDate(f.tick)})
}

func TestHistorySameSecretInManyCommits(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	var commits []importCommit
	for i := range 50 {
		commits = append(commits, importCommit{
			msg:   fmt.Sprintf("build %d", i),
			files: map[string]string{"deploy/vars.txt": fmt.Sprintf("build = %d\nkey %s\nstep = %d\n", i, key, i*7)},
		})
	}
	ids := f.importCommits("main", commits)
	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "aws-access-key-id", Path: "deploy/vars.txt", Line: 2, Commit: ids[0], InHead: true, Blob: f.blobAt(ids[0], "deploy/vars.txt"), Date: authorDate(1)})
	if !strings.Contains(r.stderr, "from 50 commits") {
		t.Errorf("summary does not count 50 commits:\n%s", r.stderr)
	}
}

func TestHistorySecretMovesToAnotherLine(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	tok := fakeGitHubPAT(t.Name())
	f.write("src/client.txt", tok+"\n")
	c1 := f.commit("add")
	blob1 := f.blobAt(c1, "src/client.txt")
	f.write("src/client.txt", "header one\nheader two\n\n\n"+tok+"\n")
	f.commit("move it down")
	f.write("src/client.txt", "header one\nheader two\n\n\n\n\n\n"+tok+"\nfooter\n")
	f.commit("move it further")

	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "github-pat", Path: "src/client.txt", Line: 1, Commit: c1, InHead: true, Blob: blob1})
}

func TestHistorySameSecretInTwoFiles(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	content := "key " + key + "\n"
	f.write("a.txt", content)
	f.write("copy/a.txt", content) // the same blob at a second path
	c1 := f.commit("two copies")
	f.write("b.txt", "other text\nanother "+key+"\n") // another blob, same secret
	c2 := f.commit("third")

	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	blobA := gitBlobID(content)
	checkFindings(t, rs,
		want{Rule: "aws-access-key-id", Path: "a.txt", Line: 1, Commit: c1, InHead: true, Blob: blobA},
		want{Rule: "aws-access-key-id", Path: "b.txt", Line: 2, Commit: c2, InHead: true, Blob: f.blobAt(c2, "b.txt")},
		want{Rule: "aws-access-key-id", Path: "copy/a.txt", Line: 1, Commit: c1, InHead: true, Blob: blobA},
	)
	if len(rs) == 3 && (rs[0].Fingerprint != rs[1].Fingerprint || rs[1].Fingerprint != rs[2].Fingerprint) {
		t.Errorf("the same secret under the same rule has different fingerprints: %s %s %s", rs[0].Fingerprint, rs[1].Fingerprint, rs[2].Fingerprint)
	}
}

func TestHistoryBinaryFileNotReported(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	f.write("assets/blob.bin", "\x00\x01\x02PK\x03\x04 "+key+" \x00trailer\n")
	f.write("README.md", "docs\n")
	f.commit("binary")

	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitClean)
	checkFindings(t, rs)
	if !strings.Contains(r.stderr, "1 binary") {
		t.Errorf("summary does not count the binary blob:\n%s", r.stderr)
	}
}

func TestHistoryOversizedBlob(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	big := strings.Repeat("filler line without secrets\n", 100) + "key " + fakeAWSKey(t.Name()+"/big") + "\n"
	f.write("data/big.txt", big)
	small := fakeGitHubPAT(t.Name() + "/small")
	f.write("small.txt", small+"\n")
	c := f.commit("big and small")

	rs, r := historyJSON(t, f.dir, "--max-blob-size", "1KiB")
	r.mustCode(t, exitFindings) // the skipped blob does not change the exit code
	checkFindings(t, rs, want{Rule: "github-pat", Path: "small.txt", Line: 1, Commit: c, InHead: true, Blob: f.blobAt(c, "small.txt")})
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "data/big.txt") {
		t.Errorf("stderr does not warn about the oversized blob by name:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "1 over") {
		t.Errorf("summary does not count the oversized blob:\n%s", r.stderr)
	}

	// Alone, an oversized blob leaves the exit code at 0.
	g := newRepo(t)
	g.write("data/big.txt", big)
	g.commit("only big")
	rs, r = historyJSON(t, g.dir, "--max-blob-size", "1KiB")
	r.mustCode(t, exitClean)
	checkFindings(t, rs)
	if !strings.Contains(r.stderr, "data/big.txt") {
		t.Errorf("stderr does not name the oversized blob:\n%s", r.stderr)
	}
}

func TestHistoryNotARepository(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	d.write("file.txt", "hello\n")
	r := ss(t, "", "history", d.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "is not a git repository") {
		t.Errorf("stderr does not say the path is not a git repository:\n%s", r.stderr)
	}
	r = ss(t, "", "history", filepath.Join(d.dir, "missing")).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "is not a git repository") {
		t.Errorf("stderr does not say a missing path is not a git repository:\n%s", r.stderr)
	}
}

func TestHistoryMissingObject(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	f.write("clean.txt", "nothing\n")
	f.write("lost.txt", "this blob will go missing\n")
	c := f.commit("two files")
	lost := f.blobAt(c, "lost.txt")
	if err := os.Remove(filepath.Join(f.dir, ".git", "objects", lost[:2], lost[2:])); err != nil {
		t.Fatalf("fixture: removing loose object %s: %v", lost, err)
	}
	r := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, lost) {
		t.Errorf("stderr does not name the missing object %s:\n%s", lost, r.stderr)
	}

	// A corrupt blob (garbage instead of zlib data) and a missing tree.
	g := newRepo(t)
	g.write("ok.txt", "fine\n")
	g.write("bad.txt", "will be corrupted\n")
	g.write("sub/dir/x.txt", "in a subtree\n")
	c = g.commit("three files")
	bad := g.blobAt(c, "bad.txt")
	tree := g.git("rev-parse", c+":sub/dir")
	obj := func(id string) string { return filepath.Join(g.dir, ".git", "objects", id[:2], id[2:]) }
	if err := os.Chmod(obj(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, obj(bad), "this is not a zlib stream")
	r = ss(t, "", "history", g.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, bad) {
		t.Errorf("stderr does not name the corrupt object %s:\n%s", bad, r.stderr)
	}
	if err := os.Remove(obj(tree)); err != nil {
		t.Fatal(err)
	}
	r = ss(t, "", "history", g.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, tree) {
		t.Errorf("stderr does not name the missing tree %s:\n%s", tree, r.stderr)
	}
}

func TestHistoryCorruptConfig(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	f.write("a.txt", "key "+fakeAWSKey(t.Name())+"\n")
	f.commit("a")
	// The default config file at the root of the scanned repository, with a TOML
	// syntax error on line 4.
	f.write(".secretsweep.toml", "title = \"broken\"\n\n[[rules]]\nid = \"unterminated\nregex = 'x'\n")
	r := ss(t, "", "history", f.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, ".secretsweep.toml") || !hasLine(r.stderr, 4) {
		t.Errorf("stderr does not locate the syntax error at .secretsweep.toml line 4:\n%s", r.stderr)
	}

	// A bad regex in the rule whose id is on line 8, given with --config.
	cfg := filepath.Join(t.TempDir(), "rules.toml")
	writeFile(t, cfg, `title = "custom"

[[rules]]
id = "good-rule"
regex = '''good_[a-z]{8}'''

[[rules]]
id = "bad-regex-rule"
regex = '''(unclosed[a-z'''
keywords = ["unclosed"]
`)
	r = ss(t, "", "history", "--config", cfg, f.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "bad-regex-rule") || !strings.Contains(r.stderr, "rules.toml") || !(hasLine(r.stderr, 8) || hasLine(r.stderr, 9)) {
		t.Errorf("stderr does not name the rule, file and line of the bad regex:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "good-rule") {
		t.Errorf("stderr blames the good rule:\n%s", r.stderr)
	}
}

// hasLine reports whether msg locates something at line n, as "line n" or ":n".
func hasLine(msg string, n int) bool {
	for _, s := range []string{fmt.Sprintf("line %d", n), fmt.Sprintf(":%d:", n), fmt.Sprintf(":%d ", n), fmt.Sprintf(":%d,", n), fmt.Sprintf(":%d\n", n)} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const acmeRule = `
[[rules]]
id = "acme-token"
description = "ACME internal token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
secret_group = 1
keywords = ["acme_"]
severity = "high"
tags = ["acme"]
`

func TestHistoryConfigExtendAndReplace(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	acme := "acme_" + fakeChars(t.Name(), lowerAlnum, 24)
	f.write("mixed.txt", "first "+key+"\nsecond "+acme+"\n")
	c := f.commit("both kinds")
	blob := f.blobAt(c, "mixed.txt")

	cfgDir := t.TempDir()
	extend := filepath.Join(cfgDir, "extend.toml")
	writeFile(t, extend, "[extend]\ndefault = true\n"+acmeRule)
	replace := filepath.Join(cfgDir, "replace.toml")
	writeFile(t, replace, "title = \"only acme\"\n"+acmeRule)

	rs, r := historyJSON(t, f.dir, "--config", extend)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs,
		want{Rule: "aws-access-key-id", Path: "mixed.txt", Line: 1, Commit: c, InHead: true, Blob: blob},
		want{Rule: "acme-token", Path: "mixed.txt", Line: 2, Commit: c, InHead: true, Blob: blob},
	)

	rs, r = historyJSON(t, f.dir, "--config", replace)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "acme-token", Path: "mixed.txt", Line: 2, Commit: c, InHead: true, Blob: blob})
	if len(rs) == 1 && (rs[0].Description != "ACME internal token" || rs[0].Severity != "high" || strings.Join(rs[0].Tags, ",") != "acme") {
		t.Errorf("custom rule metadata not reported: %+v", rs[0])
	}

	// The same config found at the root of the repository is used without --config.
	f.write(".secretsweep.toml", "title = \"only acme\"\n"+acmeRule)
	rs, r = historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, want{Rule: "acme-token", Path: "mixed.txt", Line: 2, Commit: c, InHead: true, Blob: blob})
}

// Identical subtrees at two paths, and a directory renamed later: one finding
// per path, each at the commit that brought the secret to that path.
func TestHistoryIdenticalAndRenamedSubtrees(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	content := "k " + fakeAWSKey(t.Name()) + "\n"
	f.write("one/cfg/a.txt", content)
	f.write("two/cfg/a.txt", content)
	c1 := f.commit("two identical trees")
	f.git("mv", "one", "three")
	c2 := f.commit("rename one to three")
	blob := gitBlobID(content)
	rs, r := historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs,
		want{Rule: "aws-access-key-id", Path: "one/cfg/a.txt", Line: 1, Commit: c1, InHead: false, Blob: blob},
		want{Rule: "aws-access-key-id", Path: "three/cfg/a.txt", Line: 1, Commit: c2, InHead: true, Blob: blob},
		want{Rule: "aws-access-key-id", Path: "two/cfg/a.txt", Line: 1, Commit: c1, InHead: true, Blob: blob},
	)
}

// An empty repository is a clean scan; a bare repository and a .git directory
// are scanned like a work tree; in_head follows a detached HEAD.
func TestHistoryEmptyBareAndDetached(t *testing.T) {
	t.Parallel()
	e := newRepo(t)
	rs, r := historyJSON(t, e.dir)
	r.mustCode(t, exitClean)
	checkFindings(t, rs)

	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	f.write("a.txt", "key "+key+"\n")
	c1 := f.commit("add")
	blob := f.blobAt(c1, "a.txt")
	f.remove("a.txt")
	f.write("b.txt", "clean\n")
	f.commit("remove")
	removed := want{Rule: "aws-access-key-id", Path: "a.txt", Line: 1, Commit: c1, InHead: false, Blob: blob}
	still := removed
	still.InHead = true

	bare := filepath.Join(t.TempDir(), "bare.git")
	f.git("clone", "-q", "--bare", f.dir, bare)
	for _, dir := range []string{bare, filepath.Join(f.dir, ".git")} {
		rs, r = historyJSON(t, dir)
		r.mustCode(t, exitFindings)
		checkFindings(t, rs, removed)
	}

	f.git("checkout", "-q", "--detach", c1)
	rs, r = historyJSON(t, f.dir)
	r.mustCode(t, exitFindings)
	checkFindings(t, rs, still)
}
