package main

// Tests of `secretsweep history --range/--since` and `secretsweep pre-push`.

import (
	"strings"
	"testing"
)

const zeros = "0000000000000000000000000000000000000000"

// TestHistoryRange: only what the commits of the range introduced, merges
// included, with the provenance of a history scan.
func TestHistoryRange(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	inBase := fakeAWSKey(t.Name() + "/base")
	onFeature := fakeGitHubPAT(t.Name() + "/feature")
	onMain := fakeAWSKey(t.Name() + "/main")
	inMerge := fakeGitHubPAT(t.Name() + "/merge")
	f.write("conf.py", "x = 1\n")
	f.write("base.py", "K = \""+inBase+"\"\n")
	m1 := f.commit("m1")
	f.git("checkout", "-q", "-b", "feature")
	f.write("feat.py", "T = \""+onFeature+"\"\n")
	f.write("conf.py", "x = 2\n")
	f1 := f.commit("f1")
	f.git("checkout", "-q", "main")
	f.write("main.py", "K = \""+onMain+"\"\n")
	f.write("conf.py", "x = 3\n")
	m2 := f.commit("m2")
	if out, err := f.tryGit("merge", "-q", "--no-edit", "feature"); err == nil {
		t.Fatalf("fixture: the merge should conflict:\n%s", out)
	}
	f.write("conf.py", "x = 4\nT = \""+inMerge+"\"\n") // typed while resolving the conflict
	merge := f.commit("merge")

	r := ss(t, "", "history", "--range", m1+"..HEAD", "--format", "json", f.dir).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "github-pat", Path: "conf.py", Line: 2, Commit: merge, InHead: true},
		want{Rule: "github-pat", Path: "feat.py", Line: 1, Commit: f1, InHead: true},
		want{Rule: "aws-access-key-id", Path: "main.py", Line: 1, Commit: m2, InHead: true},
	)
	if !strings.Contains(r.stderr, "from 3 commits") {
		t.Errorf("summary: %s", r.stderr)
	}
	// From m2 the feature branch is still new; --since is the same range.
	for _, args := range [][]string{{"--range", m2 + ".." + merge}, {"--since", m2}, {"--range", "main~1..main"}} {
		r = ss(t, "", append(append([]string{"history", "--format", "json"}, args...), f.dir)...).mustCode(t, exitFindings)
		checkFindings(t, records(t, r.stdout),
			want{Rule: "github-pat", Path: "conf.py", Line: 2, Commit: merge, InHead: true},
			want{Rule: "github-pat", Path: "feat.py", Line: 1, Commit: f1, InHead: true},
		)
	}
	// in_head refers to the range's tip.
	r = ss(t, "", "history", "--range", m1+".."+f1, "--format", "json", f.dir).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "github-pat", Path: "feat.py", Line: 1, Commit: f1, InHead: true})
	// A base of zeros (a new branch in a CI push event): all of the tip's history.
	r = ss(t, "", "history", "--range", zeros+".."+m1, "--format", "json", f.dir).mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "aws-access-key-id", Path: "base.py", Line: 1, Commit: m1, InHead: true})
	ss(t, "", "history", "--range", merge+".."+merge, f.dir).mustCode(t, exitClean)

	for _, bad := range [][]string{
		{"--range", "nosuch..HEAD"},
		{"--range", m1 + "..." + merge},
		{"--range", m1},
		{"--range", m1 + "..", "--since", m1},
		{"--range", strings.Repeat("12", 20) + "..HEAD"},
	} {
		r = ss(t, "", append(append([]string{"history"}, bad...), f.dir)...).mustCode(t, exitError)
		if !strings.Contains(r.stderr, "secretsweep history:") {
			t.Errorf("%v: %s", bad, r.stderr)
		}
	}
}

