package main

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/secretsweep/secretsweep/internal/benchrepo/planted"
)

// file is a file of the main line's tree.
type file struct {
	path     string
	data     []byte
	mark     int // fast-import mark of the blob holding data
	exec     bool
	origSize int
	idx      int  // position in tree.files
	locked   bool // owned by the open topic branch: main leaves it alone
}

// tree is the main line's current tree.
type tree struct {
	files  []*file
	byPath map[string]*file
	dirs   map[string]int // directory -> number of files under it
}

func newTree() *tree {
	return &tree{byPath: map[string]*file{}, dirs: map[string]int{}}
}

// free reports whether p can hold a new file: no file or directory there
// and no file at one of its parent directories.
func (t *tree) free(p string) bool {
	if _, ok := t.byPath[p]; ok || t.dirs[p] > 0 {
		return false
	}
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if _, ok := t.byPath[d]; ok {
			return false
		}
	}
	return true
}

func (t *tree) add(f *file) {
	f.idx = len(t.files)
	t.files = append(t.files, f)
	t.byPath[f.path] = f
	for d := path.Dir(f.path); d != "."; d = path.Dir(d) {
		t.dirs[d]++
	}
}

func (t *tree) remove(f *file) {
	last := t.files[len(t.files)-1]
	t.files[f.idx] = last
	last.idx = f.idx
	t.files = t.files[:len(t.files)-1]
	delete(t.byPath, f.path)
	for d := path.Dir(f.path); d != "."; d = path.Dir(d) {
		if t.dirs[d]--; t.dirs[d] == 0 {
			delete(t.dirs, d)
		}
	}
}

// change is one line of a fast-import commit.
type change struct {
	del  bool
	path string
	mark int
	exec bool
}

// sideFile is a file as a topic branch has it.
type sideFile struct {
	path     string
	data     []byte
	mark     int
	exec     bool
	origSize int
	main     *file // the main file it changes; nil for a file the branch added
}

// topic is an open side branch: it changes only its locked files and adds
// new ones, so merging it back never conflicts.
type topic struct {
	ref       string
	base      int // mark of the main commit it forked from
	head      int // mark of its last commit; 0 before the first
	length    int // commits to make before it is merged or abandoned
	commits   int
	abandon   bool
	locked    []*file
	files     map[string]*sideFile
	order     []string // paths of files, in the order they were first changed
	plantIdxs []int    // planted secrets committed on this branch
}

// history writes a fast-import stream of a generated history.
type history struct {
	o   *options
	rng *rand.Rand
	w   *bufio.Writer
	ed  *editor

	dirs    []*srcDir // pool, in the (shuffled) order directories are taken
	nextDir int

	t    *tree
	hot  []*file // recently changed files: most commits touch a few hot files
	hotN int

	mark       int
	blobMarks  map[[20]byte]int
	nblobs     int
	nbytes     int64
	ncommits   int
	mainHead   int
	commitMark []int // commit index -> mark
	when       int64
	nmerges    int
	ntopics    int
	nabandoned int
	nrenames   int
	ndeletes   int
	ntags      int
	topic      *topic

	plantAt      []int    // commit indexes at which to plant, ascending
	plantWant    []string // where each one goes: "main", "topic", "merge" or "abandoned"
	nextPlant    int
	pending      []int // due plants waiting for a commit of the kind they want
	planted      []planted.Secret
	plantByPath  map[string][]int // main path -> planted indexes not yet deleted
	pendingDel   []pendingDelete
	start        time.Time
	lastProgress time.Time
}

type pendingDelete struct {
	path string
	at   int
}

type author struct{ name, email, tz string }

var authors = func() []author {
	first := []string{"Ada", "Grace", "Linus", "Ken", "Barbara", "Dennis", "Margaret", "Guido", "Rob", "Frances",
		"Edsger", "Radia", "Niklaus", "Hedy", "Alan", "Katherine", "Donald", "Sophie", "Brian", "Joan",
		"Leslie", "Anita", "Bjarne", "Mary"}
	last := []string{"Lovelace", "Hopper", "Tovalds", "Tompson", "Liskov", "Richey", "Hamiltn", "Rossum", "Pyke", "Allen",
		"Dijkstra", "Perlmann", "Wirth", "Lamar", "Turing", "Johnsen", "Knuth", "Wilson", "Kernigan", "Clarke",
		"Lamport", "Borg", "Stroustrup", "Kellar"}
	tzs := []string{"+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900", "-0300"}
	out := make([]author, len(first))
	for i := range first {
		out[i] = author{
			name:  first[i] + " " + last[i],
			email: strings.ToLower(first[i]+"."+last[i]) + "@example.org",
			tz:    tzs[i%len(tzs)],
		}
	}
	return out
}()

