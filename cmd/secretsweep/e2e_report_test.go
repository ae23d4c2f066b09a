package main

// End-to-end tests of what every scan shares: redaction, deterministic output,
// fingerprints and flags.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretsweep/secretsweep/report"
)

// plantedRepo is a repository holding several kinds of secret, one of them only
// in history, and the secrets' distinctive parts: what a redacted report must not
// contain (everything after the first four characters of each secret).
func plantedRepo(t *testing.T) (*fixture, []string, []string) {
	t.Helper()
	f := newRepo(t)
	key := fakeAWSKey(t.Name() + "/aws")
	tok := fakeGitHubPAT(t.Name() + "/ghp")
	slack := fakeSlackBot(t.Name() + "/slack")
	pem := fakePrivateKey(t.Name() + "/pem")
	pw := fakeChars(t.Name()+"/pw", alnum, 14) + "#7"
	gone := fakeGitHubPAT(t.Name() + "/gone")
	f.write("config/settings.py", "DEBUG = False\nDB_PASSWORD = \""+pw+"\"\nNOTE = \""+key+"\"\n")
	f.write("deploy/id_rsa", pem+"\n")
	f.write("bot/chat.txt", "slack "+slack+"\n")
	f.write("old.txt", "old "+gone+"\n")
	f.commit("plant")
	f.remove("old.txt")
	f.write("ci/env.txt", "export X="+tok+"\n")
	f.commit("more")

	full := []string{key, tok, slack, pw, gone}
	var needles []string
	for _, s := range full {
		needles = append(needles, s[4:])
	}
	for _, line := range strings.Split(pem, "\n") {
		if !strings.HasPrefix(line, "-----") {
			needles = append(needles, line)
		}
	}
	return f, full, needles
}

func TestRedaction(t *testing.T) {
	t.Parallel()
	f, full, needles := plantedRepo(t)
	outDir := t.TempDir()
	stdinInput, err := os.ReadFile(f.path("config/settings.py"))
	if err != nil {
		t.Fatal(err)
	}
	type scanCase struct {
		name  string
		args  []string
		stdin string
	}
	cases := []scanCase{
		{"history", []string{"history", f.dir}, ""},
		{"dir", []string{"dir", f.dir}, ""},
		{"stdin", []string{"stdin", "--path", "settings.py"}, string(stdinInput)},
	}
	var historyJSON string
	for _, sc := range cases {
		for _, format := range report.Formats {
			name := sc.name + "/" + format
			// To stdout.
			r := ss(t, sc.stdin, append(slices.Clone(sc.args), "--format", format)...).mustCode(t, exitFindings)
			checkAbsent(t, name+" stdout", r.stdout, needles)
			checkAbsent(t, name+" stderr", r.stderr, needles)
			if name == "history/json" {
				historyJSON = r.stdout
			}
			if sc.name != "history" && format != "json" {
				continue // every format once (history), every source once (json): enough, and fast
			}
			if format == "json" {
				for _, rec := range records(t, r.stdout) {
					if !strings.HasSuffix(rec.Secret, "*****") || len(rec.Secret) > 9 {
						t.Errorf("%s: %s at %s:%d: secret %q is not redacted", name, rec.Rule, rec.Path, rec.Line, rec.Secret)
					}
				}
			}
			// To --output.
			out := filepath.Join(outDir, strings.ReplaceAll(name, "/", "-"))
			r = ss(t, sc.stdin, append(slices.Clone(sc.args), "--format", format, "--output", out)...).mustCode(t, exitFindings)
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) == 0 || r.stdout != "" {
				t.Errorf("%s --output: file has %d bytes, stdout %q", name, len(data), r.stdout)
			}
			checkAbsent(t, name+" --output file", string(data), needles)
			checkAbsent(t, name+" --output stderr", r.stderr, needles)

			// --show-secrets: in the report, never on stderr.
			r = ss(t, sc.stdin, append(slices.Clone(sc.args), "--format", format, "--show-secrets")...).mustCode(t, exitFindings)
			checkAbsent(t, name+" --show-secrets stderr", r.stderr, needles)
			shown := []string{full[0]} // the AWS key in settings.py is in every scan
			if sc.name == "history" {
				shown = append(shown, full[4]) // the deleted token
			}
			for _, s := range shown {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("%s --show-secrets: report does not show the secret %.8s...", name, s)
				}
			}
		}
	}

	// The history report holds every kind of planted secret.
	var rules []string
	for _, rec := range records(t, historyJSON) {
		rule := rec.Rule
		if strings.HasPrefix(rule, "private-key-") {
			rule = "private-key" // private-key-rsa etc.: the PEM rules are split by key type
		}
		rules = append(rules, rule)
	}
	slices.Sort(rules)
	wantRules := []string{"aws-access-key-id", "github-pat", "github-pat", "hardcoded-password", "private-key", "slack-bot-token"}
	if !slices.Equal(rules, wantRules) {
		t.Errorf("history rules %v, want %v", rules, wantRules)
	}
}

