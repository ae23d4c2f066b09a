package main

// Hostile-input tests: damaged repositories (truncated packs, corrupt loose
// objects, trees naming missing or mistyped objects, lying object headers),
// shallow clones, huge blobs, odd path names in history. Every case ends in a
// correct scan, or in exit 2 with a message naming the object or path at fault:
// never a panic, never a hang, never exit 0 or 1 when part of the input could not
// be read. Each run() is guarded by a context deadline (ssGuard). The directory
// cases are in hostile_dir_test.go, the secrecy sweep in hostile_secrets_test.go.

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretsweep/secretsweep/report"
)

// hostileTimeout bounds one guarded run() call. The cases finish in well under a
// second each; the margin is for slow, loaded CI machines.
const hostileTimeout = 60 * time.Second

// ssGuard is ss with a deadline and a panic guard: it fails the test, naming the
// command, when run() panics, is still running at the deadline (it is then
// cancelled, and given a grace period to return before the test gives up on it),
// or returns only because the deadline cancelled it.
func ssGuard(t testing.TB, stdin io.Reader, args ...string) ssResult {
	t.Helper()
	return ssGuardTimeout(t, hostileTimeout, stdin, args...)
}

func ssGuardTimeout(t testing.TB, timeout time.Duration, stdin io.Reader, args ...string) ssResult {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out, errb bytes.Buffer
	type ret struct {
		code  int
		panic any
		stack []byte
	}
	done := make(chan ret, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- ret{panic: p, stack: debug.Stack()}
			}
		}()
		done <- ret{code: run(ctx, args, stdin, &out, &errb)}
	}()
	cmd := fmt.Sprintf("secretsweep %q", args)
	select {
	case r := <-done:
		if r.panic != nil {
			t.Fatalf("%s panicked: %v\n%s", cmd, r.panic, r.stack)
		}
		if ctx.Err() != nil {
			t.Fatalf("%s did not finish within %v (it returned exit %d once cancelled)\nstderr:\n%s", cmd, timeout, r.code, errb.String())
		}
		return ssResult{code: r.code, stdout: out.String(), stderr: errb.String()}
	case <-time.After(timeout + 15*time.Second):
		t.Fatalf("%s hangs: still running 15s after its context was cancelled at %v", cmd, timeout)
	}
	panic("unreachable")
}

// mustNameOneOf fails unless r is a failed or incomplete scan (exit 2) whose
// stderr names at least one of names (object ids or paths).
func (r ssResult) mustNameOneOf(t testing.TB, what string, names ...string) {
	t.Helper()
	if r.code != exitError {
		t.Errorf("%s: want exit 2 (incomplete scan), got:\n%s", what, r)
		return
	}
	for _, n := range names {
		if strings.Contains(r.stderr, n) {
			return
		}
	}
	if len(names) > 8 {
		names = append(names[:8:8], "...")
	}
	t.Errorf("%s: exit 2 but stderr names none of %q:\n%s", what, names, r.stderr)
}

