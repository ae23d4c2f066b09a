package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/report"
	"github.com/secretsweep/secretsweep/scan"
)

// Exit codes (DESIGN.md).
const (
	exitClean    = 0 // no findings
	exitFindings = 1 // findings
	exitError    = 2 // error or incomplete scan
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise the
// module version from the build info is used.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

const usage = `secretsweep finds hardcoded secrets in git repositories, directories and stdin.

Usage:
  secretsweep history [flags] [PATH]   scan every blob in the history of the repository at PATH (default .)
  secretsweep history --range BASE..TIP [flags] [PATH]   only what the commits of BASE..TIP introduced (CI)
  secretsweep dir [flags] [PATH]       scan the files under PATH (default .)
  secretsweep stdin [flags]            scan standard input
  secretsweep staged [flags] [FILE...] scan the staged changes (or the staged FILEs): for a pre-commit hook
  secretsweep pre-push [flags]         scan the commits a push sends (git's pre-push lines on stdin)
  secretsweep install-hook [--pre-push] [--force] [PATH]   write a git hook that runs secretsweep
  secretsweep baseline create|prune|audit   record known findings, so that scans report only new ones
  secretsweep merge [flags] FILE...    combine the reports of 'history --shard K/N' runs into one
  secretsweep version                  print the version

Run 'secretsweep COMMAND --help' for the flags of a command.

Exit status: 0 no findings, 1 findings, 2 error or incomplete scan.
`

// run is the whole program: it parses args, runs a command and returns the exit
// code. It writes the report to stdout (or --output) and everything else to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "history", "dir", "stdin":
		return runScan(ctx, cmd, rest, stdin, stdout, stderr)
	case "staged":
		return runStaged(ctx, rest, stdout, stderr)
	case "pre-push":
		return runPrePush(ctx, rest, stdin, stdout, stderr)
	case "install-hook":
		return runInstallHook(rest, stdout, stderr)
	case "baseline":
		return runBaseline(ctx, rest, stdin, stdout, stderr)
	case "merge":
		return runMerge(rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "secretsweep %s\n", versionString())
		return exitClean
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitClean
	}
	fmt.Fprintf(stderr, "secretsweep: unknown command %q\n\n%s", cmd, usage)
	return exitError
}

// options are the flags of the scan commands.
type options struct {
	config         string
	format         string
	output         string
	showSecrets    bool
	maxBlobSize    int64
	workers        int
	fingerprintKey string
	noIgnore       bool   // dir
	stdinPath      string // stdin
	noColor        bool
	version        bool
	explain        bool
	baseline       string
	noInlineAllow  bool
	showSuppressed bool
	shard          shardFlag
	cache          string
	archiveDepth   int // --archive-depth

	// cacheStore is the open --cache of a history scan.
	cacheStore *scanCache

	// suppress is built from the config and flags before a scan starts.
	suppress *suppression

	hookOptions // staged, pre-push, history --range (hooks.go)
}

// sizeFlag parses sizes such as 1048576, 10MB, 512KiB or 1G.
type sizeFlag struct{ n *int64 }

func (s sizeFlag) String() string {
	if s.n == nil {
		return ""
	}
	return strconv.FormatInt(*s.n, 10)
}

func (s sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s.n = n
	return nil
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || !(n*float64(mult) >= 1) || n*float64(mult) > 1<<50 { // !(>= 1) also rejects NaN and sizes that round to 0
		return 0, fmt.Errorf("invalid size %q (want a positive number of bytes, or one with a unit such as 10MB or 512KiB)", v)
	}
	return int64(n * float64(mult)), nil
}