func checkAbsent(t *testing.T, where, text string, needles []string) {
	t.Helper()
	for _, n := range needles {
		if strings.Contains(text, n) {
			t.Errorf("%s leaks a secret (...%s...)", where, n[:4])
		}
	}
}

// manyFilesRepo has many files and findings over a few commits, for determinism.
func manyFilesRepo(t *testing.T) *fixture {
	t.Helper()
	f := newRepo(t)
	var commits []importCommit
	for c := range 3 {
		files := map[string]string{}
		for i := range 40 {
			var b strings.Builder
			fmt.Fprintf(&b, "# file %d, commit %d\n", i, c)
			// Shared secrets (the same in many files), per-file ones and per-commit ones.
			fmt.Fprintf(&b, "shared %s\n", fakeAWSKey(fmt.Sprintf("shared/%d", i%3)))
			fmt.Fprintf(&b, "own %s\n", fakeGitHubPAT(fmt.Sprintf("own/%d", i)))
			if (i+c)%4 == 0 {
				fmt.Fprintf(&b, "rotated %s\n", fakeSlackBot(fmt.Sprintf("rot/%d/%d", i, c)))
			}
			fmt.Fprintf(&b, "pad %s %s\n", fakeAWSKey(fmt.Sprintf("pad/%d/%d", i, c)), fakeAWSKey(fmt.Sprintf("pad2/%d", i)))
			files[fmt.Sprintf("pkg%d/mod%02d/file.txt", i%5, i)] = b.String()
		}
		commits = append(commits, importCommit{msg: fmt.Sprint("commit ", c), files: files})
	}
	f.importCommits("main", commits)
	f.git("reset", "-q", "--hard", "main")
	return f
}

func TestDeterministicOutput(t *testing.T) {
	t.Parallel()
	f := manyFilesRepo(t)
	for _, cmd := range []string{"history", "dir"} {
		for _, format := range []string{"json", "text"} {
			one := ss(t, "", cmd, "--format", format, "--workers", "1", f.dir).mustCode(t, exitFindings)
			for range 2 {
				eight := ss(t, "", cmd, "--format", format, "--workers", "8", f.dir).mustCode(t, exitFindings)
				if one.stdout != eight.stdout {
					t.Errorf("%s --format %s: --workers 1 and --workers 8 differ", cmd, format)
				}
			}
			if format == "json" {
				rs := records(t, one.stdout)
				if len(rs) < 150 {
					t.Errorf("%s: only %d findings, want at least 150", cmd, len(rs))
				}
				if !slices.IsSortedFunc(rs, func(a, b report.Record) int {
					return strings.Compare(fmt.Sprintf("%s\x00%09d\x00%09d\x00%s", a.Path, a.Line, a.Column, a.Rule), fmt.Sprintf("%s\x00%09d\x00%09d\x00%s", b.Path, b.Line, b.Column, b.Rule))
				}) {
					t.Errorf("%s: findings are not ordered by path, line, column, rule", cmd)
				}
			}
		}
	}
}

