package main

// Helpers for the end-to-end tests: fixture git repositories built with the git
// CLI (fixed names and dates, so commit ids are stable), generated fake secrets of
// the right shape, and a wrapper around run() that captures the exit code, the
// report and stderr.

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretsweep/secretsweep/report"
)

// e2eBaseTime is the author date of the first fixture commit: 2021-03-04T05:06:07Z.
const e2eBaseTime = 1614834367

var (
	hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)
	hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// fixture is a git repository (or a plain directory) in a temporary directory.
type fixture struct {
	t    testing.TB
	dir  string
	tick int64 // commits made so far; dates advance one hour per commit
}

// requireGit skips the test when the git CLI is not installed.
func requireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
}

// newRepo makes an empty repository whose default branch is main.
func newRepo(t testing.TB) *fixture {
	t.Helper()
	requireGit(t)
	f := &fixture{t: t, dir: t.TempDir()}
	f.git("init", "-q")
	return f
}

// newDir makes a plain directory (no repository).
func newDir(t testing.TB) *fixture {
	t.Helper()
	return &fixture{t: t, dir: t.TempDir()}
}

// gitCmd returns a git command in dir with a fixed, isolated environment: no user
// or system config, fixed author and committer, and dates derived from tick (the
// committer date one minute after the author date, so the two are told apart).
func gitCmd(dir string, tick int64, args ...string) *exec.Cmd {
	cfg := []string{
		"-c", "init.defaultBranch=main",
		"-c", "commit.gpgsign=false",
		"-c", "tag.gpgsign=false",
		"-c", "gc.auto=0",
		"-c", "core.autocrlf=false",
		"-c", "advice.detachedHead=false",
		"-c", "merge.conflictStyle=merge",
		"-c", "core.symlinks=true",
	}
	cmd := exec.Command("git", append(cfg, args...)...)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	when := e2eBaseTime + tick*3600
	cmd.Env = append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Alice Author",
		"GIT_AUTHOR_EMAIL=alice@example.com",
		fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0000", when),
		"GIT_COMMITTER_NAME=Carol Committer",
		"GIT_COMMITTER_EMAIL=carol@example.com",
		fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", when+60),
	)
	return cmd
}

// authorDate is the RFC 3339 author date of the commit made at tick.
func authorDate(tick int64) string {
	return time.Unix(e2eBaseTime+tick*3600, 0).UTC().Format(time.RFC3339)
}

