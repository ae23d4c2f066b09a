// Package fswalk lists the regular files under a directory for a scan: it skips
// .git directories, honours .gitignore files (and .git/info/exclude) unless told
// not to, and never follows a symbolic link, so a scan cannot leave its root or
// loop. It reads no file content; it only names files and their sizes.
//
// The walk is iterative (an explicit stack), so directory depth cannot exhaust
// the goroutine stack.
package fswalk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// File is one regular file found by Walk.
type File struct {
	// Rel is the path relative to the root, with '/' separators.
	Rel string
	// Abs is the path to open.
	Abs  string
	Size int64
}

// Options control Walk.
type Options struct {
	// NoIgnore scans files that .gitignore excludes.
	NoIgnore bool
}

type frame struct {
	abs   string
	parts []string // path components below the root
	ps    []gitignore.Pattern
}

// Walk calls fn for every regular file under root, in lexical order within each
// directory. A directory or file that cannot be listed or examined is reported
// through onErr (with its path) and the walk goes on; fn's error stops the walk.
func Walk(ctx context.Context, root string, opt Options, fn func(File) error, onErr func(error)) error {
	info, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("%s: %w", root, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s: not a directory", root)
	}
	var rootPatterns []gitignore.Pattern
	if !opt.NoIgnore {
		rootPatterns = readPatterns(filepath.Join(root, ".git", "info", "exclude"), nil)
	}
	stack := []frame{{abs: root, ps: rootPatterns}}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		fr := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		entries, err := os.ReadDir(fr.abs)
		if err != nil {
			onErr(fmt.Errorf("reading directory %s: %w", relName(fr.parts), cause(err)))
			continue
		}
		ps := fr.ps
		if !opt.NoIgnore {
			if more := readPatterns(filepath.Join(fr.abs, ".gitignore"), fr.parts); len(more) > 0 {
				ps = append(append([]gitignore.Pattern(nil), ps...), more...)
			}
		}
		var m gitignore.Matcher
		if len(ps) > 0 {
			m = gitignore.NewMatcher(ps)
		}
		var dirs []frame
		for _, e := range entries {
			name := e.Name()
			parts := append(append([]string(nil), fr.parts...), name)
			typ := e.Type()
			if typ&fs.ModeSymlink != 0 || (!typ.IsDir() && !typ.IsRegular()) {
				continue // links are not followed; devices, pipes and sockets hold no files
			}
			if typ.IsDir() && name == ".git" {
				continue
			}
			if m != nil && m.Match(parts, typ.IsDir()) {
				continue
			}
			abs := filepath.Join(fr.abs, name)
			if typ.IsDir() {
				dirs = append(dirs, frame{abs: abs, parts: parts, ps: ps})
				continue
			}
			fi, err := e.Info()
			if err != nil {
				onErr(fmt.Errorf("examining %s: %w", relName(parts), cause(err)))
				continue
			}
			if err := fn(File{Rel: relName(parts), Abs: abs, Size: fi.Size()}); err != nil {
				return err
			}
		}
		// Push subdirectories in reverse so they are visited in lexical order.
		sort.Slice(dirs, func(i, j int) bool { return dirs[i].abs > dirs[j].abs })
		stack = append(stack, dirs...)
	}
	return nil
}

func relName(parts []string) string {
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

// readPatterns reads one ignore file; a missing file has no patterns. Only a
// regular file is read: a symbolic link is not followed (git does not follow
// one either), and opening a FIFO would block the walk forever.
func readPatterns(file string, domain []string) []gitignore.Pattern {
	if fi, err := os.Lstat(file); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// cause strips the path from a *fs.PathError, since messages name the relative path.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
