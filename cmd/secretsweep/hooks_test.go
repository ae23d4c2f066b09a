package main

// Tests of `secretsweep install-hook`, and of the hooks it writes run by git.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstallHook(t *testing.T) {
	t.Parallel()
	f := newRepo(t)
	hook := f.path(".git/hooks/pre-commit")

	r := ss(t, "", "install-hook", f.dir).mustCode(t, exitClean)
	if !strings.Contains(r.stdout, hook) {
		t.Errorf("install-hook does not say where: %s", r.stdout)
	}
	st, err := os.Stat(hook)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o111 == 0 {
		t.Errorf("hook not executable: %v", st.Mode())
	}
	body, _ := os.ReadFile(hook)
	if !strings.Contains(string(body), hookMarker) || !strings.Contains(string(body), `"$SECRETSWEEP" staged`) {
		t.Errorf("hook:\n%s", body)
	}
	// Its own hook is replaced without --force (from a subdirectory too).
	f.write("sub/x.txt", "x")
	ss(t, "", "install-hook", f.path("sub")).mustCode(t, exitClean)

	// Someone else's hook is kept unless --force, with a way to chain it.
	foreign := "#!/bin/sh\necho mine\n"
	if err := os.WriteFile(hook, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	r = ss(t, "", "install-hook", f.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, "secretsweep staged || exit $?") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("no chaining snippet or --force hint:\n%s", r.stderr)
	}
	if b, _ := os.ReadFile(hook); string(b) != foreign {
		t.Errorf("the foreign hook was changed")
	}
	ss(t, "", "install-hook", "--force", f.dir).mustCode(t, exitClean)
	if b, _ := os.ReadFile(hook); !strings.Contains(string(b), hookMarker) {
		t.Errorf("--force did not replace the hook")
	}
	if b, err := os.ReadFile(hook + ".secretsweep-backup"); err != nil || string(b) != foreign {
		t.Errorf("the replaced hook was not kept: %v", err)
	}

	// pre-push; a foreign one gets the stdin-preserving snippet.
	ss(t, "", "install-hook", "--pre-push", f.dir).mustCode(t, exitClean)
	if b, _ := os.ReadFile(f.path(".git/hooks/pre-push")); !strings.Contains(string(b), `"$SECRETSWEEP" pre-push "$@"`) {
		t.Errorf("pre-push hook:\n%s", b)
	}
	if err := os.WriteFile(f.path(".git/hooks/pre-push"), []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	r = ss(t, "", "install-hook", "--pre-push", f.dir).mustCode(t, exitError)
	if !strings.Contains(r.stderr, `input=$(cat)`) {
		t.Errorf("pre-push snippet:\n%s", r.stderr)
	}

	// core.hooksPath is where git looks.
	f.git("config", "core.hooksPath", "githooks")
	ss(t, "", "install-hook", f.dir).mustCode(t, exitClean)
	if _, err := os.Stat(f.path("githooks/pre-commit")); err != nil {
		t.Errorf("core.hooksPath not honoured: %v", err)
	}

	ss(t, "", "install-hook", t.TempDir()).mustCode(t, exitError)
	ss(t, "", "install-hook", "a", "b").mustCode(t, exitError)
}

// TestHooksRunByGit builds secretsweep and lets git run the hooks it installs:
// a commit with a staged secret, `git commit -a`, and a push are stopped.
func TestHooksRunByGit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	f := newRepo(t)
	bin := filepath.Join(t.TempDir(), "secretsweep")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	gitWithHooks := func(args ...string) (string, error) {
		cmd := gitCmd(f.dir, 1, args...)
		cmd.Env = append(cmd.Env, "SECRETSWEEP="+bin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	ss(t, "", "install-hook", f.dir).mustCode(t, exitClean)
	ss(t, "", "install-hook", "--pre-push", f.dir).mustCode(t, exitClean)

	f.write("app.py", "x = 1\n")
	f.git("add", "app.py")
	if out, err := gitWithHooks("commit", "-q", "-m", "clean"); err != nil {
		t.Fatalf("a clean commit was stopped: %v\n%s", err, out)
	}
	key := fakeAWSKey(t.Name())
	f.write("app.py", "x = 1\nk = \""+key+"\"\n")
	f.git("add", "app.py")
	out, err := gitWithHooks("commit", "-q", "-m", "leak")
	if err == nil || !strings.Contains(out, "aws-access-key-id") {
		t.Fatalf("a staged secret was committed: %v\n%s", err, out)
	}
	f.git("reset", "-q")
	if out, err := gitWithHooks("commit", "-q", "-a", "-m", "leak"); err == nil {
		t.Fatalf("git commit -a committed a secret:\n%s", out)
	}
	if out, err := gitWithHooks("commit", "-q", "-a", "--no-verify", "-m", "leak anyway"); err != nil {
		t.Fatalf("--no-verify: %v\n%s", err, out)
	}

	remote := t.TempDir()
	if out, err := gitCmd(remote, 0, "init", "-q", "--bare").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f.git("remote", "add", "origin", remote)
	out, err = gitWithHooks("push", "-q", "origin", "main")
	if err == nil || !strings.Contains(out, "aws-access-key-id") {
		t.Fatalf("a push with a secret went through: %v\n%s", err, out)
	}
	f.write("app.py", "x = 1\n")
	f.git("add", "app.py")
	f.git("commit", "-q", "--no-verify", "-m", "removed")
	// The history still holds it: still stopped. Without it, the push goes.
	if _, err := gitWithHooks("push", "-q", "origin", "main"); err == nil {
		t.Fatalf("a push whose history holds a secret went through")
	}
	f.git("checkout", "-q", "--orphan", "clean")
	f.git("commit", "-q", "--no-verify", "-m", "clean branch")
	if out, err := gitWithHooks("push", "-q", "origin", "clean"); err != nil {
		t.Fatalf("a clean push was stopped: %v\n%s", err, out)
	}
}