func TestFingerprints(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	key := fakeAWSKey(t.Name() + "/1")
	key2 := fakeAWSKey(t.Name() + "/2")
	tok := "tok_" + fakeChars(t.Name(), lowerAlnum, 20)
	f.write("a.txt", "first "+key+"\n")
	f.write("one/x.txt", "t "+tok+"\n")
	f.commit("root")
	f.write("b/c.txt", "\n\nagain "+key+"\nother "+key2+"\n")
	f.write("two/x.txt", "t "+tok+"\n")
	f.commit("second")
	root := f.git("rev-list", "--max-parents=0", "HEAD")

	// Two rules with the same regex, each limited to one directory: the same
	// secret under different rules.
	cfg := filepath.Join(t.TempDir(), "fp.toml")
	writeFile(t, cfg, `[extend]
default = true

[[rules]]
id = "tok-one"
regex = '''\b(tok_[a-z0-9]{20})\b'''
secret_group = 1
keywords = ["tok_"]
path = '''^one/'''

[[rules]]
id = "tok-two"
regex = '''\b(tok_[a-z0-9]{20})\b'''
secret_group = 1
keywords = ["tok_"]
path = '''^two/'''
`)
	clone := filepath.Join(t.TempDir(), "clone")
	f.git("clone", "-q", "--no-local", f.dir, clone)

	type fp = map[string]string // "path:line" -> fingerprint
	scan := func(args ...string) fp {
		t.Helper()
		r := ss(t, "", append([]string{args[0], "--format", "json", "--config", cfg}, args[1:]...)...).mustCode(t, exitFindings)
		m := fp{}
		for _, rec := range records(t, r.stdout) {
			m[fmt.Sprintf("%s:%d", rec.Path, rec.Line)] = rec.Fingerprint
		}
		return m
	}
	runs := map[string]fp{
		"history":       scan("history", f.dir),
		"dir":           scan("dir", f.dir),
		"clone history": scan("history", clone),
		"clone dir":     scan("dir", clone),
	}
	wantFP := map[string]string{
		"a.txt:1":     report.Fingerprint([]byte(root), "aws-access-key-id", key),
		"b/c.txt:3":   report.Fingerprint([]byte(root), "aws-access-key-id", key),
		"b/c.txt:4":   report.Fingerprint([]byte(root), "aws-access-key-id", key2),
		"one/x.txt:1": report.Fingerprint([]byte(root), "tok-one", tok),
		"two/x.txt:1": report.Fingerprint([]byte(root), "tok-two", tok),
	}
	for name, m := range runs {
		for loc, w := range wantFP {
			if m[loc] != w {
				t.Errorf("%s: fingerprint at %s is %q, want HMAC keyed by the root commit %q", name, loc, m[loc], w)
			}
		}
		if len(m) != len(wantFP) {
			t.Errorf("%s: %d findings, want %d: %v", name, len(m), len(wantFP), m)
		}
	}
	h := runs["history"]
	if h["a.txt:1"] != h["b/c.txt:3"] {
		t.Errorf("the same secret under the same rule has two fingerprints")
	}
	if h["a.txt:1"] == h["b/c.txt:4"] {
		t.Errorf("different secrets under the same rule share a fingerprint")
	}
	if h["one/x.txt:1"] == h["two/x.txt:1"] {
		t.Errorf("the same secret under different rules shares a fingerprint")
	}

	// --fingerprint-key changes every fingerprint, to the HMAC under that key.
	k := scan("history", "--fingerprint-key", "team-key-1", f.dir)
	for loc, w := range wantFP {
		if k[loc] == w {
			t.Errorf("--fingerprint-key did not change the fingerprint at %s", loc)
		}
	}
	if k["a.txt:1"] != report.Fingerprint([]byte("team-key-1"), "aws-access-key-id", key) {
		t.Errorf("--fingerprint-key: fingerprint %q is not the HMAC under the given key", k["a.txt:1"])
	}
	if d := scan("dir", "--fingerprint-key", "team-key-1", f.dir); d["b/c.txt:3"] != k["b/c.txt:3"] {
		t.Errorf("--fingerprint-key: dir and history fingerprints differ")
	}

	// A config's fingerprint_key keys them too, and --fingerprint-key wins over it.
	keyed := filepath.Join(t.TempDir(), "keyed.toml")
	writeFile(t, keyed, "fingerprint_key = \"config-key\"\n[extend]\ndefault = true\n")
	for _, c := range []struct {
		args []string
		key  string
	}{
		{[]string{"history", "--config", keyed, f.dir}, "config-key"},
		{[]string{"dir", "--config", keyed, f.dir}, "config-key"},
		{[]string{"history", "--config", keyed, "--fingerprint-key", "flag-key", f.dir}, "flag-key"},
	} {
		r := ss(t, "", append([]string{c.args[0], "--format", "json"}, c.args[1:]...)...).mustCode(t, exitFindings)
		w := report.Fingerprint([]byte(c.key), "aws-access-key-id", key)
		found := false
		for _, rec := range records(t, r.stdout) {
			if rec.Path == "a.txt" {
				found = rec.Fingerprint == w
			}
		}
		if !found {
			t.Errorf("%q: the fingerprint at a.txt is not the HMAC keyed by %q", c.args, c.key)
		}
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	d := newDir(t)
	d.write("a.txt", "nothing\n")
	other := t.TempDir()
	bad := []struct {
		args []string
		msg  []string // stderr must contain each
	}{
		{[]string{"dir", "--format", "xml", d.dir}, []string{"--format", "xml"}},
		{[]string{"history", "--format=yaml", d.dir}, []string{"--format", "yaml"}},
		{[]string{"dir", "--max-blob-size", "10XB", d.dir}, []string{"max-blob-size", "10XB"}},
		{[]string{"dir", "--max-blob-size", "-5", d.dir}, []string{"max-blob-size"}},
		{[]string{"dir", "--max-blob-size", "0", d.dir}, []string{"max-blob-size"}},
		// NaN and sizes under one byte once parsed to a negative or zero cap that
		// silently skipped every file (exit 0 without scanning anything).
		{[]string{"dir", "--max-blob-size", "nan", d.dir}, []string{"max-blob-size"}},
		{[]string{"history", "--max-blob-size", "NaN", d.dir}, []string{"max-blob-size"}},
		{[]string{"dir", "--max-blob-size", "0.5", d.dir}, []string{"max-blob-size"}},
		{[]string{"dir", "--max-blob-size", "inf", d.dir}, []string{"max-blob-size"}},
		{[]string{"dir", "--workers", "0", d.dir}, []string{"--workers"}},
		{[]string{"history", "--workers", "-1", d.dir}, []string{"--workers"}},
		{[]string{"dir", "--workers", "many", d.dir}, []string{"workers"}},
		{[]string{"dir", d.dir, other}, []string{"PATH"}},
		{[]string{"history", d.dir, other}, []string{"PATH"}},
		{[]string{"stdin", d.dir}, []string{"stdin"}},
		{[]string{"dir", "--no-such-flag", d.dir}, []string{"no-such-flag"}},
		{[]string{"stdin", "--no-ignore"}, []string{"no-ignore"}},
		{[]string{"scan", d.dir}, []string{"unknown command", "scan"}},
		{nil, []string{"Usage"}},
	}
	for _, c := range bad {
		r := ss(t, "", c.args...)
		if r.code != exitError {
			t.Errorf("%q: exit %d, want 2\n%s", c.args, r.code, r)
			continue
		}
		for _, m := range c.msg {
			if !strings.Contains(r.stderr, m) {
				t.Errorf("%q: stderr does not contain %q:\n%s", c.args, m, r.stderr)
			}
		}
		if r.stdout != "" {
			t.Errorf("%q: stdout %q, want nothing", c.args, r.stdout)
		}
	}

	for _, size := range []string{"512KiB", "10MB", "1048576", "2mib", "1G", "1.5k", "1"} {
		ss(t, "", "dir", "--max-blob-size", size, d.dir).mustCode(t, exitClean)
	}
	// Flags after the path are accepted too.
	ss(t, "", "dir", d.dir, "--format", "json", "--workers", "3").mustCode(t, exitClean)

	r := ss(t, "", "version").mustCode(t, exitClean)
	if !strings.HasPrefix(r.stdout, "secretsweep ") {
		t.Errorf("version: stdout %q", r.stdout)
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		if r := ss(t, "", args...).mustCode(t, exitClean); !strings.Contains(r.stdout, "secretsweep history") {
			t.Errorf("%v: usage not printed to stdout:\n%s", args, r)
		}
	}
	for _, cmd := range []string{"history", "dir", "stdin"} {
		r := ss(t, "", cmd, "--help").mustCode(t, exitClean)
		if !strings.Contains(r.stdout+r.stderr, "-max-blob-size") {
			t.Errorf("%s --help: flags not listed:\n%s", cmd, r)
		}
	}
}

// A cancelled scan stops, exits 2 and does not hang.
func TestCancelled(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	f.write("a.txt", "key "+fakeAWSKey(t.Name())+"\n")
	f.commit("a")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{{"history", f.dir}, {"dir", f.dir}} {
		done := make(chan int, 1)
		var out, errb strings.Builder
		go func() { done <- run(ctx, args, strings.NewReader(""), &out, &errb) }()
		select {
		case code := <-done:
			if code != exitError {
				t.Errorf("%v with a cancelled context: exit %d, want 2\n%s", args, code, errb.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v with a cancelled context did not return", args)
		}
	}
}