var verbs = []string{"fix", "add", "update", "refactor", "simplify", "document", "handle", "remove", "rename",
	"speed up", "test", "clean up", "support", "rework", "validate", "log", "cache", "port"}

func newHistory(o *options, dirs []*srcDir, w *bufio.Writer) *history {
	rng := rand.New(rand.NewSource(o.seed))
	h := &history{
		o: o, rng: rng, w: w, dirs: dirs, t: newTree(),
		hot:         make([]*file, 64),
		blobMarks:   map[[20]byte]int{},
		when:        1388534400, // 2014-01-01
		plantByPath: map[string][]int{},
		start:       time.Now(),
	}
	h.ed = &editor{rng: rng, donor: h.donor}
	rng.Shuffle(len(h.dirs), func(i, j int) { h.dirs[i], h.dirs[j] = h.dirs[j], h.dirs[i] })
	// Plant secrets spread over the history, away from its very start.
	for i := 0; i < o.secrets; i++ {
		lo := max(1, o.commits/50)
		span := o.commits - 1 - lo
		at := lo + int((float64(i)+0.2+0.6*rng.Float64())*float64(span)/float64(o.secrets))
		h.plantAt = append(h.plantAt, min(at, o.commits-1))
	}
	sort.Ints(h.plantAt)
	// Most go on the main line; some on topic branches, in merges and on
	// abandoned branches, whose only ref is the branch itself.
	wants := []string{"main", "main", "topic", "main", "main", "abandoned", "main", "merge", "main", "topic"}
	for i := range h.plantAt {
		h.plantWant = append(h.plantWant, wants[i%len(wants)])
	}
	return h
}

// run writes the whole history.
func (h *history) run() error {
	h.initialCommit()
	for h.ncommits < h.o.commits {
		if h.topic == nil && h.ncommits > 10 && h.o.commits-h.ncommits > 25 &&
			(h.rng.Float64() < 1.0/45 || h.waiting("topic") || h.waiting("merge") || h.waiting("abandoned")) {
			h.startTopic()
		}
		if tp := h.topic; tp != nil {
			if tp.commits >= tp.length {
				h.finishTopic()
				continue
			}
			if h.rng.Float64() < 0.4 {
				h.topicCommit()
				continue
			}
		}
		h.mainCommit()
		if h.rng.Float64() < 25.0/float64(h.o.commits) {
			h.tag()
		}
		if time.Since(h.lastProgress) > 5*time.Second {
			h.lastProgress = time.Now()
			h.progress()
		}
	}
	fmt.Fprintf(h.w, "done\n")
	return h.w.Flush()
}

func (h *history) progress() {
	if h.o.quiet {
		return
	}
	fmt.Fprintf(os.Stderr, "benchrepo: %d/%d commits, %d blobs, %.0f MB, %d files at HEAD (%s)\n",
		h.ncommits, h.o.commits, h.nblobs, float64(h.nbytes)/1e6, len(h.t.files), time.Since(h.start).Round(time.Second))
}

// blob writes data as a blob (once per distinct content) and returns its mark.
func (h *history) blob(data []byte) int {
	hs := sha1.New()
	fmt.Fprintf(hs, "blob %d\x00", len(data))
	hs.Write(data)
	var sum [20]byte
	hs.Sum(sum[:0])
	if m, ok := h.blobMarks[sum]; ok {
		return m
	}
	h.mark++
	fmt.Fprintf(h.w, "blob\nmark :%d\ndata %d\n", h.mark, len(data))
	h.w.Write(data)
	h.w.WriteByte('\n')
	h.blobMarks[sum] = h.mark
	h.nblobs++
	h.nbytes += int64(len(data))
	return h.mark
}

