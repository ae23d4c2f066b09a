package main

// The flags of the hook and CI commands (staged, pre-push, history --range),
// and `secretsweep install-hook`, which writes a git hook that runs secretsweep.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/secretsweep/secretsweep/gitwalk"
)

// hookOptions are the options of the staged, pre-push and range commands; they
// are part of options.
type hookOptions struct {
	repo       string // staged, pre-push: --repo, where to look for the repository
	allChanges bool   // staged: --all-changes
	rangeSpec  string // history: --range BASE..TIP
	since      string // history: --since REV, i.e. --range REV..HEAD
	noProgress bool   // history, pre-push: --no-progress

	// progressOut is where a progress bar may go: the command's stderr.
	progressOut io.Writer
	// pushRanges, set by pre-push, replace the history walk with a range walk.
	pushRanges []gitwalk.Range
	prePush    bool
	// hist is the history scan's hook, set when the walk is done.
	hist *historyHook
}

// addHookFlags registers the flags of the hook and CI commands on fs.
func addHookFlags(fs *flag.FlagSet, cmd string, o *options, stderr io.Writer) {
	o.progressOut = stderr
	switch cmd {
	case "history":
		fs.StringVar(&o.rangeSpec, "range", "", "scan only what the commits of `BASE..TIP` introduced (reachable from TIP, not from BASE; an empty side is HEAD; a BASE of forty zeros means all of TIP's history)")
		fs.StringVar(&o.since, "since", "", "scan only what the commits after `REV` introduced: --range REV..HEAD")
	case "staged":
		fs.StringVar(&o.repo, "repo", ".", "`dir`ectory in the repository (its work tree root is found upward)")
		fs.BoolVar(&o.allChanges, "all-changes", false, "also scan unstaged changes and untracked files that .gitignore does not exclude")
	case "pre-push":
		fs.StringVar(&o.repo, "repo", ".", "`dir`ectory in the repository (its root is found upward)")
	}
	switch cmd {
	case "history", "pre-push":
		fs.BoolVar(&o.noProgress, "no-progress", false, "no progress bar (there is none either when stderr is not a terminal or CI is set)")
	}
}

// hookMarker marks the hooks that install-hook wrote, so that it replaces
// them without --force.
const hookMarker = "# secretsweep-hook: written by `secretsweep install-hook`"

func hookScript(kind string) string {
	var run, what string
	switch kind {
	case "pre-push":
		run, what = `"$SECRETSWEEP" pre-push "$@"`, "the commits being pushed"
	default:
		run, what = `"$SECRETSWEEP" staged`, "the staged changes"
	}
	return `#!/bin/sh
` + hookMarker + `; it replaces this file
# when run again as long as the line above is here. Scans ` + what + ` for secrets
# and stops the ` + strings.TrimPrefix(kind, "pre-") + ` on a finding; skip it once with --no-verify.
SECRETSWEEP="${SECRETSWEEP:-secretsweep}"
if ! command -v "$SECRETSWEEP" >/dev/null 2>&1; then
	echo "` + kind + ` hook: $SECRETSWEEP not found; install it with" >&2
	echo "  go install github.com/secretsweep/secretsweep/cmd/secretsweep@latest" >&2
	echo "or remove this hook: $0" >&2
	exit 1
fi
exec ` + run + `
`
}

// chainSnippet says how to call secretsweep from an existing hook.
func chainSnippet(kind string) string {
	if kind == "pre-push" {
		return `	# git passes the refs being pushed on standard input: keep them for both.
	input=$(cat)
	printf '%s\n' "$input" | secretsweep pre-push "$@" || exit $?
	# ... and give the rest of the hook "$input" instead of reading stdin, e.g.
	# printf '%s\n' "$input" | your-other-check
`
	}
	return "\tsecretsweep staged || exit $?\n"
}

