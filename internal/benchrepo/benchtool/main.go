// Command benchtool holds the helpers of scripts/bench.sh:
//
//	benchtool readall [-cpuprofile F] REPO
//	    go-git's floor: gitwalk.Open, Walk and ReadBlobs of every blob,
//	    content discarded. Prints the time of each phase.
//	benchtool scan [-workers N] [-preload] [-cpuprofile F] [-memprofile F] REPO
//	    the pipeline of `secretsweep history` (gitwalk, scan, detectors with
//	    the default rules, attribution of findings to commits) without the
//	    report, for profiles; -preload reads every blob first, so reading and
//	    scanning are timed apart.
//	benchtool compile [-cpuprofile F]
//	    the cost of the rules: loading the default config and building the
//	    engine, then scanning a text of every rule's examples twice; the
//	    first scan compiles every rule it needs (rules compile lazily), the
//	    second does not, so their difference is the compile cost.
//	benchtool recall -planted FILE REPORT
//	    checks a `secretsweep history --format jsonl` report against the
//	    secrets planted by internal/benchrepo; prints "planted: N/M found".
//	benchtool run -o FILE -- COMMAND [ARGS...]
//	    runs COMMAND and writes "wall user sys maxrss_kib" to FILE, as
//	    /usr/bin/time -f '%e %U %S %M' does (for machines without it); exits
//	    with COMMAND's status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/secretsweep/secretsweep/detectors"
	"github.com/secretsweep/secretsweep/gitwalk"
	"github.com/secretsweep/secretsweep/internal/benchrepo/planted"
	"github.com/secretsweep/secretsweep/scan"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "readall":
		err = readall(os.Args[2:])
	case "scan":
		err = scanCmd(os.Args[2:])
	case "recall":
		err = recall(os.Args[2:])
	case "compile":
		err = compileCmd(os.Args[2:])
	case "run":
		err = runCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(2)
	}
}

type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtool readall|scan|recall|run ... (see the package comment)")
	os.Exit(2)
}

// cpuTime returns this process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss // KiB on Linux
}

// profile starts a CPU profile when file is set; the returned func stops it.
func profile(file string) (func(), error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

func readall(args []string) error {
	fs := flag.NewFlagSet("readall", flag.ExitOnError)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	maxSize := fs.Int64("max-blob-size", 10<<20, "skip blobs over this size, as secretsweep does by default")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("usage: benchtool readall [-cpuprofile F] REPO")
	}
	stop, err := profile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	ctx := context.Background()
	t0, c0 := time.Now(), cpuTime()
	repo, err := gitwalk.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer repo.Close()
	ix, err := repo.Walk(ctx)
	if err != nil {
		return err
	}
	t1, c1 := time.Now(), cpuTime()
	out := make(chan gitwalk.Blob, 64)
	done := make(chan error, 1)
	go func() {
		defer close(out)
		done <- repo.ReadBlobs(ctx, ix, *maxSize, out)
	}()
	var n, bytes, skipped int64
	for b := range out {
		if b.Skipped {
			skipped++
			continue
		}
		n++
		bytes += int64(len(b.Data))
	}
	if err := <-done; err != nil {
		return err
	}
	t2, c2 := time.Now(), cpuTime()
	fmt.Printf("go-git walk: %d commits, %d blobs in %.2fs (cpu %.2fs)\n", ix.Commits(), ix.NumBlobs(), t1.Sub(t0).Seconds(), (c1 - c0).Seconds())
	fmt.Printf("go-git read: %d blobs, %.1f MiB (%d over the cap) in %.2fs (cpu %.2fs, %.0f MiB/s of wall, %.0f MiB per cpu-second)\n",
		n, mb(bytes), skipped, t2.Sub(t1).Seconds(), (c2 - c1).Seconds(), mb(bytes)/t2.Sub(t1).Seconds(), mb(bytes)/(c2-c1).Seconds())
	fmt.Printf("go-git total: %.2fs (cpu %.2fs), peak RSS %d MiB\n", t2.Sub(t0).Seconds(), (c2 - c0).Seconds(), maxRSS()/1024)
	return nil
}

