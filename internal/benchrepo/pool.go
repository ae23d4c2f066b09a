package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// source is a directory tree of real files and the prefix its files get in
// the generated repository.
type source struct {
	Dir    string `json:"dir"`
	Prefix string `json:"prefix"`
	// modcache: strip @version from path elements and undo the module
	// cache's !x case encoding.
	ModCache bool `json:"modcache,omitempty"`
}

// srcFile is one candidate file of the pool.
type srcFile struct {
	abs  string
	rel  string // path in the generated repository
	size int64
	exec bool
}

// srcDir groups the pool's files by their directory in the repository; the
// generator adds files directory by directory, as projects grow.
type srcDir struct {
	rel   string
	files []*srcFile
	next  int // files[:next] have been used
}

const (
	minPoolFile = 32
	maxPoolFile = 1 << 20
)

// binaryExt lists extensions never taken from the sources (the generated
// history is text; secretsweep skips binary blobs anyway).
var binaryExt = map[string]bool{
	".gz": true, ".bz2": true, ".xz": true, ".zst": true, ".zip": true, ".tar": true, ".tgz": true,
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".ico": true, ".bmp": true, ".webp": true,
	".pdf": true, ".so": true, ".a": true, ".o": true, ".syso": true, ".exe": true, ".dll": true,
	".pyc": true, ".pyo": true, ".wasm": true, ".bin": true, ".db": true, ".sqlite": true, ".woff": true,
	".woff2": true, ".ttf": true, ".otf": true, ".mo": true, ".jar": true, ".class": true, ".dat": true,
	".whl": true, ".egg": true, ".pack": true, ".idx": true, ".der": true, ".p12": true, ".pfx": true,
	".mp3": true, ".wav": true, ".ogg": true, ".avi": true, ".mp4": true, ".elf": true, ".out": true,
}

// defaultSources lists the trees found on this machine: the Go module cache,
// GOROOT/src, Python trees under /usr/lib and /usr/share/doc.
func defaultSources() []source {
	var srcs []source
	goenv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			return os.Getenv(name)
		}
		return strings.TrimSpace(string(out))
	}
	if d := goenv("GOMODCACHE"); d != "" {
		srcs = append(srcs, source{Dir: d, Prefix: "third_party/", ModCache: true})
	}
	if d := goenv("GOROOT"); d != "" {
		srcs = append(srcs, source{Dir: filepath.Join(d, "src"), Prefix: "src/"})
	}
	pys, _ := filepath.Glob("/usr/lib/python3*")
	sort.Strings(pys)
	for _, d := range pys {
		srcs = append(srcs, source{Dir: d, Prefix: "python/" + filepath.Base(d) + "/"})
	}
	srcs = append(srcs, source{Dir: "/usr/share/doc", Prefix: "docs/"})
	var out []source
	for _, s := range srcs {
		if st, err := os.Stat(s.Dir); err == nil && st.IsDir() {
			out = append(out, s)
		}
	}
	return out
}

// parseSources parses "DIR=PREFIX,DIR=PREFIX" (PREFIX optional).
func parseSources(v string) []source {
	var out []source
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		dir, prefix, ok := strings.Cut(part, "=")
		if !ok {
			prefix = filepath.Base(dir)
		}
		prefix = strings.Trim(prefix, "/")
		if prefix != "" {
			prefix += "/"
		}
		out = append(out, source{Dir: dir, Prefix: prefix, ModCache: strings.HasSuffix(filepath.Clean(dir), "/pkg/mod")})
	}
	return out
}

// safeName reports whether a path element can be written to fast-import
// unquoted and is plain enough for a source tree.
func safeName(s string) bool {
	if s == "" || s[0] == '"' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("._-+@=,~%!", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// modCacheRel maps a module cache path (golang.org/x/sys@v0.1.0/unix/a.go)
// to a vendored-looking one (golang.org/x/sys/unix/a.go).
func modCacheRel(rel string) string {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		if at := strings.IndexByte(p, '@'); at > 0 {
			p = p[:at]
		}
		if strings.Contains(p, "!") {
			var b strings.Builder
			for j := 0; j < len(p); j++ {
				if p[j] == '!' && j+1 < len(p) {
					j++
					b.WriteString(strings.ToUpper(p[j : j+1]))
					continue
				}
				b.WriteByte(p[j])
			}
			p = b.String()
		}
		parts[i] = p
	}
	return strings.Join(parts, "/")
}

// discover lists the candidate files of the sources, grouped by directory,
// in a deterministic order (sources in order, paths sorted). Files whose
// repository path is already taken (two versions of a module) keep the
// first. exclude is a directory never read (the output).
func discover(srcs []source, exclude string) ([]*srcDir, int, int64, error) {
	seen := map[string]bool{}
	dirs := map[string]*srcDir{}
	var order []*srcDir
	nfiles, nbytes := 0, int64(0)
	for _, s := range srcs {
		root := filepath.Clean(s.Dir)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable parts of a source are left out
			}
			name := d.Name()
			if d.IsDir() {
				if p == exclude || name == ".git" || name == "__pycache__" || name == ".hg" || name == ".svn" ||
					(s.ModCache && p == filepath.Join(root, "cache")) {
					return filepath.SkipDir
				}
				if p != root && !safeName(name) {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !safeName(name) || binaryExt[strings.ToLower(path.Ext(name))] {
				return nil
			}
			info, err := d.Info()
			if err != nil || info.Size() < minPoolFile || info.Size() > maxPoolFile {
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return nil
			}
			rel = filepath.ToSlash(rel)
			if s.ModCache {
				rel = modCacheRel(rel)
			}
			rel = s.Prefix + rel
			if seen[rel] {
				return nil
			}
			seen[rel] = true
			dir := path.Dir(rel)
			sd := dirs[dir]
			if sd == nil {
				sd = &srcDir{rel: dir}
				dirs[dir] = sd
				order = append(order, sd)
			}
			sd.files = append(sd.files, &srcFile{abs: p, rel: rel, size: info.Size(), exec: info.Mode()&0o111 != 0})
			nfiles++
			nbytes += info.Size()
			return nil
		})
		if err != nil {
			return nil, 0, 0, fmt.Errorf("walking %s: %w", root, err)
		}
	}
	return order, nfiles, nbytes, nil
}

// isBinary is git's test: a NUL byte in the first 8000 bytes.
func isBinary(data []byte) bool {
	n := min(len(data), 8000)
	for _, c := range data[:n] {
		if c == 0 {
			return true
		}
	}
	return false
}