func (h *history) tick() {
	// Commits arrive in bursts: exponential gaps with a mean that spreads
	// the history over about ten years.
	mean := 10 * 365 * 86400 / float64(h.o.commits)
	h.when += 60 + int64(h.rng.ExpFloat64()*mean)
}

func (h *history) pickAuthor() author {
	// A few authors make most commits.
	i := int(math.Floor(float64(len(authors)) * math.Pow(h.rng.Float64(), 2.2)))
	return authors[min(i, len(authors)-1)]
}

// commit writes a commit on ref and returns its mark. from, when non-zero,
// resets the branch onto that commit first; merge adds a second parent.
func (h *history) commit(ref string, from, merge int, msg string, changes []change) int {
	h.tick()
	a := h.pickAuthor()
	h.mark++
	m := h.mark
	fmt.Fprintf(h.w, "commit %s\nmark :%d\nauthor %s <%s> %d %s\ncommitter %s <%s> %d %s\ndata %d\n%s\n",
		ref, m, a.name, a.email, h.when, a.tz, a.name, a.email, h.when, a.tz, len(msg), msg)
	if from != 0 {
		fmt.Fprintf(h.w, "from :%d\n", from)
	}
	if merge != 0 {
		fmt.Fprintf(h.w, "merge :%d\n", merge)
	}
	for _, c := range changes {
		if c.del {
			fmt.Fprintf(h.w, "D %s\n", c.path)
			continue
		}
		mode := "100644"
		if c.exec {
			mode = "100755"
		}
		fmt.Fprintf(h.w, "M %s :%d %s\n", mode, c.mark, c.path)
	}
	h.w.WriteByte('\n')
	h.commitMark = append(h.commitMark, m)
	h.ncommits++
	return m
}

func (h *history) message(changes []change) string {
	area := "repo"
	if len(changes) > 0 {
		p := strings.Split(changes[0].path, "/")
		area = strings.Join(p[:min(len(p)-1, 2)], "/")
		if area == "" {
			area = p[0]
		}
	}
	obj := "tests"
	if len(changes) > 0 {
		obj = strings.TrimSuffix(path.Base(changes[0].path), path.Ext(changes[0].path))
	}
	msg := fmt.Sprintf("%s: %s %s", area, verbs[h.rng.Intn(len(verbs))], obj)
	if h.rng.Float64() < 0.4 {
		msg += fmt.Sprintf("\n\nTouches %d files. Follow-up to the change of %s.", len(changes),
			time.Unix(h.when-86400*int64(1+h.rng.Intn(30)), 0).UTC().Format("2 Jan"))
	}
	return msg + "\n"
}

// nextSrc returns the next unused file of the pool (directory by directory)
// with its content, or nil when the pool is used up.
func (h *history) nextSrc(sameDir bool) (*srcFile, []byte) {
	for h.nextDir < len(h.dirs) {
		d := h.dirs[h.nextDir]
		for d.next < len(d.files) {
			sf := d.files[d.next]
			d.next++
			if !h.t.free(sf.rel) || (h.topic != nil && h.topic.files[sf.rel] != nil) {
				continue
			}
			data, err := os.ReadFile(sf.abs)
			if err != nil || len(data) == 0 || isBinary(data) {
				continue
			}
			return sf, data
		}
		if sameDir {
			return nil, nil
		}
		h.nextDir++
	}
	return nil, nil
}

func (h *history) addFile(sf *srcFile, data []byte) change {
	f := &file{path: sf.rel, data: data, exec: sf.exec, origSize: len(data)}
	f.mark = h.blob(data)
	h.t.add(f)
	return change{path: f.path, mark: f.mark, exec: f.exec}
}

func (h *history) initialCommit() {
	n := max(10, h.o.initialFiles)
	var ch []change
	for len(ch) < n {
		sf, data := h.nextSrc(false)
		if sf == nil {
			break
		}
		ch = append(ch, h.addFile(sf, data))
	}
	h.mainHead = h.commit("refs/heads/main", 0, 0, "Initial import\n", ch)
}