// checkReportFormat checks that stdout is a well-formed report in format, and returns
// how many findings it holds.
func checkReportFormat(t testing.TB, what, format, stdout string) int {
	t.Helper()
	switch format {
	case "json":
		return len(records(t, stdout))
	case "jsonl":
		n := 0
		sc := bufio.NewScanner(strings.NewReader(stdout))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var rec report.Record
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Errorf("%s: jsonl line %d is not a finding: %v\n%s", what, n+1, err, sc.Text())
			}
			n++
		}
		return n
	case "sarif":
		var log struct {
			Version string `json:"version"`
			Runs    []struct {
				Results []struct {
					Locations []struct {
						Physical struct {
							Artifact struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(stdout), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 {
			t.Errorf("%s: not a SARIF 2.1.0 log with one run (%v):\n%s", what, err, stdout)
			return 0
		}
		for _, res := range log.Runs[0].Results {
			for _, loc := range res.Locations {
				if u := loc.Physical.Artifact.URI; strings.ContainsAny(u, " \t\r\n%") && !percentEncoded.MatchString(u) {
					t.Errorf("%s: SARIF uri %q is not percent-encoded", what, u)
				}
			}
		}
		return len(log.Runs[0].Results)
	case "github":
		n := 0
		for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
			if line == "" {
				continue
			}
			if !githubCommandLine.MatchString(line) {
				t.Errorf("%s: not a workflow command: %q", what, line)
			}
			n++
		}
		return n
	}
	return -1
}

var (
	percentEncoded    = regexp.MustCompile(`^([A-Za-z0-9\-._~/!$&'()*+,;=@]|%[0-9A-F]{2})*$`)
	githubCommandLine = regexp.MustCompile(`^::(error|warning|notice) file=[^,:\r\n]*,line=\d+[^\r\n]*::[^\r\n]*$`)
)

// minimalConfig replaces the built-in rules by the AWS key rule only: the
// corruption sweeps run the scanner hundreds of times, and what they test is
// reading the repository, not the rules.
const minimalConfig = `[[rules]]
id = "aws-access-key-id"
description = "AWS access key ID"
regex = '''\b((?:AKIA|ASIA)[A-Z2-7]{16})\b'''
secret_group = 1
keywords = ["akia", "asia"]
severity = "high"
`

func writeMinimalConfig(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "minimal.toml")
	writeFile(t, p, minimalConfig)
	return p
}

// makeWritable lets the test overwrite git's read-only object files (it
// matters when the tests do not run as root).
func makeWritable(t testing.TB, path string) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// packObject is one line of `git verify-pack -v`.
type packObject struct {
	id, typ     string
	offset, end int64 // bytes [offset, end) of the pack hold the object
	base        string
}

func packObjects(t testing.TB, f *fixture, pack string) []packObject {
	t.Helper()
	var objs []packObject
	for _, line := range strings.Split(f.git("verify-pack", "-v", pack), "\n") {
		fs := strings.Fields(line)
		if len(fs) < 5 || !hex40.MatchString(fs[0]) {
			continue
		}
		inPack, err1 := strconv.ParseInt(fs[3], 10, 64)
		off, err2 := strconv.ParseInt(fs[4], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("verify-pack line %q", line)
		}
		o := packObject{id: fs[0], typ: fs[1], offset: off, end: off + inPack}
		if len(fs) >= 7 {
			o.base = fs[6]
		}
		objs = append(objs, o)
	}
	if len(objs) == 0 {
		t.Fatalf("verify-pack %s lists no objects", pack)
	}
	return objs
}

// repackOne repacks the repository into a single pack and returns its path.
func repackOne(t testing.TB, f *fixture) string {
	t.Helper()
	f.git("repack", "-a", "-d", "-q")
	packs, _ := filepath.Glob(filepath.Join(f.dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("want one pack after git repack -a -d, got %q", packs)
	}
	return packs[0]
}

// A pack cut short loses the objects at its end: the scan reports them, and
// still exits 2 when only the trailing checksum is gone (or reads every object
// correctly). The index cut short is the same.
func TestHostileTruncatedPack(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	// Incompressible content, so that the pack is tens of KiB and cutting a few
	// KiB removes whole objects.
	for c := range 3 {
		for i := range 4 {
			f.write(fmt.Sprintf("data/f%d.txt", i), fakeChars(fmt.Sprintf("%s/%d/%d", t.Name(), c, i), base64Chars, 6000)+"\n")
		}
		f.write(fmt.Sprintf("keys/k%d.txt", c), "key "+fakeAWSKey(fmt.Sprintf("%s/%d", t.Name(), c))+"\n")
		f.commit(fmt.Sprintf("commit %d", c))
	}
	pack := repackOne(t, f)
	objs := packObjects(t, f, pack)
	clean := ssGuard(t, nil, "history", "--format", "json", f.dir).mustCode(t, exitFindings)
	if n := len(records(t, clean.stdout)); n != 3 {
		t.Fatalf("intact repository: %d findings, want 3\n%s", n, clean)
	}
	full, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	makeWritable(t, pack)
	defer os.WriteFile(pack, full, 0o444)

	for _, cut := range []int{1, 20, 21, 100, 2 << 10, 8 << 10, len(full) / 2, len(full) - 12, len(full)} {
		size := int64(len(full) - cut)
		if err := os.WriteFile(pack, full[:size], 0o644); err != nil {
			t.Fatal(err)
		}
		// Lost: objects whose bytes reach past the cut, and deltas on them.
		lost := map[string]bool{}
		for changed := true; changed; {
			changed = false
			for _, o := range objs {
				if !lost[o.id] && (o.end > size || lost[o.base]) {
					lost[o.id], changed = true, true
				}
			}
		}
		what := fmt.Sprintf("pack cut by %d of %d bytes (%d objects lost)", cut, len(full), len(lost))
		r := ssGuard(t, nil, "history", "--format", "json", f.dir)
		t.Logf("%s: exit %d, %s", what, r.code, firstLine(r.stderr, "gitwalk"))
		if len(lost) == 0 {
			// Only the trailing checksum is damaged: every object reads.
			if r.code != exitError && (r.code != clean.code || r.stdout != clean.stdout) {
				t.Errorf("%s: want the intact scan or exit 2, got:\n%s", what, r)
			}
			if r.code == exitError {
				r.mustNameOneOf(t, what, filepath.Base(pack))
			}
			continue
		}
		var names []string
		for id := range lost {
			names = append(names, id)
		}
		slices.Sort(names)
		r.mustNameOneOf(t, what, names...)
		if r.stdout != "" {
			checkReportFormat(t, what, "json", r.stdout)
		}
	}
	if err := os.WriteFile(pack, full, 0o444); err != nil {
		t.Fatal(err)
	}

	// The pack index cut short.
	idx := strings.TrimSuffix(pack, ".pack") + ".idx"
	fullIdx, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	makeWritable(t, idx)
	defer os.WriteFile(idx, fullIdx, 0o444)
	var all []string
	for _, o := range objs {
		all = append(all, o.id)
	}
	for _, cut := range []int{1, 40, len(fullIdx) / 2, len(fullIdx)} {
		if err := os.WriteFile(idx, fullIdx[:len(fullIdx)-cut], 0o644); err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("pack index cut by %d of %d bytes", cut, len(fullIdx))
		r := ssGuard(t, nil, "history", "--format", "json", f.dir)
		t.Logf("%s: exit %d, %s", what, r.code, firstLine(r.stderr, "gitwalk"))
		r.mustNameOneOf(t, what, append(all, filepath.Base(idx), filepath.Base(pack))...)
	}
}

// firstLine returns the first line of text holding substr, or "".
func firstLine(text, substr string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}

// inflateZlib decompresses a zlib stream as far as it goes: the content, and the
// error that stopped it (nil: intact, checksum verified).
func inflateZlib(data []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, 1<<20))
	return out, err
}

