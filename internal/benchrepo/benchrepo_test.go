package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/gitwalk"
	"github.com/secretsweep/secretsweep/internal/benchrepo/planted"
	"github.com/secretsweep/secretsweep/scan"
)

func engine(t *testing.T) *detectors.Engine {
	t.Helper()
	cfg, err := detectors.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detectors.NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func reports(t *testing.T, eng *detectors.Engine, path, content, rule, value string) bool {
	t.Helper()
	fs, err := eng.Scan(path, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.RuleID == rule && f.Secret == value {
			return true
		}
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.RuleID+"="+f.Secret)
	}
	t.Errorf("%s: %s not reported; findings: %v\n%s", path, rule, got, content)
	return false
}

// Every kind of planted secret must be reported by its rule, with the
// recorded value, in its new file and appended to every appendable type.
func TestSecretKindsAreReported(t *testing.T) {
	eng := engine(t)
	exts := make([]string, 0, len(appendable))
	for e := range appendable {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	for _, k := range secretKinds {
		for seed := int64(0); seed < 20; seed++ {
			r := rand.New(rand.NewSource(seed))
			v := k.gen(r)
			name, content := k.newFile(r, v)
			reports(t, eng, "app/service/"+name, content, k.rule, v)
			if k.line == nil {
				continue
			}
			for _, ext := range exts {
				body := "package x\n\nfunc f() {}\n"
				if ext == ".py" {
					body = "def f():\n    return 1\n"
				}
				reports(t, eng, "app/service/mod"+ext, body+k.line(ext, v), k.rule, v)
			}
		}
	}
}

// scanHistory is the pipeline of `secretsweep history` reduced to what the
// recall check needs: (rule, path, commit, secret) of every finding.
func scanHistory(t *testing.T, dir string) []planted.Record {
	t.Helper()
	ctx := context.Background()
	repo, err := gitwalk.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	ix, err := repo.Walk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	blobs := make(chan gitwalk.Blob, 8)
	items := make(chan *scan.Item, 8)
	done := make(chan error, 1)
	go func() {
		defer close(blobs)
		done <- repo.ReadBlobs(ctx, ix, 10<<20, blobs)
	}()
	go func() {
		defer close(items)
		for b := range blobs {
			items <- &scan.Item{Paths: ix.Paths(b.ID), Blob: b.ID.String(), Data: b.Data, Size: b.Size, Oversized: b.Skipped}
		}
	}()
	type key struct{ rule, secret, path string }
	first := map[key]*gitwalk.Commit{}
	sc := &scan.Scanner{Engine: engine(t), Workers: runtime.NumCPU()}
	if _, err := sc.Run(ctx, items, func(r *scan.Result) {
		id := plumbing.NewHash(r.Item.Blob)
		for p, fs := range r.Findings {
			for _, f := range fs {
				c, ok := ix.Origin(id, p)
				k := key{f.RuleID, f.Secret, p}
				if ok && (first[k] == nil || c.Order < first[k].Order) {
					first[k] = c
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var out []planted.Record
	for k, c := range first {
		out = append(out, planted.Record{Rule: k.rule, Path: k.path, Commit: c.ID, Secret: k.secret})
	}
	return out
}

func smallOptions(dir string, sources []source) *options {
	return &options{out: dir, commits: 300, targetBytes: 3_000_000, targetBlobs: 450, initialFiles: 60,
		seed: 7, secrets: 12, sources: sources, quiet: true}
}

// A small generated history is deterministic (same commit ids for the same
// seed and sources), has about the requested size, and every planted secret
// is found at its commit and path.
func TestGenerate(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip("go env GOROOT:", err)
	}
	goroot := strings.TrimSpace(string(out))
	var sources []source
	for _, d := range []string{"net/http", "encoding", "go/types", "crypto/tls"} {
		if st, err := os.Stat(filepath.Join(goroot, "src", d)); err == nil && st.IsDir() {
			sources = append(sources, source{Dir: filepath.Join(goroot, "src", d), Prefix: "src/" + d + "/"})
		}
	}
	if len(sources) == 0 {
		t.Skip("GOROOT/src not available")
	}
	// The fast-import stream, which fixes every object id, is the same for
	// the same seed and sources.
	o := smallOptions(t.TempDir(), sources)
	streamOf := func() []byte {
		dirs, _, _, err := discover(o.sources, o.out)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := newHistory(o, dirs, bufio.NewWriter(&buf)).run(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if sa, sb := streamOf(), streamOf(); !bytes.Equal(sa, sb) {
		t.Fatalf("two runs with the same seed write different histories (%d and %d bytes)", len(sa), len(sb))
	}
	a := filepath.Join(t.TempDir(), "a")
	if err := generate(smallOptions(a, sources)); err != nil {
		t.Fatal(err)
	}
	count, err := git(a, "rev-list", "--all", "--count")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(count)); got != "300" {
		t.Errorf("commits = %s, want 300", got)
	}
	blobs, size := 0, int64(0)
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)")
	cmd.Dir = a
	outp, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(outp)
	for sc.Scan() {
		typ, n, _ := strings.Cut(sc.Text(), " ")
		if typ == "blob" {
			blobs++
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			size += v
		}
	}
	io.Copy(io.Discard, outp)
	cmd.Wait()
	if blobs < 400 || blobs > 520 || size < 2_500_000 || size > 3_500_000 {
		t.Errorf("%d blobs, %d bytes; want about 450 and 3,000,000", blobs, size)
	}
	pf, err := planted.Load(filepath.Join(a, "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Secrets) != 12 {
		t.Fatalf("%d planted secrets, want 12", len(pf.Secrets))
	}
	res := planted.Check(pf, scanHistory(t, a))
	if res.Found != res.Total || res.ValuesChecked != res.Total {
		for _, m := range res.Missing {
			t.Errorf("missing %+v: %s", m.Secret, m.Why)
		}
		t.Fatalf("planted: %d/%d found (values checked: %v)", res.Found, res.Total, res.ValuesChecked)
	}
}
