package archive

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/archive")

func TestDetect(t *testing.T) {
	text := []byte(strings.Repeat("PK is the prefix of a zip file; this is text.\n", 20))
	v7 := tarOf(t, entry{name: "a.txt", data: "hello\n"})
	// Turn the header into a v7 one: no magic, checksum recomputed.
	copy(v7[257:265], make([]byte, 8))
	var sum int
	for i, c := range v7[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int(c)
	}
	copy(v7[148:156], []byte(strings.Repeat("0", 6-len(octal(sum)))+octal(sum)+"\x00 "))
	badSum := slices.Clone(v7)
	badSum[0] = 'b'
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		data []byte
		want Kind
	}{
		{"zip", zipOf(t, entry{name: "a.txt", data: "x"}), Zip},
		{"wheel", readTestdata(t, "pkg-1.0-py3-none-any.whl"), Zip},
		{"jar", readTestdata(t, "app.jar"), Zip},
		{"empty zip", zipOf(t), Zip},
		{"tar", tarOf(t, entry{name: "a.txt", data: "x"}), Tar},
		{"v7 tar", v7, Tar},
		{"tar with a bad checksum", badSum, None},
		{"tar.gz", gzipOf(t, "", tarOf(t, entry{name: "a", data: "x"})), Gzip},
		{"gz", gzipOf(t, "notes.txt", []byte("notes")), Gzip},
		{"text", text, None},
		{"PK text", []byte("PK\x03"), None},
		{"empty", nil, None},
		{"png", png, None},
		{"512 zero bytes", make([]byte, 1024), None},
	}
	for _, tt := range tests {
		if got := Detect(tt.data); got != tt.want {
			t.Errorf("%s: Detect = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func octal(n int) string {
	var b []byte
	for ; n > 0; n /= 8 {
		b = append([]byte{byte('0' + n%8)}, b...)
	}
	return string(b)
}

// walked is what a Walk saw.
type walked struct {
	paths []string
	files map[string]string
	st    Stats
	err   error
}

func walk(t testing.TB, name string, data []byte, lim Limits) walked {
	t.Helper()
	w := walked{files: map[string]string{}}
	w.st, w.err = Walk(name, data, lim, func(p string, content []byte) error {
		if !strings.HasPrefix(p, name+"!") {
			t.Errorf("member path %q does not start with %q", p, name+"!")
		}
		w.paths = append(w.paths, p)
		w.files[p] = string(content)
		return nil
	})
	return w
}

func TestWalk(t *testing.T) {
	inner := gzipOf(t, "", tarOf(t, entry{name: "c.py", data: "TOKEN = 'x'\n"}))
	nested := zipOf(t, entry{name: "b.tar.gz", data: string(inner)}, entry{name: "top.txt", data: "top"})
	deep := zipOf(t, entry{name: "n.zip", data: string(nested)})
	truncZip := zipOf(t, entry{name: "a.txt", data: strings.Repeat("a", 1000)})
	truncZip = truncZip[:len(truncZip)/2]
	bigTar := tarOf(t, entry{name: "one.txt", data: "one"}, entry{name: "two.txt", data: strings.Repeat("2", 5000)})
	truncTar := bigTar[:512+512+512+1000]
	truncTgz := gzipOf(t, "", bigTar)
	truncTgz = truncTgz[:len(truncTgz)-12]
	badInner := zipOf(t, entry{name: "bad.zip", data: string(truncZip)}, entry{name: "ok.txt", data: "ok"})
	tests := []struct {
		name     string
		archive  string
		data     []byte
		lim      Limits
		want     []string // member paths, in order
		wantErr  error    // ErrLimit, ErrCorrupt or nil
		problems int
		over     int
		depthLim int
	}{
		{name: "wheel", archive: "dist/pkg-1.0-py3-none-any.whl", data: readTestdata(t, "pkg-1.0-py3-none-any.whl"), want: []string{
			"dist/pkg-1.0-py3-none-any.whl!pkg/__init__.py",
			"dist/pkg-1.0-py3-none-any.whl!pkg/settings.py",
			"dist/pkg-1.0-py3-none-any.whl!pkg-1.0.dist-info/METADATA",
			"dist/pkg-1.0-py3-none-any.whl!pkg-1.0.dist-info/RECORD",
		}},
		{name: "jar", archive: "app.jar", data: readTestdata(t, "app.jar"), want: []string{
			"app.jar!META-INF/MANIFEST.MF", "app.jar!BOOT-INF/classes/application.properties",
		}},
		{name: "tar: directories and links passed over", archive: "b.tar", data: tarOf(t,
			entry{name: "d/", dir: true}, entry{name: "d/f.txt", data: "f"}, entry{name: "d/l", link: "f.txt"}),
			want: []string{"b.tar!d/f.txt"}},
		{name: "zip: directories and links passed over", archive: "b.zip", data: zipOf(t,
			entry{name: "d/", dir: true}, entry{name: "d/f.txt", data: "f"}, entry{name: "d/l", link: "f.txt"}),
			want: []string{"b.zip!d/f.txt"}},
		{name: "tgz", archive: "b.tgz", data: readTestdata(t, "bundle.tar.gz"), want: []string{"b.tgz!bundle/.env", "b.tgz!bundle/deploy.sh"}},
		{name: "gz with a stored name", archive: "logs/x.gz", data: gzipOf(t, "app.log", []byte("log")), want: []string{"logs/x.gz!app.log"}},
		{name: "gz without a name", archive: "logs/app.log.gz", data: gzipOf(t, "", []byte("log")), want: []string{"logs/app.log.gz!app.log"}},
		{name: "nested", archive: "a.zip", data: nested, want: []string{"a.zip!b.tar.gz!c.py", "a.zip!top.txt"}},
		{name: "depth 1", archive: "a.zip", data: nested, lim: Limits{MaxDepth: 1}, want: []string{"a.zip!b.tar.gz", "a.zip!top.txt"}, depthLim: 1},
		{name: "depth 2 of 3", archive: "d.zip", data: deep, want: []string{"d.zip!n.zip!b.tar.gz", "d.zip!n.zip!top.txt"}, depthLim: 1},
		{name: "depth 3", archive: "d.zip", data: deep, lim: Limits{MaxDepth: 3}, want: []string{"d.zip!n.zip!b.tar.gz!c.py", "d.zip!n.zip!top.txt"}},
		{name: "names cleaned", archive: "n.zip", data: zipOf(t,
			entry{name: "/abs/a.txt", data: "a"}, entry{name: "../../up.txt", data: "u"}, entry{name: `win\dir\w.txt`, data: "w"},
			entry{name: "bang!name.txt", data: "b"}, entry{name: "ctl\x1b[31m.txt", data: "c"}),
			want: []string{"n.zip!abs/a.txt", "n.zip!up.txt", "n.zip!win/dir/w.txt", "n.zip!bang!name.txt", "n.zip!ctl?[31m.txt"}},
		{name: "oversized member skipped", archive: "o.zip", lim: Limits{MaxMember: 100}, data: zipOf(t,
			entry{name: "big.txt", data: strings.Repeat("x", 101)}, entry{name: "small.txt", data: "s"}),
			want: []string{"o.zip!small.txt"}, over: 1},
		{name: "oversized tar member skipped", archive: "o.tar", lim: Limits{MaxMember: 100}, data: tarOf(t,
			entry{name: "big.txt", data: strings.Repeat("x", 101)}, entry{name: "small.txt", data: "s"}),
			want: []string{"o.tar!small.txt"}, over: 1},
		{name: "oversized gz", archive: "o.gz", lim: Limits{MaxMember: 100}, data: gzipOf(t, "", []byte(strings.Repeat("x", 101))), over: 1},
		{name: "truncated zip", archive: "t.zip", data: truncZip, wantErr: ErrCorrupt},
		{name: "truncated tar", archive: "t.tar", data: truncTar, want: []string{"t.tar!one.txt", "t.tar!two.txt"}, wantErr: ErrCorrupt},
		{name: "truncated tgz", archive: "t.tgz", data: truncTgz, want: []string{"t.tgz!one.txt", "t.tgz!two.txt"}, wantErr: ErrCorrupt},
		{name: "corrupt nested zip passed as a member", archive: "c.zip", data: badInner, want: []string{"c.zip!bad.zip", "c.zip!ok.txt"}, problems: 1},
		{name: "corrupt testdata zip", archive: "truncated.zip", data: readTestdata(t, "truncated.zip"), wantErr: ErrCorrupt},
		{name: "corrupt testdata tgz", archive: "truncated.tar.gz", data: readTestdata(t, "truncated.tar.gz"), want: []string{"truncated.tar.gz!bundle/.env"}, wantErr: ErrCorrupt},
		{name: "too many entries", archive: "e.tar", lim: Limits{MaxEntries: 2}, data: tarOf(t,
			entry{name: "1", data: "1"}, entry{name: "2", data: "2"}, entry{name: "3", data: "3"}),
			want: []string{"e.tar!1", "e.tar!2"}, wantErr: ErrLimit},
		{name: "ratio over the limit", archive: "r.zip", data: zipOf(t, entry{name: "z", data: strings.Repeat("\x00", 2<<20)}), wantErr: ErrLimit},
		{name: "ratio over the limit, gz", archive: "r.gz", data: gzipOf(t, "", make([]byte, 2<<20)), wantErr: ErrLimit},
		{name: "total over the limit", archive: "t.zip", lim: Limits{MaxTotal: 1000, MaxRatio: 1 << 40}, data: zipOf(t,
			entry{name: "a", data: strings.Repeat("a", 600)}, entry{name: "b", data: strings.Repeat("b", 600)}),
			want: []string{"t.zip!a"}, wantErr: ErrLimit},
		{name: "empty zip", archive: "e.zip", data: zipOf(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := walk(t, tt.archive, tt.data, tt.lim)
			if !slices.Equal(w.paths, tt.want) {
				t.Errorf("paths = %q, want %q", w.paths, tt.want)
			}
			switch {
			case tt.wantErr == nil && w.err != nil:
				t.Errorf("error %v", w.err)
			case tt.wantErr != nil && !errors.Is(w.err, tt.wantErr):
				t.Errorf("error %v, want %v", w.err, tt.wantErr)
			}
			if errors.Is(w.err, ErrLimit) && errors.Is(w.err, ErrCorrupt) {
				t.Errorf("error %v is both a limit and corruption", w.err)
			}
			if len(w.st.Problems) != tt.problems {
				t.Errorf("problems %v, want %d", w.st.Problems, tt.problems)
			}
			if len(w.st.Oversized) != tt.over {
				t.Errorf("oversized %v, want %d", w.st.Oversized, tt.over)
			}
			if w.st.DepthLimited != tt.depthLim {
				t.Errorf("depth-limited %d, want %d", w.st.DepthLimited, tt.depthLim)
			}
			if w.st.Members != len(w.paths) {
				t.Errorf("Members = %d, fn called %d times", w.st.Members, len(w.paths))
			}
		})
	}
}

func TestWalkContent(t *testing.T) {
	w := walk(t, "dist/pkg-1.0-py3-none-any.whl", readTestdata(t, "pkg-1.0-py3-none-any.whl"), Limits{})
	if got := w.files["dist/pkg-1.0-py3-none-any.whl!pkg/settings.py"]; !strings.Contains(got, "AWS_ACCESS_KEY_ID") {
		t.Errorf("settings.py content %q", got)
	}
	w = walk(t, "n.zip", readTestdata(t, "nested.zip"), Limits{})
	if got := w.files["n.zip!inner.tar.gz!app/config.py"]; !strings.Contains(got, "ghp_") {
		t.Errorf("nested member content %q (members %q)", got, w.paths)
	}
}

// TestWalkFnError: fn's error stops the walk and is returned unchanged.
func TestWalkFnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Walk("a.zip", zipOf(t, entry{name: "1", data: "1"}, entry{name: "2", data: "2"}), Limits{}, func(string, []byte) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err %v after %d calls, want stop after 1", err, n)
	}
}

// TestBombs: a gigabyte of zeros in a zip, a gzip and a tar.gz, each about a
// megabyte, is recognised in well under a second with little memory.
func TestBombs(t *testing.T) {
	const gib = 1024 // MiB
	manySmall := func() []byte {
		// 300 members of 1 MiB of zeros each: every member under the ratio
		// floor, the whole archive far over the ratio.
		var es []entry
		z := strings.Repeat("\x00", 1<<20)
		for i := range 300 {
			es = append(es, entry{name: "z" + octal(i+8), data: z})
		}
		return zipOf(t, es...)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"zip 1 GiB", zipBomb(t, gib)},
		{"zip 1 GiB declaring 5 MiB", zipBombDeclaring(t, gib, 5<<20)},
		{"gzip 1 GiB", gzipBomb(t, gib)},
		{"tar.gz 1 GiB", tgzBomb(t, gib)},
		{"zip of 300 MiB in 1 MiB members", manySmall()},
		{"zip in zip", zipOf(t, entry{name: "inner.zip", data: string(zipBomb(t, gib))})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			st, err := Walk("bomb", tt.data, Limits{}, func(string, []byte) error { return nil })
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrLimit) {
				t.Errorf("err = %v, want a limit", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d bytes in: %v after %v, %d bytes out, %.1f MiB allocated", len(tt.data), err, elapsed, st.Bytes, float64(alloc)/(1<<20))
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc > 300<<20 {
				t.Errorf("allocated %d bytes in all", alloc)
			}
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "archive", name))
	if err != nil {
		t.Fatalf("%v (run go test ./archive -run TestTestdata -update)", err)
	}
	return data
}

// testdataFiles are the archives in testdata/archive: fixtures for the tests of
// this package, of the scanner and of the command, and seeds for the fuzzer.
// Secrets in them are made up.
func testdataFiles(t testing.TB) map[string][]byte {
	wheel := zipOf(t,
		entry{name: "pkg/", dir: true},
		entry{name: "pkg/__init__.py", data: "__version__ = \"1.0\"\n"},
		entry{name: "pkg/settings.py", data: "DEBUG = False\nAWS_ACCESS_KEY_ID = \"AKIAQ7R2XW5TNYE6H3PL\"\n"},
		entry{name: "pkg-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n"},
		entry{name: "pkg-1.0.dist-info/RECORD", data: "pkg/__init__.py,,\npkg/settings.py,,\n"},
	)
	jar := zipOf(t,
		entry{name: "META-INF/", dir: true},
		entry{name: "META-INF/MANIFEST.MF", data: "Manifest-Version: 1.0\n"},
		entry{name: "BOOT-INF/classes/application.properties", data: "spring.datasource.password=Vq7#mZ2!pL9x\n"},
	)
	bundle := tarOf(t,
		entry{name: "bundle/", dir: true},
		entry{name: "bundle/.env", data: "DATABASE_PASSWORD=Zt4pQ8wX2mK7\n"},
		entry{name: "bundle/deploy.sh", data: "#!/bin/sh\nexport API_TOKEN=\"tok_9fK2mQ7xZ4pW8vL3\"\n"},
	)
	tgz := gzipOf(t, "", bundle)
	innerTgz := gzipOf(t, "", tarOf(t, entry{name: "app/config.py", data: "GITHUB_TOKEN = \"ghp_Wq3Zr8Tn5Kx2Mv7Lp9Yb4Hd6Fs1Gj0Ac2Ee5\"\n"}))
	nested := zipOf(t, entry{name: "inner.tar.gz", data: string(innerTgz)}, entry{name: "README.txt", data: "nested archive\n"})
	truncZip := wheel[:len(wheel)-30]
	truncTgz := tgz[:len(tgz)*2/3]
	return map[string][]byte{
		"pkg-1.0-py3-none-any.whl": wheel,
		"app.jar":                  jar,
		"bundle.tar":               bundle,
		"bundle.tar.gz":            tgz,
		"notes.txt.gz":             gzipOf(t, "notes.txt", []byte("password = \"hunter2hunter2\"\n")),
		"nested.zip":               nested,
		"truncated.zip":            truncZip,
		"truncated.tar.gz":         truncTgz,
	}
}

// TestTestdata checks that testdata/archive holds the files testdataFiles
// builds; -update writes them. Compressed bytes may differ between Go versions,
// so the files are compared by their members.
func TestTestdata(t *testing.T) {
	dir := filepath.Join("..", "testdata", "archive")
	for name, data := range testdataFiles(t) {
		file := filepath.Join(dir, name)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (go test ./archive -run TestTestdata -update)", err)
		}
		if bytes.Equal(have, data) {
			continue
		}
		a, b := walk(t, name, have, Limits{}), walk(t, name, data, Limits{})
		if !slices.Equal(a.paths, b.paths) || (a.err == nil) != (b.err == nil) {
			t.Errorf("%s: members %q (%v), want %q (%v)", name, a.paths, a.err, b.paths, b.err)
		}
		for p, c := range b.files {
			if a.files[p] != c && a.err == nil {
				t.Errorf("%s: member %s differs", name, p)
			}
		}
	}
}
