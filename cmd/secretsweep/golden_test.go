package main

// Golden tests: the text and JSON reports of a small fixed repository, compared
// byte for byte with testdata/e2e/*.golden. Regenerate after an intended change
// of the output with
//
//	go test ./cmd/secretsweep -run Golden -update
//
// and review the diff. stderr is not compared: it holds the elapsed time.

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/e2e/*.golden with the current output")

const goldenDir = "../../testdata/e2e"

// goldenRepo builds the same repository on every run: fixed names, dates,
// messages and contents, so its commit and blob ids are stable.
func goldenRepo(t *testing.T) *fixture {
	t.Helper()
	f := newRepo(t)
	f.write("README.md", "# demo\n\nNothing secret here.\n")
	f.write("app/config.txt", "region = eu-west-1\nnote "+fakeAWSKey("golden/aws")+"\n")
	f.commit("initial import")
	// No private key here: the PEM rules are being split by key type, and the
	// golden files should not churn with them (TestRedaction covers PEM blocks).
	f.write("deploy/settings.txt", "host = db.internal\nnote "+fakeAWSKey("golden/aws2")+"\n")
	f.write("notes.txt", "call the bot with\n"+fakeGitHubPAT("golden/ghp")+"\n")
	f.commit("deploy key and notes")
	f.remove("notes.txt")
	f.write("app/config.txt", "region = eu-west-1\nnote "+fakeAWSKey("golden/aws")+"\nslack "+fakeSlackBot("golden/slack")+"\n")
	f.commit("drop notes, add slack")
	// Pin the ids the golden files depend on, so a fixture change is obvious.
	if head := f.git("rev-parse", "HEAD"); head != goldenHead {
		t.Fatalf("fixture HEAD is %s, want %s: the fixture or git changed; if intended, update goldenHead and the golden files", head, goldenHead)
	}
	return f
}

// goldenHead is the HEAD commit of goldenRepo.
const goldenHead = "c9e6fba7ea0d749cfce4041038c0fa8029155084"

func TestGolden(t *testing.T) {
	t.Parallel()
	f := goldenRepo(t)
	cases := []struct {
		file string
		args []string
	}{
		{"history.txt.golden", []string{"history", "--format", "text", f.dir}},
		{"history.json.golden", []string{"history", "--format", "json", f.dir}},
		{"history.jsonl.golden", []string{"history", "--format", "jsonl", f.dir}},
		{"dir.txt.golden", []string{"dir", "--format", "text", f.dir}},
		{"dir.json.golden", []string{"dir", "--format", "json", f.dir}},
	}
	for _, c := range cases {
		r := ss(t, "", c.args...).mustCode(t, exitFindings)
		if strings.Contains(r.stdout, "\x1b[") {
			t.Errorf("%s: colour codes in output to a buffer", c.file)
		}
		if strings.Contains(r.stdout, f.dir) {
			t.Errorf("%s: output names the temporary directory %s", c.file, f.dir)
		}
		path := filepath.Join(goldenDir, c.file)
		if *update {
			if err := os.MkdirAll(goldenDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run: go test ./cmd/secretsweep -run Golden -update)", err)
		}
		if r.stdout != string(want) {
			t.Errorf("%s differs from the output (if intended: go test ./cmd/secretsweep -run Golden -update)\n%s", c.file, lineDiff(string(want), r.stdout))
		}
	}
}

// lineDiff shows the first lines where want and got differ, with some context.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 20; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d:\n  - %s\n  + %s\n", i+1, w, g)
			shown++
		}
	}
	return b.String()
}
