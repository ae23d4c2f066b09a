package main

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/secretsweep/secretsweep/report"
)

// shardFlag is --shard K/N: this run scans the unique blobs whose id falls in
// partition K of N. The partition depends only on the blob id, so N runs on N
// machines cover every blob exactly once, and 'merge' rebuilds the unsharded
// report from theirs.
type shardFlag struct{ k, n uint64 }

func (s *shardFlag) String() string {
	if s.n == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.k, s.n)
}

func (s *shardFlag) Set(v string) error {
	a, b, ok := strings.Cut(v, "/")
	k, err1 := strconv.ParseUint(a, 10, 32)
	n, err2 := strconv.ParseUint(b, 10, 32)
	if !ok || err1 != nil || err2 != nil || n == 0 || k < 1 || k > n {
		return fmt.Errorf("invalid shard %q (want K/N with 1 <= K <= N, e.g. 2/8)", v)
	}
	s.k, s.n = k, n
	return nil
}

// on reports whether this shard scans blob id.
func (s *shardFlag) on(id plumbing.Hash) bool {
	return s.n == 0 || binary.BigEndian.Uint64(id[:8])%s.n == s.k-1
}

// runMerge combines the json or jsonl reports of sharded history runs (or of any
// scans) into one report, applying the history identity rule across them: one
// finding per (rule, secret, path), at the oldest introducing commit.
func runMerge(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("secretsweep merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.format, "format", "json", "report format: "+strings.Join(report.Formats, ", "))
	fs.StringVar(&o.output, "output", "", "write the report to `file` instead of stdout")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour in text output")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: secretsweep merge [flags] FILE...\n\nCombines json or jsonl reports, e.g. of 'history --shard K/N' runs, into the report one unsharded run gives.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitClean
	}
	if err != nil {
		return exitError
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "secretsweep merge: no report files given\n")
		return exitError
	}
	if !slices.Contains(report.Formats, o.format) {
		fmt.Fprintf(stderr, "secretsweep merge: unknown --format %q (want %s)\n", o.format, strings.Join(report.Formats, ", "))
		return exitError
	}
	var all []report.Record
	for _, f := range files {
		rs, err := readReport(f)
		if err != nil {
			fmt.Fprintf(stderr, "secretsweep merge: %v\n", err)
			return exitError
		}
		all = append(all, rs...)
	}
	merged := mergeRecords(all)
	if err := writeReport(&o, merged, stdout); err != nil {
		fmt.Fprintf(stderr, "secretsweep merge: writing report: %v\n", err)
		return exitError
	}
	for _, r := range merged {
		if r.Suppression == nil {
			return exitFindings
		}
	}
	return exitClean
}

// readReport reads a json (array) or jsonl report.
func readReport(file string) ([]report.Record, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	trimmed := strings.TrimSpace(string(data))
	var rs []report.Record
	if strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal([]byte(trimmed), &rs); err != nil {
			return nil, fmt.Errorf("%s: not a json report: %v", file, err)
		}
		return rs, nil
	}
	for i, line := range strings.Split(trimmed, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var r report.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: not a jsonl report line: %v", file, i+1, err)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// mergeRecords keeps, for each history identity (rule, fingerprint, path), the
// record with the oldest commit — an unsuppressed one if there is any — and drops
// exact duplicates of other records. The shard-only order field is removed.
func mergeRecords(all []report.Record) []report.Record {
	type key struct{ rule, fp, path string }
	best := map[key]int{}
	var out []report.Record
	better := func(a, b *report.Record) bool { // a better than b
		if (a.Suppression == nil) != (b.Suppression == nil) {
			return a.Suppression == nil
		}
		ao, bo := orderOf(a), orderOf(b)
		if ao != bo {
			return ao < bo
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column)) < 0
	}
	seen := map[string]bool{}
	for _, r := range all {
		if r.Commit == "" {
			b, _ := json.Marshal(r)
			if !seen[string(b)] {
				seen[string(b)] = true
				out = append(out, r)
			}
			continue
		}
		k := key{r.Rule, r.Fingerprint, r.Path}
		if i, ok := best[k]; ok {
			if better(&r, &out[i]) {
				out[i] = r
			}
			continue
		}
		best[k] = len(out)
		out = append(out, r)
	}
	for i := range out {
		out[i].ShardOrder = nil
	}
	return out
}

func orderOf(r *report.Record) int {
	if r.ShardOrder == nil {
		return int(^uint(0) >> 1)
	}
	return *r.ShardOrder
}