// pace returns how many new blobs this commit should make and the size the
// changed files should have for the history to reach its targets.
func (h *history) pace() (n int, want float64, lag float64) {
	remC := max(1, h.o.commits-h.ncommits)
	remB := h.o.targetBlobs - h.nblobs
	rate := float64(remB) / float64(remC)
	n = 1
	if rate > 1 {
		// 1 + Poisson(rate-1), Knuth's method.
		l, p := math.Exp(-(rate - 1)), 1.0
		for k := 0; ; k++ {
			p *= h.rng.Float64()
			if p <= l || k > 30 {
				n += k
				break
			}
		}
	}
	avg := float64(h.o.targetBytes) / float64(max(1, h.o.targetBlobs))
	want = avg
	if remB > 0 && h.o.targetBytes > h.nbytes {
		want = float64(h.o.targetBytes-h.nbytes) / float64(remB)
	}
	want = min(max(want, 512), 512<<10)
	return n, want, want / avg
}

// pick chooses a file of the main tree to change: among a few candidates,
// half of them recently changed files, the one whose size is closest to want.
func (h *history) pick(want, lag float64, skip map[*file]bool) *file {
	k := 3
	switch {
	case lag < 0.85:
		k = 2
	case lag > 1.5:
		k = 16
	case lag > 1.25:
		k = 8
	case lag > 1.08:
		k = 5
	}
	var best *file
	bestScore := math.Inf(1)
	for tries, got := 0, 0; got < k && tries < 4*k; tries++ {
		var f *file
		if h.rng.Float64() < 0.5 {
			f = h.hot[h.rng.Intn(len(h.hot))]
			if f != nil && h.t.byPath[f.path] != f {
				f = nil
			}
		}
		if f == nil {
			if len(h.t.files) == 0 {
				return nil
			}
			f = h.t.files[h.rng.Intn(len(h.t.files))]
		}
		if f.locked || skip[f] {
			continue
		}
		got++
		score := math.Abs(math.Log(float64(len(f.data)+1)) - math.Log(want))
		if score < bestScore {
			best, bestScore = f, score
		}
	}
	return best
}

func (h *history) touch(f *file) {
	h.hot[h.hotN%len(h.hot)] = f
	h.hotN++
}

// donor returns the content of a file of the tree, preferably with ext.
func (h *history) donor(ext string) []byte {
	var any []byte
	for i := 0; i < 8 && len(h.t.files) > 0; i++ {
		f := h.t.files[h.rng.Intn(len(h.t.files))]
		if path.Ext(f.path) == ext {
			return f.data
		}
		if any == nil {
			any = f.data
		}
	}
	if any == nil {
		any = []byte("\n")
	}
	return any
}

func growBias(lag float64) float64 {
	return min(max((lag-1)*2, -1), 1)
}

func (h *history) modify(f *file, lag float64) change {
	f.data = h.ed.edit(f.data, path.Ext(f.path), f.origSize, growBias(lag))
	f.mark = h.blob(f.data)
	h.touch(f)
	return change{path: f.path, mark: f.mark, exec: f.exec}
}

func (h *history) mainCommit() {
	var ch []change
	touched := map[*file]bool{}
	n, want, lag := h.pace()
	if h.rng.Float64() < 0.004 {
		// Import a whole directory (a vendored package, a new module).
		for i := 0; i < 60; i++ {
			sf, data := h.nextSrc(i > 0)
			if sf == nil {
				break
			}
			ch = append(ch, h.addFile(sf, data))
			touched[h.t.byPath[sf.rel]] = true
		}
		n = max(0, n-len(ch))
	}
	for i := 0; i < n; i++ {
		if h.rng.Float64() < 0.25 {
			if sf, data := h.nextSrc(h.rng.Float64() < 0.7); sf != nil {
				ch = append(ch, h.addFile(sf, data))
				touched[h.t.byPath[sf.rel]] = true
				continue
			}
		}
		if f := h.pick(want, lag, touched); f != nil {
			touched[f] = true
			ch = append(ch, h.modify(f, lag))
		}
	}
	if h.rng.Float64() < 0.012 {
		ch = append(ch, h.rename(touched, lag)...)
	}
	if h.rng.Float64() < 0.008 {
		ch = append(ch, h.deleteFiles(touched, h.rng.Float64() < 0.12)...)
	}
	ch = append(ch, h.dueDeletes(touched)...)
	for _, idx := range h.duePlants("main") {
		ch = append(ch, h.plantMain(idx, touched)...)
	}
	if len(ch) == 0 {
		if f := h.pick(want, lag, touched); f != nil {
			ch = append(ch, h.modify(f, lag))
		}
	}
	h.mainHead = h.commit("refs/heads/main", 0, 0, h.message(ch), ch)
}