func runInstallHook(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("secretsweep install-hook", flag.ContinueOnError)
	flags.SetOutput(stderr)
	prePush := flags.Bool("pre-push", false, "write a pre-push hook (scans the commits being pushed) instead of a pre-commit hook (scans the staged changes)")
	force := flags.Bool("force", false, "replace a hook that secretsweep did not write (it is kept next to it as NAME.secretsweep-backup)")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: secretsweep install-hook [--pre-push] [--force] [PATH]\n\nWrites the pre-commit (or pre-push) hook of the repository at PATH (default: the one holding the current directory).\n\nFlags:\n")
		flags.PrintDefaults()
	}
	pos, err := parseInterleaved(flags, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitClean
	}
	if err != nil {
		return exitError
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "secretsweep install-hook: one PATH at most, got %d: %s\n", len(pos), strings.Join(pos, " "))
		return exitError
	}
	start := "."
	if len(pos) == 1 {
		start = pos[0]
	}
	kind := "pre-commit"
	if *prePush {
		kind = "pre-push"
	}
	dir, err := hooksDir(start)
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep install-hook: %v\n", err)
		return exitError
	}
	file := filepath.Join(dir, kind)
	old, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		fmt.Fprintf(stderr, "secretsweep install-hook: %v\n", err)
		return exitError
	case strings.Contains(string(old), hookMarker):
		// Ours: rewrite it (an update).
	case !*force:
		fmt.Fprintf(stderr, "secretsweep install-hook: %s exists and secretsweep did not write it; not replacing it.\n", file)
		if strings.Contains(string(old), "pre-commit.com") {
			fmt.Fprintf(stderr, "It is the pre-commit framework's hook: add secretsweep to .pre-commit-config.yaml instead:\n\n"+
				"  - repo: https://github.com/secretsweep/secretsweep\n    rev: <a release tag>\n    hooks:\n      - id: secretsweep\n\n")
		}
		fmt.Fprintf(stderr, "To run secretsweep from it, add these lines near its top (before any exec or exit):\n\n%s\nor run again with --force to replace it (it is then kept as %s.secretsweep-backup).\n", chainSnippet(kind), kind)
		return exitError
	default:
		backup := file + ".secretsweep-backup"
		for i := 1; ; i++ {
			if _, err := os.Lstat(backup); errors.Is(err, fs.ErrNotExist) {
				break
			}
			backup = fmt.Sprintf("%s.secretsweep-backup.%d", file, i)
		}
		if err := os.Rename(file, backup); err != nil {
			fmt.Fprintf(stderr, "secretsweep install-hook: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stderr, "secretsweep install-hook: the previous %s hook is now %s\n", kind, backup)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "secretsweep install-hook: %v\n", err)
		return exitError
	}
	// Write beside the hook and rename, so that a hook is never half written.
	tmp, err := os.CreateTemp(dir, "."+kind+".secretsweep-*")
	if err == nil {
		_, err = tmp.WriteString(hookScript(kind))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), 0o755)
		}
		if err == nil {
			err = os.Rename(tmp.Name(), file)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep install-hook: writing %s: %v\n", file, err)
		return exitError
	}
	fmt.Fprintf(stdout, "installed the %s hook %s\n", kind, file)
	return exitClean
}

// hooksDir returns the directory where git looks for the hooks of the
// repository holding start: core.hooksPath if set, else the hooks directory
// of the git directory (the common one for a linked worktree).
func hooksDir(start string) (string, error) {
	root, gitDir, err := findGitDir(start)
	if err != nil {
		return "", err
	}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	if f, err := os.Open(filepath.Join(common, "config")); err == nil {
		cfg := gitconfig.New()
		derr := gitconfig.NewDecoder(f).Decode(cfg)
		f.Close()
		if derr != nil {
			return "", fmt.Errorf("reading %s: %w", filepath.Join(common, "config"), derr)
		}
		if hp := cfg.Section("core").Option("hooksPath"); hp != "" {
			if rest, ok := strings.CutPrefix(hp, "~/"); ok {
				if home, err := os.UserHomeDir(); err == nil {
					hp = filepath.Join(home, rest)
				}
			}
			if !filepath.IsAbs(hp) {
				hp = filepath.Join(root, hp)
			}
			return hp, nil
		}
	}
	return filepath.Join(common, "hooks"), nil
}

// findGitDir finds the repository holding start: the nearest directory at or
// above it with a .git directory or file (a linked worktree or submodule), or
// a bare repository. It returns the work tree root (the git directory for a
// bare repository) and the git directory.
func findGitDir(start string) (root, gitDir string, err error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", "", err
	}
	if st, err := os.Stat(dir); err != nil {
		return "", "", fmt.Errorf("%s: %w", start, errors.Unwrap(err))
	} else if !st.IsDir() {
		return "", "", fmt.Errorf("%s is not a directory", start)
	}
	for {
		dot := filepath.Join(dir, ".git")
		if st, err := os.Stat(dot); err == nil {
			if st.IsDir() {
				return dir, dot, nil
			}
			b, err := os.ReadFile(dot)
			if err != nil {
				return "", "", err
			}
			gd, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
			if !ok {
				return "", "", fmt.Errorf("%s: not a gitdir file", dot)
			}
			gd = strings.TrimSpace(gd)
			if !filepath.IsAbs(gd) {
				gd = filepath.Join(dir, gd)
			}
			return dir, filepath.Clean(gd), nil
		}
		if isBareRepo(dir) {
			return dir, dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", fmt.Errorf("%s is not in a git repository", start)
		}
		dir = parent
	}
}

func isBareRepo(dir string) bool {
	for _, name := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}