// Corrupt loose objects, every byte of them in turn: a blob, a tree and a
// commit. The oracle is independent of go-git: when the damaged file still
// inflates to the object's exact content, checksum and all, the scan may
// succeed (it must then equal the intact scan) or exit 2; when it inflates to
// anything else, or not at all, or fails its checksum, the scan must exit 2
// and name the object.
func TestHostileCorruptLooseObject(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	f.write("keys.txt", "key "+key+"\n")
	f.write("sub/other.txt", "nothing to see\n")
	c := f.commit("loose objects")
	cfg := writeMinimalConfig(t)
	args := []string{"history", "--config", cfg, "--format", "json", "--workers", "1", f.dir}
	clean := ssGuard(t, nil, args...).mustCode(t, exitFindings)

	objPath := func(id string) string { return filepath.Join(f.dir, ".git", "objects", id[:2], id[2:]) }
	targets := []struct{ kind, id string }{
		{"blob", f.blobAt(c, "keys.txt")},
		{"tree", f.git("rev-parse", c+"^{tree}")},
		{"commit", c},
	}
	runs, failures := 0, 0
	for _, tg := range targets {
		p := objPath(tg.id)
		orig, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		content, err := inflateZlib(orig)
		if err != nil {
			t.Fatalf("fixture: %s %s does not inflate: %v", tg.kind, tg.id, err)
		}
		makeWritable(t, p)
		try := func(what string, damaged []byte) {
			t.Helper()
			if err := os.WriteFile(p, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			runs++
			got, ierr := inflateZlib(damaged)
			r := ssGuard(t, nil, args...)
			if bytes.Equal(got, content) && ierr == nil && r.code != exitError {
				if r.code != clean.code || r.stdout != clean.stdout {
					t.Errorf("%s %s %s (content intact): the scan differs from the intact one:\n%s", tg.kind, tg.id, what, r)
					failures++
				}
				return
			}
			before := t.Failed()
			r.mustNameOneOf(t, fmt.Sprintf("%s %s %s (inflates to %d bytes, %v)", tg.kind, tg.id, what, len(got), ierr), tg.id)
			if !before && t.Failed() {
				failures++
			}
		}
		for i := range orig {
			if failures > 5 {
				break
			}
			d := slices.Clone(orig)
			d[i] ^= 0xff
			try(fmt.Sprintf("byte %d of %d inverted", i, len(orig)), d)
		}
		for _, cut := range []int{1, 4, 5, len(orig) / 2, len(orig) - 2, len(orig)} {
			try(fmt.Sprintf("cut by %d of %d bytes", cut, len(orig)), orig[:len(orig)-cut])
		}
		if err := os.WriteFile(p, orig, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d damaged objects scanned", runs)

	// A loose blob over go-git's 8 MiB threshold is streamed rather than
	// inflated up front; a damaged checksum at the end of its stream, or a
	// stream cut short, still makes it unreadable.
	g := newRepo(t)
	writeBigText(t, g.path("big.txt"), 9<<20, "\nkey "+fakeAWSKey(t.Name()+"/big")+"\n")
	c = g.commit("big")
	big := g.blobAt(c, "big.txt")
	p := filepath.Join(g.dir, ".git", "objects", big[:2], big[2:])
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	makeWritable(t, p)
	for _, tc := range []struct {
		what    string
		damaged []byte
	}{
		{"checksum inverted", append(slices.Clone(orig[:len(orig)-4]), ^orig[len(orig)-4], ^orig[len(orig)-3], ^orig[len(orig)-2], ^orig[len(orig)-1])},
		{"checksum cut off", orig[:len(orig)-4]},
		{"cut in half", orig[:len(orig)/2]},
	} {
		writeFile(t, p, string(tc.damaged))
		r := ssGuard(t, nil, "history", "--config", cfg, "--format", "json", g.dir)
		r.mustNameOneOf(t, "9 MiB loose blob, "+tc.what, big)
	}
}

// Bytes of a packed blob damaged one at a time (the pack's object index stays
// right, so only that object is at stake). Oracle as for loose objects: the
// object's zlib stream inflated independently.
func TestHostileCorruptPackedObject(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	f.write("keys.txt", "key "+key+"\n")
	f.write("other.txt", "other content\n")
	c := f.commit("packed")
	victim := f.blobAt(c, "keys.txt")
	pack := repackOne(t, f)
	var obj packObject
	for _, o := range packObjects(t, f, pack) {
		if o.id == victim {
			obj = o
		}
		if o.base == victim {
			t.Fatalf("fixture: %s is a delta base", victim)
		}
	}
	if obj.id == "" || obj.base != "" {
		t.Fatalf("fixture: blob %s not in the pack, or a delta: %+v", victim, obj)
	}
	cfg := writeMinimalConfig(t)
	args := []string{"history", "--config", cfg, "--format", "json", "--workers", "1", f.dir}
	clean := ssGuard(t, nil, args...).mustCode(t, exitFindings)
	full, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	makeWritable(t, pack)
	defer os.WriteFile(pack, full, 0o444)
	// The object header: type and size in a varint, then the zlib stream.
	hdr := int64(1)
	for full[obj.offset+hdr-1]&0x80 != 0 {
		hdr++
	}
	content, err := inflateZlib(full[obj.offset+hdr : obj.end])
	if err != nil {
		t.Fatal(err)
	}
	failures := 0
	for i := obj.offset; i < obj.end && failures < 5; i++ {
		d := slices.Clone(full)
		d[i] ^= 0xff
		if err := os.WriteFile(pack, d, 0o644); err != nil {
			t.Fatal(err)
		}
		got, ierr := inflateZlib(d[obj.offset+hdr : obj.end])
		r := ssGuard(t, nil, args...)
		what := fmt.Sprintf("pack byte %d of blob %s [%d, %d) inverted (inflates to %d bytes, %v)", i, victim, obj.offset, obj.end, len(got), ierr)
		if i >= obj.offset+hdr && bytes.Equal(got, content) && ierr == nil && r.code != exitError {
			if r.code != clean.code || r.stdout != clean.stdout {
				t.Errorf("%s: content intact, but the scan differs from the intact one:\n%s", what, r)
				failures++
			}
			continue
		}
		before := t.Failed()
		r.mustNameOneOf(t, what, victim)
		if !before && t.Failed() {
			failures++
		}
	}
	if err := os.WriteFile(pack, full, 0o444); err != nil {
		t.Fatal(err)
	}

	// A packed blob over 8 MiB is streamed by go-git rather than read by the
	// fast path: damage to its checksum or its data is still an error.
	g := newRepo(t)
	writeBigText(t, g.path("big.txt"), 9<<20, "\nkey "+fakeAWSKey(t.Name()+"/big")+"\n")
	c = g.commit("big")
	big := g.blobAt(c, "big.txt")
	pack = repackOne(t, g)
	for _, o := range packObjects(t, g, pack) {
		if o.id == big {
			obj = o
		}
	}
	if obj.id != big || obj.base != "" {
		t.Fatalf("fixture: blob %s not in the pack, or a delta: %+v", big, obj)
	}
	full, err = os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	makeWritable(t, pack)
	defer os.WriteFile(pack, full, 0o444)
	for _, at := range []int64{obj.end - 4, obj.end - 1, (obj.offset + obj.end) / 2} {
		d := slices.Clone(full)
		d[at] ^= 0xff
		if err := os.WriteFile(pack, d, 0o644); err != nil {
			t.Fatal(err)
		}
		r := ssGuard(t, nil, "history", "--config", cfg, "--format", "json", g.dir)
		r.mustNameOneOf(t, fmt.Sprintf("9 MiB packed blob, byte %d of [%d, %d) inverted", at, obj.offset, obj.end), big)
	}
}

// writeLooseObject writes a loose object with the given header type and size (which
// may lie about the content) and returns its id (the SHA-1 of what was written,
// as git computes it for an honest object).
func writeLooseObject(t testing.TB, gitDir, header string, content []byte) string {
	t.Helper()
	raw := append([]byte(header+"\x00"), content...)
	sum := sha1.Sum(raw)
	id := hex.EncodeToString(sum[:])
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	p := filepath.Join(gitDir, "objects", id[:2], id[2:])
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, z.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}
	return id
}

// rawTreeEntry is one raw tree entry: "<mode> <name>\0<20-byte id>".
func rawTreeEntry(mode, name, id string) []byte {
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 20 {
		panic("bad id " + id)
	}
	return append([]byte(mode+" "+name+"\x00"), b...)
}

// A tree naming objects that are missing or of the wrong type, commits pointing
// at such trees, and objects whose header lies about their size: each scan exits
// 2 naming the object, and still reports the secrets it could read.
func TestHostileBrokenTrees(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name())
	f.write("keys.txt", "key "+key+"\n")
	f.write("sub/x.txt", "x\n")
	base := f.commit("base")
	good := f.blobAt(base, "keys.txt")
	subTree := f.git("rev-parse", base+":sub")
	gitDir := filepath.Join(f.dir, ".git")
	missing := strings.Repeat("0123456789", 4)[:40]
	missing2 := "deadbeef" + missing[8:]

	// commitObj writes a commit object (git commit-tree would check what it
	// names) and returns its id.
	commitObj := func(tree string, parents ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "tree %s\n", tree)
		for _, p := range parents {
			fmt.Fprintf(&b, "parent %s\n", p)
		}
		b.WriteString("author Mallory <m@example.com> 1614834367 +0000\ncommitter Mallory <m@example.com> 1614834367 +0000\n\nhostile\n")
		return writeLooseObject(t, gitDir, fmt.Sprintf("commit %d", b.Len()), []byte(b.String()))
	}
	rawTree := func(entries ...[]byte) string {
		body := bytes.Join(entries, nil)
		return writeLooseObject(t, gitDir, fmt.Sprintf("tree %d", len(body)), body)
	}
	mktree := func(entries string) string {
		cmd := gitCmd(f.dir, f.tick, "mktree", "--missing")
		cmd.Stdin = strings.NewReader(entries)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git mktree: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// scan runs a history scan with main and one more branch pointing at
	// commit, written straight into .git/refs (git update-ref would check the
	// object), and removed afterwards so each case's damage is its own.
	scan := func(name, commit string) ssResult {
		t.Helper()
		ref := filepath.Join(gitDir, "refs", "heads", name)
		writeFile(t, ref, commit+"\n")
		defer os.Remove(ref)
		return ssGuard(t, nil, "history", "--format", "json", f.dir)
	}
	wantKeyFound := func(what string, r ssResult) {
		t.Helper()
		for _, rec := range records(t, r.stdout) {
			if rec.Path == "keys.txt" {
				return
			}
		}
		t.Errorf("%s: the readable secret in keys.txt is not reported:\n%s", what, r.stdout)
	}

	var liar string // the lying blob of the blob-with-* cases
	cases := []struct {
		name    string
		tree    func() string
		names   func(tree string) []string // the scan must name one of these; default the tree
		keyRead bool                       // the secret in keys.txt is still reported
	}{
		{"missing-blob", func() string {
			return mktree(fmt.Sprintf("100644 blob %s\tkeys.txt\n100644 blob %s\tlost.txt\n", good, missing))
		}, func(string) []string { return []string{missing} }, true},
		{"missing-subtree", func() string {
			return mktree(fmt.Sprintf("100644 blob %s\tkeys.txt\n040000 tree %s\tlostdir\n", good, missing))
		}, func(string) []string { return []string{missing} }, false},
		{"blob-mode-names-a-tree", func() string {
			return rawTree(rawTreeEntry("100644", "keys.txt", good), rawTreeEntry("100644", "not-a-blob.txt", subTree))
		}, func(string) []string { return []string{subTree} }, true},
		{"tree-mode-names-a-blob", func() string {
			return rawTree(rawTreeEntry("100644", "keys.txt", good), rawTreeEntry("40000", "not-a-tree", good))
		}, func(string) []string { return []string{good} }, false},
		{"blob-mode-names-a-commit", func() string {
			return rawTree(rawTreeEntry("100644", "keys.txt", good), rawTreeEntry("100644", "not-a-blob.txt", base))
		}, func(string) []string { return []string{base} }, true},
		{"odd-modes-and-names", func() string {
			// Modes git never writes, an empty-looking name, "..", a slash and
			// a duplicate name: read as blobs and paths, never as file system
			// paths; the one missing blob is named.
			return rawTree(rawTreeEntry("100644", "keys.txt", good), rawTreeEntry("100664", "..", missing),
				rawTreeEntry("777777", "a/b", good), rawTreeEntry("100644", "keys.txt", good))
		}, func(string) []string { return []string{missing} }, true},
		{"executable-and-symlink-to-missing", func() string {
			return mktree(fmt.Sprintf("100755 blob %s\trun.sh\n120000 blob %s\tlink\n100644 blob %s\tkeys.txt\n", missing, missing2, good))
		}, func(string) []string { return []string{missing, missing2} }, true},
		{"malformed-tree", func() string {
			return writeLooseObject(t, gitDir, "tree 17", []byte("100644 x.txt\x00\x01\x02\x03\x04"))
		}, nil, false},
		{"tree-with-lying-size", func() string {
			// The header claims 1 TiB: nothing may allocate on the header's word.
			return writeLooseObject(t, gitDir, "tree 1099511627776", rawTreeEntry("100644", "keys.txt", good))
		}, nil, false},
		{"tree-with-short-size", func() string {
			// go-git reads a small loose object to its end whatever its
			// header says, so the walk may see the entries past the header's
			// size: then it names the missing blob of the second one.
			body := append(rawTreeEntry("100644", "keys.txt", good), rawTreeEntry("100644", "more.txt", missing)...)
			return writeLooseObject(t, gitDir, "tree 10", body)
		}, func(tree string) []string { return []string{tree, missing} }, false},
		{"blob-with-short-size", func() string {
			liar = writeLooseObject(t, gitDir, "blob 3", []byte("key "+fakeAWSKey(t.Name()+"/short")+"\n"))
			return mktree(fmt.Sprintf("100644 blob %s\tkeys.txt\n100644 blob %s\tliar.txt\n", good, liar))
		}, func(string) []string { return []string{liar} }, true},
		{"tree-names-itself-as-blob-and-tree", func() string {
			// Not a cycle (a tree cannot name itself), but a tree reached at
			// many paths: a 1000-entry tree whose entries all name one subtree.
			var b strings.Builder
			for i := range 1000 {
				fmt.Fprintf(&b, "040000 tree %s\td%04d\n", subTree, i)
			}
			fmt.Fprintf(&b, "100644 blob %s\tkeys.txt\n100644 blob %s\tlost.txt\n", good, missing)
			return mktree(b.String())
		}, func(string) []string { return []string{missing} }, true},
	}
	for _, tc := range cases {
		tree := tc.tree()
		names := []string{tree}
		if tc.names != nil {
			names = tc.names(tree)
		}
		r := scan(tc.name, commitObj(tree, base))
		r.mustNameOneOf(t, tc.name, names...)
		if tc.keyRead {
			wantKeyFound(tc.name, r)
		}
	}

	// A blob whose header claims 1 TiB is over the size cap by its header's
	// word: skipped by policy and named in the warning, never allocated.
	liar = writeLooseObject(t, gitDir, "blob 1099511627776", []byte("key "+fakeAWSKey(t.Name()+"/liar")+"\n"))
	lt := mktree(fmt.Sprintf("100644 blob %s\tkeys.txt\n100644 blob %s\tliar.txt\n", good, liar))
	r := scan("blob-claims-1TiB", commitObj(lt, base)).mustCode(t, exitFindings)
	wantKeyFound("blob-claims-1TiB", r)
	if !strings.Contains(r.stderr, "liar.txt (1099511627776 bytes)") {
		t.Errorf("blob-claims-1TiB: the over-size warning does not name liar.txt:\n%s", r.stderr)
	}

	// A gitlink (submodule) naming a missing commit is not followed: a clean scan.
	gl := mktree(fmt.Sprintf("100644 blob %s\tkeys.txt\n160000 commit %s\tvendor-mod\n", good, missing))
	r = scan("gitlink", commitObj(gl, base)).mustCode(t, exitFindings)
	wantKeyFound("gitlink", r)

	// Commits naming a missing tree, a blob as their tree, a missing parent; a
	// ref naming a missing object; an annotated tag of a missing object.
	baseTree := f.git("rev-parse", base+"^{tree}")
	tag := writeLooseObject(t, gitDir, fmt.Sprintf("tag %d", len("object "+missing+"\ntype commit\ntag v1\ntagger M <m@example.com> 1614834367 +0000\n\nv1\n")),
		[]byte("object "+missing+"\ntype commit\ntag v1\ntagger M <m@example.com> 1614834367 +0000\n\nv1\n"))
	for _, tc := range []struct{ name, commit, names string }{
		{"commit-missing-tree", commitObj(missing, base), missing},
		{"commit-tree-is-a-blob", commitObj(good, base), good},
		{"commit-missing-parent", commitObj(baseTree, missing), missing},
		{"commit-parent-is-a-tree", commitObj(baseTree, baseTree), baseTree},
		{"ref-to-missing-object", missing2, missing2},
		{"tag-of-missing-object", tag, missing},
	} {
		r := scan(tc.name, tc.commit)
		r.mustNameOneOf(t, tc.name, tc.names)
	}
}

// A shallow clone is scanned as it is: the commits in .git/shallow are roots, a
// secret deleted before the cut is not there to find, one introduced before the
// cut is attributed to the oldest commit present, and the exit code is the
// findings' (never 2 for the missing parents).
func TestHostileShallowClone(t *testing.T) {
	t.Parallel()
	src := newRepo(t)
	early := fakeAWSKey(t.Name() + "/early")
	gone := fakeGitHubPAT(t.Name() + "/gone")
	late := fakeAWSKey(t.Name() + "/late")
	src.write("old.txt", "token "+gone+"\n")
	src.write("keys.txt", "key "+early+"\n")
	src.commit("one")
	src.remove("old.txt")
	src.write("readme.txt", "two\n")
	c2 := src.commit("two")
	src.write("late.txt", "key "+late+"\n")
	c3 := src.commit("three")
	src.git("checkout", "-q", "-b", "scrubbed")
	src.remove("keys.txt")
	src.remove("late.txt")
	src.commit("scrubbed")
	src.git("checkout", "-q", "main")

	for _, depth := range []int{1, 2} {
		dst := &fixture{t: t, dir: filepath.Join(t.TempDir(), "clone")}
		src.git("clone", "-q", "--depth", strconv.Itoa(depth), "--branch", "main", "file://"+src.dir, dst.dir)
		shallow, err := os.ReadFile(filepath.Join(dst.dir, ".git", "shallow"))
		if err != nil {
			t.Fatalf("depth %d: no .git/shallow: %v", depth, err)
		}
		root := c3
		if depth == 2 {
			root = c2
		}
		if strings.TrimSpace(string(shallow)) != root {
			t.Fatalf("depth %d: .git/shallow is %q, want %s", depth, shallow, root)
		}
		r := ssGuard(t, nil, "history", "--format", "json", dst.dir).mustCode(t, exitFindings)
		rs := records(t, r.stdout)
		wants := []want{
			{Rule: "aws-access-key-id", Path: "keys.txt", Line: 1, Commit: root, InHead: true},
			{Rule: "aws-access-key-id", Path: "late.txt", Line: 1, Commit: c3, InHead: true},
		}
		checkFindings(t, rs, wants...)
		if !strings.Contains(r.stderr, fmt.Sprintf("from %d commits", depth)) {
			t.Errorf("depth %d: summary does not count %d commits:\n%s", depth, depth, r.stderr)
		}
	}
	// Fingerprints do not depend on the cut: the root commit is not in a
	// shallow clone, so history and dir scans of it both use the default key.
	dst1 := filepath.Join(t.TempDir(), "clone")
	src.git("clone", "-q", "--depth", "1", "--branch", "main", "file://"+src.dir, dst1)
	h := records(t, ssGuard(t, nil, "history", "--format", "json", dst1).mustCode(t, exitFindings).stdout)
	d := records(t, ssGuard(t, nil, "dir", "--format", "json", dst1).mustCode(t, exitFindings).stdout)
	if len(h) != 2 || len(d) != 2 || h[0].Fingerprint != d[0].Fingerprint || h[1].Fingerprint != d[1].Fingerprint {
		t.Errorf("shallow clone: history and dir fingerprints differ:\n%v\n%v", h, d)
	}

	// A shallow clone whose one commit holds no secret is a clean scan (the
	// secrets before the cut are not there to find).
	dst := filepath.Join(t.TempDir(), "clone")
	src.git("clone", "-q", "--depth", "1", "--branch", "scrubbed", "file://"+src.dir, dst)
	r := ssGuard(t, nil, "history", "--format", "json", dst).mustCode(t, exitClean)
	checkFindings(t, records(t, r.stdout))
}

// heapPeak samples the live heap while fn runs and returns the largest growth
// over the heap before it (after a GC) and fn's allocation total.
func heapPeak(fn func()) (peak, total uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base, alloc0 := m.HeapAlloc, m.TotalAlloc
	var mu sync.Mutex
	var max uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(2 * time.Millisecond)
		defer tk.Stop()
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			mu.Lock()
			if s.HeapAlloc > base && s.HeapAlloc-base > max {
				max = s.HeapAlloc - base
			}
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tk.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	runtime.ReadMemStats(&m)
	return max, m.TotalAlloc - alloc0
}

// bigText is n bytes of text lines with a secret at the very end: if the scanner
// read it, it would report it.
type bigText struct {
	n, off int64
	tail   string
}

func (b *bigText) Read(p []byte) (int, error) {
	if b.off >= b.n {
		return 0, io.EOF
	}
	const line = "filler line, nothing to see here, move along please\n"
	tailAt := b.n - int64(len(b.tail))
	i := 0
	for i < len(p) && b.off < b.n {
		if b.off >= tailAt {
			p[i] = b.tail[b.off-tailAt]
		} else {
			p[i] = line[b.off%int64(len(line))]
		}
		i++
		b.off++
	}
	return i, nil
}

func writeBigText(t testing.TB, path string, n int64, tail string) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, bufio.NewReaderSize(&bigText{n: n, tail: tail}, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// hugeCase scans a repository (loose and packed), a directory and stdin each
// holding one file of size bytes with a secret at its end, over --max-blob-size
// maxSize: each is skipped by size, named in the over-size warning (with its
// size, except stdin, which is read only to one byte past the cap), and not read
// whole (the live heap grows by less than limit).
func hugeCase(t *testing.T, size int64, maxSize string, limit uint64) {
	secret := fakeAWSKey(t.Name() + "/huge")
	tail := "\nkey " + secret + "\n"
	f := newRepo(t)
	if err := os.MkdirAll(f.path("big"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeBigText(t, f.path("big/huge.txt"), size, tail)
	f.write("small.txt", "key "+fakeAWSKey(t.Name()+"/small")+"\n")
	f.commit("huge")

	check := func(what string, stdin io.Reader, wantCode int, name string, args ...string) {
		t.Helper()
		var r ssResult
		peak, total := heapPeak(func() { r = ssGuard(t, stdin, args...) })
		t.Logf("%s: live heap grew by at most %d MiB, %d MiB allocated in all", what, peak>>20, total>>20)
		r.mustCode(t, wantCode)
		if peak >= limit {
			t.Errorf("%s: the live heap grew by %d MiB, want < %d MiB: the over-size blob was read", what, peak>>20, limit>>20)
		}
		if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, name) || (stdin == nil && !strings.Contains(r.stderr, strconv.FormatInt(size, 10))) {
			t.Errorf("%s: the over-size warning does not name %s (%d bytes):\n%s", what, name, size, r.stderr)
		}
		if strings.Contains(r.stdout, secret[4:]) || strings.Contains(r.stdout, "big/huge.txt") {
			t.Errorf("%s: the over-size file was scanned:\n%s", what, r.stdout)
		}
	}
	check("history, loose object", nil, exitFindings, "big/huge.txt", "history", "--max-blob-size", maxSize, "--format", "json", f.dir)
	check("dir", nil, exitFindings, "big/huge.txt", "dir", "--max-blob-size", maxSize, "--format", "json", f.dir)
	check("stdin", &bigText{n: size, tail: tail}, exitClean, "huge.txt", "stdin", "--path", "huge.txt", "--max-blob-size", maxSize, "--format", "json")
	f.git("-c", "pack.window=0", "repack", "-a", "-d", "-q")
	check("history, packed", nil, exitFindings, "big/huge.txt", "history", "--max-blob-size", maxSize, "--format", "json", f.dir)
}

// A 64 MiB blob over a 1 MB cap stands in for a 1 GiB one (hashing and
// compressing 1 GiB takes git longer than this whole suite may): it is skipped by
// its header size, never inflated, so the heap grows by far less than the blob.
// Not parallel: the heap is measured for the whole process.
func TestHostileHugeBlob(t *testing.T) {
	hugeCase(t, 64<<20, "1MB", 32<<20)
}

// The real size, for manual runs: SECRETSWEEP_HUGE=1 go test -run HostileHugeBlobReal.
func TestHostileHugeBlobReal(t *testing.T) {
	if os.Getenv("SECRETSWEEP_HUGE") != "1" {
		t.Skip("set SECRETSWEEP_HUGE=1 to scan a 1 GiB blob (slow)")
	}
	hugeCase(t, 1<<30, "10MiB", 100<<20)
}

// Paths that are not UTF-8, or hold a newline, a tab, a quote or a backslash,
// committed to git: reported under their names, in every format well formed.
func TestHostileHistoryOddPaths(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	names := oddNames(t)
	for i, n := range names {
		f.write(n, "key "+fakeAWSKey(fmt.Sprintf("%s/%d", t.Name(), i))+"\n")
	}
	c := f.commit("odd names")
	checkOddNames(t, "history", names, c, f.dir)
}

// oddNames are file names a hostile repository or directory may hold; each is
// checked to be creatable here.
func oddNames(t testing.TB) []string {
	names := []string{
		"new\nline.txt",
		"latin1-caf\xe9.txt",
		"bad-\xff\xfe-bytes.txt",
		"tab\there.txt",
		"quote\"and\\back.txt",
		"sub dir/sp ace.txt",
		"percent%41.txt",
		"colon:comma,.txt",
		"esc\x1b[31mred.txt",
		"cr\rreturn.txt",
		"-dash.txt",
		"ünïcödé/naïve.txt",
	}
	return names
}

// jsonUTF8 replaces each byte of s that is not part of a UTF-8 sequence with
// U+FFFD, as encoding/json does.
func jsonUTF8(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // an invalid byte ranges as utf8.RuneError, U+FFFD
	}
	return b.String()
}

// checkOddNames scans root (holding a secret in each of names) in every format.
func checkOddNames(t *testing.T, cmd string, names []string, commit, root string) {
	t.Helper()
	r := ssGuard(t, nil, cmd, "--format", "json", root).mustCode(t, exitFindings)
	// Not records(): its sanity check reads a backslash as a Windows separator,
	// and here it is part of a name.
	var rs []report.Record
	if err := json.Unmarshal([]byte(r.stdout), &rs); err != nil {
		t.Fatalf("%s: the report is not JSON: %v\n%s", cmd, err, r.stdout)
	}
	var got []string
	for _, rec := range rs {
		got = append(got, rec.Path)
		if commit != "" && rec.Commit != commit {
			t.Errorf("%s %q: commit %s, want %s", cmd, rec.Path, rec.Commit, commit)
		}
	}
	var wantPaths []string
	for _, n := range names {
		// JSON strings are Unicode: each byte that is not UTF-8 reads as U+FFFD.
		wantPaths = append(wantPaths, jsonUTF8(n))
	}
	slices.Sort(wantPaths)
	slices.Sort(got)
	if !slices.Equal(got, wantPaths) {
		t.Errorf("%s: paths\n got %q\nwant %q", cmd, got, wantPaths)
	}
	for _, format := range []string{"jsonl", "sarif", "github"} {
		r := ssGuard(t, nil, cmd, "--format", format, root).mustCode(t, exitFindings)
		if n := checkReportFormat(t, cmd+" "+format, format, r.stdout); n != len(names) {
			t.Errorf("%s --format %s: %d findings, want %d\n%s", cmd, format, n, len(names), r.stdout)
		}
	}
	r = ssGuard(t, nil, cmd, "--format", "text", root).mustCode(t, exitFindings)
	if n := strings.Count(r.stdout, "fingerprint "); n != len(names) {
		t.Errorf("%s --format text: %d findings, want %d\n%s", cmd, n, len(names), r.stdout)
	}
}