// rename moves a file to a new name in its directory or to another
// directory, sometimes with an edit.
func (h *history) rename(touched map[*file]bool, lag float64) []change {
	f := h.pick(float64(8<<10), 1, touched)
	if f == nil {
		return nil
	}
	var to string
	for try := 0; try < 8 && to == ""; try++ {
		var cand string
		if h.rng.Float64() < 0.5 {
			o := h.t.files[h.rng.Intn(len(h.t.files))]
			cand = path.Dir(f.path) + "/" + strings.TrimSuffix(path.Base(o.path), path.Ext(o.path)) + path.Ext(f.path)
		} else {
			o := h.t.files[h.rng.Intn(len(h.t.files))]
			if path.Ext(o.path) != path.Ext(f.path) {
				continue
			}
			cand = path.Dir(o.path) + "/" + path.Base(f.path)
		}
		cand = strings.TrimPrefix(cand, "./")
		if strings.HasSuffix(cand, "/") {
			continue // ".gitignore"'s stem and no extension: no name left
		}
		if h.t.free(cand) && (h.topic == nil || h.topic.files[cand] == nil) {
			to = cand
		}
	}
	if to == "" {
		return nil
	}
	old := f.path
	h.t.remove(f)
	h.noteDeleted(old)
	f.path = to
	h.t.add(f)
	touched[f] = true
	h.nrenames++
	ch := []change{{del: true, path: old}}
	if h.rng.Float64() < 0.5 {
		return append(ch, h.modify(f, lag))
	}
	return append(ch, change{path: f.path, mark: f.mark, exec: f.exec})
}

// deleteFiles deletes a file, or a whole directory of up to 40 files.
func (h *history) deleteFiles(touched map[*file]bool, dir bool) []change {
	if len(h.t.files) < 50 {
		return nil
	}
	f := h.t.files[h.rng.Intn(len(h.t.files))]
	if f.locked || touched[f] {
		return nil
	}
	victims := []*file{f}
	if dir {
		d := path.Dir(f.path) + "/"
		victims = victims[:0]
		for _, g := range h.t.files {
			if strings.HasPrefix(g.path, d) {
				if g.locked || touched[g] {
					return nil
				}
				victims = append(victims, g)
			}
		}
		if len(victims) > 40 {
			return nil
		}
		sort.Slice(victims, func(i, j int) bool { return victims[i].path < victims[j].path })
	}
	var ch []change
	for _, g := range victims {
		h.t.remove(g)
		h.noteDeleted(g.path)
		touched[g] = true
		ch = append(ch, change{del: true, path: g.path})
		h.ndeletes++
	}
	return ch
}

func (h *history) noteDeleted(p string) {
	for _, idx := range h.plantByPath[p] {
		if h.planted[idx].DeletedAt == 0 {
			h.planted[idx].DeletedAt = h.ncommits
		}
	}
	delete(h.plantByPath, p)
}

func (h *history) dueDeletes(touched map[*file]bool) []change {
	var ch []change
	keep := h.pendingDel[:0]
	for _, d := range h.pendingDel {
		f := h.t.byPath[d.path]
		switch {
		case f == nil:
		case d.at > h.ncommits || f.locked || touched[f]:
			keep = append(keep, d)
		default:
			h.t.remove(f)
			h.noteDeleted(f.path)
			touched[f] = true
			ch = append(ch, change{del: true, path: f.path})
			h.ndeletes++
		}
	}
	h.pendingDel = keep
	return ch
}

// tag writes an annotated release tag of the main line.
func (h *history) tag() {
	h.ntags++
	name := fmt.Sprintf("v1.%d.0", h.ntags)
	a := h.pickAuthor()
	msg := "Release " + name + "\n"
	fmt.Fprintf(h.w, "tag %s\nfrom :%d\ntagger %s <%s> %d %s\ndata %d\n%s\n",
		name, h.mainHead, a.name, a.email, h.when, a.tz, len(msg), msg)
}

