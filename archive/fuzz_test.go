package archive

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzArchiveWalk feeds Walk arbitrary bytes (seeded with testdata/archive): it
// must not panic, must stay within its limits, must name every member under
// the archive's path, and must tell limits from corruption.
func FuzzArchiveWalk(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "archive", "*"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add(zipOf(f, entry{name: "a.zip", data: string(zipOf(f, entry{name: "b.txt", data: "b"}))}))
	f.Add(tarOf(f, entry{name: "d/", dir: true}, entry{name: "d/l", link: "x"}, entry{name: "f", data: "f"}))
	lim := Limits{MaxDepth: 3, MaxMember: 64 << 10, MaxTotal: 1 << 20, RatioFloor: 64 << 10, MaxEntries: 1000}
	f.Fuzz(func(t *testing.T, data []byte) {
		members := 0
		st, err := Walk("in.zip", data, lim, func(p string, content []byte) error {
			members++
			if !strings.HasPrefix(p, "in.zip!") || len(p) == len("in.zip!") {
				t.Fatalf("member path %q", p)
			}
			if int64(len(content)) > lim.MaxMember {
				t.Fatalf("member %q of %d bytes over the cap", p, len(content))
			}
			return nil
		})
		if members != st.Members {
			t.Fatalf("Stats.Members %d, fn called %d times", st.Members, members)
		}
		// A decompressor may overshoot the total by one read before it stops.
		if st.Bytes > lim.MaxTotal+lim.MaxMember+64<<10 {
			t.Fatalf("%d bytes uncompressed, limit %d", st.Bytes, lim.MaxTotal)
		}
		if err != nil && errors.Is(err, ErrLimit) == errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v is neither (or both) a limit and corruption", err)
		}
		if Detect(data) == None && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("not an archive, but Walk said %v", err)
		}
	})
}