func scanCmd(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ExitOnError)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	memprofile := fs.String("memprofile", "", "write an allocation profile to `file` at the end")
	workers := fs.Int("workers", runtime.NumCPU(), "scanning goroutines")
	preload := fs.Bool("preload", false, "read every blob into memory before scanning, to time reading and scanning apart")
	maxSize := fs.Int64("max-blob-size", 10<<20, "skip blobs over this size")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("usage: benchtool scan [-workers N] [-preload] [-cpuprofile F] REPO")
	}
	ctx := context.Background()
	t0, c0 := time.Now(), cpuTime()
	cfg, err := detectors.DefaultConfig()
	if err != nil {
		return err
	}
	eng, err := detectors.NewEngine(cfg)
	if err != nil {
		return err
	}
	t1, c1 := time.Now(), cpuTime()
	fmt.Printf("engine: %d rules loaded in %.3fs (cpu %.3fs)\n", eng.Rules(), t1.Sub(t0).Seconds(), (c1 - c0).Seconds())

	stop, err := profile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	repo, err := gitwalk.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer repo.Close()
	ix, err := repo.Walk(ctx)
	if err != nil {
		return err
	}
	t2, c2 := time.Now(), cpuTime()
	fmt.Printf("walk: %d commits, %d blobs in %.2fs (cpu %.2fs)\n", ix.Commits(), ix.NumBlobs(), t2.Sub(t1).Seconds(), (c2 - c1).Seconds())

	items := make(chan *scan.Item, 2*(*workers))
	readDone := make(chan error, 1)
	toItem := func(b gitwalk.Blob) *scan.Item {
		return &scan.Item{Paths: ix.Paths(b.ID), Blob: b.ID.String(), Data: b.Data, Size: b.Size, Oversized: b.Skipped}
	}
	if *preload {
		var all []*scan.Item
		blobs := make(chan gitwalk.Blob, 64)
		go func() {
			defer close(blobs)
			readDone <- repo.ReadBlobs(ctx, ix, *maxSize, blobs)
		}()
		for b := range blobs {
			all = append(all, toItem(b))
		}
		if err := <-readDone; err != nil {
			return err
		}
		t, c := time.Now(), cpuTime()
		fmt.Printf("read (preload): %d blobs in %.2fs (cpu %.2fs)\n", len(all), t.Sub(t2).Seconds(), (c - c2).Seconds())
		t2, c2 = t, c
		readDone <- nil
		go func() {
			defer close(items)
			for _, it := range all {
				items <- it
			}
		}()
	} else {
		blobs := make(chan gitwalk.Blob, 2*(*workers))
		go func() {
			defer close(blobs)
			readDone <- repo.ReadBlobs(ctx, ix, *maxSize, blobs)
		}()
		go func() {
			defer close(items)
			for b := range blobs {
				items <- toItem(b)
			}
		}()
	}
	type occ struct {
		blob plumbing.Hash
		f    detectors.Finding
	}
	type ident struct{ rule, secret, path string }
	groups := map[ident][]occ{}
	var mu sync.Mutex
	sc := &scan.Scanner{Engine: eng, Workers: *workers}
	st, err := sc.Run(ctx, items, func(r *scan.Result) {
		id := plumbing.NewHash(r.Item.Blob)
		mu.Lock()
		for p, fs := range r.Findings {
			for _, f := range fs {
				k := ident{f.RuleID, f.Secret, p}
				groups[k] = append(groups[k], occ{id, f})
			}
		}
		mu.Unlock()
	})
	if err != nil {
		return err
	}
	if err := <-readDone; err != nil {
		return err
	}
	t3, c3 := time.Now(), cpuTime()
	what := "read+scan"
	if *preload {
		what = "scan"
	}
	fmt.Printf("%s: %d blobs, %.1f MiB (%d binary, %d over the cap) in %.2fs (cpu %.2fs; %.1f MiB/s of wall, %.1f MiB per cpu-second), %d workers\n",
		what, st.Blobs, mb(st.Bytes), st.Binary, st.Oversized, t3.Sub(t2).Seconds(), (c3 - c2).Seconds(),
		mb(st.Bytes)/t3.Sub(t2).Seconds(), mb(st.Bytes)/(c3-c2).Seconds(), *workers)
	// Attribution, as the history command does it: the oldest commit that
	// held any of the blobs at the path.
	found := 0
	for k, occs := range groups {
		var best *gitwalk.Commit
		for _, o := range occs {
			if c, ok := ix.Origin(o.blob, k.path); ok && (best == nil || c.Order < best.Order) {
				best = c
			}
		}
		if best != nil {
			found++
		}
	}
	t4, c4 := time.Now(), cpuTime()
	fmt.Printf("attribution: %d findings in %.3fs (cpu %.3fs)\n", found, t4.Sub(t3).Seconds(), (c4 - c3).Seconds())
	fmt.Printf("total: %.2fs (cpu %.2fs), peak RSS %d MiB\n", t4.Sub(t0).Seconds(), (c4 - c0).Seconds(), maxRSS()/1024)
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	return nil
}