func (h *history) startTopic() {
	h.ntopics++
	tp := &topic{
		base:   h.mainHead,
		length: 2 + h.rng.Intn(14),
		files:  map[string]*sideFile{},
	}
	switch {
	case h.waiting("abandoned"):
		tp.abandon = true
	case h.waiting("topic") || h.waiting("merge"):
	default:
		tp.abandon = h.rng.Float64() < 0.12
	}
	if tp.abandon {
		h.nabandoned++
		tp.ref = fmt.Sprintf("refs/heads/wip/experiment-%d", h.nabandoned)
	} else {
		tp.ref = fmt.Sprintf("refs/heads/topic/%d", h.ntopics%6)
	}
	_, want, lag := h.pace()
	skip := map[*file]bool{}
	for i, n := 0, 3+h.rng.Intn(18); i < n; i++ {
		if f := h.pick(want, lag, skip); f != nil {
			skip[f] = true
			f.locked = true
			tp.locked = append(tp.locked, f)
		}
	}
	h.topic = tp
}

func (tp *topic) set(sf *sideFile) {
	if tp.files[sf.path] == nil {
		tp.order = append(tp.order, sf.path)
	}
	tp.files[sf.path] = sf
}

// sideCopy returns the branch's version of a locked main file.
func (tp *topic) sideCopy(f *file) *sideFile {
	if sf := tp.files[f.path]; sf != nil {
		return sf
	}
	return &sideFile{path: f.path, data: f.data, mark: f.mark, exec: f.exec, origSize: f.origSize, main: f}
}

func (h *history) topicCommit() {
	tp := h.topic
	var ch []change
	n, _, lag := h.pace()
	done := map[string]bool{}
	for i := 0; i < n; i++ {
		if h.rng.Float64() < 0.2 || len(tp.locked) == 0 {
			if src, data := h.nextSrc(true); src != nil {
				sf := &sideFile{path: src.rel, data: data, exec: src.exec, origSize: len(data)}
				sf.mark = h.blob(data)
				tp.set(sf)
				ch = append(ch, change{path: sf.path, mark: sf.mark, exec: sf.exec})
				done[sf.path] = true
				continue
			}
		}
		if len(tp.locked) == 0 {
			break
		}
		f := tp.locked[h.rng.Intn(len(tp.locked))]
		if done[f.path] {
			continue
		}
		sf := tp.sideCopy(f)
		nsf := *sf
		nsf.data = h.ed.edit(sf.data, path.Ext(sf.path), sf.origSize, growBias(lag))
		nsf.mark = h.blob(nsf.data)
		tp.set(&nsf)
		ch = append(ch, change{path: nsf.path, mark: nsf.mark, exec: nsf.exec})
		done[f.path] = true
	}
	branch := "topic"
	if tp.abandon {
		branch = "abandoned"
	}
	for _, idx := range h.duePlants(branch) {
		ch = append(ch, h.plantTopic(tp, idx, branch)...)
	}
	if len(ch) == 0 {
		// Nothing to change: touch a locked file's last line.
		if len(tp.locked) > 0 {
			sf := tp.sideCopy(tp.locked[0])
			nsf := *sf
			nsf.data = append(append([]byte(nil), sf.data...), []byte("\n")...)
			nsf.mark = h.blob(nsf.data)
			tp.set(&nsf)
			ch = append(ch, change{path: nsf.path, mark: nsf.mark, exec: nsf.exec})
		}
	}
	from := 0
	if tp.head == 0 {
		from = tp.base
	}
	tp.head = h.commit(tp.ref, from, 0, h.message(ch), ch)
	tp.commits++
}

