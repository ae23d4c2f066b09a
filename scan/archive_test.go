package scan

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/detectors"
)

func testEngine(t *testing.T) *detectors.Engine {
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

func archiveFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "archive", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func zipBytes(t *testing.T, files ...string) []byte {
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
	return b.Bytes()
}

// runItems scans items with s and returns the results and stats.
func runItems(t *testing.T, s *Scanner, items ...*Item) ([]*Result, Stats) {
	t.Helper()
	ch := make(chan *Item, len(items))
	for _, it := range items {
		if it.Size == 0 {
			it.Size = int64(len(it.Data))
		}
		ch <- it
	}
	close(ch)
	var rs []*Result
	st, err := s.Run(context.Background(), ch, func(r *Result) { rs = append(rs, r) })
	if err != nil {
		t.Fatal(err)
	}
	return rs, st
}

func TestScanArchiveMembers(t *testing.T) {
	wheel := archiveFixture(t, "pkg-1.0-py3-none-any.whl")
	var suppressLines []string
	s := &Scanner{Engine: testEngine(t), Workers: 1, ArchiveDepth: 2,
		Suppress: func(f *detectors.Finding, line, prev string) (allowlist.Verdict, bool) {
			suppressLines = append(suppressLines, line)
			return allowlist.Verdict{}, false
		}}
	rs, st := runItems(t, s,
		&Item{Paths: []string{"dist/pkg-1.0-py3-none-any.whl", "copy/pkg.whl"}, Data: wheel},
		&Item{Paths: []string{"vendor/nested.zip"}, Data: archiveFixture(t, "nested.zip")},
	)
	found := map[string]detectors.Finding{}
	for _, r := range rs {
		if r.Archive == nil {
			t.Fatalf("%v: not expanded", r.Item.Paths)
		}
		if r.Item.Blob != BlobID(map[bool][]byte{true: wheel, false: archiveFixture(t, "nested.zip")}[r.Item.Paths[0] == "dist/pkg-1.0-py3-none-any.whl"]) {
			t.Errorf("%v: blob %s is not the archive's", r.Item.Paths, r.Item.Blob)
		}
		for p, fs := range r.Findings {
			for _, f := range fs {
				if f.Path != p {
					t.Errorf("finding path %q under key %q", f.Path, p)
				}
				found[p] = f
			}
		}
	}
	for _, p := range []string{
		"dist/pkg-1.0-py3-none-any.whl!pkg/settings.py",
		"copy/pkg.whl!pkg/settings.py",
		"vendor/nested.zip!inner.tar.gz!app/config.py",
	} {
		if _, ok := found[p]; !ok {
			t.Errorf("no finding at %s (found at %v)", p, mapsKeys(found))
		}
	}
	if f := found["dist/pkg-1.0-py3-none-any.whl!pkg/settings.py"]; f.RuleID != "aws-access-key-id" || f.Line != 2 || f.Column != 22 {
		t.Errorf("settings.py finding %s at %d:%d, want aws-access-key-id at 2:22 (within the member)", f.RuleID, f.Line, f.Column)
	}
	if !slices.Contains(suppressLines, `AWS_ACCESS_KEY_ID = "AKIAQ7R2XW5TNYE6H3PL"`) {
		t.Errorf("Suppress saw lines %q, not the member's", suppressLines)
	}
	if st.Archives != 2 || st.Blobs != 2 || st.ArchiveMembers != 4+2 || st.ArchiveLimited != 0 || st.ArchiveCorrupt != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestScanArchivePolicy(t *testing.T) {
	bomb := zipBytes(t, "zeros.txt", strings.Repeat("\x00", 2<<20), "later.env", "TOKEN=ghp_Wq3Zr8Tn5Kx2Mv7Lp9Yb4Hd6Fs1Gj0Ac2Ee5\n")
	first := zipBytes(t, "first.env", "TOKEN=ghp_Wq3Zr8Tn5Kx2Mv7Lp9Yb4Hd6Fs1Gj0Ac2Ee5\n", "zeros.txt", strings.Repeat("0", 2<<20))
	mixed := zipBytes(t, "img.bin", "\x89PNG\x00\x00", "big.txt", strings.Repeat("b", 2000), "ok.txt", "ok")
	trunc := archiveFixture(t, "truncated.zip")
	s := &Scanner{Engine: testEngine(t), Workers: 2, ArchiveDepth: 2, MaxSize: 1000}
	rs, st := runItems(t, s,
		&Item{Paths: []string{"bomb.zip"}, Data: bomb},
		&Item{Paths: []string{"first.zip"}, Data: first},
		&Item{Paths: []string{"mixed.zip"}, Data: mixed},
		&Item{Paths: []string{"trunc.whl"}, Data: trunc},
	)
	byPath := map[string]*Result{}
	for _, r := range rs {
		byPath[r.Item.Paths[0]] = r
	}
	if r := byPath["bomb.zip"]; r.Archive.Limit == nil || len(r.Findings) != 0 {
		t.Errorf("bomb.zip: limit %v, findings %v", r.Archive.Limit, r.Findings)
	}
	// Members scanned before a bomb keep their findings.
	if r := byPath["first.zip"]; r.Archive.Limit == nil || len(r.Findings["first.zip!first.env"]) != 1 {
		t.Errorf("first.zip: limit %v, findings %v", r.Archive.Limit, r.Findings)
	}
	if r := byPath["trunc.whl"]; r.Archive.Corrupt == nil || !r.Binary || r.Err != nil {
		t.Errorf("trunc.whl: corrupt %v, binary %v, err %v", r.Archive.Corrupt, r.Binary, r.Err)
	}
	// A member over the size cap is skipped (mixed.zip!big.txt); its neighbours
	// are scanned.
	want := Stats{Blobs: 1, Binary: 2, Oversized: 1, Errors: 0, Findings: 1, Archives: 4, ArchiveMembers: 2, ArchiveLimited: 2, ArchiveCorrupt: 1}
	if st.Blobs != want.Blobs || st.Binary != want.Binary || st.Oversized != want.Oversized || st.Errors != 0 ||
		st.Findings != want.Findings || st.Archives != want.Archives || st.ArchiveMembers != want.ArchiveMembers ||
		st.ArchiveLimited != want.ArchiveLimited || st.ArchiveCorrupt != want.ArchiveCorrupt {
		t.Errorf("stats %+v\nwant  %+v", st, want)
	}
	if len(st.ArchiveLimitedPaths) != 2 || !strings.Contains(strings.Join(st.ArchiveLimitedPaths, " "), "bomb.zip (bomb.zip!zeros.txt: declares a compression ratio over 100:1") {
		t.Errorf("limited paths %q", st.ArchiveLimitedPaths)
	}
	if len(st.ArchiveCorruptPaths) != 1 || !strings.HasPrefix(st.ArchiveCorruptPaths[0], "trunc.whl (") {
		t.Errorf("corrupt paths %q", st.ArchiveCorruptPaths)
	}
	if !slices.ContainsFunc(st.OversizedPaths, func(p string) bool { return strings.HasPrefix(p, "mixed.zip!big.txt") }) {
		t.Errorf("oversized paths %q", st.OversizedPaths)
	}
}

// TestScanArchiveOff: with ArchiveDepth 0 an archive is binary content.
func TestScanArchiveOff(t *testing.T) {
	s := &Scanner{Engine: testEngine(t), Workers: 1}
	rs, st := runItems(t, s, &Item{Paths: []string{"a.whl"}, Data: archiveFixture(t, "pkg-1.0-py3-none-any.whl")})
	if !rs[0].Binary || rs[0].Archive != nil || st.Binary != 1 || st.Archives != 0 {
		t.Errorf("result %+v, stats %+v", rs[0], st)
	}
}

// TestScanDecodedText: the scanner reports secrets in encoded text.
func TestScanDecodedText(t *testing.T) {
	enc := base64.StdEncoding.EncodeToString([]byte("export GITHUB_TOKEN=ghp_Wq3Zr8Tn5Kx2Mv7Lp9Yb4Hd6Fs1Gj0Ac2Ee5\n"))
	s := &Scanner{Engine: testEngine(t), Workers: 1}
	rs, _ := runItems(t, s, &Item{Paths: []string{"k8s/cm.yaml"}, Data: []byte("data:\n  boot.sh: " + enc + "\n")})
	fs := rs[0].Findings["k8s/cm.yaml"]
	if len(fs) != 1 || !fs[0].Decoded || fs[0].RuleID != "github-pat" || fs[0].Line != 2 {
		t.Errorf("findings %+v", fs)
	}
}

func mapsKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