func newFlagSet(cmd string, o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("secretsweep "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", "", "config `file` (default: .secretsweep.toml at the scanned root, else .gitleaks.toml there, else the built-in rules)")
	fs.StringVar(&o.format, "format", "text", "report format: "+strings.Join(report.Formats, ", ")+" (github: GitHub Actions annotations)")
	fs.StringVar(&o.output, "output", "", "write the report to `file` instead of stdout")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "show secrets in full in the report (they are redacted by default)")
	o.maxBlobSize = 10 << 20
	fs.Var(sizeFlag{&o.maxBlobSize}, "max-blob-size", "skip files and blobs larger than `size` (bytes, or with a unit: 10MB, 512KiB)")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "number of scanning workers")
	fs.StringVar(&o.fingerprintKey, "fingerprint-key", "", "`key` for the HMAC of fingerprints (default: the config's, else the repository's root commit id)")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour in text output (also: NO_COLOR set)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.baseline, "baseline", "", "report only findings not in this baseline `file` (see 'secretsweep baseline')")
	fs.BoolVar(&o.noInlineAllow, "no-inline-allow", false, "ignore inline allow markers (secretsweep:allow, gitleaks:allow, pragma: allowlist secret), for audits")
	fs.BoolVar(&o.showSuppressed, "show-suppressed", false, "also report findings that allowlists, markers, ignore files or the baseline silence, marked as suppressed (they do not set the exit status)")
	o.archiveDepth = 2
	fs.Var(depthFlag{&o.archiveDepth}, "archive-depth", "expand archives found by content (zip, wheel, egg, jar, tar, tar.gz, gz) to `N` levels of nesting and scan their members as files at archive!member paths (0: off)")
	fs.BoolVar(&o.explain, "explain", false, "print on stderr, for each candidate secret, the detector that raised it and what reported or dropped it (secrets redacted)")
	switch cmd {
	case "history":
		fs.StringVar(&o.cache, "cache", "", "keep what each blob's scan found in `dir`, so that a repeat sweep scans only new blobs (the cache holds the secrets found: keep it private)")
		fs.Var(&o.shard, "shard", "scan only shard `K/N` of the unique blobs (K from 1 to N), partitioned by blob id; combine the shards' json or jsonl reports with 'secretsweep merge'")
	case "dir":
		fs.BoolVar(&o.noIgnore, "no-ignore", false, "also scan files that .gitignore excludes")
	case "stdin":
		fs.StringVar(&o.stdinPath, "path", "stdin", "file `name` to give the input, for path-based rules and file-type detection")
	}
	addHookFlags(fs, cmd, o, stderr) // --range, --since, --no-progress, --repo, --all-changes (hooks.go)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: secretsweep %s [flags]%s\n\nFlags:\n", cmd, map[bool]string{true: " [PATH]", false: ""}[cmd != "stdin"])
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags that may come before or after positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseCommandFlags parses a scan command's flags (before or after its
// arguments). done is true when the command has nothing more to do: --help,
// --version, or a bad flag (which the flag package has reported, with usage).
func parseCommandFlags(fs *flag.FlagSet, o *options, args []string, stdout io.Writer) (pos []string, code int, done bool) {
	pos, err := parseInterleaved(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, exitClean, true
	case err != nil:
		return nil, exitError, true
	case o.version:
		fmt.Fprintf(stdout, "secretsweep %s\n", versionString())
		return nil, exitClean, true
	}
	return pos, 0, false
}

// usageError is a bad flag or argument: reported with a hint, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func runScan(ctx context.Context, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet(cmd, &o, stderr)
	pos, code, done := parseCommandFlags(fs, &o, args, stdout)
	if done {
		return code
	}
	if err := o.check(cmd, pos); err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	root := "."
	if len(pos) == 1 {
		root = pos[0]
	}
	start := time.Now()
	res, err := scanCommand(ctx, cmd, root, &o, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "secretsweep %s: %v\n", cmd, err)
		return exitError
	}
	return reportScan(cmd, &o, res, start, stdout, stderr)
}