// finishTopic merges the topic branch into main (sometimes with an edit made
// while merging) or abandons it, leaving its ref behind.
func (h *history) finishTopic() {
	tp := h.topic
	h.topic = nil
	for _, f := range tp.locked {
		f.locked = false
	}
	if tp.abandon || tp.head == 0 {
		return
	}
	plants := h.duePlants("merge")
	var ch []change
	resolved := len(plants) == 0 && h.rng.Float64() < 0.2
	for i, p := range tp.order {
		sf := tp.files[p]
		if resolved && i == 0 {
			nsf := *sf
			nsf.data = h.ed.edit(sf.data, path.Ext(sf.path), sf.origSize, 0)
			nsf.mark = h.blob(nsf.data)
			tp.files[p] = &nsf
		}
	}
	// Secrets planted while merging are typed in the merge: the topic's
	// files take them before main gets its copy.
	for _, idx := range plants {
		h.plantTopic(tp, idx, "merge")
	}
	for _, p := range tp.order {
		sf := tp.files[p]
		if f := sf.main; f != nil && h.t.byPath[f.path] == f {
			f.data, f.mark = sf.data, sf.mark
			h.touch(f)
		} else if h.t.free(sf.path) {
			f := &file{path: sf.path, data: sf.data, mark: sf.mark, exec: sf.exec, origSize: sf.origSize}
			h.t.add(f)
		} else {
			continue
		}
		ch = append(ch, change{path: sf.path, mark: sf.mark, exec: sf.exec})
	}
	for _, idx := range tp.plantIdxs {
		s := h.planted[idx]
		if s.DeletedAt == 0 {
			h.plantByPath[s.Path] = append(h.plantByPath[s.Path], idx)
		}
	}
	name := strings.TrimPrefix(tp.ref, "refs/heads/")
	msg := fmt.Sprintf("Merge branch '%s'\n", name)
	h.mainHead = h.commit("refs/heads/main", 0, tp.head, msg, ch)
	h.nmerges++
}

// duePlants returns the indexes of the plants due at the commit being made,
// a commit of kind ctx ("main", "topic", "merge", "abandoned"): those that
// want that kind, and those that waited too long for theirs.
func (h *history) duePlants(ctx string) []int {
	for h.nextPlant < len(h.plantAt) && h.plantAt[h.nextPlant] <= h.ncommits {
		h.pending = append(h.pending, h.nextPlant)
		h.nextPlant++
	}
	var out []int
	keep := h.pending[:0]
	for _, i := range h.pending {
		late := h.ncommits-h.plantAt[i] > 300 || h.o.commits-h.ncommits < 30
		if h.plantWant[i] == ctx || late {
			out = append(out, i)
		} else {
			keep = append(keep, i)
		}
	}
	h.pending = keep
	return out
}

// waiting reports whether a due plant waits for a commit of kind ctx.
func (h *history) waiting(ctx string) bool {
	for _, i := range h.pending {
		if h.plantWant[i] == ctx {
			return true
		}
	}
	return h.nextPlant < len(h.plantAt) && h.plantAt[h.nextPlant] <= h.ncommits && h.plantWant[h.nextPlant] == ctx
}

// plantable reports whether a path is a plausible place for a project's own
// secret: outside vendored, installed, test and documentation trees (which
// allowlists may silence).
func plantable(p string) bool {
	for _, part := range strings.Split(path.Dir(p), "/") {
		switch strings.ToLower(part) {
		case "third_party", "vendor", "node_modules", "site-packages", "dist-packages", ".venv", "venv",
			"virtualenv", ".tox", ".nox", ".eggs", "test", "tests", "testdata", "testing", "docs", "doc",
			"examples", "example", "fixtures", "samples", "internal":
			return false
		}
		if strings.HasSuffix(part, ".dist-info") || strings.HasSuffix(part, ".egg-info") {
			return false
		}
	}
	return !strings.HasPrefix(p, "docs/")
}

func (h *history) newPlant(idx int, branch, how, p string, data []byte, v string, k *secretKind) planted.Secret {
	line := 1 + bytes.Count(data[:bytes.Index(data, []byte(v))], []byte("\n"))
	return planted.Secret{
		Rule: k.rule, Path: p, CommitIndex: h.ncommits, Branch: branch, How: how,
		Line: line, Shape: k.shape, ValueSHA256: planted.Hash(v),
	}
}