// TestPrePush: git's pre-push lines; an update scans remote..local, a new
// branch what no remote-tracking ref reaches, a deletion nothing.
func TestPrePush(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	old := fakeAWSKey(t.Name() + "/old")
	pushed := fakeGitHubPAT(t.Name() + "/pushed")
	onBranch := fakeSlackBot(t.Name() + "/branch")
	f.write("app.py", "x = 1\nOLD = \""+old+"\"\n")
	c1 := f.commit("c1")
	f.git("update-ref", "refs/remotes/origin/main", c1)    // what the remote has
	f.write("app.py", "x = 2\nOLD = \""+old+"\"\ny = 3\n") // edited next to an old secret
	f.write("new.py", "T = \""+pushed+"\"\n")
	c2 := f.commit("c2")

	line := func(local, remote string) string {
		return "refs/heads/main " + local + " refs/heads/main " + remote + "\n"
	}
	r := ss(t, line(c2, c1), "pre-push", "--repo", f.dir, "--format", "json", "origin", "https://example.com/r.git").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "github-pat", Path: "new.py", Line: 1, Commit: c2, InHead: true})
	// The old secret in the edited file is dropped, and --explain says why.
	r = ss(t, line(c2, c1), "pre-push", "--repo", f.dir, "--format", "json", "--explain")
	if !strings.Contains(r.stderr, "before the range") {
		t.Errorf("--explain does not say why the old secret was dropped:\n%s", r.stderr)
	}
	// Nothing new.
	ss(t, line(c2, c2), "pre-push", "--repo", f.dir).mustCode(t, exitClean)

	// A new branch: only what no remote-tracking ref reaches.
	f.git("update-ref", "refs/remotes/origin/main", c2)
	f.git("checkout", "-q", "-b", "topic")
	f.write("slack.py", "S = \""+onBranch+"\"\n")
	b1 := f.commit("b1")
	newBranch := "refs/heads/topic " + b1 + " refs/heads/topic " + zeros + "\n"
	r = ss(t, newBranch, "pre-push", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "slack-bot-token", Path: "slack.py", Line: 1, Commit: b1, InHead: true})

	// A deletion pushes nothing; with an update on another line, that one counts.
	deletion := "(delete) " + zeros + " refs/heads/gone " + c1 + "\n"
	r = ss(t, deletion, "pre-push", "--repo", f.dir).mustCode(t, exitClean)
	if !strings.Contains(r.stderr, "nothing to scan") {
		t.Errorf("deletion: %s", r.stderr)
	}
	ss(t, "", "pre-push", "--repo", f.dir).mustCode(t, exitClean)
	r = ss(t, deletion+newBranch, "pre-push", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "slack-bot-token", Path: "slack.py", Line: 1, Commit: b1, InHead: true})

	// The remote's commit is not here (someone else pushed): what no
	// remote-tracking ref reaches, with a note.
	r = ss(t, "refs/heads/topic "+b1+" refs/heads/topic "+strings.Repeat("ab", 20)+"\n", "pre-push", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout), want{Rule: "slack-bot-token", Path: "slack.py", Line: 1, Commit: b1, InHead: true})
	if !strings.Contains(r.stderr, "is not here") {
		t.Errorf("no note about the unknown remote commit: %s", r.stderr)
	}

	// With no remote-tracking refs at all, a new branch is its whole history.
	f.git("update-ref", "-d", "refs/remotes/origin/main")
	r = ss(t, newBranch, "pre-push", "--repo", f.dir, "--format", "json").mustCode(t, exitFindings)
	checkFindings(t, records(t, r.stdout),
		want{Rule: "aws-access-key-id", Path: "app.py", Line: 2, Commit: c1, InHead: true},
		want{Rule: "github-pat", Path: "new.py", Line: 1, Commit: c2, InHead: true},
		want{Rule: "slack-bot-token", Path: "slack.py", Line: 1, Commit: b1, InHead: true},
	)

	r = ss(t, "refs/heads/main "+c2+"\n", "pre-push", "--repo", f.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "line 1") {
		t.Errorf("malformed input: %s", r.stderr)
	}
	ss(t, "", "pre-push", "--repo", f.dir, "a", "b", "c").mustCode(t, exitError)
}
