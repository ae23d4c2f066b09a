package gitwalk

import (
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// decodeWithGoGit is what readCommit falls back to.
func decodeWithGoGit(data []byte) (*object.Commit, error) {
	return object.DecodeCommit(nil, memoryObject(plumbing.CommitObject, data))
}

// checkCommitHeaders fails if parseCommitHeaders accepts data but reads it
// differently from go-git.
func checkCommitHeaders(t *testing.T, data []byte) bool {
	t.Helper()
	c, ok := parseCommitHeaders(data)
	if !ok {
		return false
	}
	g, err := decodeWithGoGit(data)
	if err != nil {
		t.Fatalf("%q: parsed, but go-git says %v", data, err)
	}
	if c.TreeHash != g.TreeHash || !reflect.DeepEqual(c.ParentHashes, g.ParentHashes) ||
		c.Author.Name != g.Author.Name || c.Author.Email != g.Author.Email || !c.Author.When.Equal(g.Author.When) ||
		c.Author.When.Format("-0700") != g.Author.When.Format("-0700") || !c.Committer.When.Equal(g.Committer.When) {
		t.Fatalf("%q:\nparsed %+v %v %+v %+v\ngo-git %+v %v %+v %+v", data, c.TreeHash, c.ParentHashes, c.Author, c.Committer,
			g.TreeHash, g.ParentHashes, g.Author, g.Committer)
	}
	return true
}

const (
	tree1 = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	par1  = "1111111111111111111111111111111111111111"
	par2  = "2222222222222222222222222222222222222222"
)

func TestParseCommitHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		ok         bool
	}{
		{"root", "tree " + tree1 + "\nauthor A U <a@x> 1700000000 +0130\ncommitter C <c@x> 1700000100 -0500\n\nmsg\n", true},
		{"merge", "tree " + tree1 + "\nparent " + par1 + "\nparent " + par2 + "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\ngpgsig -----BEGIN\n x\n\nm", true},
		{"odd signature", "tree " + tree1 + "\nauthor <> \ncommitter no email here\n\n", true},
		{"upper-case id", "tree 4B825DC642CB6EB9A060E54BF8D69288FBEE4904\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n\n", true},
		{"no author", "tree " + tree1 + "\ncommitter C <c@x> 2 +0000\n\n", false},
		{"bad tree", "tree 123\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n", false},
		{"bad parent", "tree " + tree1 + "\nparent zz\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n", false},
		{"header first", "encoding x\ntree " + tree1 + "\n", false},
		{"truncated", "tree " + tree1 + "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkCommitHeaders(t, []byte(tc.data)); got != tc.ok {
				t.Errorf("parsed = %v, want %v", got, tc.ok)
			}
		})
	}
}

func FuzzCommitHeaders(f *testing.F) {
	f.Add([]byte("tree " + tree1 + "\nparent " + par1 + "\nauthor A U <a@x> 1700000000 +0130\ncommitter C <c@x> 1700000100 -0500\n\nmsg\n"))
	f.Add([]byte("tree " + tree1 + "\nauthor <a@x> x\ncommitter C <c@x> 1 +99\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCommitHeaders(t, data)
	})
}