func (o *options) check(cmd string, pos []string) error {
	if cmd == "stdin" && len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q: stdin reads standard input", pos[0])}
	}
	if len(pos) > 1 {
		return usageError{fmt.Sprintf("one PATH at most, got %d: %s", len(pos), strings.Join(pos, " "))}
	}
	if !slices.Contains(report.Formats, o.format) {
		return usageError{fmt.Sprintf("unknown --format %q (want %s)", o.format, strings.Join(report.Formats, ", "))}
	}
	if o.workers < 1 {
		return usageError{fmt.Sprintf("--workers must be at least 1, got %d", o.workers)}
	}
	return nil
}

// result is what a scan command produced.
type result struct {
	records []report.Record
	stats   scan.Stats
	// incomplete lists what could not be read; non-empty means exit 2.
	incomplete []string
	commits    int
	// suppressedBy counts silenced findings by verdict kind.
	suppressedBy map[string]int
	// cached counts blobs whose results came from --cache.
	cached int
	// explain holds the --explain records.
	explain   []report.Explanation
	explained map[explainKey]bool
}

// loadConfig finds the config: --config, else .secretsweep.toml at root, else
// .gitleaks.toml there (read as gitleaks reads it), else the embedded default.
func loadConfig(o *options, root string) (*detectors.Config, error) {
	file := o.config
	for _, name := range []string{".secretsweep.toml", ".gitleaks.toml"} {
		if file != "" {
			break
		}
		cand := filepath.Join(root, name)
		if st, err := os.Stat(cand); err == nil && !st.IsDir() {
			file = cand
		}
	}
	if file == "" {
		return detectors.DefaultConfig()
	}
	return detectors.LoadConfigFile(file)
}

func scanCommand(ctx context.Context, cmd, root string, o *options, stdin io.Reader) (*result, error) {
	cfgRoot := root
	if cmd == "stdin" {
		cfgRoot = "."
	}
	if cmd == "dir" {
		st, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a directory (to scan one file: secretsweep stdin --path NAME < FILE)", root)
		}
	}
	cfg, err := loadConfig(o, cfgRoot)
	if err != nil {
		return nil, err
	}
	eng, err := detectors.NewEngine(cfg)
	if err != nil {
		return nil, err
	}
	o.suppress, err = newSuppression(cfg, o, cfgRoot)
	if err != nil {
		return nil, err
	}
	if o.cache != "" && cmd == "history" && !o.explain { // --explain needs every candidate: no cache
		if o.cacheStore, err = openCache(o.cache, cfg, o.archiveDepth); err != nil {
			return nil, err
		}
	}
	sc := &scan.Scanner{Engine: eng, Workers: o.workers, Explain: o.explain, ArchiveDepth: o.archiveDepth, MaxSize: o.maxBlobSize}
	key := o.fingerprintKey
	if key == "" {
		key = cfg.FingerprintKey
	}
	switch cmd {
	case "history":
		return scanHistory(ctx, sc, root, o, key)
	case "dir":
		return scanDir(ctx, sc, root, o, key)
	default:
		return scanStdin(ctx, sc, stdin, o, key)
	}
}

// newRecord builds the reported form of a finding, redacting the secret unless
// the user asked to see it.
func newRecord(f *detectors.Finding, blob string, key []byte, show bool) report.Record {
	secret := f.Secret
	if !show {
		secret = report.Redact(secret)
	}
	return report.Record{
		Rule:        f.RuleID,
		Description: f.Description,
		Severity:    f.Severity,
		Path:        f.Path,
		Line:        f.Line,
		Column:      f.Column,
		EndLine:     f.EndLine,
		EndColumn:   f.EndColumn,
		Secret:      secret,
		Fingerprint: report.Fingerprint(key, f.RuleID, f.Secret),
		Entropy:     report.RoundEntropy(f.Entropy),
		Blob:        blob,
		Tags:        slices.Clone(f.Tags),
		Decoded:     f.Decoded,
	}
}

// defaultFingerprintKey keys fingerprints outside any repository.
const defaultFingerprintKey = "secretsweep"

