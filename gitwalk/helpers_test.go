package gitwalk

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// baseTime is the date of the first fixture commit (2020-01-01T00:00:00Z).
const baseTime = 1577836800

// gitRepo builds a fixture repository with the git CLI. Every commit gets
// a deterministic date one hour after the previous one unless set.
type gitRepo struct {
	t    testing.TB
	dir  string
	tick int64
}

func newGitRepo(t testing.TB, initArgs ...string) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not available")
	}
	g := &gitRepo{t: t, dir: t.TempDir()}
	g.git(append([]string{"init", "-q"}, initArgs...)...)
	return g
}

func gitEnv(date int64) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	d := fmt.Sprintf("%d +0000", date)
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Alice Author",
		"GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Carol Committer",
		"GIT_COMMITTER_EMAIL=carol@example.com",
		"GIT_AUTHOR_DATE="+d,
		"GIT_COMMITTER_DATE="+d,
	)
}

var gitConfigArgs = []string{
	"-c", "init.defaultBranch=main",
	"-c", "commit.gpgsign=false",
	"-c", "tag.gpgsign=false",
	"-c", "gc.auto=0",
	"-c", "core.autocrlf=false",
	"-c", "advice.detachedHead=false",
	"-c", "merge.conflictStyle=merge",
}

// run runs git in the fixture and returns its trimmed output and error.
func (g *gitRepo) run(args ...string) (string, error) {
	g.t.Helper()
	cmd := exec.Command("git", append(append([]string(nil), gitConfigArgs...), args...)...)
	cmd.Dir = g.dir
	cmd.Env = gitEnv(baseTime + g.tick*3600)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// git runs git and fails the test on error.
func (g *gitRepo) git(args ...string) string {
	g.t.Helper()
	out, err := g.run(args...)
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (g *gitRepo) write(path, content string) {
	g.t.Helper()
	p := filepath.Join(g.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gitRepo) remove(path string) {
	g.t.Helper()
	if err := os.Remove(filepath.Join(g.dir, filepath.FromSlash(path))); err != nil {
		g.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the new commit id.
func (g *gitRepo) commit(msg string) string {
	g.t.Helper()
	g.tick++
	g.git("add", "-A")
	g.git("commit", "-q", "--allow-empty", "-m", msg)
	return g.git("rev-parse", "HEAD")
}

// commitAt is commit with an explicit date (Unix seconds).
func (g *gitRepo) commitAt(msg string, date int64) string {
	g.t.Helper()
	saved := g.tick
	g.tick = (date - baseTime) / 3600
	if (date-baseTime)%3600 != 0 {
		g.t.Fatalf("commitAt: date %d is not a whole hour after baseTime", date)
	}
	g.git("add", "-A")
	g.git("commit", "-q", "--allow-empty", "-m", msg)
	g.tick = saved
	return g.git("rev-parse", "HEAD")
}

func (g *gitRepo) revParse(rev string) string {
	g.t.Helper()
	return g.git("rev-parse", rev)
}

func blobID(content string) plumbing.Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, []byte(content))
}

// looseObjectPath returns the file of loose object id in the fixture.
func (g *gitRepo) looseObjectPath(id string) string {
	return filepath.Join(g.dir, ".git", "objects", id[:2], id[2:])
}

func openRepo(t testing.TB, path string) *Repo {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func walkRepo(t testing.TB, path string) (*Repo, *Index) {
	t.Helper()
	r := openRepo(t, path)
	ix, err := r.Walk(context.Background())
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return r, ix
}

// readAll runs ReadBlobs with a concurrent receiver and returns what it got.
func readAll(t testing.TB, r *Repo, ix *Index, maxSize int64) (map[plumbing.Hash]Blob, int, error) {
	t.Helper()
	out := make(chan Blob, 4)
	got := make(map[plumbing.Hash]Blob)
	count := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range out {
			count++
			got[b.ID] = b
		}
	}()
	err := r.ReadBlobs(context.Background(), ix, maxSize, out)
	close(out)
	<-done
	return got, count, err
}
