// Package safefile reads the small files a scan takes from the repository it
// scans (configs, ignore files, baselines), which nobody has vetted: a FIFO
// there would block the scan forever, a link to /dev/zero would fill memory.
// It reads only regular files, and only up to a size cap.
package safefile

import (
	"fmt"
	"io"
	"os"
)

// Open opens path when it is (or links to) a regular file of at most max bytes.
// The check comes before the open, since opening a FIFO blocks.
func Open(path string, max int64) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st2, err := f.Stat(); err != nil || !st2.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return f, nil
}

// ReadFile reads path when it is a regular file of at most max bytes, and
// reads no more than max bytes even if the file grows meanwhile.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}