func writeReport(o *options, rs []report.Record, stdout io.Writer) (err error) {
	report.Sort(rs)
	w := stdout
	color := false
	if o.output != "" {
		f, err := os.Create(o.output)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	} else {
		color = !o.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
	}
	if o.format == "sarif" {
		sup := map[string]report.Suppression{}
		for _, r := range rs {
			if r.Suppression != nil {
				sup[r.Fingerprint] = *r.Suppression
			}
		}
		err = report.WriteSARIF(w, rs, report.SARIFOptions{ToolVersion: versionString(), Suppressed: sup})
	} else {
		err = report.Write(w, o.format, rs, color)
	}
	if errors.Is(err, errBrokenPipe) {
		return nil // a reader that went away (| head) is not an error
	}
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func printSummary(w io.Writer, res *result, elapsed time.Duration, maxSize int64) {
	st := res.stats
	var b strings.Builder
	fmt.Fprintf(&b, "scanned %d blobs (%s)", st.Blobs, humanBytes(st.Bytes))
	if res.commits > 0 {
		fmt.Fprintf(&b, " from %d commits", res.commits)
	}
	if res.cached > 0 {
		fmt.Fprintf(&b, " (+%d unchanged blobs from the cache)", res.cached)
	}
	fmt.Fprintf(&b, " in %s", elapsed.Round(time.Millisecond))
	if st.Archives > 0 || st.ArchiveMembers > 0 {
		fmt.Fprintf(&b, "; expanded %d archives (%d members, %s)", st.Archives, st.ArchiveMembers, humanBytes(st.ArchiveBytes))
	}
	var skipped []string
	if st.Binary > 0 {
		skipped = append(skipped, fmt.Sprintf("%d binary", st.Binary))
	}
	if st.Oversized > 0 {
		skipped = append(skipped, fmt.Sprintf("%d over %s", st.Oversized, humanBytes(maxSize)))
	}
	if st.ArchiveLimited > 0 {
		skipped = append(skipped, fmt.Sprintf("%d archives over limits", st.ArchiveLimited))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "; skipped %s", strings.Join(skipped, ", "))
	}
	n := 0
	for _, r := range res.records {
		if r.Suppression == nil {
			n++
		}
	}
	fmt.Fprintf(&b, "; %d findings", n)
	if len(res.suppressedBy) > 0 {
		var parts []string
		total := 0
		for _, k := range []string{"allowlist", "inline", "ignore", "baseline"} {
			if c := res.suppressedBy[k]; c > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", k, c))
				total += c
			}
		}
		fmt.Fprintf(&b, "; %d suppressed (%s)", total, strings.Join(parts, ", "))
	}
	b.WriteByte('\n')
	if st.Oversized > 0 {
		fmt.Fprintf(&b, "warning: %d files or blobs over --max-blob-size %s were not scanned: %s", st.Oversized, humanBytes(maxSize), strings.Join(st.OversizedPaths, ", "))
		if int64(len(st.OversizedPaths)) < st.Oversized {
			fmt.Fprintf(&b, " and %d more", st.Oversized-int64(len(st.OversizedPaths)))
		}
		b.WriteByte('\n')
	}
	if st.ArchiveLimited > 0 {
		fmt.Fprintf(&b, "warning: %d archives were not fully scanned: a limit stopped their expansion (compression bomb, total size or entries): %s", st.ArchiveLimited, strings.Join(st.ArchiveLimitedPaths, ", "))
		if n := st.ArchiveLimited - int64(len(st.ArchiveLimitedPaths)); n > 0 {
			fmt.Fprintf(&b, " and %d more", n)
		}
		b.WriteByte('\n')
	}
	if st.ArchiveCorrupt > 0 {
		fmt.Fprintf(&b, "warning: %d archives or archive members could not be read (corrupt, truncated or unsupported) and were scanned as plain content, which does not make the scan incomplete: %s", st.ArchiveCorrupt, strings.Join(st.ArchiveCorruptPaths, ", "))
		if n := st.ArchiveCorrupt - int64(len(st.ArchiveCorruptPaths)); n > 0 {
			fmt.Fprintf(&b, " and %d more", n)
		}
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
