package main

// The progress bar of history sweeps: on stderr, only when stderr is a
// terminal, CI is not set and --no-progress is not given.

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress counts the blobs and bytes scanned. A nil *progress does nothing.
type progress struct {
	bar      *progressbar.ProgressBar
	start    time.Time
	bytes    int64
	lastDesc time.Time
}

// progressWanted decides whether a scan shows a progress bar on w.
func progressWanted(o *options, w io.Writer) bool {
	if o.noProgress || os.Getenv("CI") != "" || w == nil {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns the progress bar of a sweep of total blobs, or nil when
// there is to be none.
func newProgress(o *options, total int) *progress {
	if total <= 0 || !progressWanted(o, o.progressOut) {
		return nil
	}
	return startProgress(o.progressOut, total)
}

func startProgress(w io.Writer, total int) *progress {
	p := &progress{start: time.Now()}
	p.bar = progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionSetWidth(25),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("blobs"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return p
}

// add counts one scanned blob of size bytes (negative: replayed from the
// cache, nothing read). It is called from the scan's sink, one goroutine.
func (p *progress) add(size int64) {
	if p == nil {
		return
	}
	p.bytes += max(size, 0)
	_ = p.bar.Add(1) // only a write to a terminal can fail
	if now := time.Now(); now.Sub(p.lastDesc) >= 250*time.Millisecond {
		p.lastDesc = now
		desc := "scanning " + humanBytes(p.bytes)
		if secs := now.Sub(p.start).Seconds(); secs > 0.5 {
			desc += fmt.Sprintf(" (%s/s)", humanBytes(int64(float64(p.bytes)/secs)))
		}
		p.bar.Describe(desc)
	}
}

// finish removes the bar from the terminal, complete or not, so that what
// follows on stderr starts on a clean line.
func (p *progress) finish() {
	if p == nil || p.bar.IsFinished() {
		return
	}
	_ = p.bar.Exit()
	_ = p.bar.Clear()
}
