package gitwalk

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// TestParseIndexMatchesGoGit decodes indexes of every version with the fast
// parser and with go-git's decoder and compares the entries.
func TestParseIndexMatchesGoGit(t *testing.T) {
	g := newGitRepo(t)
	for i := 0; i < 40; i++ {
		g.write(filepath.Join("dir"+string(rune('a'+i%5)), "sub", "file"+string(rune('a'+i))+".py"), "x = 1\n")
	}
	g.write("a-very-long-name-that-needs-more-than-one-padding-block-to-fit.txt", "y\n")
	g.commit("files")
	g.write("new.txt", "n\n")
	g.git("add", "-N", "new.txt") // intent-to-add: an extended flag (version 3)
	g.git("update-index", "--skip-worktree", "dira/sub/filea.py")
	for _, v := range []string{"2", "3", "4"} {
		t.Run("v"+v, func(t *testing.T) {
			if v == "2" {
				// Version 2 cannot hold extended flags: drop them first.
				g.git("update-index", "--no-skip-worktree", "dira/sub/filea.py")
				g.git("rm", "-q", "--cached", "new.txt")
			}
			g.git("update-index", "--index-version", v)
			data, err := os.ReadFile(filepath.Join(g.dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseIndex(data)
			if err != nil {
				t.Fatal(err)
			}
			want := &index.Index{}
			if err := index.NewDecoder(bytes.NewReader(data)).Decode(want); err != nil {
				t.Fatal(err)
			}
			if got.Version != want.Version || len(got.Entries) != len(want.Entries) {
				t.Fatalf("version %d, %d entries; go-git: %d, %d", got.Version, len(got.Entries), want.Version, len(want.Entries))
			}
			for i := range want.Entries {
				w, g := *want.Entries[i], *got.Entries[i]
				if !reflect.DeepEqual(w, g) && !(w.Name == g.Name && w.Hash == g.Hash && w.Mode == g.Mode && w.Size == g.Size &&
					w.Stage == g.Stage && w.SkipWorktree == g.SkipWorktree && w.IntentToAdd == g.IntentToAdd && w.ModifiedAt.Equal(g.ModifiedAt)) {
					t.Errorf("entry %d: got %+v, go-git %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseIndexRejectsDamage(t *testing.T) {
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	g.commit("a")
	data, err := os.ReadFile(filepath.Join(g.dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, data[:11], data[:len(data)-1], append(append([]byte{}, data[:20]...), 0xff)} {
		if _, err := parseIndex(bad); err == nil {
			t.Errorf("damaged index of %d bytes accepted", len(bad))
		}
	}
	flipped := bytes.Clone(data)
	flipped[40] ^= 1
	if _, err := parseIndex(flipped); err == nil {
		t.Error("an index with a wrong checksum was accepted")
	}
}