// plantMain plants secret number idx in the main commit being made.
func (h *history) plantMain(idx int, touched map[*file]bool) []change {
	k := &secretKinds[idx%len(secretKinds)]
	v := k.gen(h.rng)
	if k.line != nil && h.rng.Float64() < 0.5 {
		for try := 0; try < 200; try++ {
			f := h.t.files[h.rng.Intn(len(h.t.files))]
			if f.locked || touched[f] || !appendable[path.Ext(f.path)] || !plantable(f.path) {
				continue
			}
			data := append([]byte(nil), f.data...)
			if len(data) > 0 && data[len(data)-1] != '\n' {
				data = append(data, '\n')
			}
			data = append(data, k.line(path.Ext(f.path), v)...)
			f.data, f.mark = data, h.blob(data)
			touched[f] = true
			h.touch(f)
			h.planted = append(h.planted, h.newPlant(idx, "main", "appended", f.path, data, v, k))
			h.plantByPath[f.path] = append(h.plantByPath[f.path], len(h.planted)-1)
			return []change{{path: f.path, mark: f.mark, exec: f.exec}}
		}
	}
	name, content := k.newFile(h.rng, v)
	p := h.plantDir(name, func(p string) bool { return h.t.free(p) && (h.topic == nil || h.topic.files[p] == nil) })
	data := []byte(content)
	f := &file{path: p, data: data, exec: strings.HasSuffix(name, ".sh"), origSize: len(data)}
	f.mark = h.blob(data)
	h.t.add(f)
	touched[f] = true
	h.planted = append(h.planted, h.newPlant(idx, "main", "new-file", p, data, v, k))
	h.plantByPath[p] = append(h.plantByPath[p], len(h.planted)-1)
	if h.rng.Float64() < 0.3 {
		// Noticed and removed later: the secret then lives in history only.
		h.pendingDel = append(h.pendingDel, pendingDelete{path: p, at: h.ncommits + 1 + h.rng.Intn(200)})
	}
	return []change{{path: f.path, mark: f.mark, exec: f.exec}}
}

// plantDir returns a free path for a new file called name in a plantable
// directory of the tree.
func (h *history) plantDir(name string, free func(string) bool) string {
	for try := 0; try < 400; try++ {
		f := h.t.files[h.rng.Intn(len(h.t.files))]
		p := path.Dir(f.path) + "/" + name
		if try > 200 {
			p = path.Dir(f.path) + "/config/" + name
		}
		if plantable(p) && free(p) {
			return p
		}
	}
	for i := 0; ; i++ {
		p := "app/config" + strconv.Itoa(i) + "/" + name
		if free(p) {
			return p
		}
	}
}

// plantTopic plants secret number idx in the topic branch: in the commit
// being made (branch "topic") or in the merge being prepared ("merge").
func (h *history) plantTopic(tp *topic, idx int, branch string) []change {
	k := &secretKinds[idx%len(secretKinds)]
	v := k.gen(h.rng)
	var sf *sideFile
	how := "new-file"
	var data []byte
	if k.line != nil && (branch == "merge" || h.rng.Float64() < 0.5) {
		var cands []*sideFile
		for _, p := range tp.order {
			if s := tp.files[p]; appendable[path.Ext(p)] && plantable(p) {
				cands = append(cands, s)
			}
		}
		if branch != "merge" {
			for _, f := range tp.locked {
				if appendable[path.Ext(f.path)] && plantable(f.path) {
					cands = append(cands, tp.sideCopy(f))
				}
			}
		}
		if len(cands) > 0 {
			old := cands[h.rng.Intn(len(cands))]
			nsf := *old
			data = append([]byte(nil), old.data...)
			if len(data) > 0 && data[len(data)-1] != '\n' {
				data = append(data, '\n')
			}
			data = append(data, k.line(path.Ext(old.path), v)...)
			nsf.data = data
			sf = &nsf
			how = "appended"
		}
	}
	if sf == nil {
		name, content := k.newFile(h.rng, v)
		p := h.plantDir(name, func(p string) bool { return h.t.free(p) && tp.files[p] == nil })
		data = []byte(content)
		sf = &sideFile{path: p, data: data, exec: strings.HasSuffix(name, ".sh"), origSize: len(data)}
	}
	sf.mark = h.blob(sf.data)
	tp.set(sf)
	h.planted = append(h.planted, h.newPlant(idx, branch, how, sf.path, data, v, k))
	tp.plantIdxs = append(tp.plantIdxs, len(h.planted)-1)
	return []change{{path: sf.path, mark: sf.mark, exec: sf.exec}}
}
