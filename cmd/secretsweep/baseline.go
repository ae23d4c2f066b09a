package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/secretsweep/secretsweep/allowlist"
	"github.com/secretsweep/secretsweep/internal/safefile"
)

const baselineUsage = `Usage:
  secretsweep baseline create [-o FILE] [flags] [PATH]   scan the work tree of PATH as 'dir' does and write its findings
  secretsweep baseline prune [--baseline FILE] [PATH]    drop the entries a fresh scan no longer finds
  secretsweep baseline audit [--baseline FILE]           record a verdict (true or false positive) and a reason for each entry

FILE defaults to .secretsweep-baseline.json at PATH. Scans with --baseline FILE report
only findings not in it. The file is sorted, holds fingerprints (keyed HMACs, never the
secrets), no line numbers and no timestamps, so regenerating it on an unchanged tree
gives the same bytes, and audit verdicts survive 'create' and 'prune'.
`

const defaultBaselineName = ".secretsweep-baseline.json"

// runBaseline runs the baseline subcommands.
func runBaseline(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, baselineUsage)
		return exitError
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "create", "prune":
		return baselineScan(ctx, sub, rest, stdin, stdout, stderr)
	case "audit":
		return baselineAudit(rest, stdin, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, baselineUsage)
		return exitClean
	}
	fmt.Fprintf(stderr, "secretsweep baseline: unknown subcommand %q\n\n%s", sub, baselineUsage)
	return exitError
}

// baselineScan scans PATH as dir does and creates or prunes the baseline.
func baselineScan(ctx context.Context, sub string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fset := newFlagSet("dir", &o, stderr)
	fset.Init("secretsweep baseline "+sub, flag.ContinueOnError)
	fset.Usage = func() {
		fmt.Fprintf(stderr, "Usage: secretsweep baseline %s [flags] [PATH]\n\nFlags:\n", sub)
		fset.PrintDefaults()
	}
	out := ""
	if sub == "create" {
		fset.StringVar(&out, "o", "", "write the baseline to `file` (- for stdout; default .secretsweep-baseline.json at PATH)")
	}
	pos, err := parseInterleaved(fset, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitClean
	}
	if err != nil {
		return exitError
	}
	if err := o.check("dir", pos); err != nil {
		fmt.Fprintf(stderr, "secretsweep baseline %s: %v\n", sub, err)
		return exitError
	}
	root := "."
	if len(pos) == 1 {
		root = pos[0]
	}
	file := o.baseline
	if sub == "create" {
		file = out
		if o.baseline != "" {
			fmt.Fprintf(stderr, "secretsweep baseline create: --baseline does not apply; write with -o FILE\n")
			return exitError
		}
	}
	if file == "" {
		file = filepath.Join(root, defaultBaselineName)
	}
	var old *allowlist.Baseline
	if file != "-" {
		old, err = readBaselineFile(file)
		if err != nil && !(sub == "create" && errors.Is(err, fs.ErrNotExist)) {
			fmt.Fprintf(stderr, "secretsweep baseline %s: %v\n", sub, err)
			return exitError
		}
	}
	// The scan itself: the baseline being written must not suppress anything.
	o.baseline = ""
	res, err := scanCommand(ctx, "dir", root, &o, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep baseline %s: %v\n", sub, err)
		return exitError
	}
	if len(res.incomplete) > 0 {
		for _, m := range res.incomplete {
			fmt.Fprintf(stderr, "secretsweep baseline %s: error: %s\n", sub, m)
		}
		fmt.Fprintf(stderr, "secretsweep baseline %s: the scan is incomplete; the baseline was not written\n", sub)
		return exitError
	}
	var bl *allowlist.Baseline
	switch sub {
	case "create":
		var entries []allowlist.BaselineEntry
		seen := map[[3]string]bool{}
		for _, r := range res.records {
			k := [3]string{r.Fingerprint, r.Rule, r.Path}
			if r.Suppression != nil || seen[k] {
				continue
			}
			seen[k] = true
			entries = append(entries, allowlist.BaselineEntry{Fingerprint: r.Fingerprint, Rule: r.Rule, Path: r.Path})
		}
		bl, err = allowlist.NewBaseline(entries)
		if err != nil {
			fmt.Fprintf(stderr, "secretsweep baseline create: %v\n", err)
			return exitError
		}
		bl.MergeAudits(old)
		bl.KeyHint = keyHint(&o, root)
		fmt.Fprintf(stderr, "baseline: %d entries\n", bl.Len())
	case "prune":
		found := map[string]bool{}
		for _, r := range res.records {
			found[r.Fingerprint] = true
		}
		n := old.Prune(found)
		bl = old
		fmt.Fprintf(stderr, "baseline: pruned %d entries no longer found; %d remain\n", n, bl.Len())
	}
	if err := writeBaselineFile(file, bl, stdout); err != nil {
		fmt.Fprintf(stderr, "secretsweep baseline %s: %v\n", sub, err)
		return exitError
	}
	return exitClean
}

