package scan

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/secretsweep/secretsweep/detectors"
)

func TestBlobID(t *testing.T) {
	// Values from `git hash-object`.
	for _, tt := range []struct{ in, want string }{
		{"", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
		{"hello\n", "ce013625030ba8dba906f756967f9e9ca394464a"},
	} {
		if got := BlobID([]byte(tt.in)); got != tt.want {
			t.Errorf("BlobID(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestIsBinary(t *testing.T) {
	if IsBinary([]byte("plain text\n")) {
		t.Error("text seen as binary")
	}
	if !IsBinary([]byte("PK\x03\x04\x00\x00")) {
		t.Error("NUL not seen as binary")
	}
	late := make([]byte, 9000)
	for i := range late {
		late[i] = 'a'
	}
	late[8500] = 0
	if IsBinary(late) {
		t.Error("a NUL after the first 8000 bytes makes a file binary")
	}
}

func TestRunCountsAndPolicy(t *testing.T) {
	cfg, err := detectors.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	eng, _ := detectors.NewEngine(cfg)
	s := &Scanner{Engine: eng, Workers: 3}
	secret := "GITHUB_TOKEN=ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI\n"
	items := make(chan *Item, 10)
	items <- &Item{Paths: []string{"a.env", "b.env"}, Data: []byte(secret), Size: int64(len(secret))}
	items <- &Item{Paths: []string{"bin.dat"}, Data: []byte("x\x00" + secret), Size: 60}
	items <- &Item{Paths: []string{"big.txt"}, Size: 1 << 30, Oversized: true}
	items <- &Item{Paths: []string{"gone.txt"}, Load: func() ([]byte, error) { return nil, errors.New("reading gone.txt: permission denied") }}
	close(items)
	var paths []string
	st, err := s.Run(context.Background(), items, func(r *Result) {
		for p := range r.Findings {
			paths = append(paths, p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	if len(paths) != 2 || paths[0] != "a.env" || paths[1] != "b.env" {
		t.Errorf("findings at %v, want a.env and b.env", paths)
	}
	if st.Blobs != 1 || st.Binary != 1 || st.Oversized != 1 || st.Errors != 1 {
		t.Errorf("stats %+v", st)
	}
	if len(st.OversizedPaths) != 1 || len(st.ErrorMessages) != 1 {
		t.Errorf("named skips %v, errors %v", st.OversizedPaths, st.ErrorMessages)
	}
}