func compileCmd(args []string) error {
	fs := flag.NewFlagSet("compile", flag.ExitOnError)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	fs.Parse(args)
	if fs.NArg() != 0 {
		return errors.New("usage: benchtool compile [-cpuprofile F]")
	}
	stop, err := profile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	t0, c0 := time.Now(), cpuTime()
	cfg, err := detectors.DefaultConfig()
	if err != nil {
		return err
	}
	eng, err := detectors.NewEngine(cfg)
	if err != nil {
		return err
	}
	t1, c1 := time.Now(), cpuTime()
	var doc []byte
	for _, r := range cfg.Rules {
		for _, ex := range r.Examples {
			doc = append(doc, ex...)
			doc = append(doc, '\n')
		}
	}
	scanOnce := func() (time.Duration, time.Duration, int, error) {
		t, c := time.Now(), cpuTime()
		fs, err := eng.Scan("examples.txt", doc)
		return time.Since(t), cpuTime() - c, len(fs), err
	}
	w1, cpu1, n, err := scanOnce()
	if err != nil {
		return err
	}
	w2, cpu2, _, err := scanOnce()
	if err != nil {
		return err
	}
	fmt.Printf("rules: %d; config and engine (keyword automaton) %.0f ms (cpu %.0f ms)\n", eng.Rules(), ms(t1.Sub(t0)), ms(c1-c0))
	fmt.Printf("scan of every rule's examples (%d bytes, %d findings): first %.0f ms (cpu %.0f ms; compiles the rules), second %.0f ms (cpu %.0f ms)\n",
		len(doc), n, ms(w1), ms(cpu1), ms(w2), ms(cpu2))
	fmt.Printf("cost of compiling every rule (and of RE2 building its automata on first use): about %.0f ms of cpu\n", ms(cpu1-cpu2))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func recall(args []string) error {
	fs := flag.NewFlagSet("recall", flag.ExitOnError)
	file := fs.String("planted", "", "planted.json written by internal/benchrepo")
	fs.Parse(args)
	if *file == "" || fs.NArg() != 1 {
		return errors.New("usage: benchtool recall -planted FILE REPORT.jsonl")
	}
	pf, err := planted.Load(*file)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := planted.ReadRecords(f)
	if err != nil {
		return err
	}
	res := planted.Check(pf, recs)
	fmt.Printf("planted: %d/%d found at their rule, path and commit (%d with the value compared)\n", res.Found, res.Total, res.ValuesChecked)
	for _, m := range res.Missing {
		s := m.Secret
		fmt.Printf("  missing: %s at %s, commit %d (%.12s, %s, %s): %s\n", s.Rule, s.Path, s.CommitIndex, s.Commit, s.Branch, s.How, m.Why)
	}
	if res.Found < res.Total {
		return exitCode(1)
	}
	return nil
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	out := fs.String("o", "", "write 'wall user sys maxrss_kib' to `file`")
	fs.Parse(args)
	if *out == "" || fs.NArg() == 0 {
		return errors.New("usage: benchtool run -o FILE -- COMMAND [ARGS...]")
	}
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return err
	}
	ps := cmd.ProcessState
	var rss int64
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	line := fmt.Sprintf("%.2f %.2f %.2f %d\n", wall.Seconds(), ps.UserTime().Seconds(), ps.SystemTime().Seconds(), rss)
	if werr := os.WriteFile(*out, []byte(line), 0o644); werr != nil {
		return werr
	}
	if code := ps.ExitCode(); code != 0 {
		return exitCode(code)
	}
	return nil
}