// keyHint says which key made the fingerprints, without revealing a key.
func keyHint(o *options, root string) string {
	switch {
	case o.fingerprintKey != "":
		return "--fingerprint-key"
	}
	if cfg, err := loadConfig(o, root); err == nil && cfg.FingerprintKey != "" {
		return "config fingerprint_key"
	}
	if id, ok := rootCommitOf(root); ok {
		return "root commit " + id[:12]
	}
	return "default key"
}

func readBaselineFile(file string) (*allowlist.Baseline, error) {
	f, err := safefile.Open(file, maxBaselineSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return allowlist.ReadBaseline(file, f)
}

// writeBaselineFile writes atomically (a temporary file renamed over the old).
func writeBaselineFile(file string, bl *allowlist.Baseline, stdout io.Writer) error {
	var buf bytes.Buffer
	if err := bl.Write(&buf); err != nil {
		return err
	}
	if file == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// baselineAudit walks the entries that have no verdict yet and asks, on stderr,
// for a verdict and a reason, read from stdin. It saves after every answer, so
// quitting keeps what was recorded.
func baselineAudit(args []string, stdin io.Reader, stderr io.Writer) int {
	fset := flag.NewFlagSet("secretsweep baseline audit", flag.ContinueOnError)
	fset.SetOutput(stderr)
	file := fset.String("baseline", defaultBaselineName, "the baseline `file` to audit")
	all := fset.Bool("all", false, "also revisit entries that already have a verdict")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitError
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "secretsweep baseline audit: unexpected argument %q\n", fset.Arg(0))
		return exitError
	}
	bl, err := readBaselineFile(*file)
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep baseline audit: %v\n", err)
		return exitError
	}
	in := bufio.NewReader(stdin)
	ask := func(prompt string) (string, bool) {
		fmt.Fprint(stderr, prompt)
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			return "", false
		}
		return strings.TrimSpace(line), true
	}
	entries := bl.Entries()
	done := 0
	for i, e := range entries {
		if e.Verdict != allowlist.Unaudited && !*all {
			continue
		}
		fmt.Fprintf(stderr, "\n[%d/%d] %s in %s (fingerprint %s)", i+1, len(entries), e.Rule, e.Path, e.Fingerprint[:16])
		if e.Verdict != "" {
			fmt.Fprintf(stderr, ", now %s: %s", e.Verdict, e.Reason)
		}
		fmt.Fprintln(stderr)
		var verdict string
		for verdict == "" {
			ans, ok := ask("[t]rue positive, [f]alse positive, [s]kip, [q]uit? ")
			if !ok {
				ans = "q"
			}
			switch strings.ToLower(ans) {
			case "t", "true":
				verdict = allowlist.TruePositive
			case "f", "false":
				verdict = allowlist.FalsePositive
			case "s", "skip":
				verdict = "skip"
			case "q", "quit":
				fmt.Fprintf(stderr, "audited %d entries\n", done)
				return exitClean
			}
		}
		if verdict == "skip" {
			continue
		}
		reason, _ := ask("reason: ")
		if err := bl.SetVerdict(e.Fingerprint, verdict, reason); err != nil {
			fmt.Fprintf(stderr, "secretsweep baseline audit: %v\n", err)
			return exitError
		}
		if err := writeBaselineFile(*file, bl, io.Discard); err != nil {
			fmt.Fprintf(stderr, "secretsweep baseline audit: %v\n", err)
			return exitError
		}
		done++
	}
	fmt.Fprintf(stderr, "audited %d entries\n", done)
	return exitClean
}