// tryGit runs git and returns its trimmed combined output and error.
func (f *fixture) tryGit(args ...string) (string, error) {
	f.t.Helper()
	out, err := gitCmd(f.dir, f.tick, args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// git runs git and fails the test on error.
func (f *fixture) git(args ...string) string {
	f.t.Helper()
	out, err := f.tryGit(args...)
	if err != nil {
		f.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (f *fixture) path(rel string) string { return filepath.Join(f.dir, filepath.FromSlash(rel)) }

func (f *fixture) write(rel, content string) {
	f.t.Helper()
	p := f.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) remove(rel string) {
	f.t.Helper()
	if err := os.Remove(f.path(rel)); err != nil {
		f.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the new commit id. The commit's
// author date is authorDate(f.tick) after the call.
func (f *fixture) commit(msg string) string {
	f.t.Helper()
	f.tick++
	f.git("add", "-A")
	f.git("commit", "-q", "--allow-empty", "-m", msg)
	return f.head()
}

// head is the commit id of HEAD, read from .git (no gc runs, so refs are loose);
// it saves a git process per commit.
func (f *fixture) head() string {
	f.t.Helper()
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(f.dir, ".git", filepath.FromSlash(rel)))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	h := read("HEAD")
	if ref, ok := strings.CutPrefix(h, "ref: "); ok {
		h = read(ref)
	}
	if !hex40.MatchString(h) {
		return f.git("rev-parse", "HEAD")
	}
	return h
}

// blobAt is the blob id of path in commit.
func (f *fixture) blobAt(commit, path string) string {
	f.t.Helper()
	return f.git("rev-parse", commit+":"+path)
}

// gitBlobID is the git blob id of content, computed the way git does.
func gitBlobID(content string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	io.WriteString(h, content)
	return hex.EncodeToString(h.Sum(nil))
}

// Fake secrets. They are generated from a label (so a fixture is the same on every
// run, which the golden files need) and have the shape and entropy the rules want.

const (
	base32Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum  = "abcdefghijklmnopqrstuvwxyz0123456789"
	digits      = "0123456789"
	base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// fakeChars returns n characters of alphabet derived from label by SHA-256, with
// enough distinct characters that no entropy threshold drops it.
func fakeChars(label, alphabet string, n int) string {
	for attempt := 0; ; attempt++ {
		var b []byte
		for ctr := 0; len(b) < n; ctr++ {
			h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d/%d", label, attempt, ctr)))
			for _, c := range h {
				if int(c) >= 256-256%len(alphabet) {
					continue // no modulo bias
				}
				b = append(b, alphabet[int(c)%len(alphabet)])
				if len(b) == n {
					break
				}
			}
		}
		distinct := map[byte]bool{}
		for _, c := range b {
			distinct[c] = true
		}
		if len(distinct) >= min(n*2/3, len(alphabet)/2) {
			return string(b)
		}
	}
}

func fakeAWSKey(label string) string    { return "AKIA" + fakeChars(label, base32Upper, 16) }
func fakeGitHubPAT(label string) string { return "ghp_" + fakeChars(label, alnum, 36) }
func fakeSlackBot(label string) string {
	return "xoxb-" + fakeChars(label+"/a", digits, 11) + "-" + fakeChars(label+"/b", digits, 12) + "-" + fakeChars(label+"/c", alnum, 24)
}

// fakePrivateKey is a PEM block of random base64 (not a real key).
func fakePrivateKey(label string) string {
	var b strings.Builder
	b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for i := range 4 {
		b.WriteString(fakeChars(fmt.Sprintf("%s/%d", label, i), base64Chars, 64))
		b.WriteByte('\n')
	}
	b.WriteString("-----END RSA PRIVATE KEY-----")
	return b.String()
}

// ssResult is what one run() produced.
type ssResult struct {
	code   int
	stdout string
	stderr string
}

// ss calls run() with args and the given standard input (nil: empty).
func ss(t testing.TB, stdin string, args ...string) ssResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return ssResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func (r ssResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// mustCode fails the test unless the run exited with code.
func (r ssResult) mustCode(t testing.TB, code int) ssResult {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got:\n%s", code, r)
	}
	return r
}

// records decodes a --format json report and checks the invariants every record
// keeps: 40-hex blob, 64-hex fingerprint, 1-based positions, a redacted secret
// unless shown.
func records(t testing.TB, jsonText string) []report.Record {
	t.Helper()
	var rs []report.Record
	if err := json.Unmarshal([]byte(jsonText), &rs); err != nil {
		t.Fatalf("report is not a JSON array of findings: %v\n%s", err, jsonText)
	}
	if rs == nil {
		t.Fatalf("report is null, want an array:\n%s", jsonText)
	}
	for _, r := range rs {
		if !hex40.MatchString(r.Blob) {
			t.Errorf("%s:%d %s: blob %q is not a 40-hex blob id", r.Path, r.Line, r.Rule, r.Blob)
		}
		if !hex64.MatchString(r.Fingerprint) {
			t.Errorf("%s:%d %s: fingerprint %q is not 64 hex digits", r.Path, r.Line, r.Rule, r.Fingerprint)
		}
		if r.Line < 1 || r.Column < 1 || r.EndLine < r.Line {
			t.Errorf("%s:%d %s: bad position %d:%d-%d:%d", r.Path, r.Line, r.Rule, r.Line, r.Column, r.EndLine, r.EndColumn)
		}
		if r.Commit != "" && !hex40.MatchString(r.Commit) {
			t.Errorf("%s:%d %s: commit %q is not a 40-hex id", r.Path, r.Line, r.Rule, r.Commit)
		}
		if strings.Contains(r.Path, `\`) || strings.HasPrefix(r.Path, "/") || strings.HasPrefix(r.Path, "./") {
			t.Errorf("path %q is not relative with '/' separators", r.Path)
		}
	}
	return rs
}

// want is the expected identity of one finding. Empty Commit means a dir or stdin
// finding (no provenance, no in_head); Blob empty means "do not check the value".
type want struct {
	Rule   string
	Path   string
	Line   int
	Commit string
	InHead bool
	Blob   string
	Date   string // RFC 3339 author date; checked when set
}

func (w want) String() string {
	s := fmt.Sprintf("%s %s:%d", w.Rule, w.Path, w.Line)
	if w.Commit != "" {
		s += fmt.Sprintf(" commit=%.12s in_head=%v", w.Commit, w.InHead)
	}
	if w.Blob != "" {
		s += fmt.Sprintf(" blob=%.12s", w.Blob)
	}
	return s
}

func got(r report.Record, w want) string {
	g := want{Rule: r.Rule, Path: r.Path, Line: r.Line, Commit: r.Commit}
	if r.InHead != nil {
		g.InHead = *r.InHead
	}
	if w.Blob != "" {
		g.Blob = r.Blob
	}
	s := g.String()
	if r.Commit == "" && r.InHead != nil {
		s += " in_head=" + fmt.Sprint(*r.InHead)
	}
	return s
}

// checkFindings compares the records, in report order, with wants.
func checkFindings(t testing.TB, rs []report.Record, wants ...want) {
	t.Helper()
	var g, w []string
	for i, r := range rs {
		var wi want
		if i < len(wants) {
			wi = wants[i]
		}
		g = append(g, got(r, wi))
	}
	for _, wi := range wants {
		w = append(w, wi.String())
	}
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("findings differ\n got:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
	for i, r := range rs {
		if i >= len(wants) {
			break
		}
		wi := wants[i]
		if wi.Commit != "" {
			if r.InHead == nil {
				t.Errorf("%s: in_head missing from a history finding", wi)
			}
			if r.Author != "Alice Author" || r.Email != "alice@example.com" {
				t.Errorf("%s: author %q <%s>, want the commit's author Alice Author <alice@example.com>", wi, r.Author, r.Email)
			}
			if wi.Date != "" && r.Date != wi.Date {
				t.Errorf("%s: date %q, want the author date %q", wi, r.Date, wi.Date)
			}
		} else if r.Commit != "" || r.InHead != nil || r.Author != "" || r.Date != "" {
			t.Errorf("%s: a dir or stdin finding has git provenance: commit %q in_head %v author %q date %q", wi, r.Commit, r.InHead, r.Author, r.Date)
		}
	}
}

// importCommit is one commit for fixture.importCommits: files written (path to
// content) on top of the previous commit's tree.
type importCommit struct {
	msg   string
	files map[string]string
}

// importCommits appends commits to branch with one `git fast-import` (much faster
// than a git process per commit) and returns their ids, oldest first. Dates advance
// one hour per commit as with commit. The work tree is not updated.
func (f *fixture) importCommits(branch string, commits []importCommit) []string {
	f.t.Helper()
	var b strings.Builder
	data := func(s string) { fmt.Fprintf(&b, "data %d\n%s\n", len(s), s) }
	for i, c := range commits {
		f.tick++
		when := e2eBaseTime + f.tick*3600
		fmt.Fprintf(&b, "commit refs/heads/%s\nmark :%d\n", branch, i+1)
		fmt.Fprintf(&b, "author Alice Author <alice@example.com> %d +0000\n", when)
		fmt.Fprintf(&b, "committer Carol Committer <carol@example.com> %d +0000\n", when+60)
		data(c.msg)
		paths := make([]string, 0, len(c.files))
		for p := range c.files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			fmt.Fprintf(&b, "M 100644 inline %s\n", p)
			data(c.files[p])
		}
		b.WriteByte('\n')
	}
	cmd := gitCmd(f.dir, f.tick, "fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		f.t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	ids := strings.Fields(f.git("rev-list", "--reverse", "-n", fmt.Sprint(len(commits)), branch))
	if len(ids) != len(commits) {
		f.t.Fatalf("git fast-import made %d commits, want %d", len(ids), len(commits))
	}
	return ids
}
